"""Helpers for the in-process server tests (test_ws, test_security, test_http).

Every test runs the real app (`server.app.create_app`) on a real SQLite file under `tmp_path`,
through Starlette's `TestClient`. All websocket sessions of a test are opened inside one
`with TestClient(app) as client:` block (the `client` fixture), so they share one event loop and
therefore one board.

Reads from a websocket session block, and Starlette's session has no public read with a
deadline. So the app is wrapped in `SendTee`, a plain ASGI middleware that copies every frame
and close the app sends on a websocket into a stream of our own, which `recv` reads with a
deadline (a missing frame fails the test quickly instead of hanging it). `recv` also records
every frame a session received in `frames_of(ws)`, which the privacy tests search.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import anyio
import pytest
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from starlette.testclient import TestClient, WebSocketTestSession
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect

from hindsight.server.app import create_app
from hindsight.server.config import Settings
from tests.pgserver import fresh_database, on_postgres

TEMPLATES = Path(__file__).resolve().parents[2] / "server" / "web" / "templates"
READ_TIMEOUT = 5.0  # seconds; a frame that is expected arrives in milliseconds

Frame = dict[str, Any]
_LOGS: WeakKeyDictionary[WebSocketTestSession, list[Frame]] = WeakKeyDictionary()


# --- the app -----------------------------------------------------------------------------------

TEE_HEADER = "x-test-session"  # names a test's websocket session to `SendTee`
_tees: dict[str, tuple[MemoryObjectSendStream[Message], MemoryObjectReceiveStream[Message]]] = {}
_session_keys: WeakKeyDictionary[WebSocketTestSession, str] = WeakKeyDictionary()
_session_numbers = itertools.count()


def _tee(key: str) -> tuple[MemoryObjectSendStream[Message], MemoryObjectReceiveStream[Message]]:
    if key not in _tees:
        _tees[key] = anyio.create_memory_object_stream[Message](math.inf)
    return _tees[key]


class SendTee:
    """ASGI middleware: what the app sends on a test's websocket (frames and the close), also
    put in a stream of our own that `recv_message` reads with a deadline."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = dict(scope.get("headers", [])).get(TEE_HEADER.encode())
        if scope["type"] != "websocket" or key is None:
            await self.app(scope, receive, send)
            return
        tx, _ = _tee(key.decode())

        async def send_and_copy(message: Message) -> None:
            if message["type"] in ("websocket.send", "websocket.close"):
                tx.send_nowait(message)
            await send(message)

        await self.app(scope, receive, send_and_copy)


class TeeTestClient(TestClient):
    """A TestClient whose websocket sessions are each named to `SendTee` by a header."""

    def websocket_connect(self, url: str, *args: Any, **kwargs: Any) -> WebSocketTestSession:
        key = f"ws-{next(_session_numbers)}"
        kwargs["headers"] = {**(kwargs.get("headers") or {}), TEE_HEADER: key}
        session = super().websocket_connect(url, *args, **kwargs)
        _session_keys[session] = key
        return session


def make_client(tmp_path: Path, **settings: Any) -> TestClient:
    """A TestClient over a fresh app and database; use it as a context manager. Tests seat
    many people from the one test address, so the per-address join limit is off unless a test
    sets it (tests/server/test_join_limits.py does)."""
    settings = {
        "join_rate": 0.0,
        "link_join_rate": 0.0,
        "allowed_hosts": ("testserver",),
        **settings,
    }
    db = fresh_database(str(tmp_path)) if on_postgres() else str(tmp_path / "t.db")
    app = create_app(Settings(db=db, **settings))
    app.add_middleware(SendTee)
    return TeeTestClient(app)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as c:
        yield c


# --- ops ---------------------------------------------------------------------------------------

AT = "2026-08-14T09:12:00Z"


def entry(cid: str, text: str = "alert fired") -> dict[str, Any]:
    """A timeline entry op, the tests' everyday change."""
    return {"type": "add_timeline_entry", "cid": cid, "at": AT, "text": text}


# --- HTTP ----------------------------------------------------------------------------------------


def create_board(client: TestClient, **body: Any) -> dict[str, Any]:
    """POST /api/boards; the body has board_id, participant_id, credential and the links."""
    body.setdefault("title", "DNS outage")
    body.setdefault("facilitator_name", "Fay")
    r = client.post("/api/boards", json=body)
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    _TOKENS[created["board_id"]] = (created["join_token"], created["observer_token"])
    return created


_TOKENS: dict[str, tuple[str, str]] = {}  # board id -> its join links' tokens, from create_board


def join(
    client: TestClient,
    board_id: str,
    name: str,
    role: str = "participant",
    token: str | None = None,
) -> dict[str, Any]:
    """POST /api/boards/{id}/join with the board's join link token (from `create_board`, unless
    given); the body has participant_id, credential and role."""
    if token is None:
        token = _TOKENS.get(board_id, ("", ""))[role == "observer"]
    r = client.post(
        f"/api/boards/{board_id}/join", json={"name": name, "role": role, "token": token}
    )
    assert r.status_code == 201, r.text
    joined: dict[str, Any] = r.json()
    return joined


def board_view(client: TestClient, board_id: str, credential: str) -> dict[str, Any]:
    """GET /api/boards/{id} as the credential's holder: {seq, epoch, you, view}."""
    r = client.get(f"/api/boards/{board_id}", headers={"authorization": f"Bearer {credential}"})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def secret_of(credential: str) -> str:
    """The secret half of a `<participant id>.<secret>` credential."""
    pid, dot, secret = credential.partition(".")
    assert pid and dot and len(secret) >= 24, credential
    return secret


# --- websocket -------------------------------------------------------------------------------------


def frames_of(ws: WebSocketTestSession) -> list[Frame]:
    """Every frame `recv` has read from this session so far, in order."""
    return _LOGS.setdefault(ws, [])


async def _receive_within(rx: MemoryObjectReceiveStream[Message], seconds: float) -> Message:
    with anyio.fail_after(seconds):
        return await rx.receive()


def recv_message(ws: WebSocketTestSession, timeout: float = READ_TIMEOUT) -> dict[str, Any]:
    """The next raw ASGI message the server sent (text frame or close); TimeoutError if none."""
    _, rx = _tee(_session_keys[ws])
    message: dict[str, Any] = ws.portal.call(_receive_within, rx, timeout)
    return message


def recv(ws: WebSocketTestSession, timeout: float = READ_TIMEOUT) -> Frame:
    """The next frame, decoded; raises WebSocketDisconnect if the server closed instead."""
    message = recv_message(ws, timeout)
    if message["type"] == "websocket.close":
        raise WebSocketDisconnect(message.get("code", 1000), message.get("reason") or "")
    frame: Frame = json.loads(message["text"])
    frames_of(ws).append(frame)
    return frame


def recv_until(
    ws: WebSocketTestSession, predicate: Callable[[Frame], bool], timeout: float = READ_TIMEOUT
) -> Frame:
    """Read frames, skipping `presence`, until one matches; fail on any other frame."""
    while True:
        frame = recv(ws, timeout)
        if frame["type"] == "presence":
            continue
        if predicate(frame):
            return frame
        raise AssertionError(f"unexpected frame {frame!r}")


def recv_skipping(
    ws: WebSocketTestSession, predicate: Callable[[Frame], bool], timeout: float = READ_TIMEOUT
) -> Frame:
    """Read frames until one matches, skipping any others (for frames of unknown interleaving)."""
    while True:
        frame = recv(ws, timeout)
        if predicate(frame):
            return frame


def close_code(ws: WebSocketTestSession, timeout: float = READ_TIMEOUT) -> int:
    """Read until the server closes the connection; the close code (frames before it are logged)."""
    while True:
        message = recv_message(ws, timeout)
        if message["type"] == "websocket.close":
            code: int = message.get("code", 1000)
            return code
        frames_of(ws).append(json.loads(message["text"]))


def send(ws: WebSocketTestSession, frame: Frame) -> None:
    ws.send_text(json.dumps(frame))


def hello(
    ws: WebSocketTestSession, board: str, cred: str, last_seq: int = 0, epoch: str = ""
) -> Frame:
    """Say hello and return the welcome (the presence that follows is left for recv_until)."""
    send(
        ws,
        {"type": "hello", "board": board, "credential": cred, "last_seq": last_seq, "epoch": epoch},
    )
    welcome = recv(ws)
    assert welcome["type"] == "welcome", welcome
    return welcome


def is_type(kind: str, **fields: Any) -> Callable[[Frame], bool]:
    """A predicate: a frame of this type whose given fields have these values."""
    return lambda f: f["type"] == kind and all(f.get(k) == v for k, v in fields.items())


def op(ws: WebSocketTestSession, frame: Frame) -> tuple[Frame, Frame]:
    """Send an op that must be accepted; return (its ack, the sender's own event for it)."""
    send(ws, frame)
    ack = recv_until(ws, is_type("ack", cid=frame["cid"]))
    event = recv_until(ws, is_type("event", seq=ack["seq"]))
    return ack, event


def reject(ws: WebSocketTestSession, frame: Frame) -> Frame:
    """Send an op that must be refused; return its reject."""
    send(ws, frame)
    return recv_until(ws, is_type("reject", cid=frame["cid"]))


def changes(event: Frame, kind: str) -> list[Frame]:
    """The views of one kind (board, sticky, timeline, round, ...) in an event."""
    return [c for c in event["changes"] if c["type"] == kind]


def meta_of(event: Frame) -> Frame:
    """The board meta in an event (exactly one)."""
    (meta,) = changes(event, "board")
    return meta
