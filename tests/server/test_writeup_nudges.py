"""The write-up's "how this meeting ran" counts the meeting's blameless nudges (raised, and
resolved by rewording) and its anonymous refocus requests, and stays current as the log grows."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.server.conftest import create_board, hello, op


def meeting_of(client: TestClient, board_id: str) -> dict[str, int]:
    meeting: dict[str, int] = client.get(f"/api/boards/{board_id}/writeup").json()["meeting"]
    return meeting


def test_the_write_up_counts_nudges_raised_and_resolved_and_refocus_requests(
    client: TestClient,
) -> None:
    b = create_board(client)
    assert meeting_of(client, b["board_id"])["nudges_raised"] == 0
    with client.websocket_connect("/ws") as f:
        hello(f, b["board_id"], b["credential"])
        ack, event = op(
            f,
            {
                "type": "add_timeline_entry",
                "cid": "t1",
                "at": "2026-08-14T09:12:00Z",
                "text": "The on-call engineer forgot to drain the node",
            },
        )
        entry = event["changes"][0]["id"]
        op(
            f,
            {
                "type": "add_timeline_entry",
                "cid": "t2",
                "at": "2026-08-14T09:20:00Z",
                "text": "Obviously the deploy should have waited",
            },
        )
        m = meeting_of(client, b["board_id"])  # read once mid-meeting: the tally catches up later
        assert (m["nudges_raised"], m["nudges_resolved"]) == (2, 0)
        op(
            f,
            {
                "type": "edit_timeline_entry",
                "cid": "t3",
                "entry_id": entry,
                "text": "The drain step is manual and has no reminder",
            },
        )
        op(f, {"type": "refocus", "cid": "r1"})
    m = meeting_of(client, b["board_id"])
    assert (m["nudges_raised"], m["nudges_resolved"], m["refocus"]) == (2, 1, 1)
    page = client.get(f"/b/{b['board_id']}/writeup").text
    assert "2 raised, 1 resolved by rewording" in page and "Refocus requests" in page
    assert (
        "**Blameless nudges:** 2 raised, 1 resolved"
        in client.get(f"/b/{b['board_id']}/writeup.md").text
    )
