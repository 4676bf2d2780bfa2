"""`apply(board, op, actor=, now=, new_id=)`: the one way a board changes.

Theory of operation. `apply` is a pure function of its inputs: the board, the op, who sent it,
the server's clock and a random id the server drew for whatever the op creates. It first asks
the rules table (`rules.check`) whether this role may send this op in this phase, then runs the
op's handler. Every handler validates everything before it mutates anything, so an op that is
`Rejected` leaves the board exactly as it was. A handler returns the `Change`s it made (which
entity, by kind and id); `projection.py` turns those into what each viewer may see.

Replaying the same entries into an empty board yields a byte-identical board: no clock, no
randomness, no iteration over unordered sets happens here.

This module holds the meeting, the agenda, timers and voting; `header.py` the incident header
and tags; `content.py` holds what people write (stickies, timeline, five whys, themes,
actions); `signals.py` hands, refocus and feedback; `spotlight.py` the item in focus (and
`spotlight.settle`, run after every accepted op, clears it when it no longer makes sense).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from . import ops as o
from . import spotlight, timebox
from .ballot import refund_item
from .content import CONTENT_HANDLERS, Ctx
from .door import DOOR_HANDLERS
from .errors import Rejected
from .header import HEADER_HANDLERS
from .limits import MAX_PHASES, MAX_ROUNDS
from .model import SYSTEM, Board, Participant, Phase, Round
from .rules import check
from .signals import SIGNAL_HANDLERS
from .spotlight import SPOTLIGHT_HANDLERS
from .templates import TEMPLATES
from .util import Change, lookup

DEFAULT_SECTIONS: dict[str, list[Any]] = {
    "contributing_factors": ["contributing"],
    "reflection": ["went_well", "went_badly"],
    "discussion": ["went_well", "went_badly"],
    "themes": ["went_well", "went_badly", "contributing"],
}


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


BOARD = Change("board", "")
GUIDANCE = Change("guidance", "")  # board-wide nudges: see projection.guidance_view


def _current(board: Board) -> Phase:
    phase = board.current_phase()
    if phase is None:
        raise Rejected("invalid", "the meeting has not started: advance to the first phase")
    return phase


def _phase(board: Board, phase_id: str) -> Phase:
    phase = board.phase(phase_id)
    if phase is None:
        raise Rejected("not_found", f"there is no phase '{phase_id}' in the agenda")
    return phase


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
    for t in template:
        board.agenda.append(
            Phase(
                id=f"p{board.next_phase}",
                kind=t.kind,
                title=t.title,
                prompt=t.prompt,
                minutes=t.minutes,
                private=t.private,
                sections=list(t.sections),
            )
        )
        board.next_phase += 1
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


# --- the agenda ------------------------------------------------------------------------------


def _add_phase(board: Board, op: o.AddPhase, ctx: Ctx) -> list[Change]:
    if len(board.agenda) >= MAX_PHASES:
        raise Rejected("limit", f"an agenda has at most {MAX_PHASES} phases")
    index = len(board.agenda) if op.index is None else op.index
    if not 0 <= index <= len(board.agenda):
        raise Rejected("invalid", f"index {index} is outside the agenda (0..{len(board.agenda)})")
    sections = list(op.sections) or list(DEFAULT_SECTIONS.get(op.kind, []))
    board.agenda.insert(
        index,
        Phase(
            id=f"p{board.next_phase}",
            kind=op.kind,
            title=op.title,
            prompt=op.prompt,
            minutes=op.minutes,
            private=op.private,
            sections=sections,
        ),
    )
    board.next_phase += 1
    return [BOARD]


def _edit_phase(board: Board, op: o.EditPhase, ctx: Ctx) -> list[Change]:
    phase = _phase(board, op.phase_id)
    if (
        op.private is False
        and phase.private
        and any(s.phase_id == phase.id and s.hidden for s in board.stickies.values())
    ):
        raise Rejected("invalid", "this phase holds private writing; reveal it first")
    if op.private and not phase.private:
        # A fresh promise of privacy: what is written from now on waits for a new reveal.
        phase.revealed = False
    for field in ("title", "prompt", "minutes", "private"):
        value = getattr(op, field)
        if value is not None:
            setattr(phase, field, value)
    # A retimed phase's deadline is recomputed by next_deadline; un-expire it if time is left.
    if op.minutes is not None and phase.expired and timebox.remaining_ms(phase, ctx.now) > 0:
        phase.expired = False
    return [BOARD]


def _move_phase(board: Board, op: o.MovePhase, ctx: Ctx) -> list[Change]:
    phase = _phase(board, op.phase_id)
    if op.index >= len(board.agenda):
        raise Rejected(
            "invalid", f"index {op.index} is outside the agenda (0..{len(board.agenda) - 1})"
        )
    board.agenda.remove(phase)
    board.agenda.insert(op.index, phase)
    return [BOARD]


def _remove_phase(board: Board, op: o.RemovePhase, ctx: Ctx) -> list[Change]:
    phase = _phase(board, op.phase_id)
    if phase.id == board.current:
        raise Rejected("invalid", "this phase is in progress; move to another phase first")
    if any(s.phase_id == phase.id and s.hidden for s in board.stickies.values()):
        raise Rejected("invalid", "this phase holds private writing; reveal it first")
    board.agenda.remove(phase)
    return [BOARD]


def _enter(board: Board, target: Phase, ctx: Ctx, start_timer: bool) -> list[Change]:
    old = board.current_phase()
    if old is not None:
        timebox.leave(old, ctx.now)
    board.current = target.id
    timebox.enter(target, ctx.now, start_timer=start_timer)
    return [BOARD]


def _advance(board: Board, op: o.AdvancePhase, ctx: Ctx) -> list[Change]:
    if not board.agenda:
        raise Rejected("invalid", "the agenda is empty; add a phase first")
    if board.current is None:
        return _enter(board, board.agenda[0], ctx, op.start_timer)
    i = board.agenda.index(_current(board))
    if i + 1 >= len(board.agenda):
        raise Rejected("invalid", "this is the last phase of the agenda")
    return _enter(board, board.agenda[i + 1], ctx, op.start_timer)


def _go_back(board: Board, op: o.GoBack, ctx: Ctx) -> list[Change]:
    i = board.agenda.index(_current(board))
    if i == 0:
        raise Rejected("invalid", "this is the first phase of the agenda")
    return _enter(board, board.agenda[i - 1], ctx, op.start_timer)


def _go_to(board: Board, op: o.GoToPhase, ctx: Ctx) -> list[Change]:
    target = _phase(board, op.phase_id)
    if target.id == board.current:
        raise Rejected("invalid", f"'{target.title}' is already the current phase")
    return _enter(board, target, ctx, op.start_timer)


def _start_timer(board: Board, op: o.StartTimer, ctx: Ctx) -> list[Change]:
    phase = _current(board)
    if op.restart:
        timebox.restart(phase, ctx.now)
    elif phase.running_since is not None:
        raise Rejected("invalid", "the timer is already running")
    else:
        timebox.start(phase, ctx.now)
    return [BOARD]


def _pause_timer(board: Board, op: o.PauseTimer, ctx: Ctx) -> list[Change]:
    phase = _current(board)
    if phase.running_since is None:
        raise Rejected("invalid", "the timer is not running")
    timebox.pause(phase, ctx.now)
    return [BOARD]


def _resume_timer(board: Board, op: o.ResumeTimer, ctx: Ctx) -> list[Change]:
    phase = _current(board)
    if phase.running_since is not None:
        raise Rejected("invalid", "the timer is already running")
    timebox.start(phase, ctx.now)
    return [BOARD]


def _extend_timer(board: Board, op: o.ExtendTimer, ctx: Ctx) -> list[Change]:
    timebox.extend(_current(board), op.minutes, ctx.now)
    return [BOARD]


def _timebox_expired(board: Board, op: o.TimeboxExpired, ctx: Ctx) -> list[Change]:
    phase = board.current_phase()
    if phase is None or phase.id != op.phase_id or phase.expired:
        raise Rejected("invalid", "that timebox is not running")
    if timebox.remaining_ms(phase, ctx.now) > 0:
        raise Rejected("invalid", "that timebox has not ended yet")
    phase.expired = True
    return [BOARD]


def _reveal(board: Board, op: o.Reveal, ctx: Ctx) -> list[Change]:
    phase = _phase(board, op.phase_id)
    shown = [s for s in board.stickies.values() if s.phase_id == phase.id and s.hidden]
    # A phase made public after people wrote in private still holds their hidden notes.
    if not phase.private and not shown:
        raise Rejected("invalid", f"writing in '{phase.title}' is not private")
    if phase.revealed:
        raise Rejected("invalid", f"'{phase.title}' is already revealed")
    phase.revealed = True
    for s in shown:
        s.hidden = False
    # Ids are random, so sorting by id is a shuffle that says nothing about who wrote first.
    return [BOARD, *(Change("sticky", s.id) for s in sorted(shown, key=lambda s: s.id))]


# --- voting ----------------------------------------------------------------------------------


def _round(board: Board, round_id: str) -> Round:
    return lookup(board.rounds, round_id, "voting round")


def _open_vote(board: Board, op: o.OpenVote, ctx: Ctx) -> list[Change]:
    if board.open_round() is not None:
        raise Rejected("invalid", "a voting round is already open; close it first")
    if len(board.rounds) >= MAX_ROUNDS:
        raise Rejected("limit", f"a board has at most {MAX_ROUNDS} voting rounds")
    budget = op.budget if op.budget is not None else board.settings.dot_budget
    board.rounds[ctx.new_id] = Round(
        id=ctx.new_id, target=op.target, budget=budget, multi=op.multi, opened_at=ctx.now
    )
    return [Change("round", ctx.new_id)]


def _close_vote(board: Board, op: o.CloseVote, ctx: Ctx) -> list[Change]:
    r = _round(board, op.round_id)
    if r.state != "open":
        raise Rejected("vote_closed", "this voting round is not open")
    r.state = "closed"
    return [Change("round", r.id)]


def _reveal_vote(board: Board, op: o.RevealVote, ctx: Ctx) -> list[Change]:
    r = _round(board, op.round_id)
    if r.state == "revealed":
        raise Rejected("invalid", "this round's results are already revealed")
    r.state = "revealed"
    return [Change("round", r.id)]


def _votable(board: Board, r: Round, item_id: str, actor: str) -> bool:
    if r.target == "themes":
        return item_id in board.themes
    if r.target == "actions":
        return item_id in board.actions
    s = board.stickies.get(item_id)
    # Hidden writing cannot take dots: totals would reveal an item others do not know of.
    return s is not None and s.section != "parking_lot" and not s.hidden


def _cast_vote(board: Board, op: o.CastVote, ctx: Ctx) -> list[Change]:
    r = _round(board, op.round_id)
    if r.state != "open":
        raise Rejected("vote_closed", "this voting round is closed")
    if not _votable(board, r, op.item_id, ctx.actor):
        raise Rejected("not_found", f"nothing to vote on with that id in this round of {r.target}")
    mine = r.votes.get(ctx.actor, {})
    if sum(mine.values()) >= r.budget:
        raise Rejected("budget_exceeded", f"you have spent all {r.budget} of your dots")
    if not r.multi and mine.get(op.item_id):
        raise Rejected("invalid", "this round allows one dot per item")
    r.votes.setdefault(ctx.actor, {})
    r.votes[ctx.actor][op.item_id] = mine.get(op.item_id, 0) + 1
    return [Change("round", r.id)]


def _unvote(board: Board, op: o.Unvote, ctx: Ctx) -> list[Change]:
    r = _round(board, op.round_id)
    if r.state != "open":
        raise Rejected("vote_closed", "this voting round is closed")
    mine = r.votes.get(ctx.actor, {})
    if not mine.get(op.item_id):
        raise Rejected("invalid", "you have no dot on that item")
    mine[op.item_id] -= 1
    if mine[op.item_id] == 0:
        del mine[op.item_id]
    if not mine:
        del r.votes[ctx.actor]
    return [Change("round", r.id)]


HANDLERS: dict[type[o.Op], Handler] = {
    o.CreateBoard: _create_board,
    o.Rename: _rename,
    o.HandOver: _hand_over,
    o.EditSettings: _edit_settings,
    o.CloseMeeting: _close_meeting,
    o.AddPhase: _add_phase,
    o.EditPhase: _edit_phase,
    o.MovePhase: _move_phase,
    o.RemovePhase: _remove_phase,
    o.AdvancePhase: _advance,
    o.GoBack: _go_back,
    o.GoToPhase: _go_to,
    o.StartTimer: _start_timer,
    o.PauseTimer: _pause_timer,
    o.ResumeTimer: _resume_timer,
    o.ExtendTimer: _extend_timer,
    o.TimeboxExpired: _timebox_expired,
    o.Reveal: _reveal,
    o.OpenVote: _open_vote,
    o.CloseVote: _close_vote,
    o.RevealVote: _reveal_vote,
    o.CastVote: _cast_vote,
    o.Unvote: _unvote,
    **HEADER_HANDLERS,
    **CONTENT_HANDLERS,
    **SIGNAL_HANDLERS,
    **SPOTLIGHT_HANDLERS,
    **DOOR_HANDLERS,
}

assert set(HANDLERS) == set(o.OP_TYPES), set(o.OP_TYPES) ^ set(HANDLERS)
__all__ = ["Applied", "apply", "refund_item"]
