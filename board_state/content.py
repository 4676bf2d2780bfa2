"""Handlers for what people write: stickies (and parking-lot questions) and the timeline.

Same contract as `reducer.py`: validate everything, then mutate, then return the changes.
Authorship is kept on stickies and timeline entries (only their author may edit them, and the
facilitator may remove them) but never leaves the server: see `projection.py`. What the group
builds from the writing belongs to everyone: five-whys chains and themes are `analysis.py`'s,
actions `action_items.py`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import ops as o
from .ballot import not_on_a_secret_ballot, refund_item
from .errors import Rejected
from .limits import MAX_STICKIES, MAX_TIMELINE
from .model import Board, Sticky, TimelineEntry
from .util import Change, Ctx, check_limit, lookup, normalise_time


def visible_sticky(board: Board, sticky_id: str, actor: str) -> Sticky:
    """The sticky, unless it does not exist or is private writing of someone other than `actor`
    (then `not_found`, so a hidden sticky's existence does not leak)."""
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
    check_limit(len(board.stickies), MAX_STICKIES, "stickies")
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
    check_limit(len(board.stickies), MAX_STICKIES, "stickies")
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
    s = visible_sticky(board, op.sticky_id, ctx.actor)
    _own(s.author, ctx, "sticky", facilitator_may=False)
    if op.category is not None and s.section != "contributing":
        raise Rejected("invalid", "only contributing factors have a category")
    if op.text is not None:
        s.text = op.text
    if op.category is not None:
        s.category = op.category
    return [Change("sticky", s.id, s.author if s.hidden else None)]


def _move_sticky(board: Board, op: o.MoveSticky, ctx: Ctx) -> list[Change]:
    s = visible_sticky(board, op.sticky_id, ctx.actor)
    _own(s.author, ctx, "sticky", facilitator_may=True)
    _check_section(board, op.section, ctx)
    s.section = op.section
    s.category = s.category or "other" if op.section == "contributing" else None
    return [Change("sticky", s.id, s.author if s.hidden else None)]


def _delete_sticky(board: Board, op: o.DeleteSticky, ctx: Ctx) -> list[Change]:
    s = visible_sticky(board, op.sticky_id, ctx.actor)
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
    check_limit(len(board.timeline), MAX_TIMELINE, "timeline entries")
    at = normalise_time(op.at)
    board.timeline[ctx.new_id] = TimelineEntry(
        id=ctx.new_id, at=at, text=op.text, kind=op.kind, author=ctx.actor, created_at=ctx.now
    )
    return [Change("timeline", ctx.new_id)]


def batch_ids(base: str, n: int) -> tuple[str, ...]:
    """The ids of what one op makes many of: one random base, and a zero-padded index that keeps
    the batch's order among entries with the same time (ids break ties; "-10" would sort
    before "-2")."""
    return tuple(f"{base}-{i:03d}" for i in range(n))


def _timeline_times(board: Board, items: list[o.TimelineItem]) -> list[str]:
    """Every item's normalised time, once the board is known to have room for them all."""
    if len(board.timeline) + len(items) > MAX_TIMELINE:
        raise Rejected(
            "limit",
            f"a board holds at most {MAX_TIMELINE} timeline entries; "
            f"{len(board.timeline)} are there and {len(items)} would be added",
        )
    times = []
    for n, item in enumerate(items, 1):
        try:
            times.append(normalise_time(item.at))
        except Rejected as e:  # name the entry, so the importer can point at its line
            raise Rejected(e.code, f"entry {n}: {e.message}") from None
    return times


def _put_timeline(
    board: Board, items: list[o.TimelineItem], ids: tuple[str, ...], author: str, ctx: Ctx
) -> list[Change]:
    times = _timeline_times(board, items)
    for entry_id, item, at in zip(ids, items, times):
        board.timeline[entry_id] = TimelineEntry(
            id=entry_id, at=at, text=item.text, kind=item.kind, author=author, created_at=ctx.now
        )
    return [Change("timeline", entry_id) for entry_id in ids]


def _import_timeline(board: Board, op: o.ImportTimeline, ctx: Ctx) -> list[Change]:
    return _put_timeline(board, op.entries, batch_ids(ctx.new_id, len(op.entries)), ctx.actor, ctx)


def _restore_writing(board: Board, op: o.RestoreWriting, ctx: Ctx) -> list[Change]:
    """An imported author's writing, as the export had it (see `ops.RestoreWriting`)."""
    author = board.participants.get(op.author)
    if author is None or author.role == "observer":
        raise Rejected("not_found", "the author is not a participant of this board")
    if len(board.stickies) + len(op.notes) > MAX_STICKIES:
        raise Rejected("limit", f"a board holds at most {MAX_STICKIES} stickies")
    for n, note in enumerate(op.notes, 1):
        if note.category is not None and note.section != "contributing":
            raise Rejected("invalid", f"note {n}: only contributing factors have a category")
    _timeline_times(board, op.entries)  # validates before anything is added
    ids = batch_ids(ctx.new_id, len(op.entries) + len(op.notes))
    changes = _put_timeline(board, op.entries, ids[: len(op.entries)], op.author, ctx)
    for sticky_id, note in zip(ids[len(op.entries) :], op.notes):
        board.stickies[sticky_id] = Sticky(
            id=sticky_id,
            section=note.section,
            text=note.text,
            author=op.author,
            phase_id=board.current or "",
            created_at=ctx.now,
            category=note.category or ("other" if note.section == "contributing" else None),
        )
        changes.append(Change("sticky", sticky_id))
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


CONTENT_HANDLERS: dict[type[o.Op], Callable[[Board, Any, Ctx], list[Change]]] = {
    o.AddSticky: _add_sticky,
    o.ParkQuestion: _park_question,
    o.EditSticky: _edit_sticky,
    o.MoveSticky: _move_sticky,
    o.DeleteSticky: _delete_sticky,
    o.AddTimelineEntry: _add_timeline_entry,
    o.ImportTimeline: _import_timeline,
    o.RestoreWriting: _restore_writing,
    o.EditTimelineEntry: _edit_timeline_entry,
    o.DeleteTimelineEntry: _delete_timeline_entry,
}
