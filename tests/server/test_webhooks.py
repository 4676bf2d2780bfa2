"""Outgoing webhooks end to end: the real app on a real SQLite file posts to a real HTTP
receiver on loopback, started by the test (`Receiver`: stdlib `http.server` in a thread, which
records every request and can be told to answer 500 or be down).

Events come from what the boards do (closing a meeting, changing an action's status through
the actions API); the JSON hook's signature is checked here with the secret, by the recipe
docs/operators.md gives receivers. The reminders and digests, which follow the calendar, are
in test_webhooks_schedule.py; a real server SIGKILLed with a message queued or on the wire is
in test_webhooks_kill.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from hindsight.board_state import ops as o
from hindsight.server.meeting.ids import now_ms
from hindsight.server.storage import outbox
from hindsight.server.storage.schema import (
    LogRow,
    OutboxResult,
    OutboxRow,
    OutboxWrites,
    WriteBatch,
)
from hindsight.server.storage.store import Store

from .conftest import join, make_client
from .test_incident_log import commit_action, do, new_board

# HTTP servers of its own on loopback: the whole suite, not the quick lane.
pytestmark = pytest.mark.slow

SECRET = "s3cret-for-tests"
PUBLIC = "https://retro.example.com"


@dataclass
class Received:
    path: str
    headers: dict[str, str]  # names lowercased
    body: bytes
    answered: int  # the status the receiver answered (0: held, then the sender was gone)

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def key(self) -> str:
        return self.headers.get("idempotency-key", "")


class Receiver:
    """A webhook receiver on 127.0.0.1. `mode`: "ok" answers 200, "fail" 500, "hold" keeps
    the request unanswered until `release` is set (then 200). `stop()` closes the port (the
    receiver is down: connection refused); `start()` opens the same port again."""

    def __init__(self, port: int = 0) -> None:
        self.port = port
        self.mode = "ok"
        self.requests: list[Received] = []
        self.release = threading.Event()
        self.holding = 0  # requests that arrived in "hold" mode
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                mode = receiver.mode
                if mode == "hold":
                    with receiver.lock:
                        receiver.holding += 1
                    receiver.release.wait(30)
                status = 500 if mode == "fail" else 200
                got = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body, 0)
                with receiver.lock:
                    receiver.requests.append(got)
                try:
                    self.send_response(status)
                    self.send_header("content-length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                    got.answered = status
                except OSError:
                    pass  # the sender is gone (killed while we held its request)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def got(self, kind: str = "") -> list[Received]:
        with self.lock:
            return [r for r in self.requests if not kind or r.headers["hindsight-event"] == kind]

    def wait_for(self, n: int, kind: str = "", timeout: float = 15.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.got(kind)) >= n:
                return self.got(kind)
            time.sleep(0.02)
        raise AssertionError(f"expected {n} {kind or 'requests'}, got {len(self.got(kind))}")


def verify(secret: str, request: Received, now: float, tolerance: float = 300) -> bool:
    """What a receiver does (docs/operators.md): HMAC-SHA256 of "<timestamp>.<raw body>" with
    the secret, compared in constant time, and a timestamp within five minutes."""
    timestamp = request.headers["hindsight-timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256)
    signature = request.headers["hindsight-signature"].removeprefix("sha256=")
    fresh = abs(now - int(timestamp)) <= tolerance
    return fresh and hmac.compare_digest(expected.hexdigest(), signature)


def hooks_file(tmp_path: Path, *tables: str) -> str:
    path = tmp_path / "webhooks.toml"
    path.write_text("\n".join(tables))
    return str(path)


def hook(name: str, url: str, fmt: str = "json", **extra: Any) -> str:
    lines = [f"[[hook]]\nname = {name!r}\nurl = {url!r}\nformat = {fmt!r}"]
    if fmt == "json" and "secret" not in extra:
        lines.append(f"secret = {SECRET!r}")
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.release.set()
    r.stop()


def webhook_client(tmp_path: Path, webhooks: str, **settings: Any) -> TestClient:
    settings = {"public_url": PUBLIC, "webhook_tick": 0.05, "webhook_retry": 0.05, **settings}
    return make_client(tmp_path, webhooks=webhooks, **settings)


def outbox_rows(tmp_path: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(tmp_path / "t.db") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM webhook_outbox ORDER BY created_at")]


def closed_board(client: TestClient, tags: tuple[str, ...] = ("payments",)) -> dict[str, Any]:
    """A board with two committed actions (one owned by Sam), then closed."""
    b = new_board(client, "Checkout <errors> & timeouts", severity="sev1", tags=tags)
    bid, fac = b["board_id"], b["participant_id"]
    sam = join(client, bid, "Sam")["participant_id"]
    b["actions"] = [
        commit_action(client, bid, fac, o.AddAction(text="Alert on p99", owner_id=sam)),
        commit_action(client, bid, fac, o.AddAction(text="Runbook for DNS", due="2031-01-10")),
    ]
    do(client, bid, fac, o.CloseMeeting())
    return b


# --- every event kind's facts, and the two formats -------------------------------------------


def test_a_closed_meeting_is_posted_once_to_chat_with_the_writeup_link(
    tmp_path: Path, receiver: Receiver
) -> None:
    path = hooks_file(tmp_path, hook("chat", receiver.url, "slack", events=["meeting.closed"]))
    with webhook_client(tmp_path, path) as client:
        client.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        b = closed_board(client)
        (got,) = receiver.wait_for(1)
        time.sleep(0.3)  # several more passes: nothing is sent again
        assert len(receiver.got()) == 1
    body = got.json
    writeup = f"{PUBLIC}/b/{b['board_id']}/writeup"
    assert f"<{writeup}|Read the write-up>" in body["text"]
    assert "*Checkout &lt;errors&gt; &amp; timeouts* (sev1), 2 actions committed" in body["text"]
    assert [blk["type"] for blk in body["blocks"]] == ["section", "context"]
    assert body["blocks"][0]["text"]["type"] == "mrkdwn"
    assert got.headers["idempotency-key"] == f"meeting.closed:{b['board_id']}"
    assert "hindsight-signature" not in got.headers  # a chat hook without a secret is not signed
    (row,) = outbox_rows(tmp_path)
    assert (row["status"], row["attempts"], row["last_code"]) == ("delivered", 1, 200)


def test_json_messages_are_signed_and_the_signature_verifies_with_the_secret(
    tmp_path: Path, receiver: Receiver
) -> None:
    path = hooks_file(tmp_path, hook("auto", receiver.url, events=["meeting.closed"]))
    with webhook_client(tmp_path, path) as client:
        client.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        b = closed_board(client)
        (got,) = receiver.wait_for(1)
    assert verify(SECRET, got, time.time())
    assert not verify("another secret", got, time.time())
    tampered = Received(got.path, got.headers, got.body.replace(b"sev1", b"sev3"), 200)
    assert not verify(SECRET, tampered, time.time())
    assert not verify(SECRET, got, time.time() + 3600)  # an old capture replayed later
    doc = got.json
    assert doc["event"] == "meeting.closed" and doc["hook"] == "auto"
    assert doc["id"] == got.headers["hindsight-delivery"] == f"meeting.closed:{b['board_id']}"
    assert doc["board"]["title"] == "Checkout <errors> & timeouts"
    assert doc["board"]["tags"] == ["payments"] and doc["board"]["status"] == "closed"
    assert doc["board"]["writeup_url"] == f"{PUBLIC}/b/{b['board_id']}/writeup"
    assert [(a["text"], a["owner"]) for a in doc["actions"]] == [
        ("Alert on p99", "Sam"),
        ("Runbook for DNS", ""),
    ]


def test_a_status_change_through_the_actions_api_is_posted_with_both_statuses(
    tmp_path: Path, receiver: Receiver
) -> None:
    path = hooks_file(tmp_path, hook("auto", receiver.url, events=["action.status_changed"]))
    with webhook_client(tmp_path, path) as client:
        client.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        b = closed_board(client)
        bid, action = b["board_id"], b["actions"][1]
        for status in ("in_progress", "done"):
            r = client.post(
                f"/api/boards/{bid}/actions/{action}/status",
                json={"status": status},
                headers={"authorization": f"Bearer {b['credential']}"},
            )
            assert r.status_code == 200, r.text
            receiver.wait_for(1 if status == "in_progress" else 2)
        time.sleep(0.3)
        got = receiver.got()
    assert [(g.json["from"], g.json["action"]["status"]) for g in got] == [
        ("open", "in_progress"),
        ("in_progress", "done"),
    ]
    assert all(g.json["action"]["id"] == action and verify(SECRET, g, time.time()) for g in got)
    assert len({g.key for g in got}) == 2  # two changes, two keys


def test_a_hook_with_tags_hears_only_boards_with_one_of_them(
    tmp_path: Path, receiver: Receiver
) -> None:
    path = hooks_file(
        tmp_path, hook("pay", receiver.url, events=["meeting.closed"], tags=["Payments", "x"])
    )
    with webhook_client(tmp_path, path) as client:
        client.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        closed_board(client, tags=("search",))
        wanted = closed_board(client, tags=("payments", "db"))
        receiver.wait_for(1)
        time.sleep(0.3)
        assert [g.json["board"]["id"] for g in receiver.got()] == [wanted["board_id"]]


def test_a_restricted_boards_news_goes_to_no_channel(tmp_path: Path, receiver: Receiver) -> None:
    path = hooks_file(tmp_path, hook("all", receiver.url, events=["meeting.closed"]))
    with webhook_client(tmp_path, path) as client:
        client.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        secret = new_board(client, "Credential leak", tags=("security",))
        do(client, secret["board_id"], secret["participant_id"], o.SetAccess(restricted=True))
        do(client, secret["board_id"], secret["participant_id"], o.CloseMeeting())
        shown = closed_board(client)
        receiver.wait_for(1)
        time.sleep(0.3)
        assert [g.json["board"]["id"] for g in receiver.got()] == [shown["board_id"]]


def test_chat_messages_make_peoples_text_inert(tmp_path: Path, receiver: Receiver) -> None:
    """`<!channel>` would ping a whole Slack channel, `@all` a Mattermost one."""
    path = hooks_file(tmp_path, hook("chat", receiver.url, "slack"))
    with webhook_client(tmp_path, path) as client:
        client.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        b = new_board(client, "<!channel> @all look")
        bid, fac = b["board_id"], b["participant_id"]
        commit_action(client, bid, fac, o.AddAction(text="<https://evil.example|click> me"))
        do(client, bid, fac, o.CloseMeeting())
        text = receiver.wait_for(1)[0].json["text"]
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "@all" not in text and "@\u2060all" in text


# --- delivery: retried, once -------------------------------------------------------------------


def test_a_receiver_that_fails_then_is_down_gets_the_message_once_when_it_is_back(
    tmp_path: Path, receiver: Receiver
) -> None:
    receiver.mode = "fail"
    path = hooks_file(tmp_path, hook("auto", receiver.url, events=["meeting.closed"]))
    with webhook_client(tmp_path, path) as client:
        client.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        closed_board(client)
        receiver.wait_for(2)  # answered 500 twice
        receiver.stop()  # then down: connection refused
        deadline = time.monotonic() + 10
        while outbox_rows(tmp_path)[0]["attempts"] < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        (row,) = outbox_rows(tmp_path)
        assert row["status"] == "pending" and row["attempts"] >= 4
        assert row["last_code"] is None and "refused" in row["last_error"].lower()
        receiver.mode = "ok"
        receiver.start()
        deadline = time.monotonic() + 15
        while outbox_rows(tmp_path)[0]["status"] != "delivered" and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)
    got = receiver.got()
    assert [g.answered for g in got].count(200) == 1
    assert all(g.answered == 500 for g in got[:-1]) and got[-1].answered == 200
    assert len({g.key for g in got}) == 1  # every attempt carried the same key
    (row,) = outbox_rows(tmp_path)
    assert row["status"] == "delivered" and row["last_code"] == 200 and row["last_error"] == ""
    assert row["attempts"] > len(got)  # the refused attempts count too


def test_a_message_undelivered_for_a_day_is_marked_failed(
    tmp_path: Path, receiver: Receiver
) -> None:
    receiver.mode = "fail"
    path = hooks_file(tmp_path, hook("auto", receiver.url, events=["meeting.closed"]))
    with webhook_client(tmp_path, path) as client:
        client.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        closed_board(client)
        receiver.wait_for(1)
        client.app.state.webhook_clock = lambda: time.time() + 86_400 + 60  # type: ignore[attr-defined]
        deadline = time.monotonic() + 10
        while outbox_rows(tmp_path)[0]["status"] == "pending" and time.monotonic() < deadline:
            time.sleep(0.02)
        n = len(receiver.got())
        time.sleep(0.3)
        assert len(receiver.got()) == n  # not tried again
    (row,) = outbox_rows(tmp_path)
    assert row["status"] == "failed" and row["last_code"] == 500


def test_an_event_older_than_a_day_is_not_sent_to_a_hook_added_later(
    tmp_path: Path, receiver: Receiver
) -> None:
    """A server that ran without hooks recorded its events; a hook added later does not get a
    burst of old news."""
    with make_client(tmp_path) as client:
        client.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        old = closed_board(client)
    with sqlite3.connect(tmp_path / "t.db") as conn:
        conn.execute(
            "UPDATE webhook_events SET dispatched = 0, created_at = ?", (now_ms() - 2 * 86_400_000,)
        )
    path = hooks_file(tmp_path, hook("auto", receiver.url, events=["meeting.closed"]))
    with webhook_client(tmp_path, path) as client:
        client.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        new = closed_board(client)
        receiver.wait_for(1)
        time.sleep(0.3)
    assert [g.json["board"]["id"] for g in receiver.got()] == [new["board_id"]]
    assert old["board_id"] != new["board_id"]


# --- the delivery log ------------------------------------------------------------------------


def test_the_delivery_log_needs_the_operator_token_and_never_shows_a_url_or_secret(
    tmp_path: Path, receiver: Receiver
) -> None:
    path = hooks_file(
        tmp_path,
        hook(
            "chat",
            receiver.url + "/services/T0/B0/XYZsecretpath",
            "slack",
            events=["meeting.closed"],
        ),
        hook("auto", receiver.url, events=["meeting.closed"]),
    )
    with webhook_client(tmp_path, path) as client:
        assert client.get("/api/webhooks/deliveries").status_code == 403  # no token configured
    token = "op-token-123"
    with webhook_client(tmp_path, path, operator_token=token) as client:
        client.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        b = closed_board(client)
        receiver.wait_for(2)
        time.sleep(0.2)
        assert client.get("/api/webhooks/deliveries").status_code == 401
        bad = client.get("/webhooks", headers={"authorization": "Bearer nope"})
        assert bad.status_code == 401 and bad.headers["www-authenticate"].startswith("Basic")
        r = client.get("/api/webhooks/deliveries", headers={"authorization": f"Bearer {token}"})
        basic = base64.b64encode(f"ops:{token}".encode()).decode()
        page = client.get("/webhooks", headers={"authorization": f"Basic {basic}"})
    assert r.status_code == 200 and page.status_code == 200
    log = r.json()
    assert log["counts"] == {"pending": 0, "delivered": 2, "failed": 0}
    assert {(d["hook"], d["event"], d["status"]) for d in log["deliveries"]} == {
        ("chat", "meeting.closed", "delivered"),
        ("auto", "meeting.closed", "delivered"),
    }
    assert all(d["key"] == f"meeting.closed:{b['board_id']}" for d in log["deliveries"])
    assert [h["name"] for h in log["hooks"]] == ["chat", "auto"]
    for text in (r.text, page.text):
        assert "XYZsecretpath" not in text and SECRET not in text
    assert f"meeting.closed:{b['board_id']}" in page.text and "Delivered: 2" in page.text


# --- the store: queued once, whoever queues it -----------------------------------------------


def _row(seq: int, status: str, action_status: str) -> LogRow:
    action = {"id": "a1", "text": "Fix it", "owner": "Sam", "due": "", "status": action_status}
    return LogRow(
        board_id="b1",
        seq=seq,
        date="2030-01-01",
        created_at=1,
        title="T",
        severity="sev2",
        status=status,
        learning_question="",
        root_cause="",
        tags=("db",),
        categories=(),
        actions=json.dumps([{**action, "selected": True}]),
        updated_at=now_ms(),
    )


def test_the_log_triggers_record_each_change_once_and_a_message_is_queued_once(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "s.db")
    store.open()
    try:
        for row in (
            _row(1, "open", "open"),
            _row(2, "open", "open"),  # nothing changed
            _row(3, "closed", "in_progress"),  # closed, and a status change
            _row(3, "closed", "in_progress"),  # the same row written again
            _row(4, "closed", "open"),  # changed back: another change
        ):
            store.write_sync(WriteBatch(log_rows=(row,)))
        events = outbox.pending_events(store)
        assert sorted((e.key, json.loads(e.data).get("from")) for e in events) == [
            ("action.status_changed:b1:a1:2:in_progress", "open"),
            ("action.status_changed:b1:a1:3:open", "in_progress"),
            ("meeting.closed:b1", None),
        ]

        message = OutboxRow("h", "meeting.closed:b1", "meeting.closed", "b1", "{}", now_ms())
        store.write_sync(WriteBatch(outbox=OutboxWrites(enqueue=(message,))))
        done = OutboxResult("h", message.key, "delivered", now_ms(), 0, 200)
        store.write_sync(WriteBatch(outbox=OutboxWrites(results=(done,))))
        # Queued again (a pass that crashed before marking its events dispatched, say), and
        # a late result of an older attempt: the delivered message stays delivered, once.
        later = OutboxRow("h", message.key, "meeting.closed", "b1", '{"x": 1}', now_ms() + 5)
        retry = OutboxResult("h", message.key, "pending", now_ms(), now_ms(), 500, "HTTP 500")
        store.write_sync(WriteBatch(outbox=OutboxWrites(enqueue=(later,), results=(retry,))))
        (d,) = outbox.recent_deliveries(store)
        assert (d.status, d.attempts, d.data, d.last_code) == ("delivered", 1, "{}", 200)
        assert outbox.due_deliveries(store, now_ms() + 10**9) == []
    finally:
        store.close()
