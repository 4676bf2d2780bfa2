"""One websocket connection: a reader loop, a writer task, a bounded queue between them.

The room calls `send`, which never waits: frames go into a bounded queue drained by this
connection's own writer task. A reader too slow to keep up fills its queue and is disconnected
(close code 4008); it resumes on reconnect with its last seq. So one slow client never slows
its board. Incoming frames pass a size check and a token-bucket rate limit before decoding.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence

from starlette.types import Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from hindsight.board_state.errors import Rejected
from hindsight.board_state.protocol import Error, encode, encode_batch
from hindsight.server.meeting.send_now import finish_later, raw_sender

log = logging.getLogger("hindsight.ws")

CLOSE_SLOW = 4008
BATCH_BYTES = 64 * 1024  # a batch stops growing here (a bigger frame goes alone)
FLUSH_SECONDS = 2.0  # how long a connection that is ending may take to write what it has queued


class TokenBucket:
    """`rate` tokens a second, at most `burst` saved up. The clock is the app's (`rate_clock`
    on its state: `time.monotonic`, or a test's own, so a test need not sleep for tokens)."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate, self.burst, self.clock = rate, float(burst), clock
        self.tokens, self.stamp = float(burst), clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Connection:
    def __init__(
        self,
        ws: WebSocket,
        participant_id: str,
        queue_size: int,
        batch: bool = False,
        send: Send | None = None,
    ) -> None:
        self.ws = ws
        # Frames go through the raw ASGI send when we have it (see ws.WebSocketEndpoint).
        self._send_text = self.ws.send_text if send is None else raw_sender(send)
        self.participant_id = participant_id
        self.batch = batch  # the client reads `batch` frames: join what is queued when writing
        # A deque and a wake-up future rather than an asyncio.Queue: the room sends every frame
        # through here, and the Queue's bookkeeping (getters, putters, maxsize checks) was
        # about a seventh of the event loop's CPU under load (docs/performance.md).
        self._frames: deque[bytes | None] = deque()
        self._limit = queue_size
        self._wakeup: asyncio.Future[None] | None = None
        self._stalled: asyncio.Task[None] | None = None  # a direct write the transport held up
        self._writer = asyncio.get_running_loop().create_task(self._write())
        self.closing = False
        self.on_close: Callable[[], None] | None = None  # the room forgets us at once

    def send(self, frame: bytes) -> None:
        self.send_all((frame,))

    def send_all(self, frames: Sequence[bytes]) -> None:
        """Send `frames` in order, never waiting. With nothing queued or being written they
        are written at once (as one batch, if the client reads them); otherwise they queue
        behind the rest for the writer task."""
        if self.closing:
            return
        if len(self._frames) + len(frames) > self._limit:
            log.info("disconnecting a slow reader on %s", self.participant_id)
            self.close(CLOSE_SLOW, "too slow: reconnect to resume")
            return
        if self._wakeup is None or self._frames or self._stalled is not None:
            for frame in frames:  # the writer is busy or has a backlog: keep the order
                self._put(frame)
            return
        # Idle: write now, on the caller's turn, what the writer task would otherwise write.
        self._frames.extend(frames)
        while (
            self._frames
            and self._frames[0] is not None
            and self._stalled is None
            and not self.closing
        ):
            first = self._frames.popleft()
            assert first is not None  # the loop's condition checked it
            if not self._write_now(self._join(first) if self.batch else first):
                return  # held up (the writer finishes it, then the rest) or the peer is gone

    def _write_now(self, frame: bytes) -> bool:
        """Write on the caller's turn of the event loop, with no task switch: the websocket
        send completes without waiting whenever the transport has room, which is nearly always.
        If the transport pushes back, the rest of the write finishes in a task that the writer
        waits for before anything queued after it. True if the frame is on its way."""
        coro = self._send_text(frame.decode())
        try:
            blocked_on = coro.send(None)
        except StopIteration:
            return True
        except Exception:  # the peer went away; the reader loop sees the disconnect
            self.closing = True
            return False
        self._stalled = asyncio.get_running_loop().create_task(finish_later(coro, blocked_on))
        self._wake()
        return False

    def _put(self, frame: bytes | None) -> None:
        self._frames.append(frame)
        self._wake()

    def _wake(self) -> None:
        wakeup = self._wakeup
        if wakeup is not None:
            self._wakeup = None
            if not wakeup.done():
                wakeup.set_result(None)

    def close(self, code: int, reason: str, *, flush: bool = False) -> None:
        """Close the websocket with `code`. With `flush`, what is already queued (an error
        saying why, say) is written first, for at most FLUSH_SECONDS; otherwise it is dropped
        (a slow reader's backlog must not hold anything up)."""
        if self.closing:
            return
        if flush:
            self._put(None)  # the writer stops after what is queued
            task = asyncio.get_running_loop().create_task(self._flush_then_close(code, reason))
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
            return
        self.closing = True
        self._writer.cancel()
        if self._stalled is not None:
            self._stalled.cancel()
        if self.on_close:
            self.on_close()
        task = asyncio.get_running_loop().create_task(self._close(code, reason))
        task.add_done_callback(lambda t: t.cancelled() or t.exception())

    async def _flush_then_close(self, code: int, reason: str) -> None:
        try:
            await asyncio.wait_for(asyncio.shield(self._writer), FLUSH_SECONDS)
        except (TimeoutError, asyncio.CancelledError, Exception):
            pass
        self.close(code, reason)

    async def _close(self, code: int, reason: str) -> None:
        try:
            await self.ws.close(code=code, reason=reason)
        except (RuntimeError, WebSocketDisconnect, OSError):
            pass  # already gone

    def error(self, e: Rejected) -> None:
        self.send(encode(Error(code=e.code, message=e.message)))

    async def _write(self) -> None:
        loop = asyncio.get_running_loop()
        frames = self._frames
        try:
            while True:
                if self._stalled is not None:
                    await self._stalled
                    self._stalled = None
                while frames:
                    frame = frames.popleft()
                    if frame is None:
                        return
                    await self._send_text((self._join(frame) if self.batch else frame).decode())
                self._wakeup = loop.create_future()
                await self._wakeup
        except asyncio.CancelledError:
            raise
        except Exception:  # the peer went away mid-send; the reader loop sees the disconnect
            self.closing = True

    def _join(self, first: bytes) -> bytes:
        """`first` and the frames queued behind it, as one batch frame of at most BATCH_BYTES.
        Nothing waits for a batch to fill: it holds what piled up while the last write ran (a
        round's ack and events, or a backlog), so batches grow exactly when the load does."""
        frames, parts, size = self._frames, [first], len(first)
        while frames:
            nxt = frames[0]
            if nxt is None or size + len(nxt) > BATCH_BYTES:
                break
            parts.append(nxt)
            frames.popleft()
            size += len(nxt)
        return first if len(parts) == 1 else encode_batch(parts)

    async def finish(self, *, peer_gone: bool = False) -> None:
        """Flush what is queued (bounded by the queue and by FLUSH_SECONDS) and stop the
        writer. Once the peer has gone there is nothing to flush to: a write to a closed
        connection may never complete, and waiting for it would hold the server's shutdown."""
        if peer_gone:
            self.closing = True
            self._writer.cancel()
            if self._stalled is not None:
                self._stalled.cancel()
        elif not self.closing:
            if len(self._frames) < self._limit:
                self._put(None)
            else:
                self._writer.cancel()
        try:
            await asyncio.wait_for(
                asyncio.gather(self._writer, return_exceptions=True), FLUSH_SECONDS
            )
        except TimeoutError:
            self._writer.cancel()
            if self._stalled is not None:
                self._stalled.cancel()
