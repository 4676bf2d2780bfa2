"""Guardrail hints over the websocket: `check` answers the writer alone, `count_nudges` gives the
facilitator per-phase counts without private writing, and the board settings switch kinds off."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.server.conftest import (
    create_board,
    hello,
    is_type,
    join,
    op,
    recv_skipping,
    recv_until,
    send,
)


def test_a_check_answers_the_writer_alone_with_the_words_and_a_reframe(client: TestClient) -> None:
    b = create_board(client)
    sarah = join(client, b["board_id"], "Sarah")
    ann = join(client, b["board_id"], "Ann")
    with client.websocket_connect("/ws") as a, client.websocket_connect("/ws") as s:
        hello(a, b["board_id"], ann["credential"])
        hello(s, b["board_id"], sarah["credential"])
        send(a, {"type": "check", "cid": "k1", "text": "Sarah didn't notice the alert"})
        advice = recv_until(a, is_type("advice"))
        assert advice["cid"] == "k1"
        [finding] = advice["findings"]
        assert finding["check"] == "blame" and "didn't notice" in " ".join(finding["words"])
        assert finding["reframe"].endswith("?")
        send(
            a,
            {
                "type": "check",
                "cid": "k2",
                "text": "No alert fired when the wrong-match rate rose from 4% to 30%",
            },
        )
        assert recv_until(a, is_type("advice")) == {"type": "advice", "cid": "k2", "findings": []}
        # Sarah's connection hears nothing of it: a ping is answered before anything else.
        send(s, {"type": "ping", "t": 7})
        assert recv_until(s, lambda f: f["type"] in ("pong", "advice"))["type"] == "pong"


def test_action_wording_is_checked_only_when_asked_as_an_action(client: TestClient) -> None:
    b = create_board(client)
    with client.websocket_connect("/ws") as f:
        hello(f, b["board_id"], b["credential"])
        send(f, {"type": "check", "cid": "a1", "kind": "action", "text": "Improve our alerting"})
        assert [x["check"] for x in recv_until(f, is_type("advice"))["findings"]] == [
            "vague_action"
        ]
        send(f, {"type": "check", "cid": "a2", "text": "Improve our alerting"})
        assert recv_until(f, is_type("advice"))["findings"] == []


def test_nudge_kinds_the_facilitator_turned_off_are_not_raised(client: TestClient) -> None:
    b = create_board(client)
    with client.websocket_connect("/ws") as f:
        hello(f, b["board_id"], b["credential"])
        op(f, {"type": "edit_settings", "cid": "s1", "nudges": ["vague_action"]})
        send(f, {"type": "check", "cid": "k", "text": "Human error on the deploy"})
        assert recv_until(f, is_type("advice"))["findings"] == []


def test_the_facilitator_counts_open_nudges_per_phase_without_private_writing(
    client: TestClient,
) -> None:
    b = create_board(client)
    ann = join(client, b["board_id"], "Ann")
    with client.websocket_connect("/ws") as f, client.websocket_connect("/ws") as a:
        welcome = hello(f, b["board_id"], b["credential"])
        hello(a, b["board_id"], ann["credential"])
        agenda = {p["kind"]: p["id"] for p in welcome["snapshot"]["board"]["agenda"]}
        ack, _ = op(
            a,
            {
                "type": "add_timeline_entry",
                "cid": "t1",
                "at": "2026-08-14T09:12:00Z",
                "text": "The on-call engineer forgot to check the dashboard",
            },
        )
        recv_skipping(f, is_type("event", seq=ack["seq"]))
        ack, _ = op(f, {"type": "go_to_phase", "cid": "g1", "phase_id": agenda["reflection"]})
        recv_skipping(a, is_type("event", seq=ack["seq"]))
        op(
            a,
            {
                "type": "add_sticky",
                "cid": "n1",
                "section": "went_badly",
                "text": "Obviously the deploy was careless",
            },
        )  # private until revealed
        send(f, {"type": "count_nudges"})
        counts = recv_skipping(f, is_type("nudge_counts"))
        assert counts["by_phase"].get(agenda["timeline"]) == 1
        assert agenda["reflection"] not in counts["by_phase"]
        op(f, {"type": "reveal", "cid": "r1", "phase_id": agenda["reflection"]})
        send(f, {"type": "count_nudges"})
        counts = recv_skipping(f, is_type("nudge_counts"))
        assert counts["by_phase"][agenda["reflection"]] == 1
        assert counts["total"] == sum(counts["by_phase"].values())
        # A participant may not ask: the counts are the facilitator's.
        send(a, {"type": "count_nudges"})
        refusal = recv_skipping(a, is_type("error"))
        assert refusal["code"] == "forbidden"
        send(a, {"type": "ping", "t": 1})
        assert recv_skipping(a, is_type("pong"))["t"] == 1  # and the connection stays healthy
