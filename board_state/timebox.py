"""The timebox engine: planned vs actual time per phase, and the timer of the current phase.

Timers are state, not tasks: a phase's timer is `elapsed_ms` banked plus the time since
`running_since` when it runs. Nothing here reads a clock; `now` comes in. The shell asks
`next_deadline(board)` after every op and arms one wake-up for it; when it fires, it asks
`on_deadline(board, now)`, which returns the op to apply (a `TimeboxExpired`), so the expiry is
an entry in the log like any other and survives a restart. Expiry only notifies: the meeting
moves on when the facilitator says so.
"""

from __future__ import annotations

from .model import Board, Phase
from .ops import TimeboxExpired

MINUTE_MS = 60_000


def planned_ms(phase: Phase) -> int:
    return phase.minutes * MINUTE_MS + phase.extended_ms


def elapsed_ms(phase: Phase, now: int) -> int:
    running = now - phase.running_since if phase.running_since is not None else 0
    return phase.elapsed_ms + max(0, running)


def remaining_ms(phase: Phase, now: int) -> int:
    """Negative when the timebox is over (overtime)."""
    return planned_ms(phase) - elapsed_ms(phase, now)


def deadline(phase: Phase) -> int | None:
    """When the running timer reaches its timebox, as an absolute time; None when paused."""
    if phase.running_since is None:
        return None
    return phase.running_since + planned_ms(phase) - phase.elapsed_ms


def start(phase: Phase, now: int) -> None:
    if phase.running_since is None:
        phase.running_since = now


def pause(phase: Phase, now: int) -> None:
    if phase.running_since is not None:
        phase.elapsed_ms += max(0, now - phase.running_since)
        phase.running_since = None


def restart(phase: Phase, now: int) -> None:
    phase.elapsed_ms = 0
    phase.extended_ms = 0
    phase.expired = False
    phase.running_since = now


def extend(phase: Phase, minutes: int, now: int) -> None:
    phase.extended_ms += minutes * MINUTE_MS
    phase.extensions += 1
    if remaining_ms(phase, now) > 0:
        phase.expired = False


def enter(phase: Phase, now: int, *, start_timer: bool) -> None:
    phase.entered_at = now
    phase.visited = True
    if start_timer:
        start(phase, now)


def leave(phase: Phase, now: int) -> None:
    """Bank the wall time spent and stop the timer; going back resumes where it was."""
    if phase.entered_at is not None:
        phase.spent_ms += max(0, now - phase.entered_at)
        phase.entered_at = None
    pause(phase, now)


def spent_ms(phase: Phase, now: int) -> int:
    live = now - phase.entered_at if phase.entered_at is not None else 0
    return phase.spent_ms + max(0, live)


def next_deadline(board: Board) -> int | None:
    """The next moment the shell must wake up for, or None when no timebox is pending."""
    phase = board.current_phase()
    if phase is None or phase.expired:
        return None
    return deadline(phase)


def on_deadline(board: Board, now: int) -> TimeboxExpired | None:
    """The op to apply when the wake-up fires (None if the deadline moved or passed away)."""
    phase = board.current_phase()
    if phase is None or phase.expired:
        return None
    due = deadline(phase)
    if due is None or due > now:
        return None
    return TimeboxExpired(phase_id=phase.id)
