"""What the server refuses, and what it never says: origins, roles, bad frames, credentials.

Every refusal must leave the board as it was (same seq, same view) and, unless the refusal is a
close, the connection usable: each test follows the refusals with a valid op or a ping.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient, WebSocketDenialResponse
from starlette.websockets import WebSocketDisconnect

from hindsight.board_state.protocol import MAX_FRAME
from tests.server.stored import store_files, stored

from .conftest import (
    TEMPLATES,
    board_view,
    close_code,
    create_board,
    entry,
    frames_of,
    hello,
    is_type,
    join,
    make_client,
    op,
    recv_skipping,
    recv_until,
    reject,
    secret_of,
    send,
)


def assert_alive(ws: Any) -> None:
    """The connection still answers."""
    send(ws, {"type": "ping", "t": 42})
    pong = recv_until(ws, is_type("pong"))
    assert pong["t"] == 42 and pong["server_time"] > 0


# --- origins ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "http://testserver.evil.example",
        "null",
        "http://evil.example/testserver",
    ],
)
def test_a_websocket_from_a_foreign_origin_is_closed_with_1008_before_accept(
    client: TestClient, origin: str
) -> None:
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("/ws", headers={"origin": origin}):
            pytest.fail(f"{origin} was accepted")
    assert not isinstance(refused.value, WebSocketDenialResponse)  # a close, not an HTTP answer
    assert refused.value.code == 1008


def test_the_servers_own_origin_and_no_origin_are_accepted(client: TestClient) -> None:
    b = create_board(client)
    for headers in ({"origin": "http://testserver"}, {}):
        with client.websocket_connect("/ws", headers=headers) as ws:
            assert hello(ws, b["board_id"], b["credential"])["role"] == "facilitator"


def test_an_extra_allowed_origin_is_accepted_and_others_still_refused(tmp_path: Path) -> None:
    with make_client(tmp_path, allowed_origins=("https://board.example.com",)) as client:
        b = create_board(client)
        with client.websocket_connect("/ws", headers={"origin": "https://board.example.com"}) as ws:
            assert hello(ws, b["board_id"], b["credential"])["role"] == "facilitator"
        with pytest.raises(WebSocketDisconnect) as refused:
            with client.websocket_connect("/ws", headers={"origin": "https://evil.example"}):
                pass
        assert refused.value.code == 1008


# --- roles -----------------------------------------------------------------------------------


def test_facilitator_only_ops_from_a_participant_are_forbidden_and_change_nothing(
    client: TestClient,
) -> None:
    b = create_board(client)
    ann, bob = join(client, b["board_id"], "Ann"), join(client, b["board_id"], "Bob")
    before = board_view(client, b["board_id"], ann["credential"])
    refused = [
        {"type": "advance_phase", "cid": "x1"},
        {"type": "reveal", "cid": "x2", "phase_id": "p6"},
        {"type": "open_vote", "cid": "x3"},
        {"type": "hand_over", "cid": "x4", "participant_id": bob["participant_id"]},
        {"type": "edit_header", "cid": "x5", "title": "Ann's fault"},
        {"type": "start_timer", "cid": "x6"},
        {"type": "edit_settings", "cid": "x7", "anonymity": "named"},
    ]
    with client.websocket_connect("/ws") as f, client.websocket_connect("/ws") as a:
        hello(f, b["board_id"], b["credential"])
        hello(a, b["board_id"], ann["credential"])
        for frame in refused:
            r = reject(a, frame)
            assert r["code"] == "forbidden", r
            assert "facilitator" in r["message"]
        assert board_view(client, b["board_id"], ann["credential"]) == before
        # No event went to anyone: the next one is for the next accepted op.
        ack, _ = op(f, entry("f1"))
        assert ack["seq"] == before["seq"] + 1
        assert recv_until(a, is_type("event"))["seq"] == ack["seq"]


def test_an_observer_may_not_write(client: TestClient) -> None:
    b = create_board(client)
    olive = join(client, b["board_id"], "Olive", role="observer")
    before = board_view(client, b["board_id"], olive["credential"])
    with client.websocket_connect("/ws") as o:
        assert hello(o, b["board_id"], olive["credential"])["role"] == "observer"
        r = reject(o, entry("o1"))
        assert r["code"] == "forbidden" and "observer" in r["message"]
        assert_alive(o)
    assert board_view(client, b["board_id"], olive["credential"]) == before


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "create_board", "cid": "s1", "title": "mine now"},
        {"type": "join", "cid": "s2", "name": "Mallory", "role": "participant"},
        {"type": "timebox_expired", "cid": "s3", "phase_id": "p1"},
    ],
)
def test_system_ops_from_a_client_are_refused_even_for_the_facilitator(
    client: TestClient, frame: dict[str, Any]
) -> None:
    b = create_board(client)
    before = board_view(client, b["board_id"], b["credential"])
    with client.websocket_connect("/ws") as f:
        hello(f, b["board_id"], b["credential"])
        op(f, {"type": "advance_phase", "cid": "go"})  # a running timebox to "expire"
        r = reject(f, frame)
        assert r["code"] == "forbidden" and "server" in r["message"]
        assert_alive(f)
    after = board_view(client, b["board_id"], b["credential"])
    assert after["seq"] == before["seq"] + 1
    assert after["view"]["participants"] == before["view"]["participants"]
    assert after["view"]["board"]["agenda"][0]["expired"] is False


# --- bad frames ------------------------------------------------------------------------------


def test_an_oversized_frame_is_refused_as_too_large_and_the_connection_stays_usable(
    client: TestClient,
) -> None:
    b = create_board(client)
    before = board_view(client, b["board_id"], b["credential"])
    with client.websocket_connect("/ws") as f:
        hello(f, b["board_id"], b["credential"])
        big = json.dumps(entry("big", "x" * (MAX_FRAME + 1)))
        f.send_text(big)
        r = recv_until(f, is_type("reject", cid="big"))
        assert r["code"] == "too_large" and str(MAX_FRAME) in r["message"]
        f.send_text("[" * (MAX_FRAME + 10))  # no cid to salvage: a frame-level error
        e = recv_until(f, is_type("error"))
        assert e["code"] == "too_large"
        assert board_view(client, b["board_id"], b["credential"]) == before
        ack, _ = op(f, entry("ok"))
        assert ack["seq"] == before["seq"] + 1


def test_a_frame_just_under_the_limit_is_decoded(client: TestClient) -> None:
    b = create_board(client)
    with client.websocket_connect("/ws") as f:
        hello(f, b["board_id"], b["credential"])
        frame = json.dumps({"type": "ping", "t": 7, "pad": ""})
        f.send_text(frame.replace('""', '"' + "x" * (MAX_FRAME - len(frame)) + '"'))
        assert recv_until(f, is_type("pong"))["t"] == 7


def test_the_size_limit_counts_bytes_not_characters(client: TestClient) -> None:
    b = create_board(client)
    with client.websocket_connect("/ws") as f:
        hello(f, b["board_id"], b["credential"])
        frame = '{"type": "ping", "t": 7, "pad": "' + "\u20ac" * 30_000 + '"}'  # 90 kB
        assert len(frame.encode()) > MAX_FRAME
        f.send_text(frame)
        assert recv_until(f, lambda x: x["type"] in ("pong", "error"))["type"] == "error"


@pytest.mark.parametrize(
    "text, cid, names",
    [
        ("{not json", None, "malformed"),
        ('{"type": "add_timeline_entry", "cid": "m1", "at": "', None, "truncated"),
        ('{"type": "cast_vote", "cid": "m2", "round_id": 5, "item_id": "x"}', "m2", "$.round_id"),
        ('{"type": "teleport", "cid": "m3"}', "m3", "teleport"),
        ('{"cid": "m4", "text": "no type"}', "m4", "type"),
        ('{"type": "add_sticky", "cid": "m5", "section": "went_well", "text": ""}', "m5", "$.text"),
        (
            '{"type": "add_sticky", "cid": "m6", "section": "gossip", "text": "x"}',
            "m6",
            "$.section",
        ),
        ("[1, 2, 3]", None, "object"),
    ],
)
def test_bad_frames_get_bad_message_naming_the_problem_and_the_connection_stays_healthy(
    client: TestClient, text: str, cid: str | None, names: str
) -> None:
    b = create_board(client)
    before = board_view(client, b["board_id"], b["credential"])
    with client.websocket_connect("/ws") as f:
        hello(f, b["board_id"], b["credential"])
        f.send_text(text)
        answer = recv_until(f, lambda x: x["type"] in ("reject", "error"))
        if cid is None:
            assert answer["type"] == "error", answer
        else:
            assert answer["type"] == "reject" and answer["cid"] == cid, answer
        assert answer["code"] == "bad_message"
        assert names.lower() in answer["message"].lower(), answer
        assert_alive(f)
        assert op(f, entry("ok"))[0]["seq"] == before["seq"] + 1


def test_binary_frames_are_decoded_like_text(client: TestClient) -> None:
    b = create_board(client)
    with client.websocket_connect("/ws") as f:
        hello(f, b["board_id"], b["credential"])
        f.send_bytes(json.dumps(entry("bin")).encode())
        assert recv_until(f, is_type("ack", cid="bin"))["duplicate"] is False


# --- hello -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "which", ["wrong secret", "other board's credential", "unknown board", "unknown participant"]
)
def test_a_bad_credential_or_unknown_board_gets_unauthorized_then_close_4001(
    client: TestClient, which: str
) -> None:
    b, other = create_board(client), create_board(client)
    pid = b["participant_id"]
    board, cred = {
        "wrong secret": (b["board_id"], f"{pid}.{'A' * 32}"),
        "other board's credential": (b["board_id"], other["credential"]),
        "unknown board": ("no-such-board", b["credential"]),
        "unknown participant": (b["board_id"], "nobody." + secret_of(b["credential"])),
    }[which]
    with client.websocket_connect("/ws") as ws:
        send(ws, {"type": "hello", "board": board, "credential": cred})
        assert close_code(ws) == 4001
        assert frames_of(ws) == [
            {
                "type": "error",
                "code": "unauthorized",
                "message": "no board with that id opens with this credential",
            }
        ]


def test_no_hello_in_time_closes_with_4002(tmp_path: Path) -> None:
    with make_client(tmp_path, hello_timeout=0.3) as client:
        with client.websocket_connect("/ws") as ws:
            started = time.monotonic()
            assert close_code(ws) == 4002
            assert time.monotonic() - started >= 0.25
            (error,) = frames_of(ws)
            assert error["type"] == "error" and "hello" in error["message"]


@pytest.mark.parametrize("first", ['{"type": "ping"}', "{oops", json.dumps(entry("early"))])
def test_a_first_frame_that_is_not_a_valid_hello_closes_with_4002(
    client: TestClient, first: str
) -> None:
    b = create_board(client)
    with client.websocket_connect("/ws") as ws:
        ws.send_text(first)
        assert close_code(ws) == 4002
        assert [f["type"] for f in frames_of(ws)] == ["error"]
    assert board_view(client, b["board_id"], b["credential"])["seq"] == 3  # as it was made


def test_a_second_hello_on_a_connection_is_an_error_and_changes_nothing(client: TestClient) -> None:
    b, other = create_board(client), create_board(client)
    with client.websocket_connect("/ws") as f:
        welcome = hello(f, b["board_id"], b["credential"])
        send(f, {"type": "hello", "board": other["board_id"], "credential": other["credential"]})
        e = recv_until(f, is_type("error"))
        assert e["code"] == "bad_message" and "hello" in e["message"]
        ack, event = op(f, entry("still-here"))  # still on the first board, as the same person
        assert ack["seq"] == welcome["seq"] + 1
    assert board_view(client, b["board_id"], b["credential"])["seq"] == ack["seq"]
    assert board_view(client, other["board_id"], other["credential"])["seq"] == 3


# --- rate limit ------------------------------------------------------------------------------


def test_rate_limiting_rejects_the_excess_and_the_connection_stays_open(tmp_path: Path) -> None:
    now = [1000.0]  # the rate limit's clock, moved by hand: no sleeping for tokens
    with make_client(tmp_path, rate=2, burst=3) as client:
        client.app.state.rate_clock = lambda: now[0]  # type: ignore[attr-defined]
        b = create_board(client)
        with client.websocket_connect("/ws") as f:
            hello(f, b["board_id"], b["credential"])
            for n in range(6):
                send(f, entry(f"r{n}", f"entry {n}"))
            answers: dict[str, dict[str, Any]] = {}
            while len(answers) < 6:  # rate-limit rejects may overtake acks: match by cid
                frame = recv_skipping(f, lambda x: x["type"] in ("ack", "reject"))
                answers[frame["cid"]] = frame
            kinds = [answers[f"r{n}"]["type"] for n in range(6)]
            assert kinds == ["ack"] * 3 + ["reject"] * 3, answers
            assert {answers[f"r{n}"]["code"] for n in range(3, 6)} == {"rate_limited"}
            send(f, {"type": "ping"})  # no cid: an error frame
            assert recv_skipping(f, lambda x: x["type"] == "error")["code"] == "rate_limited"

            now[0] += 0.6  # a token comes back every 0.5 s
            send(f, entry("later"))
            ack = recv_skipping(f, lambda x: x["type"] in ("ack", "reject"))
            assert ack["type"] == "ack" and ack["cid"] == "later" and ack["seq"] == 3 + 3 + 1
        view = board_view(client, b["board_id"], b["credential"])["view"]
        assert sorted(e["text"] for e in view["timeline"]) == [
            "alert fired",
            "entry 0",
            "entry 1",
            "entry 2",
        ]


# --- secrets -----------------------------------------------------------------------------------


@pytest.mark.skipif(
    not (TEMPLATES / "board.html").exists() or not (TEMPLATES / "join.html").exists(),
    reason="pages not written yet",
)
def test_credentials_appear_in_no_page(client: TestClient) -> None:
    b = create_board(client)
    ann = join(client, b["board_id"], "Ann")
    secrets = [secret_of(b["credential"]), secret_of(ann["credential"])]
    for path in (
        f"/b/{b['board_id']}",
        f"/b/{b['board_id']}/join",
        f"/b/{b['board_id']}/join?role=observer",
    ):
        r = client.get(path)
        assert r.status_code == 200
        assert all(s not in r.text and s not in str(r.headers) for s in secrets), path


def test_credentials_appear_in_no_view_frame_or_header_beyond_create_and_join(
    client: TestClient,
) -> None:
    r = client.post("/api/boards", json={"title": "Outage"})
    b = r.json()
    ann = join(client, b["board_id"], "Ann", token=b["join_token"])
    secrets = [secret_of(b["credential"]), secret_of(ann["credential"])]
    assert all(s not in str(r.headers) for s in secrets)

    seen = []
    for cred in (b["credential"], ann["credential"]):
        got = client.get(
            f"/api/boards/{b['board_id']}", headers={"authorization": f"Bearer {cred}"}
        )
        seen += [got.text, str(got.headers)]
    with client.websocket_connect("/ws") as f, client.websocket_connect("/ws") as a:
        hello(f, b["board_id"], b["credential"])
        hello(a, b["board_id"], ann["credential"])
        op(a, entry("a1"))
        recv_until(f, is_type("event"))
        join(client, b["board_id"], "Bob", token=b["join_token"])
        for ws in (f, a):
            recv_until(ws, is_type("event"))
            seen.append(json.dumps(frames_of(ws)))
    seen += [client.get("/healthz").text, client.get("/readyz").text]
    for text in seen:
        assert all(s not in text for s in secrets)


def test_secrets_are_stored_hashed_and_nowhere_in_plain_text(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        b = create_board(client)
        ann = join(client, b["board_id"], "Ann")
    secrets = {
        b["participant_id"]: secret_of(b["credential"]),
        ann["participant_id"]: secret_of(ann["credential"]),
    }
    rows = stored(
        tmp_path,
        "SELECT participant_id, secret_hash FROM credentials WHERE board_id = ?",
        (b["board_id"],),
    )
    assert dict(rows) == {pid: hashlib.sha256(s.encode()).hexdigest() for pid, s in secrets.items()}
    files = store_files(tmp_path)
    assert files
    for path, raw in files:
        for secret in secrets.values():
            assert secret.encode() not in raw, path
