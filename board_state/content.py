"""Handlers for what people write: stickies, the timeline, five whys, themes and actions.

Same contract as `reducer.py`: validate everything, then mutate, then return the changes.
Authorship is kept on stickies and timeline entries (only their author may edit them, and the
facilitator may remove them) but never leaves the server: see `projection.py`. Five-whys chains,
themes and actions belong to the whole group, so anyone who may write in the phase may edit them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from . import ops as o
from .ballot import not_on_a_secret_ballot, refund_item
from .errors import Rejected
from .limits import MAX_ACTIONS, MAX_CHAINS, MAX_STEPS, MAX_STICKIES, MAX_THEMES, MAX_TIMELINE
from .model import Action, Board, Chain, Sticky, Theme, TimelineEntry, WhyStep
from .util import Change, lookup, normalise_date, normalise_time


class Ctx(NamedTuple):
    actor: str
    now: int
    new_id: str
    role: str


def _limit(count: int, most: int, what: str) -> None:
    if count >= most:
        raise Rejected("limit", f"a board holds at most {most} {what}")


def _visible_sticky(board: Board, sticky_id: str, actor: str) -> Sticky:
    s = board.stickies.get(sticky_id)
    if s is None or (s.hidden and s.author != actor):
        raise Rejected("not_found", "there is no such sticky")
    return s


def _own(author: str, ctx: Ctx, what: str, *, facilitator_may: bool) -> None:
    if author != ctx.actor and not (facilitator_may and ctx.role == "facilitator"):
        raise Rejected("forbidden", f"only the author of a {what} may change it")


# --- stickies --------------------------------------------------------------------------------


def _check_section(board: Board, section: str, ctx: Ctx) -> None:
    if section == "parking_lot":
        raise Rejected("invalid", "questions for the parking lot go through 'park_question'")
    phase = board.current_phase()
    if ctx.role != "facilitator" and phase and phase.sections and section not in phase.sections:
        raise Rejected(
            "wrong_phase",
            f"'{phase.title}' collects " + ", ".join(s.replace("_", " ") for s in phase.sections),
        )


def _add_sticky(board: Board, op: o.AddSticky, ctx: Ctx) -> list[Change]:
    _limit(len(board.stickies), MAX_STICKIES, "stickies")
    _check_section(board, op.section, ctx)
    if op.category is not None and op.section != "contributing":
        raise Rejected("invalid", "only contributing factors have a category")
    phase = board.current_phase()
    hidden = phase is not None and phase.private and not phase.revealed
    board.stickies[ctx.new_id] = Sticky(
        id=ctx.new_id,
        section=op.section,
        text=op.text,
        author=ctx.actor,
        phase_id=phase.id if phase else "",
        created_at=ctx.now,
        category=op.category or ("other" if op.section == "contributing" else None),
        hidden=hidden,
    )
    changes = [Change("sticky", ctx.new_id, ctx.actor if hidden else None)]
    return changes + [Change("board", "")] if hidden else changes


def _park_question(board: Board, op: o.ParkQuestion, ctx: Ctx) -> list[Change]:
    _limit(len(board.stickies), MAX_STICKIES, "stickies")
    board.stickies[ctx.new_id] = Sticky(
        id=ctx.new_id,
        section="parking_lot",
        text=op.text,
        author=ctx.actor,
        phase_id=board.current or "",
        created_at=ctx.now,
    )
    return [Change("sticky", ctx.new_id)]


def _edit_sticky(board: Board, op: o.EditSticky, ctx: Ctx) -> list[Change]:
    s = _visible_sticky(board, op.sticky_id, ctx.actor)
    _own(s.author, ctx, "sticky", facilitator_may=False)
    if op.category is not None and s.section != "contributing":
        raise Rejected("invalid", "only contributing factors have a category")
    if op.text is not None:
        s.text = op.text
    if op.category is not None:
        s.category = op.category
    return [Change("sticky", s.id, s.author if s.hidden else None)]


def _move_sticky(board: Board, op: o.MoveSticky, ctx: Ctx) -> list[Change]:
    s = _visible_sticky(board, op.sticky_id, ctx.actor)
    _own(s.author, ctx, "sticky", facilitator_may=True)
    _check_section(board, op.section, ctx)
    s.section = op.section
    s.category = s.category or "other" if op.section == "contributing" else None
    return [Change("sticky", s.id, s.author if s.hidden else None)]


def _delete_sticky(board: Board, op: o.DeleteSticky, ctx: Ctx) -> list[Change]:
    s = _visible_sticky(board, op.sticky_id, ctx.actor)
    _own(s.author, ctx, "sticky", facilitator_may=True)
    if not s.hidden and s.section != "parking_lot":
        not_on_a_secret_ballot(board, "stickies", "note")
    del board.stickies[s.id]
    if s.hidden:
        # Only the author ever knew this sticky; the others only see the count drop.
        return [Change("sticky", s.id, s.author), Change("board", "")]
    return [Change("sticky", s.id), *refund_item(board, s.id)]


# --- the timeline ----------------------------------------------------------------------------


def _timeline_entry(board: Board, entry_id: str) -> TimelineEntry:
    return lookup(board.timeline, entry_id, "timeline entry")


def _add_timeline_entry(board: Board, op: o.AddTimelineEntry, ctx: Ctx) -> list[Change]:
    _limit(len(board.timeline), MAX_TIMELINE, "timeline entries")
    at = normalise_time(op.at)
    board.timeline[ctx.new_id] = TimelineEntry(
        id=ctx.new_id, at=at, text=op.text, kind=op.kind, author=ctx.actor, created_at=ctx.now
    )
    return [Change("timeline", ctx.new_id)]


def _import_timeline(board: Board, op: o.ImportTimeline, ctx: Ctx) -> list[Change]:
    if len(board.timeline) + len(op.entries) > MAX_TIMELINE:
        raise Rejected(
            "limit",
            f"a board holds at most {MAX_TIMELINE} timeline entries; "
            f"{len(board.timeline)} are there and {len(op.entries)} would be added",
        )
    times = []
    for n, item in enumerate(op.entries, 1):
        try:
            times.append(normalise_time(item.at))
        except Rejected as e:  # name the entry, so the importer can point at its line
            raise Rejected(e.code, f"entry {n}: {e.message}") from None
    changes = []
    for n, (item, at) in enumerate(zip(op.entries, times)):
        # One random base per import; the zero-padded index keeps the file's order among entries
        # with the same time (ids break ties, and "-10" would sort before "-2").
        entry_id = f"{ctx.new_id}-{n:03d}"
        board.timeline[entry_id] = TimelineEntry(
            id=entry_id, at=at, text=item.text, kind=item.kind, author=ctx.actor, created_at=ctx.now
        )
        changes.append(Change("timeline", entry_id))
    return changes


def _edit_timeline_entry(board: Board, op: o.EditTimelineEntry, ctx: Ctx) -> list[Change]:
    e = _timeline_entry(board, op.entry_id)
    _own(e.author, ctx, "timeline entry", facilitator_may=True)
    at = normalise_time(op.at) if op.at is not None else e.at
    e.at = at
    e.text = op.text if op.text is not None else e.text
    e.kind = op.kind if op.kind is not None else e.kind
    return [Change("timeline", e.id)]


def _delete_timeline_entry(board: Board, op: o.DeleteTimelineEntry, ctx: Ctx) -> list[Change]:
    e = _timeline_entry(board, op.entry_id)
    _own(e.author, ctx, "timeline entry", facilitator_may=True)
    del board.timeline[e.id]
    return [Change("timeline", e.id)]


# --- five whys -------------------------------------------------------------------------------


def _chain(board: Board, chain_id: str) -> Chain:
    return lookup(board.chains, chain_id, "five-whys chain")


def _step(chain: Chain, step_id: str) -> WhyStep:
    for step in chain.steps:
        if step.id == step_id:
            return step
    raise Rejected("not_found", "there is no such step in this chain")


def _add_chain(board: Board, op: o.AddChain, ctx: Ctx) -> list[Change]:
    _limit(len(board.chains), MAX_CHAINS, "five-whys chains")
    board.chains[ctx.new_id] = Chain(id=ctx.new_id, problem=op.problem)
    return [Change("chain", ctx.new_id)]


def _edit_chain(board: Board, op: o.EditChain, ctx: Ctx) -> list[Change]:
    c = _chain(board, op.chain_id)
    c.problem = op.problem if op.problem is not None else c.problem
    c.done = op.done if op.done is not None else c.done
    return [Change("chain", c.id)]


def _delete_chain(board: Board, op: o.DeleteChain, ctx: Ctx) -> list[Change]:
    c = _chain(board, op.chain_id)
    del board.chains[c.id]
    return [Change("chain", c.id), *refund_item(board, c.id)]


def _add_why(board: Board, op: o.AddWhy, ctx: Ctx) -> list[Change]:
    c = _chain(board, op.chain_id)
    if len(c.steps) >= MAX_STEPS:
        raise Rejected("limit", f"a chain holds at most {MAX_STEPS} steps")
    c.steps.append(WhyStep(id=ctx.new_id, why=op.why, answer=op.answer))
    return [Change("chain", c.id)]


def _edit_why(board: Board, op: o.EditWhy, ctx: Ctx) -> list[Change]:
    c = _chain(board, op.chain_id)
    step = _step(c, op.step_id)
    step.why = op.why if op.why is not None else step.why
    step.answer = op.answer if op.answer is not None else step.answer
    return [Change("chain", c.id)]


def _delete_why(board: Board, op: o.DeleteWhy, ctx: Ctx) -> list[Change]:
    c = _chain(board, op.chain_id)
    step = _step(c, op.step_id)
    c.steps.remove(step)
    if c.root_step_id == step.id:
        c.root_step_id = None
    return [Change("chain", c.id)]


def _mark_root_cause(board: Board, op: o.MarkRootCause, ctx: Ctx) -> list[Change]:
    c = _chain(board, op.chain_id)
    if op.step_id is not None:
        _step(c, op.step_id)
    c.root_step_id = op.step_id
    c.root_cause = op.cause.strip()
    return [Change("chain", c.id)]


# --- themes ----------------------------------------------------------------------------------


def _theme(board: Board, theme_id: str) -> Theme:
    return lookup(board.themes, theme_id, "theme")


def _add_theme(board: Board, op: o.AddTheme, ctx: Ctx) -> list[Change]:
    _limit(len(board.themes), MAX_THEMES, "themes")
    if not op.name.strip():
        raise Rejected("invalid", "a theme needs a name")
    stickies = [_visible_sticky(board, i, ctx.actor) for i in dict.fromkeys(op.sticky_ids)]
    board.themes[ctx.new_id] = Theme(id=ctx.new_id, name=op.name.strip())
    for s in stickies:
        s.theme_id = ctx.new_id
    return [
        Change("theme", ctx.new_id),
        *(Change("sticky", s.id, s.author if s.hidden else None) for s in stickies),
    ]


def _rename_theme(board: Board, op: o.RenameTheme, ctx: Ctx) -> list[Change]:
    t = _theme(board, op.theme_id)
    if not op.name.strip():
        raise Rejected("invalid", "a theme needs a name")
    t.name = op.name.strip()
    return [Change("theme", t.id)]


def _delete_theme(board: Board, op: o.DeleteTheme, ctx: Ctx) -> list[Change]:
    t = _theme(board, op.theme_id)
    not_on_a_secret_ballot(board, "themes", "theme")
    del board.themes[t.id]
    changes = [Change("theme", t.id)]
    for s in board.stickies.values():
        if s.theme_id == t.id:
            s.theme_id = None
            changes.append(Change("sticky", s.id, s.author if s.hidden else None))
    return changes + refund_item(board, t.id)


def _group(board: Board, op: o.Group, ctx: Ctx) -> list[Change]:
    s = _visible_sticky(board, op.sticky_id, ctx.actor)
    if op.theme_id is not None:
        _theme(board, op.theme_id)
    s.theme_id = op.theme_id
    return [Change("sticky", s.id, s.author if s.hidden else None)]


# --- actions ---------------------------------------------------------------------------------


def _action(board: Board, action_id: str) -> Action:
    return lookup(board.actions, action_id, "action")


def _check_owner(board: Board, owner_id: str | None) -> None:
    if owner_id:
        p = board.participants.get(owner_id)
        if p is None or p.role == "observer":
            raise Rejected("invalid", "an action's owner must be a participant of this board")


def _check_links(board: Board, links: list[str], actor: str) -> None:
    for link in links:
        s = board.stickies.get(link)
        known = link in board.themes or link in board.chains or (s is not None and not s.hidden)
        if not known:
            raise Rejected(
                "not_found", f"an action can link themes, stickies or chains; '{link}' is none"
            )


def _add_action(board: Board, op: o.AddAction, ctx: Ctx) -> list[Change]:
    _limit(len(board.actions), MAX_ACTIONS, "actions")
    _check_owner(board, op.owner_id)
    _check_links(board, op.links, ctx.actor)
    due = normalise_date(op.due, "due date")
    board.actions[ctx.new_id] = Action(
        id=ctx.new_id,
        text=op.text,
        owner_id=op.owner_id or None,
        due=due,
        success=op.success,
        kind=op.kind,
        links=list(dict.fromkeys(op.links)),
        created_at=ctx.now,
    )
    board.action_order.append(ctx.new_id)
    return [Change("action", ctx.new_id), Change("board", "")]


def _edit_action(board: Board, op: o.EditAction, ctx: Ctx) -> list[Change]:
    a = _action(board, op.action_id)
    _check_owner(board, op.owner_id)
    if op.links is not None:
        _check_links(board, op.links, ctx.actor)
    due = normalise_date(op.due, "due date") if op.due is not None else a.due
    if op.owner_id is not None and (op.owner_id or None) != a.owner_id:
        a.owner_id = op.owner_id or None
        a.confirmed = False  # a new owner has not said yes yet
    a.due = due
    for field in ("text", "success", "kind"):
        value = getattr(op, field)
        if value is not None:
            setattr(a, field, value)
    if op.links is not None:
        a.links = list(dict.fromkeys(op.links))
    return [Change("action", a.id)]


def _delete_action(board: Board, op: o.DeleteAction, ctx: Ctx) -> list[Change]:
    a = _action(board, op.action_id)
    not_on_a_secret_ballot(board, "actions", "action")
    del board.actions[a.id]
    board.action_order.remove(a.id)
    return [Change("action", a.id), Change("board", ""), *refund_item(board, a.id)]


def _rank_action(board: Board, op: o.RankAction, ctx: Ctx) -> list[Change]:
    a = _action(board, op.action_id)
    if op.index >= len(board.action_order):
        raise Rejected("invalid", f"rank {op.index} is outside 0..{len(board.action_order) - 1}")
    board.action_order.remove(a.id)
    board.action_order.insert(op.index, a.id)
    return [Change("board", "")]


def _select_action(board: Board, op: o.SelectAction, ctx: Ctx) -> list[Change]:
    a = _action(board, op.action_id)
    a.selected = op.selected
    return [Change("action", a.id)]


def _confirm_owner(board: Board, op: o.ConfirmOwner, ctx: Ctx) -> list[Change]:
    a = _action(board, op.action_id)
    if a.owner_id != ctx.actor:
        raise Rejected("forbidden", "only the action's owner can confirm it")
    a.confirmed = op.confirmed
    return [Change("action", a.id)]


def _set_action_status(board: Board, op: o.SetActionStatus, ctx: Ctx) -> list[Change]:
    a = _action(board, op.action_id)
    if a.owner_id != ctx.actor and ctx.role != "facilitator":
        raise Rejected(
            "forbidden", "only the action's owner or the facilitator can change its status"
        )
    a.status = op.status
    return [Change("action", a.id)]


CONTENT_HANDLERS: dict[type[o.Op], Callable[[Board, Any, Ctx], list[Change]]] = {
    o.AddSticky: _add_sticky,
    o.ParkQuestion: _park_question,
    o.EditSticky: _edit_sticky,
    o.MoveSticky: _move_sticky,
    o.DeleteSticky: _delete_sticky,
    o.AddTimelineEntry: _add_timeline_entry,
    o.ImportTimeline: _import_timeline,
    o.EditTimelineEntry: _edit_timeline_entry,
    o.DeleteTimelineEntry: _delete_timeline_entry,
    o.AddChain: _add_chain,
    o.EditChain: _edit_chain,
    o.DeleteChain: _delete_chain,
    o.AddWhy: _add_why,
    o.EditWhy: _edit_why,
    o.DeleteWhy: _delete_why,
    o.MarkRootCause: _mark_root_cause,
    o.AddTheme: _add_theme,
    o.RenameTheme: _rename_theme,
    o.DeleteTheme: _delete_theme,
    o.Group: _group,
    o.AddAction: _add_action,
    o.EditAction: _edit_action,
    o.DeleteAction: _delete_action,
    o.RankAction: _rank_action,
    o.SelectAction: _select_action,
    o.ConfirmOwner: _confirm_owner,
    o.SetActionStatus: _set_action_status,
}
