"""`apply(board, op, actor=, now=, new_id=)`: the one way a board changes.

Theory of operation. `apply` is a pure function of its inputs: the board, the op, who sent it,
the server's clock and a random id the server drew for whatever the op creates. It first asks
the rules table (`rules.check`) whether this role may send this op in this phase, then runs the
op's handler. Every handler validates everything before it mutates anything, so an op that is
`Rejected` leaves the board exactly as it was. A handler returns the `Change`s it made (which
entity, by kind and id); `projection.py` turns those into what each viewer may see.

Replaying the same entries into an empty board yields a byte-identical board: no clock, no
randomness, no iteration over unordered sets happens here.

This module holds `apply` and the meeting itself (creating the board, names, handing over,
settings, closing); each other family of handlers lives in its own module, which exports a
`*_HANDLERS` dict merged into `HANDLERS` below: `agenda.py` the agenda and its timers;
`voting.py` voting; `header.py` the incident header and tags; `content.py` what people write
(stickies, timeline); `analysis.py` five whys and themes; `action_items.py` actions;
`signals.py` hands, refocus and feedback; `door.py` join links and seats; `review.py` the
review of earlier open actions; `spotlight.py` the item in focus (and `spotlight.settle`, run
after every accepted op, clears it when it no longer makes sense).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from . import ops as o
from . import spotlight, timebox
from .action_items import ACTION_HANDLERS
from .agenda import AGENDA_HANDLERS, insert_phase
from .analysis import ANALYSIS_HANDLERS
from .ballot import refund_item
from .content import CONTENT_HANDLERS, batch_ids
from .door import DOOR_HANDLERS
from .errors import Rejected
from .header import HEADER_HANDLERS
from .model import SYSTEM, Board, Participant
from .review import REVIEW_HANDLERS
from .rules import check
from .signals import SIGNAL_HANDLERS
from .spotlight import SPOTLIGHT_HANDLERS
from .templates import ACTION_REVIEW, TEMPLATES
from .util import Change, Ctx
from .voting import VOTING_HANDLERS


class Applied(NamedTuple):
    changes: tuple[Change, ...]


Handler = Callable[[Board, Any, Ctx], list[Change]]


def apply(board: Board, op: o.Op, *, actor: str, now: int, new_id: str) -> Applied:
    """Apply `op` from `actor` at `now`; raise `Rejected` (board unchanged) if it is refused."""
    check(board, op, actor)
    ctx = Ctx(actor=actor, now=now, new_id=new_id, role=board.role_of(actor) or SYSTEM)
    handler = HANDLERS[type(op)]
    current = board.current
    changes = handler(board, op, ctx)
    return Applied(tuple(changes + spotlight.settle(board, op, current)))


# Ops that create exactly one thing, whose id is the op's `new_id`.
_MAKES_ONE: tuple[type[o.Op], ...] = (
    o.CreateBoard,
    o.Join,
    o.AddSticky,
    o.ParkQuestion,
    o.AddTimelineEntry,
    o.AddChain,
    o.AddWhy,
    o.AddTheme,
    o.OpenVote,
    o.AddAction,
)


def made_by(board: Board, op: o.Op, new_id: str) -> tuple[str, ...]:
    """The ids of what `op` created, in order, read right after `apply` accepted it. The server
    hands them to whoever submitted the op, so an importer maps old ids to new ones without
    searching the board for them. (A join link's token is a secret, not an id: never here.)"""
    if isinstance(op, o.AddPhase):
        return (f"p{board.next_phase - 1}",)
    if isinstance(op, o.ImportTimeline):
        return batch_ids(new_id, len(op.entries))
    if isinstance(op, o.RestoreWriting):
        return batch_ids(new_id, len(op.entries) + len(op.notes))
    if isinstance(op, _MAKES_ONE):
        return (new_id,)
    return ()


BOARD = Change("board", "")
GUIDANCE = Change("guidance", "")  # board-wide nudges: see projection.guidance_view


# --- the meeting ---------------------------------------------------------------------------


def _create_board(board: Board, op: o.CreateBoard, ctx: Ctx) -> list[Change]:
    if board.agenda or board.participants:
        raise Rejected("invalid", "this board was already created")
    template = TEMPLATES.get(op.template)
    if template is None:
        raise Rejected(
            "invalid",
            f"unknown template '{op.template}'; choose one of " + ", ".join(sorted(TEMPLATES)),
        )
    board.created_at = ctx.now
    board.template = op.template
    board.header.title = op.title
    board.header.severity = op.severity
    board.header.learning_question = op.learning_question
    board.settings.anonymity = op.anonymity
    for t in op.agenda or template:
        insert_phase(board, len(board.agenda), t, list(t.sections))
    if op.review_actions:  # the meeting opens with it, once the room is set
        first = board.agenda[0].kind if board.agenda else None
        insert_phase(board, int(first == "set_the_room"), ACTION_REVIEW, [])
    name = op.facilitator_name.strip() or "Facilitator"
    board.participants[ctx.new_id] = Participant(
        id=ctx.new_id, name=name, role="facilitator", joined_at=ctx.now
    )
    board.facilitator = ctx.new_id
    return [BOARD, Change("participant", ctx.new_id)]


def _rename(board: Board, op: o.Rename, ctx: Ctx) -> list[Change]:
    name = op.name.strip()
    if not name:
        raise Rejected("invalid", "a display name cannot be empty")
    board.participants[ctx.actor].name = name
    return [Change("participant", ctx.actor), *_authored_by(board, ctx.actor)]


def _hand_over(board: Board, op: o.HandOver, ctx: Ctx) -> list[Change]:
    target = board.participants.get(op.participant_id)
    if target is None:
        raise Rejected("not_found", "there is no such participant on this board")
    if target.role != "participant":
        raise Rejected(
            "invalid",
            f"{target.name} is "
            + ("already the facilitator" if target.role == "facilitator" else "an observer"),
        )
    board.participants[ctx.actor].role = "participant"
    target.role = "facilitator"
    board.facilitator = target.id
    # The feedback aggregate is the facilitator's to see: it moves with the role.
    return [
        BOARD,
        Change("participant", ctx.actor),
        Change("participant", target.id),
        Change("feedback", ""),
    ]


def _close_meeting(board: Board, op: o.CloseMeeting, ctx: Ctx) -> list[Change]:
    current = board.current_phase()
    if current is not None:
        timebox.leave(current, ctx.now)  # bank the last phase's time; its timer stops
    board.closed_at = ctx.now
    board.hands.clear()  # nobody is waiting to speak in a meeting that is over
    return [BOARD]


def _edit_settings(board: Board, op: o.EditSettings, ctx: Ctx) -> list[Change]:
    s = board.settings
    if op.anonymity is not None and op.anonymity != s.anonymity:
        if board.stickies or board.timeline:
            # Either way would break a promise: names already shown cannot be un-shown, and
            # people who wrote anonymously must not be named afterwards.
            raise Rejected(
                "invalid",
                "anonymity is chosen before anyone writes; this board already has writing",
            )
        s.anonymity = op.anonymity
    if op.dot_budget is not None:
        s.dot_budget = op.dot_budget
    if op.nudges is not None:
        s.nudges = list(dict.fromkeys(op.nudges))
    return [BOARD, GUIDANCE]  # the write-up gaps and the nudge switches live here


def _authored_by(board: Board, actor: str) -> list[Change]:
    """On named boards, items show their author's name: a rename must refresh them."""
    if board.settings.anonymity != "named":
        return []
    return [
        Change("sticky", s.id, s.author if s.hidden else None)
        for s in board.stickies.values()
        if s.author == actor
    ] + [Change("timeline", e.id) for e in board.timeline.values() if e.author == actor]


HANDLERS: dict[type[o.Op], Handler] = {
    o.CreateBoard: _create_board,
    o.Rename: _rename,
    o.HandOver: _hand_over,
    o.EditSettings: _edit_settings,
    o.CloseMeeting: _close_meeting,
    **AGENDA_HANDLERS,
    **VOTING_HANDLERS,
    **HEADER_HANDLERS,
    **CONTENT_HANDLERS,
    **ANALYSIS_HANDLERS,
    **ACTION_HANDLERS,
    **SIGNAL_HANDLERS,
    **SPOTLIGHT_HANDLERS,
    **DOOR_HANDLERS,
    **REVIEW_HANDLERS,
}

assert set(HANDLERS) == set(o.OP_TYPES), set(o.OP_TYPES) ^ set(HANDLERS)
__all__ = ["Applied", "apply", "refund_item"]
