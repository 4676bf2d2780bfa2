"""The one loop timer a room keeps: armed at the board's next deadline.

Timeboxes are data in the core (`next_deadline(board)`, `on_deadline(board, now)`); this is the
aioquic get_timer/handle_timer pattern on the shell's side: after every round the room re-arms
the timer, which usually stays where it was. When it fires early (the loop's clock and the
wall clock drift apart) it asks again; when the deadline is really there, the core says which
op to issue and the room submits it like any other, as the server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from hindsight.board_state import Board, next_deadline, on_deadline
from hindsight.board_state import ops as o


class DeadlineTimer:
    def __init__(
        self, board: Callable[[], Board], clock: Callable[[], int], expire: Callable[[o.Op], None]
    ) -> None:
        self._board, self._clock, self._expire = board, clock, expire
        self._timer: asyncio.TimerHandle | None = None
        self._due: int | None = None  # the deadline the timer is armed for

    def arm(self, *, closed: bool = False) -> None:
        due = next_deadline(self._board())
        if self._timer is not None and due == self._due and not closed:
            return  # most rounds leave the deadline where it was: keep the timer
        self.cancel()
        if due is None or closed:
            return
        self._due = due
        delay = max(0.0, (due - self._clock()) / 1000)
        self._timer = asyncio.get_running_loop().call_later(delay, self._fire)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fire(self) -> None:
        self._timer = None
        op = on_deadline(self._board(), self._clock())
        if op is None:
            self.arm()  # woke a little early: try again at the deadline
            return
        self._expire(op)
