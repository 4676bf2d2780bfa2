"""The websocket endpoint at /ws: origin check, hello, then frames in and out.

Close codes: origin refused before accept (the client sees HTTP 403, a failed handshake),
4001 unknown board or bad credential, 4002 no valid hello in time, 4008 too slow to keep up,
4009 too many connections from one address, 1011 the board could not be saved. Everything else
is answered in-band (`reject`, `error`) and the connection stays open.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from hindsight.board_state.errors import Rejected
from hindsight.board_state.protocol import (
    Check,
    CountNudges,
    Error,
    Hello,
    Ping,
    Pong,
    Reject,
    decode_client,
    encode,
    salvage_cid,
)
from hindsight.server.config import Settings
from hindsight.server.meeting.advice import answer_check, answer_count
from hindsight.server.meeting.connection import Connection, TokenBucket
from hindsight.server.meeting.hub import Hub
from hindsight.server.meeting.ids import now_ms
from hindsight.server.meeting.room import RoomClosed

CLOSE_UNAUTHORIZED = 4001
CLOSE_NO_HELLO = 4002
CLOSE_TOO_MANY = 4009


def origin_allowed(ws: WebSocket, settings: Settings) -> bool:
    """Browsers always send Origin on a websocket; only they can be tricked into connecting
    cross-site, so a missing Origin (a script, the Python client) is allowed."""
    origin = ws.headers.get("origin")
    if origin is None:
        return True
    if origin.rstrip("/") in settings.allowed_origins:
        return True
    return urlsplit(origin).netloc == ws.headers.get("host", "")


async def _receive(receive: Callable[[], Awaitable[Message]]) -> str | bytes:
    message = await receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    text = message.get("text")
    return text if text is not None else message.get("bytes") or b""


async def _refuse(ws: WebSocket, code: str, message: str, close: int) -> None:
    await ws.send_text(encode(Error(code=code, message=message)).decode())
    await ws.close(code=close, reason=code)


class WebSocketEndpoint:
    """/ws as a plain ASGI app. Starlette's `WebSocket` does the handshake, the hello and the
    close; the frames of a live board go through the ASGI `send` itself, which skips two
    coroutine layers and a state check per frame (10 frames per op on a board of ten: about a
    twentieth of the server's CPU under load, docs/performance.md)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await websocket_endpoint(WebSocket(scope, receive, send), send, receive)


async def websocket_endpoint(
    ws: WebSocket, send: Send | None = None, receive: Receive | None = None
) -> None:
    settings: Settings = ws.app.state.settings
    hub: Hub = ws.app.state.hub
    if not origin_allowed(ws, settings):
        await ws.close(code=1008, reason="origin not allowed")
        return
    # Counted from the accept, not the hello: a socket that never says hello is held too.
    counts = _connections(ws)
    address = ws.client.host if ws.client else ""
    cap = settings.max_connections_per_address
    if cap and counts[address] >= cap:
        await ws.accept()
        return await _refuse(
            ws,
            "limit",
            f"too many connections from your address (at most {cap}); close some and retry",
            CLOSE_TOO_MANY,
        )
    counts[address] += 1
    try:
        await _session(ws, settings, hub, send, receive)
    finally:
        counts[address] -= 1
        if counts[address] <= 0:
            del counts[address]


def _connections(ws: WebSocket) -> Counter[str]:
    """Open websockets per client address, kept on the app's state (one count per app)."""
    counts: Counter[str] | None = getattr(ws.app.state, "ws_per_address", None)
    if counts is None:
        counts = ws.app.state.ws_per_address = Counter()
    return counts


async def _session(
    ws: WebSocket, settings: Settings, hub: Hub, send: Send | None, receive: Receive | None
) -> None:
    """One counted connection: accept, hello, then frames until it ends."""
    await ws.accept()
    try:
        first = await asyncio.wait_for(_receive(ws.receive), settings.hello_timeout)
        hello = decode_client(first)
    except TimeoutError:
        return await _refuse(
            ws, "bad_message", f"send hello within {settings.hello_timeout:g} s", CLOSE_NO_HELLO
        )
    except Rejected as e:
        return await _refuse(ws, e.code, e.message, CLOSE_NO_HELLO)
    except WebSocketDisconnect:
        return
    if not isinstance(hello, Hello):
        return await _refuse(ws, "bad_message", "the first frame must be a hello", CLOSE_NO_HELLO)
    path_board = ws.scope.get("path_params", {}).get("board_id")
    if path_board is not None and path_board != hello.board:
        return await _refuse(
            ws, "bad_message", "the hello names another board than the URL", CLOSE_NO_HELLO
        )
    room = await hub.room(hello.board)
    pid = await room.authenticate_now(hello.credential) if room else None
    if room is None or pid is None:
        return await _refuse(
            ws,
            "unauthorized",
            "no board with that id opens with this credential",
            CLOSE_UNAUTHORIZED,
        )
    conn = Connection(ws, pid, settings.send_queue, batch=hello.batch, send=send)
    conn.on_close = lambda: room.leave(conn)
    bucket = TokenBucket(settings.rate, settings.burst, ws.app.state.rate_clock)
    next_message = ws.receive if receive is None else receive  # raw ASGI: see WebSocketEndpoint
    peer_gone = False
    try:
        room.hello(conn, hello.last_seq, hello.epoch)
        while True:
            frame = await _receive(next_message)
            if not bucket.take():
                _answer(
                    conn,
                    frame,
                    Rejected(
                        "rate_limited", "slow down: too many frames; retry this op in a moment"
                    ),
                )
                continue
            try:
                message = decode_client(frame)
            except Rejected as e:
                _answer(conn, frame, e)
                continue
            if isinstance(message, Ping):
                conn.send(encode(Pong(t=message.t, server_time=now_ms())))
            elif isinstance(message, Hello):
                conn.error(Rejected("bad_message", "already said hello on this connection"))
            elif isinstance(message, Check):
                await answer_check(room, conn, message)
            elif isinstance(message, CountNudges):
                try:
                    await answer_count(room, conn)
                except Rejected as e:
                    conn.error(e)
            else:
                room.submit(conn, message)
    except WebSocketDisconnect:
        peer_gone = True
    except RoomClosed:
        pass
    finally:
        room.leave(conn)
        await conn.finish(peer_gone=peer_gone)


def _answer(conn: Connection, frame: str | bytes, e: Rejected) -> None:
    """A refused frame: a `reject` the sender can match to its op when it has a cid."""
    cid = salvage_cid(frame) if len(frame) <= 1 << 20 else ""
    if cid:
        conn.send(encode(Reject(cid=cid, code=e.code, message=e.message)))
    else:
        conn.error(e)
