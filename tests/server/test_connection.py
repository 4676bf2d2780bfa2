"""The Connection's send path (server/connection.py), against an ASGI `send` we control.

A frame is written on the caller's turn when nothing is queued; when the transport pushes back
(the ASGI send blocks), the blocked write finishes in a task, and everything sent meanwhile
waits behind it in order; a batch-reading client gets what piled up as one `batch` frame; a
queue that overflows closes the connection with 4008.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from hindsight.server.meeting.connection import CLOSE_SLOW, Connection


class Transport:
    """An ASGI send that records text frames and blocks while `paused` is set."""

    def __init__(self) -> None:
        self.sent: list[Any] = []
        self.open = asyncio.Event()
        self.open.set()

    async def send(self, message: dict[str, Any]) -> None:
        await self.open.wait()  # as uvicorn waits for a paused transport to drain
        self.sent.append(json.loads(message["text"]))


class StubWebSocket:
    def __init__(self) -> None:
        self.closed: tuple[int, str] | None = None

    async def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)


def frame(n: int) -> bytes:
    return json.dumps({"type": "event", "seq": n}).encode()


def connection(transport: Transport, *, batch: bool = False, limit: int = 100) -> Connection:
    return Connection(
        StubWebSocket(),
        "p1",
        limit,
        batch=batch,  # type: ignore[arg-type]
        send=transport.send,
    )


def test_an_idle_connection_writes_at_once_and_a_blocked_write_holds_the_rest_in_order() -> None:
    async def run() -> None:
        t = Transport()
        conn = connection(t)
        await asyncio.sleep(0)  # the writer task parks
        conn.send(frame(1))
        assert t.sent == [{"type": "event", "seq": 1}]  # written on this turn, no task switch
        t.open.clear()  # the transport pushes back
        conn.send_all([frame(2), frame(3)])
        conn.send(frame(4))
        await asyncio.sleep(0.01)
        assert [f["seq"] for f in t.sent] == [1]  # 2 is blocked; 3 and 4 wait behind it
        t.open.set()
        await asyncio.sleep(0.01)
        assert [f["seq"] for f in t.sent] == [1, 2, 3, 4]
        conn.send(frame(5))  # idle again: straight out
        assert [f["seq"] for f in t.sent] == [1, 2, 3, 4, 5]
        await conn.finish()

    asyncio.run(run())


def test_a_batch_reading_client_gets_a_rounds_frames_and_a_backlog_as_batches() -> None:
    async def run() -> None:
        t = Transport()
        conn = connection(t, batch=True)
        await asyncio.sleep(0)
        conn.send_all([frame(1), frame(2)])  # one round: one frame
        assert t.sent == [
            {
                "type": "batch",
                "messages": [{"type": "event", "seq": 1}, {"type": "event", "seq": 2}],
            }
        ]
        t.open.clear()
        conn.send(frame(3))  # blocked alone
        conn.send(frame(4))
        conn.send(frame(5))
        t.open.set()
        await asyncio.sleep(0.01)
        assert t.sent[1:] == [
            {"type": "event", "seq": 3},
            {
                "type": "batch",
                "messages": [{"type": "event", "seq": 4}, {"type": "event", "seq": 5}],
            },
        ]
        await conn.finish()

    asyncio.run(run())


def test_a_reader_that_lets_its_queue_fill_is_closed_as_too_slow() -> None:
    async def run() -> None:
        t = Transport()
        conn = connection(t, limit=3)
        await asyncio.sleep(0)
        t.open.clear()
        for n in range(1, 5):  # 1 blocks in the transport, 2..4 fill the queue of 3
            conn.send(frame(n))
        assert not conn.closing
        conn.send(frame(5))  # one too many
        await asyncio.sleep(0.01)
        assert conn.closing and conn.ws.closed == (CLOSE_SLOW, "too slow: reconnect to resume")
        conn.send(frame(9))  # ignored once closing
        t.open.set()
        await asyncio.sleep(0.01)
        assert all(f["seq"] != 9 for f in t.sent)

    asyncio.run(run())
