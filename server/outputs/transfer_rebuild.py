"""Rebuilding a board from an export document with ordinary ops (see transfer.py)."""

from __future__ import annotations

import asyncio

import msgspec

from hindsight.board_state import SYSTEM, Rejected
from hindsight.board_state import ops as o
from hindsight.board_state.model import Role
from hindsight.server.outputs.transfer_doc import (
    DocBoard,
    DocEntry,
    DocSticky,
    Invalid,
)
from hindsight.server.outputs.transfer_targets import Labelled, Target

TIMELINE_CHUNK = 500  # entries per ImportTimeline op (the op's own limit)

# --- import: the rebuild ---------------------------------------------------------------------


class Rebuild:
    """Replays a document into a target as its facilitator, mapping old ids to new ones."""

    def __init__(self, target: Target, doc: DocBoard) -> None:
        self.t, self.doc = target, doc
        self.fac = target.facilitator
        self.ids: dict[str, str] = {}  # old sticky/theme/chain/step id -> new
        self.pids: dict[str, str] = {}  # old participant id -> new
        self.people: list[dict[str, str]] = []  # re-created participants, with credentials
        self.by_name: dict[str, str] = {}  # display name -> new participant id (authors)

    async def op(self, label: str, op: o.Op, actor: str | None = None) -> None:
        await self.t.submit(actor or self.fac, [(label, op)])

    async def new(self, ops: Labelled, actor: str | None = None) -> list[str]:
        """Send ops that each create one thing; return the new things' ids, in op order (from
        the ops' receipts)."""
        return [ids[0] for ids in await self.t.submit(actor or self.fac, ops)]

    def ref(self, where: str, old: str, what: str, ids: dict[str, str] | None = None) -> str:
        new = (self.ids if ids is None else ids).get(old)
        if new is None:
            raise Invalid(f"{where}: {what} '{old}' is not in the export")
        return new

    async def run(self) -> None:
        m = self.doc.board
        h = m.header
        await self.t.submit(
            self.fac,
            [
                (
                    "settings",
                    o.EditSettings(dot_budget=m.settings.dot_budget, nudges=m.settings.nudges),
                ),
                (
                    "header",
                    o.EditHeader(
                        title=h.title,
                        severity=h.severity,
                        started_at=h.started_at,
                        detected_at=h.detected_at,
                        resolved_at=h.resolved_at,
                        users_affected=h.impact.users_affected,
                        duration=h.impact.duration,
                        cost=h.impact.cost,
                        impact_notes=h.impact.notes,
                        impact_rows=h.impact.rows,
                        learning_question=h.learning_question,
                        summary=h.summary,
                        communications=h.communications,
                        regulatory=h.regulatory,
                        sign_off=h.sign_off,
                    ),
                ),
                *([("tags", o.SetTags(tags=h.tags))] if h.tags else []),
            ],
        )
        await self.agenda()
        await self.participants()
        await self.writing()
        await self.chains()
        await self.themes()
        await self.actions()
        if m.closed_at is not None:
            await self.op("closing", o.CloseMeeting())  # last: it makes the content final

    async def agenda(self) -> None:
        """Keep the template's phases that match the export in order, edit them to match,
        remove the rest and add what is missing where it belongs. Sections cannot be edited,
        so a phase matches only with the same kind and sections."""
        agenda = self.doc.board.agenda
        if agenda is None:
            return
        current = await self.t.look(lambda b: [msgspec.structs.replace(p) for p in b.agenda])
        matched: dict[int, str] = {}  # export index -> phase id
        k = 0
        for i, want in enumerate(agenda):
            for j in range(k, len(current)):
                if current[j].kind == want.kind and current[j].sections == want.sections:
                    matched[i], k = current[j].id, j + 1
                    break
        await self.t.submit(
            self.fac,
            [
                (f"agenda: removing '{p.title}'", o.RemovePhase(phase_id=p.id))
                for p in current
                if p.id not in matched.values()
            ],
        )
        for i, want in enumerate(agenda):
            where = f"agenda phase {i + 1}"
            if i in matched:
                [have] = [p for p in current if p.id == matched[i]]
                changed = {
                    f: getattr(want, f)
                    for f in ("title", "prompt", "minutes", "private")
                    if getattr(have, f) != getattr(want, f)
                }
                if changed:
                    await self.op(where, o.EditPhase(phase_id=have.id, **changed))
                phase_id = have.id
            else:
                [phase_id] = await self.new(
                    [
                        (
                            where,
                            o.AddPhase(
                                kind=want.kind,
                                title=want.title,
                                prompt=want.prompt,
                                minutes=want.minutes,
                                private=want.private,
                                sections=want.sections,
                                index=i,
                            ),
                        )
                    ]
                )
            if want.private and want.revealed:
                await self.op(where, o.Reveal(phase_id=phase_id))

    async def participants(self) -> None:
        """Everyone who attended comes back under their name, with a fresh credential (old
        ones never leave their server). The facilitator is the importing person."""
        others = [p for p in self.doc.participants if p.id != self.doc.board.facilitator]
        roles: list[Role] = ["observer" if p.role == "observer" else "participant" for p in others]
        try:
            made = await self.t.join([(p.name, role) for p, role in zip(others, roles)])
        except Rejected as e:
            raise Rejected(e.code, f"participants: {e.message}") from None
        for p in self.doc.participants:
            if p.id == self.doc.board.facilitator:
                self.pids[p.id] = self.fac
                self.by_name.setdefault(p.name, self.fac)
        for p, role, (pid, cred) in zip(others, roles, made):
            self.pids[p.id] = pid
            if role == "participant":
                self.by_name.setdefault(p.name, pid)
            self.people.append(
                {
                    "name": p.name,
                    "participant_id": pid,
                    "credential": cred,
                    "role": role,
                    "old_id": p.id,
                }
            )

    def _writer(self, author: str | None) -> str:
        """Who writes an item: its author on a named board (where names are shown), else the
        facilitator (on an anonymous board nobody sees authors, so none is invented)."""
        if self.doc.board.settings.anonymity != "named" or not author:
            return self.fac
        return self.by_name.get(author, self.fac)

    async def writing(self) -> None:
        """Timeline and stickies, author by author, with the server's own op for an import's
        writing: it writes as the author named in it, in any phase (people may not write
        notes in the lobby, where a new board is), so nobody's role changes on the way."""
        groups: dict[str, tuple[list[DocEntry], list[tuple[int, DocSticky]]]] = {}
        for e in self.doc.timeline:
            groups.setdefault(self._writer(e.author), ([], []))[0].append(e)
        for n, s in enumerate(self.doc.stickies, 1):
            groups.setdefault(self._writer(s.author), ([], []))[1].append((n, s))
        for writer, (entries, stickies) in groups.items():
            ops: Labelled = [
                (
                    "timeline",
                    o.RestoreWriting(
                        author=writer,
                        entries=[
                            o.TimelineItem(at=e.at, text=e.text, kind=e.kind)
                            for e in entries[start : start + TIMELINE_CHUNK]
                        ],
                    ),
                )
                for start in range(0, len(entries), TIMELINE_CHUNK)
            ]
            ops += [
                (
                    f"sticky {n}",
                    o.RestoreWriting(
                        author=writer,
                        notes=[o.RestoredNote(section=s.section, text=s.text, category=s.category)],
                    ),
                )
                for n, s in stickies
            ]
            made = await self.t.submit(SYSTEM, ops)
            notes = made[len(made) - len(stickies) :]  # after the timeline's chunks
            self.ids.update((s.id, ids[0]) for (_, s), ids in zip(stickies, notes))

    async def chains(self) -> None:
        chains = self.doc.chains
        made = await self.new(
            [
                (f"five-whys chain {n}", o.AddChain(problem=c.problem))
                for n, c in enumerate(chains, 1)
            ]
        )
        self.ids.update(zip((c.id for c in chains), made))
        # Steps level by level (every chain's first why, then every second...): each batch
        # adds at most one step per chain, so each chain's steps keep their order.
        for level in range(max((len(c.steps) for c in chains), default=0)):
            here = [
                (n, c, chain_id)
                for n, (c, chain_id) in enumerate(zip(chains, made), 1)
                if level < len(c.steps)
            ]
            steps = await self.new(
                [
                    (
                        f"five-whys chain {n}",
                        o.AddWhy(
                            chain_id=cid, why=c.steps[level].why, answer=c.steps[level].answer
                        ),
                    )
                    for n, c, cid in here
                ]
            )
            self.ids.update(zip((c.steps[level].id for _, c, _ in here), steps))
        ops: Labelled = []
        for n, (c, chain_id) in enumerate(zip(chains, made), 1):
            where = f"five-whys chain {n}"
            if c.root_step_id is not None or c.root_cause:
                root = self.ref(where, c.root_step_id, "step") if c.root_step_id else None
                ops.append(
                    (where, o.MarkRootCause(chain_id=chain_id, step_id=root, cause=c.root_cause))
                )
            if c.done:
                ops.append((where, o.EditChain(chain_id=chain_id, done=True)))
        await self.t.submit(self.fac, ops)

    async def themes(self) -> None:
        known = {t.id for t in self.doc.themes}
        for n, s in enumerate(self.doc.stickies, 1):
            if s.theme_id is not None and s.theme_id not in known:
                raise Invalid(f"sticky {n}: theme '{s.theme_id}' is not in the export")
        made = await self.new(
            [
                (
                    f"theme {n}",
                    o.AddTheme(
                        name=t.name,
                        sticky_ids=[
                            self.ids[s.id] for s in self.doc.stickies if s.theme_id == t.id
                        ],
                    ),
                )
                for n, t in enumerate(self.doc.themes, 1)
            ]
        )
        self.ids.update(zip((t.id for t in self.doc.themes), made))

    async def actions(self) -> None:
        """In the exported rank order: adding appends to the ranking, so order is restored."""
        rank = {a: i for i, a in enumerate(self.doc.board.action_order)}
        ordered = sorted(
            enumerate(self.doc.actions, 1), key=lambda na: (rank.get(na[1].id, len(rank)), na[0])
        )
        owners = [
            self.ref(f"action {n}", a.owner_id, "owner", self.pids) if a.owner_id else None
            for n, a in ordered
        ]
        made = await self.new(
            [
                (
                    f"action {n}",
                    o.AddAction(
                        text=a.text,
                        owner_id=owner,
                        due=a.due,
                        success=a.success,
                        kind=a.kind,
                        links=[self.ref(f"action {n}", link, "linked item") for link in a.links],
                    ),
                )
                for (n, a), owner in zip(ordered, owners)
            ]
        )
        follow_up: Labelled = []
        confirms: dict[str, Labelled] = {}
        for (n, a), owner, action_id in zip(ordered, owners, made):
            if a.selected:
                follow_up.append((f"action {n}", o.SelectAction(action_id=action_id)))
            if a.status != "open":
                follow_up.append(
                    (f"action {n}", o.SetActionStatus(action_id=action_id, status=a.status))
                )
            if a.confirmed and owner:  # the owner's own yes, restored as they gave it
                confirms.setdefault(owner, []).append(
                    (f"action {n}", o.ConfirmOwner(action_id=action_id))
                )
        await self.t.submit(self.fac, follow_up)
        await asyncio.gather(*(self.t.submit(owner, ops) for owner, ops in confirms.items()))


def notes_of(doc: DocBoard) -> list[str]:
    notes = []
    if doc.rounds:
        notes.append(
            f"{len(doc.rounds)} voting round(s) were not recreated: votes are never "
            "exported by person; revealed totals stay in the export file"
        )
    unrevealed = sum(p.private_count for p in doc.board.agenda or [])
    if unrevealed:
        notes.append(
            f"{unrevealed} private note(s) never revealed were not exported: only "
            "their authors ever saw them"
        )
    if doc.board.current is not None:
        notes.append(
            "the meeting starts in the lobby: the current phase and the timers' "
            "history were not carried over"
        )
    if doc.board.settings.anonymity == "named":
        notes.append("notes and timeline entries keep their authors' names")
    else:
        notes.append(
            "the board is anonymous: notes and timeline entries were added by the "
            "new facilitator, and nobody is shown as their author"
        )
    notes.append(
        "every participant was re-created with a new credential; old links do not "
        "open the new board"
    )
    if doc.board.closed_at is not None:
        notes.append("the meeting was closed, so the new board is closed too")
    return notes
