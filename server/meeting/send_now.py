"""Sending on the caller's turn: uvicorn's websocket `send` coroutine, driven by hand.

Why. A room hands each connection its round's frames; the plain way (`await ws.send_text`)
needs a task per connection to await it, so every round woke every member's writer task: a
future and a task step per connection per round. Instead an idle connection starts the `send`
coroutine itself and steps it once: with room in the transport (nearly always) the frame is
written and the coroutine finishes on that first step, on the room's own turn. Measured in
docs/performance.md ("A room's round woke each member's writer task"): main-thread CPU per op
-4% (A/B, 3 pairs). When the transport pushes back, the coroutine yields the future it waits
on, and `finish_later` carries it on in a task exactly as an `await` would have (the
connection's later frames wait behind that task).

What this relies on, of the installed uvicorn (tests/server/test_send_now.py checks each
against a real uvicorn, so an upgrade that changes it fails there, not in production):

1. the ASGI `send` it hands a websocket app returns a coroutine (something with `send` and
   `throw`), not just an awaitable;
2. for a text frame with room in the transport, that coroutine finishes on its first step;
3. a coroutine started this way and carried on by `finish_later` delivers its frame.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Generator
from typing import Any, cast

from starlette.types import Send


def raw_sender(send: Send) -> Callable[[str], Coroutine[Any, Any, None]]:
    def send_text(text: str) -> Coroutine[Any, Any, None]:
        # uvicorn's `send` is a coroutine function; its coroutine is driven by hand (no wrapper
        # coroutine in between, which would cost a frame per message).
        return cast(Coroutine[Any, Any, None], send({"type": "websocket.send", "text": text}))

    return send_text


class _Continue:
    """Awaitable that carries on a coroutine someone already started by hand, exactly as the
    task that awaits this would have: it hands the task the future the coroutine is blocked on,
    and steps the coroutine again (or throws into it) when the task is woken."""

    def __init__(self, coro: Coroutine[Any, Any, None], blocked_on: Any) -> None:
        self.coro, self.blocked_on = coro, blocked_on

    def __await__(self) -> Generator[Any, None, None]:
        step = self.blocked_on
        while True:
            try:
                yield step
            except BaseException as e:  # cancelled while blocked: let the coroutine see it
                try:
                    step = self.coro.throw(e)
                except StopIteration:
                    return
            else:
                try:
                    step = self.coro.send(None)
                except StopIteration:
                    return


async def finish_later(coro: Coroutine[Any, Any, None], blocked_on: Any) -> None:
    await _Continue(coro, blocked_on)
