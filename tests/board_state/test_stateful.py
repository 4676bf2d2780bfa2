"""Random meetings: a Hypothesis state machine drives ops from every role through the agenda and
checks the core's invariants after each step.

- no voter ever holds more dots in a round than its budget (nor two on one item when single-dot);
- a rejected op changes nothing, byte for byte;
- replaying the log of accepted entries (through its wire encoding) gives a byte-identical board,
  and so does a snapshot taken on the way plus the tail of the log;
- the facilitator can always reveal private writing;
- the spotlight, if any, names an item everyone can see, on a board that is not closed;
- viewers with equal `viewer_key`s get byte-identical events (the server encodes once per key);
- no projection, live (`project` of each accepted op) or whole (`view_for`), shows anyone other
  than its author a hidden sticky's id or text, an author on an anonymous board, or anyone's
  dots but the viewer's own.

Each "scene" (a template and a phase to start in) gets its own share of the examples.
"""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from hindsight.board_state import (
    SYSTEM,
    Board,
    Entry,
    Rejected,
    apply,
    decode_board,
    decode_entry,
    encode_board,
    encode_entry,
    next_deadline,
    on_deadline,
    project,
    replay,
    view_for,
    viewer_key,
)
from hindsight.board_state import ops as o
from hindsight.board_state.protocol import Event, encode
from hindsight.board_state.spotlight import visible_to_all
from hindsight.board_state.templates import TEMPLATES
from hindsight.board_state.views import BoardView, RoundView, StickyView, TimelineView

from .helpers import ALICE, BOB, CAROL, FAC, MIN, OBS, T0

BOARD_ID = "b-prop"
LATE = "u-late"
TIMES = ["2026-08-14T09:12:00Z", "2026-08-14 11:12+02:00", "2026-08-14T09:12", "09:12", "soon"]
ACTS = [  # what someone does next, weighted by repetition
    "write",
    "write",
    "write",
    "write",
    "go_to_phase",
    "go_to_phase",
    "cast_votes",
    "cast_votes",
    "change_sticky",
    "change_sticky",
    "steer",
    "steer_vote",
    "reveal",
    "actions",
    "actions",
    "themes",
    "timeline",
    "five_whys",
    "people_and_settings",
    "client_sends_a_system_op",
    "time_passes",
    "time_passes",
    "deadline_fires",
    "take_snapshot",
    "late_joiner",
    "spotlight",
    "spotlight",
]
BUSY = ["reflection", "themes", "discussion", "vote", "actions", "five_whys"]
# Where a run starts (template, first phase): each scene gets its own share of the examples, so
# every run of the suite explores private writing and voting, not only the lobby.
SCENES: dict[str, tuple[str | None, str | None]] = {
    "private_writing": ("blameless-90", "reflection"),
    "four_columns": ("reflection-4", "reflection"),
    "themes_and_votes": ("reflection-4", "themes"),
    "anywhere": (None, "any"),
}
SECTIONS = [
    "went_well",
    "went_badly",
    "lessons",
    "future",
    "ongoing",
    "contributing",
    "parking_lot",
]


class Meeting(RuleBasedStateMachine):
    board: Board
    people: list[str]

    # --- set-up and plumbing -------------------------------------------------------------------

    def __init__(self, scene: str = "anywhere") -> None:
        super().__init__()
        self.scene = SCENES[scene]

    @initialize(data=st.data())
    def create(self, data: st.DataObject) -> None:
        """A board with its people, in the lobby or already in one of its phases."""
        template, start = self.scene
        template = template or data.draw(st.sampled_from(sorted(TEMPLATES)), label="template")
        if start == "any":
            start = data.draw(st.sampled_from([None, *BUSY, "timeline"]), label="start")
        anonymity = data.draw(st.sampled_from(["anonymous", "named"]), label="anonymity")
        carol = data.draw(st.booleans(), label="carol")
        self.board = Board(id=BOARD_ID)
        self.log: list[bytes] = []
        self.now = T0
        self.counter = itertools.count(1)
        self.snapshot: tuple[bytes, int] | None = None
        self.people = [FAC, ALICE, BOB, *([CAROL] if carol else []), OBS]
        self.accept(
            SYSTEM,
            o.CreateBoard(template=template, anonymity=anonymity, facilitator_name="Fran"),
            new_id=FAC,
        )
        for pid in self.people[1:]:
            role = "observer" if pid == OBS else "participant"
            self.accept(SYSTEM, o.Join(name=pid[2:].title(), role=role), new_id=pid)
        phase = next((p for p in self.board.agenda if p.kind == start), None)
        if phase is not None:
            self.accept(FAC, o.GoToPhase(phase_id=phase.id))

    def fresh(self, prefix: str) -> str:
        """Ids (N...) and texts (T...) are unique and never substrings of one another."""
        return f"{prefix}{next(self.counter):06d}"

    def accept(self, actor: str, op: o.Op, *, new_id: str | None = None) -> None:
        assert self.submit(actor, op, new_id=new_id), op

    def submit(self, actor: str, op: o.Op, *, new_id: str | None = None) -> bool:
        """Apply like the server does; check the refusal or the projections; log what passed."""
        board = self.board
        new_id = new_id or self.fresh("N")
        before = encode_board(board)
        hidden_before = hidden(board)
        try:
            applied = apply(board, op, actor=actor, now=self.now, new_id=new_id)
        except Rejected:
            assert encode_board(board) == before, f"rejected {op} changed the board"
            return False
        entry = Entry(seq=len(self.log) + 1, actor=actor, at=self.now, new_id=new_id, op=op)
        self.log.append(encode_entry(entry))
        # Secret: what is hidden now, and what was hidden and is gone (edited or deleted).
        secrets = hidden(board)
        for sid, secret in hidden_before.items():
            if sid not in board.stickies or board.stickies[sid].hidden:
                secrets[f"{sid}/before"] = secret
        frames: dict[tuple[object, ...], tuple[str, bytes]] = {}
        for viewer in [*board.participants, "", "u-stranger"]:
            views = project(applied.changes, board, viewer)
            frame = encode(Event(seq=entry.seq, at=entry.at, changes=views))
            if viewer in board.participants:
                check_views(board, viewer, views, frame, secrets)
            # The server encodes once per viewer key: equal keys must mean equal frames.
            first = frames.setdefault(viewer_key(applied.changes, board, viewer), (viewer, frame))
            assert first[1] == frame, f"{first[0]!r} and {viewer!r} share a key, not a view"
        return True

    def pick(self, data: st.DataObject, good: Any, pool: Any = (), junk: str = "N-missing") -> str:
        """Mostly one of `good` (likely to be accepted), sometimes anything in `pool`, rarely an
        id that does not exist."""
        return data.draw(st.sampled_from(sorted(good) * 4 + sorted(pool) + [junk]))

    def anyone(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(self.people))

    def writer(self, data: st.DataObject) -> str:
        """Mostly someone who may write (the facilitator, participants), sometimes anyone."""
        writers = [p for p in self.people if self.board.role_of(p) == "participant"]
        writers.append(self.board.facilitator)
        return data.draw(st.sampled_from(writers * 3 + self.people))

    def mostly_facilitator(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from([self.board.facilitator] * 3 + self.people))

    def text(self) -> str:
        return self.fresh("T")

    def visible_to(self, actor: str, *, own: bool = False) -> list[str]:
        return [
            sid
            for sid, s in self.board.stickies.items()
            if (s.author == actor if own else not s.hidden or s.author == actor)
        ]

    # --- the one rule ----------------------------------------------------------------------
    # `act` picks what happens next, with weights, so that every run mixes steering, writing,
    # voting and planning. (With one rule per kind, Hypothesis switches whole rules off for a run,
    # and most runs then had nothing to edit, vote on or reveal.)

    @rule(data=st.data())
    def act(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(ACTS), label="act")
        getattr(self, name)(data)

    # --- time and the agenda ----------------------------------------------------------------

    def time_passes(self, data: st.DataObject) -> None:
        self.now += data.draw(st.integers(0, 8 * MIN), label="ms")

    def deadline_fires(self, data: st.DataObject) -> None:
        due = next_deadline(self.board)
        op = on_deadline(self.board, self.now)
        assert (op is not None) == (due is not None and due <= self.now)
        if op is not None:
            self.accept(SYSTEM, op)

    def go_to_phase(self, data: st.DataObject) -> None:
        """Mostly to a phase where people write, vote or plan, sometimes anywhere."""
        start = data.draw(st.booleans())
        agenda = self.board.agenda
        busy = [p.id for p in agenda if p.kind in BUSY] + [p.id for p in agenda if p.private]
        phase = self.pick(data, busy, [p.id for p in agenda], junk="p99")
        self.submit(self.mostly_facilitator(data), o.GoToPhase(phase_id=phase, start_timer=start))

    def steer(self, data: st.DataObject) -> None:
        """Agenda and timer ops, mostly on the current phase."""
        b = self.board
        phase = self.pick(data, [b.current] if b.current else [], [p.id for p in b.agenda], "p99")
        op = data.draw(
            st.sampled_from(
                [
                    o.AdvancePhase(),
                    o.AdvancePhase(start_timer=False),
                    o.GoBack(),
                    o.StartTimer(),
                    o.StartTimer(restart=True),
                    o.PauseTimer(),
                    o.ResumeTimer(),
                    o.ExtendTimer(minutes=1),
                    o.EditPhase(phase_id=phase, minutes=1),
                    o.EditPhase(phase_id=phase, private=True),
                    o.EditPhase(phase_id=phase, private=False),
                    o.AddPhase(kind="reflection", title="Again", private=True, index=0),
                    o.MovePhase(phase_id=phase, index=1),
                    o.RemovePhase(phase_id=phase),
                    o.TimeboxExpired(phase_id=phase),
                ]
            )
        )
        actor = SYSTEM if isinstance(op, o.TimeboxExpired) else self.mostly_facilitator(data)
        self.submit(actor, op)

    def reveal(self, data: st.DataObject) -> None:
        """Mostly a phase with private writing in it (if none has any yet: write some)."""
        b = self.board
        waiting = {s.phase_id for s in b.stickies.values() if s.hidden}
        if not waiting:
            self.write(data)
            return
        phase = self.pick(data, waiting, [p.id for p in b.agenda])
        self.submit(self.mostly_facilitator(data), o.Reveal(phase_id=phase))

    # --- what people write -----------------------------------------------------------------

    def write(self, data: st.DataObject) -> None:
        """A burst of writing: stickies in (mostly) the sections of the phase, or a question."""
        n = data.draw(st.integers(1, 3))
        phase = self.board.current_phase()
        usual = phase.sections if phase and phase.sections else ["went_well"]
        for _ in range(n):
            section = data.draw(st.sampled_from(usual * 3 + SECTIONS))
            category = data.draw(st.sampled_from([None, None, "monitoring"]))
            op = data.draw(
                st.sampled_from(
                    [
                        o.AddSticky(section=section, text=self.text(), category=category),
                        o.AddSticky(section=section, text=self.text()),
                        o.AddSticky(section=section, text=self.text()),
                        o.ParkQuestion(text=self.text()),
                    ]
                )
            )
            self.submit(self.writer(data), op)

    def change_sticky(self, data: st.DataObject) -> None:
        actor = self.writer(data)
        sid = self.pick(data, self.visible_to(actor, own=True), self.board.stickies)
        theme = self.pick(data, self.board.themes)
        op = data.draw(
            st.sampled_from(
                [
                    o.EditSticky(sticky_id=sid, text=self.text()),
                    o.EditSticky(sticky_id=sid, category="testing"),
                    o.MoveSticky(sticky_id=sid, section=data.draw(st.sampled_from(SECTIONS))),
                    o.DeleteSticky(sticky_id=sid),
                    o.DeleteSticky(sticky_id=sid),
                    o.Group(sticky_id=sid, theme_id=theme),
                    o.Group(sticky_id=sid),
                ]
            )
        )
        self.submit(actor, op)

    def timeline(self, data: st.DataObject) -> None:
        actor = self.writer(data)
        own = [
            e.id
            for e in self.board.timeline.values()
            if e.author == actor or actor == self.board.facilitator
        ]
        eid = self.pick(data, own, self.board.timeline)
        at = data.draw(st.sampled_from(TIMES))
        op = data.draw(
            st.sampled_from(
                [
                    o.AddTimelineEntry(at=at, text=self.text(), kind="signal"),
                    o.EditTimelineEntry(entry_id=eid, at=at, text=self.text()),
                    o.DeleteTimelineEntry(entry_id=eid),
                ]
            )
        )
        self.submit(actor, op)

    def five_whys(self, data: st.DataObject) -> None:
        b = self.board
        if not b.chains:
            self.submit(self.writer(data), o.AddChain(problem=self.text()))
            return
        cid = self.pick(data, b.chains)
        step = self.pick(data, [s.id for s in b.chains[cid].steps] if cid in b.chains else [])
        op = data.draw(
            st.sampled_from(
                [
                    o.AddChain(problem=self.text()),
                    o.EditChain(chain_id=cid, done=True),
                    o.DeleteChain(chain_id=cid),
                    o.AddWhy(chain_id=cid, why=self.text()),
                    o.AddWhy(chain_id=cid, why=self.text()),
                    o.EditWhy(chain_id=cid, step_id=step, answer=self.text()),
                    o.DeleteWhy(chain_id=cid, step_id=step),
                    o.MarkRootCause(chain_id=cid, step_id=step, cause=self.text()),
                ]
            )
        )
        self.submit(self.writer(data), op)

    def themes(self, data: st.DataObject) -> None:
        b = self.board
        actor = self.writer(data)
        tid = self.pick(data, b.themes)
        members = data.draw(
            st.lists(
                st.sampled_from(self.visible_to(actor) * 4 + sorted(b.stickies) + ["N-missing"]),
                max_size=3,
            )
        )
        op = data.draw(
            st.sampled_from(
                [
                    o.AddTheme(name=self.text(), sticky_ids=members),
                    o.AddTheme(name=self.text(), sticky_ids=members),
                    o.RenameTheme(theme_id=tid, name=self.text()),
                    o.DeleteTheme(theme_id=tid),
                ]
            )
        )
        self.submit(actor, op)

    # --- voting ----------------------------------------------------------------------------

    def steer_vote(self, data: st.DataObject) -> None:
        b = self.board
        rid = self.pick(data, [r.id for r in b.rounds.values() if r.state != "revealed"], b.rounds)
        stocked = [
            t
            for t, items in (
                ("stickies", self.votable("stickies")),
                ("themes", b.themes),
                ("actions", b.actions),
            )
            if items
        ]
        target = data.draw(st.sampled_from(stocked * 3 + ["stickies", "themes", "actions"]))
        budget = data.draw(st.sampled_from([1, 2, 3, None]))
        opening = o.OpenVote(target=target, budget=budget, multi=data.draw(st.booleans()))
        later = [o.CloseVote(round_id=rid), o.RevealVote(round_id=rid)]
        op = data.draw(st.sampled_from(later if b.open_round() else [opening] * 3 + later))
        self.submit(self.mostly_facilitator(data), op)

    def cast_votes(self, data: st.DataObject) -> None:
        """One voter's burst of dots (and a few taken back), mostly on items of the open round."""
        b = self.board
        r = b.open_round()
        if r is None:
            self.steer_vote(data)
            return
        if not self.votable(r.target):  # make something to vote on instead
            getattr(self, data.draw(st.sampled_from(["write", "go_to_phase", "reveal"])))(data)
            return
        voter = self.writer(data)
        pool: Any = {"themes": b.themes, "actions": b.actions}.get(r.target, b.stickies)
        for _ in range(data.draw(st.integers(1, 6))):
            if data.draw(st.integers(0, 3)):
                op: o.Op = o.CastVote(
                    round_id=r.id, item_id=self.pick(data, self.votable(r.target), pool)
                )
            else:
                op = o.Unvote(round_id=r.id, item_id=self.pick(data, r.votes.get(voter, {}), pool))
            self.submit(voter, op)

    def votable(self, target: str) -> list[str]:
        b = self.board
        if target != "stickies":
            return list(b.themes if target == "themes" else b.actions)
        return [i for i, s in b.stickies.items() if not s.hidden and s.section != "parking_lot"]

    # --- actions, people, settings ---------------------------------------------------------

    def actions(self, data: st.DataObject) -> None:
        b = self.board
        actor = self.writer(data)
        aid = self.pick(data, b.actions)
        mine = self.pick(data, [a.id for a in b.actions.values() if a.owner_id == actor], b.actions)
        owner = data.draw(st.sampled_from(self.people + [actor, actor, ""]))
        links = data.draw(
            st.lists(
                st.sampled_from(
                    self.visible_to(actor) + sorted(b.themes) + sorted(b.chains) + ["N-missing"]
                ),
                max_size=2,
            )
        )
        op = data.draw(
            st.sampled_from(
                [
                    o.AddAction(text=self.text(), owner_id=owner or None, links=links),
                    o.AddAction(text=self.text(), owner_id=owner or None),
                    o.EditAction(action_id=aid, owner_id=owner),
                    o.EditAction(action_id=aid, links=links),
                    o.EditAction(action_id=aid, due="2026-09-01"),
                    o.DeleteAction(action_id=aid),
                    o.RankAction(action_id=aid, index=0),
                    o.SelectAction(action_id=aid),
                    o.ConfirmOwner(action_id=mine),
                    o.SetActionStatus(action_id=mine, status="done"),
                ]
            )
        )
        self.submit(actor, op)

    def people_and_settings(self, data: st.DataObject) -> None:
        op = data.draw(
            st.sampled_from(
                [
                    o.Rename(name=self.text()),
                    o.HandOver(participant_id=self.anyone(data)),
                    o.EditSettings(anonymity="named"),
                    o.EditSettings(anonymity="anonymous"),
                    o.EditSettings(dot_budget=2),
                    o.EditHeader(summary=self.text(), started_at="09:00"),
                    o.EditHeader(detected_at="2026-08-14T09:20:00+02:00"),
                ]
            )
        )
        self.submit(self.mostly_facilitator(data), op)

    def spotlight(self, data: st.DataObject) -> None:
        """The facilitator (mostly) puts an item in focus: any sticky, hidden ones included
        (refused), or a timeline entry, chain, theme or action; sometimes clears it."""
        b = self.board
        pools: dict[str, Any] = {
            "sticky": b.stickies,
            "timeline": b.timeline,
            "chain": b.chains,
            "theme": b.themes,
            "action": b.actions,
        }
        kind = data.draw(st.sampled_from([*sorted(pools), "sticky", None]), label="kind")
        item = self.pick(data, pools[kind]) if kind is not None else None
        self.submit(self.mostly_facilitator(data), o.Spotlight(kind=kind, item_id=item))

    def client_sends_a_system_op(self, data: st.DataObject) -> None:
        op = data.draw(
            st.sampled_from(
                [
                    o.CreateBoard(),
                    o.Join(name="Mallory"),
                    o.TimeboxExpired(phase_id=self.board.current or "p1"),
                ]
            )
        )
        assert not self.submit(self.anyone(data), op)

    def late_joiner(self, data: st.DataObject) -> None:
        if LATE not in self.people:
            self.accept(SYSTEM, o.Join(name="Late"), new_id=LATE)
            self.people.append(LATE)

    def take_snapshot(self, data: st.DataObject) -> None:
        self.snapshot = (encode_board(self.board), len(self.log))

    # --- invariants ----------------------------------------------------------------------------

    @invariant()
    def dots_stay_within_budget(self) -> None:
        for r in self.board.rounds.values():
            for dots in r.votes.values():
                assert dots and all(n > 0 for n in dots.values())
                assert sum(dots.values()) <= r.budget
                assert r.multi or max(dots.values()) == 1

    @invariant()
    def replay_is_byte_identical(self) -> None:
        entries = [decode_entry(e) for e in self.log]
        current = encode_board(self.board)
        assert encode_board(replay(BOARD_ID, entries)) == current
        if self.snapshot is not None:
            state, upto = self.snapshot
            resumed = replay(BOARD_ID, entries[upto:], board=decode_board(state))
            assert encode_board(resumed) == current

    @invariant()
    def private_writing_can_always_be_revealed(self) -> None:
        for phase_id in {s.phase_id for s in self.board.stickies.values() if s.hidden}:
            probe = decode_board(encode_board(self.board))
            apply(
                probe,
                o.Reveal(phase_id=phase_id),
                actor=probe.facilitator,
                now=self.now,
                new_id="N-probe",
            )
            assert not any(s.hidden for s in probe.stickies.values() if s.phase_id == phase_id)

    @invariant()
    def spotlight_names_an_item_everyone_sees(self) -> None:
        ref = self.board.spotlight
        if ref is not None:
            assert self.board.closed_at is None
            assert visible_to_all(self.board, ref.kind, ref.id), ref

    @invariant()
    def whole_views_leak_nothing(self) -> None:
        secrets = hidden(self.board)
        for viewer in self.board.participants:
            view = view_for(self.board, viewer)
            views: list[Any] = [*view.stickies, *view.timeline, *view.rounds]
            check_views(self.board, viewer, views, encode(view), secrets)
            check_whole_view(self.board, viewer, view)


class Secret(NamedTuple):
    id: str
    author: str
    text: str


def hidden(board: Board) -> dict[str, Secret]:
    """Copies (stickies are mutable) of the hidden stickies' id, author and text."""
    return {sid: Secret(sid, s.author, s.text) for sid, s in board.stickies.items() if s.hidden}


def check_views(
    board: Board, viewer: str, views: list[Any], frame: bytes, secrets: dict[str, Secret]
) -> None:
    for key, s in secrets.items():
        if s.author != viewer:
            assert s.id.encode() not in frame, f"{viewer} learnt of hidden sticky {key}"
            assert s.text.encode() not in frame, f"{viewer} read hidden sticky {key}"
    for v in views:
        if isinstance(v, (StickyView, TimelineView)):
            items: Any = board.stickies if isinstance(v, StickyView) else board.timeline
            item = items.get(v.id)
            assert item is not None
            assert v.mine == (item.author == viewer)
            if board.settings.anonymity == "anonymous":
                assert v.author is None
            else:
                assert v.author == board.participants[item.author].name
        if isinstance(v, StickyView):
            assert v.hidden == board.stickies[v.id].hidden
        if isinstance(v, RoundView):
            r = board.rounds[v.id]
            assert v.mine == r.votes.get(viewer, {})  # your own dots, no one else's
            assert (v.totals is not None) == (r.state == "revealed")


def check_whole_view(board: Board, viewer: str, view: BoardView) -> None:
    visible = {sid for sid, s in board.stickies.items() if not s.hidden or s.author == viewer}
    assert {s.id for s in view.stickies} == visible
    counts = {p.id: p.private_count for p in view.board.agenda}
    for p in board.agenda:
        assert counts[p.id] == sum(
            1 for s in board.stickies.values() if s.hidden and s.phase_id == p.id
        )


@pytest.mark.parametrize("scene", sorted(SCENES))
def test_random_meetings_keep_the_invariants(scene: str) -> None:
    run_state_machine_as_test(
        lambda: Meeting(scene),
        settings=settings(
            max_examples=20,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
