"""SIGTERM stops the server promptly whatever its clients did, and tells those still connected
to come back (close code 1012, "service restart"), so a rolling deploy never hangs.

The case that hung: clients that open /ws, say hello, send a ping and close without waiting for
the pong (the browser does this on every page load). The pong was written to a connection that
was already closing; that write never completed, and the server waited for it at shutdown."""

from __future__ import annotations

import asyncio
import json
import subprocess
import urllib.request
from pathlib import Path

import websockets

from tests.server.stored import real_server

STOP_WITHIN = 5.0  # seconds: the hang this guards against lasted over a minute


async def hello_ping_close(url: str, board: str, credential: str, times: int) -> None:
    for _ in range(times):
        async with websockets.connect(url) as ws:
            await ws.send(
                json.dumps(
                    {
                        "type": "hello",
                        "board": board,
                        "credential": credential,
                        "last_seq": 0,
                        "epoch": "",
                    }
                )
            )
            await ws.recv()
            await ws.send(json.dumps({"type": "ping", "t": 1}))
        # leaving the block closes the socket without reading the pong


async def close_code_of(ws: websockets.ClientConnection) -> int | None:
    try:
        while True:
            await ws.recv()
    except websockets.ConnectionClosed as e:
        return e.rcvd.code if e.rcvd else None


def test_sigterm_after_hello_ping_close_clients_stops_promptly_and_asks_the_rest_to_reconnect(
    tmp_path: Path,
) -> None:
    server = real_server(tmp_path / "s.db")
    server.start()
    try:
        req = urllib.request.Request(
            server.url + "/api/boards", data=b"{}", headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=5) as r:
            made = json.load(r)
        ws_url = server.url.replace("http://", "ws://") + "/ws"

        async def scenario() -> int | None:
            await hello_ping_close(ws_url, made["board_id"], made["credential"], 30)
            async with websockets.connect(ws_url) as stays:
                await stays.send(
                    json.dumps(
                        {
                            "type": "hello",
                            "board": made["board_id"],
                            "credential": made["credential"],
                            "last_seq": 0,
                            "epoch": "",
                        }
                    )
                )
                await stays.recv()
                assert server.proc is not None
                server.proc.terminate()
                return await asyncio.wait_for(close_code_of(stays), STOP_WITHIN)

        code = asyncio.run(scenario())
        assert code == 1012
        assert server.proc is not None
        try:
            server.proc.wait(STOP_WITHIN)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                "the server did not stop after SIGTERM: " + server.log.read_text()[-1500:]
            ) from None
    finally:
        server.kill()
