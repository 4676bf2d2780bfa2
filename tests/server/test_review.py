"""The review of earlier open actions across boards (server/outputs/review.py): loaded from the
incident log, changed on the earlier board first, recorded on this one; through the real app on
a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from hindsight.board_state import ops as o

from .conftest import join, make_client
from .test_incident_log import commit_action, do, new_board, phase_id, room_of


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as c:
        c.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        yield c


def _auth(credential: str) -> dict[str, str]:
    return {"authorization": f"Bearer {credential}"}


def _earlier(
    client: TestClient, title: str, tags: tuple[str, ...]
) -> tuple[dict[str, Any], str, str]:
    """A closed post-mortem with two committed actions owned by Alice: (board, open action id,
    done action id)."""
    a = new_board(client, title, tags=tags, anonymity="named")
    alice = join(client, a["board_id"], "Alice")
    fac = a["participant_id"]
    open_id = commit_action(
        client,
        a["board_id"],
        fac,
        o.AddAction(text="Alert on pool use", owner_id=alice["participant_id"], due="2026-09-01"),
    )
    done_id = commit_action(
        client,
        a["board_id"],
        fac,
        o.AddAction(text="Document the failover", owner_id=alice["participant_id"]),
    )
    do(client, a["board_id"], fac, o.SetActionStatus(action_id=done_id, status="done"))
    do(client, a["board_id"], fac, o.CloseMeeting())
    return a, open_id, done_id


def _review(client: TestClient, board_id: str) -> Any:
    return room_of(client, board_id).board.review


def _load(client: TestClient, b: dict[str, Any]) -> Any:
    r = client.post(f"/api/boards/{b['board_id']}/review/load", headers=_auth(b["credential"]))
    assert r.status_code == 200, r.text
    return r.json()


def _set(client: TestClient, b: dict[str, Any], credential: str, **body: str) -> Any:
    return client.post(
        f"/api/boards/{b['board_id']}/review/status", headers=_auth(credential), json=body
    )


def _completion(client: TestClient, board_id: str) -> dict[str, Any]:
    body = client.get("/api/actions").json()
    return next(p["completion"] for p in body["post_mortems"] if p["board_id"] == board_id)


def test_a_board_sharing_a_tag_loads_the_earlier_boards_unfinished_actions(
    client: TestClient,
) -> None:
    a, open_id, _ = _earlier(client, "Pool exhaustion", ("payments",))
    _earlier(client, "Unrelated outage", ("search",))
    b = new_board(client, "Checkout errors", tags=("payments",))
    assert _load(client, b)["items"] == 1
    [item] = _review(client, b["board_id"]).items
    assert (item.board_id, item.action_id, item.text, item.owner, item.due, item.status) == (
        a["board_id"],
        open_id,
        "Alert on pool use",
        "Alice",
        "2026-09-01",
        "open",
    )
    # Everyone on the board sees it in the review view, observers included.
    olga = join(client, b["board_id"], "Olga", role="observer")
    r = client.get(f"/api/boards/{b['board_id']}", headers=_auth(olga["credential"]))
    assert [i["action_id"] for i in r.json()["view"]["review"]["items"]] == [open_id]


def test_marking_a_reviewed_action_done_changes_the_earlier_board_and_its_completion(
    client: TestClient,
) -> None:
    a, open_id, _ = _earlier(client, "Pool exhaustion", ("payments",))
    assert _completion(client, a["board_id"])["done"] == 1
    b = new_board(client, "Checkout errors", tags=("payments",))
    _load(client, b)
    r = _set(client, b, b["credential"], board_id=a["board_id"], action_id=open_id, status="done")
    assert r.status_code == 200, r.text
    assert room_of(client, a["board_id"]).board.actions[open_id].status == "done"
    assert _completion(client, a["board_id"])["done"] == 2
    [item] = _review(client, b["board_id"]).items
    assert (item.status, item.was) == ("done", "open")
    # A reload from the log keeps the record of what this meeting changed.
    _load(client, b)
    [item] = _review(client, b["board_id"]).items
    assert (item.status, item.was) == ("done", "open")


def test_an_owner_by_name_may_change_their_action_in_the_review_phase_and_others_may_not(
    client: TestClient,
) -> None:
    a, open_id, _ = _earlier(client, "Pool exhaustion", ("payments",))
    b = new_board(client, "Checkout errors", tags=("payments",))
    _load(client, b)
    alice = join(client, b["board_id"], "alice ")  # the same name, typed differently
    bob = join(client, b["board_id"], "Bob")
    olga = join(client, b["board_id"], "Olga", role="observer")
    target = {"board_id": a["board_id"], "action_id": open_id}
    # Outside the review phase only the facilitator may.
    r = _set(client, b, alice["credential"], **target, status="in_progress")
    assert (r.status_code, r.json()["error"]["code"]) == (422, "wrong_phase"), r.text
    do(
        client,
        b["board_id"],
        b["participant_id"],
        o.AddPhase(kind="action_review", title="Review", index=0),
    )
    do(
        client,
        b["board_id"],
        b["participant_id"],
        o.GoToPhase(phase_id=phase_id(client, b["board_id"], "action_review")),
    )
    r = _set(client, b, bob["credential"], **target, status="dropped")
    assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")
    assert "only the action's owner (Alice)" in r.json()["error"]["message"]
    r = _set(client, b, olga["credential"], **target, status="dropped")
    assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")
    assert room_of(client, a["board_id"]).board.actions[open_id].status == "open"  # untouched
    r = _set(client, b, alice["credential"], **target, status="in_progress")
    assert r.status_code == 200, r.text
    assert room_of(client, a["board_id"]).board.actions[open_id].status == "in_progress"


def test_an_action_not_under_review_is_not_found_and_nothing_changes(client: TestClient) -> None:
    a, open_id, done_id = _earlier(client, "Pool exhaustion", ("payments",))
    b = new_board(client, "Checkout errors", tags=("payments",))
    _load(client, b)
    r = _set(client, b, b["credential"], board_id=a["board_id"], action_id=done_id, status="open")
    assert (r.status_code, r.json()["error"]["code"]) == (404, "not_found")
    assert room_of(client, a["board_id"]).board.actions[done_id].status == "done"
    r = _set(client, b, b["credential"], board_id=a["board_id"], action_id=open_id, status="later")
    assert (r.status_code, r.json()["error"]["code"]) == (422, "bad_message")


def test_a_picked_post_mortem_is_reviewed_without_a_shared_tag(client: TestClient) -> None:
    a, open_id, _ = _earlier(client, "Disk full on the queue", ())
    b = new_board(client, "Checkout errors")
    assert _load(client, b)["items"] == 0
    found = client.get(
        f"/api/boards/{b['board_id']}/review/candidates",
        params={"q": "queue"},
        headers=_auth(b["credential"]),
    ).json()["post_mortems"]
    assert [(p["board_id"], p["open"]) for p in found] == [(a["board_id"], 1)]
    do(client, b["board_id"], b["participant_id"], o.PickReviewBoard(board_id=a["board_id"]))
    assert _load(client, b)["items"] == 1
    assert [i.action_id for i in _review(client, b["board_id"]).items] == [open_id]


def test_only_the_facilitator_loads_the_review_or_lists_candidates(client: TestClient) -> None:
    b = new_board(client, "Checkout errors", tags=("payments",))
    bob = join(client, b["board_id"], "Bob")
    for method, path in (("post", "load"), ("get", "candidates")):
        r = getattr(client, method)(
            f"/api/boards/{b['board_id']}/review/{path}", headers=_auth(bob["credential"])
        )
        assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")
    r = client.post(f"/api/boards/{b['board_id']}/review/load", headers=_auth("nobody.x"))
    assert r.status_code == 401


def test_the_write_up_records_what_the_review_did(client: TestClient) -> None:
    a, open_id, _ = _earlier(client, "Pool exhaustion", ("payments",))
    b = new_board(client, "Checkout errors", tags=("payments",))
    _load(client, b)
    r = _set(client, b, b["credential"], board_id=a["board_id"], action_id=open_id, status="done")
    assert r.status_code == 200, r.text
    page = client.get(f"/b/{b['board_id']}/writeup").text
    assert "Earlier actions reviewed" in page and "Alert on pool use" in page
    assert '<span class="muted">Open →</span> <span class="status status-done">Done</span>' in page
    md = client.get(f"/b/{b['board_id']}/writeup.md").text
    row = next(line for line in md.splitlines() if "Alert on pool use" in line)
    assert row.startswith("| Pool exhaustion (") and row.endswith(
        "| Alice | 2026-09-01 | Open → Done |"
    )
    # A post-mortem that reviewed nothing has no such section.
    assert "Earlier actions reviewed" not in client.get(f"/b/{a['board_id']}/writeup").text
