"""Webhook delivery survives SIGKILL: a real `hindsight serve` in a subprocess, a real receiver
on loopback, and the server killed at the three moments that matter.

1. After the meeting closed, before the debounced incident-log refresh recorded the event: the
   restarted server catches its log row up, the trigger records the event, and the receiver
   gets the message once.
2. With the message queued and the receiver down (every attempt refused): after the restart it
   is delivered once the receiver is back, once.
3. With the message on the wire: the receiver has the request and has not answered when the
   server dies, so its success was never recorded. After the restart the message is sent again
   with the same `Idempotency-Key`: at-least-once delivery, and a receiver that drops repeats
   by that key (as docs/operators.md tells receivers to) sees it once.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

from hindsight.board_state import ops as o
from hindsight.client.http import create_board
from hindsight.client.sdk import BoardClient
from tests.realserver import RealServer, free_port

from .test_webhooks import SECRET, Receiver, hook, hooks_file, verify


def _server(tmp_path: Path, receiver: Receiver) -> RealServer:
    path = hooks_file(tmp_path, hook("auto", receiver.url, events=["meeting.closed"]))
    env = {
        "HINDSIGHT_WEBHOOKS": path,
        "HINDSIGHT_PUBLIC_URL": "https://retro.example.com",
        "HINDSIGHT_WEBHOOK_TICK": "0.1",
        "HINDSIGHT_WEBHOOK_RETRY": "0.2",
    }
    return RealServer(tmp_path / "hooks.db", env=env)


def _close_a_meeting(server: RealServer) -> str:
    made = create_board(server.url, title="Kill drill", facilitator_name="Fay")

    async def close() -> None:
        async with BoardClient(server.url, made["board_id"], made["credential"]) as c:
            await c.submit(o.CloseMeeting())

    asyncio.run(close())
    board_id: str = made["board_id"]
    return board_id


def _outbox(db: Path) -> list[dict[str, Any]]:
    try:
        with sqlite3.connect(db) as conn:
            conn.row_factory = sqlite3.Row
            return [dict(r) for r in conn.execute("SELECT * FROM webhook_outbox")]
    except sqlite3.OperationalError:  # not migrated yet
        return []


def _wait(what: str, check: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _delivered_once(server: RealServer, receiver: Receiver, board_id: str) -> None:
    _wait("the delivery", lambda: [r["status"] for r in _outbox(server.db)] == ["delivered"])
    time.sleep(0.5)  # several more passes
    key = f"meeting.closed:{board_id}"
    assert {r.key for r in receiver.got()} == {key}
    assert all(verify(SECRET, r, time.time()) for r in receiver.got())
    (row,) = _outbox(server.db)
    assert (row["key"], row["status"]) == (key, "delivered")


def test_a_kill_before_the_event_was_recorded_still_delivers_it_once(tmp_path: Path) -> None:
    receiver = Receiver().start()
    server = _server(tmp_path, receiver)
    server.start()
    try:
        board_id = _close_a_meeting(server)
        server.kill()  # within the log's 1 s debounce: the close is durable, its event not yet
        assert _outbox(server.db) == []
        server.start()
        receiver.wait_for(1)
        _delivered_once(server, receiver, board_id)
        assert len(receiver.got()) == 1
    finally:
        server.stop()
        receiver.stop()


def test_a_message_queued_while_the_receiver_is_down_survives_a_kill_and_arrives_once(
    tmp_path: Path,
) -> None:
    receiver = Receiver(port=free_port())  # not started: down
    server = _server(tmp_path, receiver)
    server.start()
    try:
        board_id = _close_a_meeting(server)
        _wait("a refused attempt", lambda: any(r["attempts"] >= 2 for r in _outbox(server.db)))
        server.kill()
        (row,) = _outbox(server.db)
        assert row["status"] == "pending" and "refused" in row["last_error"].lower()
        receiver.start()
        server.start()
        receiver.wait_for(1)
        _delivered_once(server, receiver, board_id)
        assert len(receiver.got()) == 1  # down until now: this is the only request it saw
        assert [r.answered for r in receiver.got()] == [200]
    finally:
        server.stop()
        receiver.stop()


def test_a_kill_while_the_receiver_holds_the_request_resends_it_with_the_same_key(
    tmp_path: Path,
) -> None:
    receiver = Receiver().start()
    receiver.mode = "hold"
    server = _server(tmp_path, receiver)
    server.start()
    try:
        board_id = _close_a_meeting(server)
        _wait("the request on the wire", lambda: receiver.holding == 1)
        server.kill()  # the receiver has the request; its answer can no longer be recorded
        (row,) = _outbox(server.db)
        assert (row["status"], row["attempts"]) == ("pending", 0)
        receiver.mode = "ok"
        receiver.release.set()
        server.start()
        receiver.wait_for(2)
        _delivered_once(server, receiver, board_id)
        got = receiver.got()
        assert len(got) == 2 and got[0].key == got[1].key == f"meeting.closed:{board_id}"
        assert got[0].body == got[1].body  # the same message; only its timestamp is new
        assert [r.answered for r in got] == [0, 200]  # the first answer found no one to hear it
        assert len({r.key for r in got}) == 1  # what a receiver deduplicating by key keeps
    finally:
        receiver.release.set()
        server.stop()
        receiver.stop()
