"""What server/meeting/send_now.py relies on, checked against the installed uvicorn: its
websocket `send` is a coroutine that, for a text frame with room in the transport, finishes on
its first step; and one carried on by `finish_later` delivers its frame. A uvicorn upgrade that
changes either fails here."""

from __future__ import annotations

import asyncio
import inspect
import socket
from typing import Any

import uvicorn
import websockets

from hindsight.server.cli import UVICORN_OPTIONS
from hindsight.server.meeting.send_now import finish_later, raw_sender


def _free_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


async def _probe_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Accepts, then for each text frame answers with what stepping `send` by hand did."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    while (message := await receive())["type"] == "websocket.receive":
        coro = raw_sender(send)("probe")
        is_coroutine = inspect.iscoroutine(coro)
        try:
            blocked_on = coro.send(None)
        except StopIteration:
            first_step = "finished"
        else:
            first_step = "blocked"
            await finish_later(coro, blocked_on)  # the frame still goes out
        await raw_sender(send)(f"{is_coroutine} {first_step}")
        if message.get("text") == "late":  # carried on by finish_later from the first step
            late = raw_sender(send)("late frame")
            await finish_later(late, None)


def test_uvicorns_send_is_a_coroutine_that_finishes_on_its_first_step() -> None:
    async def run() -> tuple[list[str], list[str]]:
        sock = _free_socket()
        options = {k: v for k, v in UVICORN_OPTIONS.items() if k not in ("loop", "http")}
        config = uvicorn.Config(_probe_app, log_level="warning", **options)
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            await asyncio.sleep(0.01)
        port = sock.getsockname()[1]
        try:
            async with websockets.connect(f"ws://127.0.0.1:{port}/ws") as ws:
                plain = []
                for _ in range(20):
                    await ws.send("go")
                    plain += [await ws.recv(), await ws.recv()]
                await ws.send("late")
                late = [await ws.recv() for _ in range(3)]
        finally:
            server.should_exit = True
            await task
        return [str(x) for x in plain], [str(x) for x in late]

    plain, late = asyncio.run(run())
    assert plain == ["probe", "True finished"] * 20
    assert late == ["probe", "True finished", "late frame"]
