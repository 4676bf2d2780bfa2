"""Handlers for the agenda and its timers: phases added, edited, moved and removed, moving
through the meeting, the timebox, and revealing a private phase's writing.

Same contract as `reducer.py`: validate everything, then mutate, then return the changes. The
timer arithmetic itself is `timebox.py`'s; these handlers decide when it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import ops as o
from . import timebox
from .errors import Rejected
from .limits import MAX_PHASES
from .model import Board, Phase, Section
from .templates import PhaseTemplate
from .util import Change, Ctx

DEFAULT_SECTIONS: dict[str, list[Any]] = {
    "contributing_factors": ["contributing"],
    "reflection": ["went_well", "went_badly"],
    "discussion": ["went_well", "went_badly"],
    "themes": ["went_well", "went_badly", "contributing"],
}

BOARD = Change("board", "")


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


def _add_phase(board: Board, op: o.AddPhase, ctx: Ctx) -> list[Change]:
    if len(board.agenda) >= MAX_PHASES:
        raise Rejected("limit", f"an agenda has at most {MAX_PHASES} phases")
    index = len(board.agenda) if op.index is None else op.index
    if not 0 <= index <= len(board.agenda):
        raise Rejected("invalid", f"index {index} is outside the agenda (0..{len(board.agenda)})")
    sections = list(op.sections) or list(DEFAULT_SECTIONS.get(op.kind, []))
    insert_phase(board, index, op, sections)
    return [BOARD]


def insert_phase(
    board: Board,
    index: int,
    spec: o.AddPhase | o.AgendaPhase | PhaseTemplate,
    sections: list[Section],
) -> None:
    """A new phase like `spec` (an op's or a template's) at `index`, with the next phase id."""
    board.agenda.insert(
        index,
        Phase(
            id=f"p{board.next_phase}",
            kind=spec.kind,
            title=spec.title,
            prompt=spec.prompt,
            minutes=spec.minutes,
            private=spec.private,
            sections=sections,
        ),
    )
    board.next_phase += 1


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


AGENDA_HANDLERS: dict[type[o.Op], Callable[[Board, Any, Ctx], list[Change]]] = {
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
}
