"""Action follow-up after the meeting: the actions page and API, completion figures, overdue
actions, and status changes by the owner or the facilitator (also once the meeting is closed)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from hindsight.board_state import Rejected
from hindsight.board_state import ops as o
from hindsight.server.storage.log_rows import completion, is_overdue

from .conftest import join, make_client
from .test_incident_log import api_log, do, new_board, room_of

WARNING = "Fewer than 80% of due actions are done"
PAST, FUTURE = "2000-01-01", "2999-12-31"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as c:
        c.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        yield c


def add_actions(
    client: TestClient,
    board: dict[str, Any],
    specs: list[tuple[str, str, str]],
    owner: str | None = None,
    selected: bool = True,
) -> list[str]:
    """Add actions (text, due, status) as the facilitator, committed to (selected) unless
    `selected` is false; their ids in order."""
    bid, fac = board["board_id"], board["participant_id"]
    ids = []
    for text, due, status in specs:
        do(client, bid, fac, o.AddAction(text=text, due=due, owner_id=owner or fac))
        room = room_of(client, bid)
        action_id = room.board.action_order[-1]
        if selected:
            do(client, bid, fac, o.SelectAction(action_id=action_id))
        if status != "open":
            do(client, bid, fac, o.SetActionStatus(action_id=action_id, status=status))
        ids.append(action_id)
    return ids


def set_status(
    client: TestClient, board_id: str, action_id: str, credential: str | None, status: str
) -> Any:
    headers = {"authorization": f"Bearer {credential}"} if credential else {}
    return client.post(
        f"/api/boards/{board_id}/actions/{action_id}/status",
        json={"status": status},
        headers=headers,
    )


def status_of(client: TestClient, board_id: str, action_id: str) -> str:
    (entry,) = [e for e in api_log(client) if e["board_id"] == board_id]
    return next(str(a["status"]) for a in entry["actions"] if a["id"] == action_id)


# --- the figures --------------------------------------------------------------------------------


def test_the_rate_is_done_over_due_actions_without_dropped_or_not_yet_due_ones() -> None:
    today = "2026-08-14"

    def acts(*specs: tuple[str, str]) -> list[dict[str, Any]]:
        return [{"status": s, "due": d} for s, d in specs]

    c = completion(
        acts(
            ("done", FUTURE),
            ("done", PAST),
            ("done", ""),
            ("open", PAST),
            ("open", FUTURE),
            ("in_progress", ""),
            ("dropped", PAST),
        ),
        today,
    )
    assert (c.total, c.counted, c.done, c.overdue, c.due, c.not_due) == (7, 6, 3, 1, 4, 2)
    assert (c.percent, c.warn) == (75, True)
    c = completion(acts(*[("done", PAST)] * 4, ("in_progress", PAST)), today)
    assert (c.percent, c.warn) == (80, False)
    c = completion(acts(), today)
    assert (c.rate, c.percent, c.warn) == (None, None, False)  # no actions is not 100%
    c = completion(acts(("dropped", PAST)), today)
    assert c.rate is None and not c.warn
    # Nothing due yet (dates to come, or none): no rate and no warning, not 0%.
    c = completion(acts(("open", FUTURE), ("in_progress", FUTURE), ("open", "")), today)
    assert (c.due, c.not_due, c.rate, c.warn) == (0, 3, None, False)
    # Due today is not yet past due.
    assert completion(acts(("open", today)), today).due == 0
    # 79.6% must not be shown as "80%" beside a warning about 80%.
    c = completion(acts(*[("done", PAST)] * 39, *[("open", PAST)] * 10), today)
    assert c.percent == 79 and c.warn


def test_overdue_is_past_due_and_unfinished() -> None:
    today = "2026-08-14"
    cases = {
        ("2026-08-13", "open"): True,
        ("2026-08-13", "in_progress"): True,
        ("2026-08-14", "open"): False,
        ("2026-08-13", "done"): False,
        ("2026-08-13", "dropped"): False,
        ("", "open"): False,
    }
    for (due, status), expected in cases.items():
        assert is_overdue({"due": due, "status": status}, today) is expected, (due, status)


def test_three_of_four_due_actions_done_is_75_percent_with_the_warning(client: TestClient) -> None:
    b = new_board(client, "Seventy-five")
    add_actions(
        client,
        b,
        [
            ("a1", FUTURE, "done"),
            ("a2", PAST, "done"),
            ("a3", PAST, "done"),
            ("a4", PAST, "open"),
            ("a5", FUTURE, "open"),
            ("a6", PAST, "dropped"),
        ],
    )
    body = client.get("/api/actions").json()
    c = body["completion"]
    assert (c["done"], c["due"], c["not_due"], c["overdue"]) == (3, 4, 1, 1)
    assert c["percent"] == 75 and c["warning"] is True
    (pm,) = body["post_mortems"]
    assert pm["completion"]["percent"] == 75
    for path in ("/actions", "/log"):
        page = client.get(path)
        assert page.status_code == 200 and WARNING in page.text, path
        assert "75%" in page.text and "3 of 4 due actions done" in page.text, path
        assert "1 more not due yet" in page.text, path
    # The post-mortem's own rate is marked low too, not only the overall one.
    assert 'class="rate rate--low">75% of due done' in client.get("/log").text
    assert (
        'class="rate rate--low">75%</span> <span class="hint">3 of 4 due</span> '
        '<span class="hint">below 80%' in client.get("/actions").text
    )


def test_four_of_five_due_is_80_percent_and_no_warning(client: TestClient) -> None:
    b = new_board(client, "Eighty")
    add_actions(
        client,
        b,
        [
            ("a1", PAST, "done"),
            ("a2", PAST, "done"),
            ("a3", FUTURE, "done"),
            ("a4", FUTURE, "done"),
            ("a5", PAST, "in_progress"),
        ],
    )
    body = client.get("/api/actions").json()
    assert body["completion"]["percent"] == 80 and body["completion"]["warning"] is False
    for path in ("/actions", "/log"):
        page = client.get(path)
        assert "80%" in page.text and WARNING not in page.text, path
        assert "4 of 5 due actions done" in page.text, path


def test_a_meeting_closed_minutes_ago_raises_no_warning_on_actions_not_yet_due(
    client: TestClient,
) -> None:
    b = new_board(client, "Just closed")
    add_actions(
        client, b, [("a1", FUTURE, "open"), ("a2", FUTURE, "in_progress"), ("a3", "", "open")]
    )
    do(client, b["board_id"], b["participant_id"], o.CloseMeeting())
    c = client.get("/api/actions").json()["completion"]
    assert (c["due"], c["not_due"], c["percent"], c["warning"]) == (0, 3, None, False)
    for path in ("/actions", "/log"):
        page = client.get(path).text
        assert WARNING not in page and "rate--low" not in page and "0%" not in page, path
        assert "No committed action is due yet: 3 still to come" in page, path
    # One finished early: 1 of 1 due is done, still no warning for the two to come.
    (first, *_) = [a["id"] for a in client.get("/api/actions").json()["actions"]]
    fac = b["credential"]
    assert set_status(client, b["board_id"], first, fac, "done").status_code == 200
    c = client.get("/api/actions").json()["completion"]
    assert (c["done"], c["due"], c["percent"], c["warning"]) == (1, 1, 100, False)
    assert "1 of 1 due action done" in client.get("/actions").text


def test_proposals_not_selected_are_neither_listed_nor_counted(client: TestClient) -> None:
    b = new_board(client, "Chosen few")
    add_actions(client, b, [("Committed alert", PAST, "done"), ("Committed runbook", PAST, "open")])
    add_actions(
        client,
        b,
        [("Proposal left behind", PAST, "open"), ("Another idea", PAST, "done")],
        selected=False,
    )
    body = client.get("/api/actions").json()
    assert sorted(a["text"] for a in body["actions"]) == ["Committed alert", "Committed runbook"]
    c = body["completion"]
    assert (c["total"], c["done"], c["overdue"], c["due"], c["percent"]) == (2, 1, 1, 2, 50)
    (entry,) = client.get("/api/log").json()["post_mortems"]
    assert [a["text"] for a in entry["actions"]] == ["Committed alert", "Committed runbook"]
    assert entry["completion"]["total"] == 2
    rows = list(csv.DictReader(io.StringIO(client.get("/api/log.csv").text)))
    assert (rows[0]["actions"], rows[0]["actions_done"], rows[0]["actions_overdue"]) == (
        "2",
        "1",
        "1",
    )
    for path in ("/actions", "/log", "/api/log.csv"):
        text = client.get(path).text
        assert "Proposal left behind" not in text and "Another idea" not in text, path
    # Selecting a proposal later makes it a committed action everywhere.
    room = room_of(client, b["board_id"])
    late = room.board.action_order[2]
    do(client, b["board_id"], b["participant_id"], o.SelectAction(action_id=late))
    assert client.get("/api/actions").json()["completion"]["total"] == 3
    assert "Proposal left behind" in client.get("/actions").text


def test_no_actions_means_no_rate_not_a_perfect_one(client: TestClient) -> None:
    new_board(client, "Quiet")
    body = client.get("/api/actions").json()
    assert body["completion"]["rate"] is None and body["completion"]["warning"] is False
    page = client.get("/actions").text
    assert "no completion rate" in page and "100%" not in page


def test_rates_per_post_mortem_and_overall(client: TestClient) -> None:
    a = new_board(client, "Board A")
    b = new_board(client, "Board B")
    add_actions(client, a, [("a1", FUTURE, "done"), ("a2", PAST, "open")])  # 50%
    add_actions(
        client,
        b,
        [
            ("b1", FUTURE, "done"),
            ("b2", FUTURE, "done"),
            ("b3", FUTURE, "done"),
            ("b4", PAST, "in_progress"),
        ],
    )  # 75%
    body = client.get("/api/actions").json()
    per = {p["title"]: p["completion"]["percent"] for p in body["post_mortems"]}
    assert per == {"Board A": 50, "Board B": 75}
    assert body["completion"]["done"] == 4 and body["completion"]["due"] == 6
    assert body["completion"]["percent"] == 66 and body["completion"]["overdue"] == 2


def test_the_actions_page_groups_overdue_open_done_and_dropped(client: TestClient) -> None:
    b = new_board(client, "Grouped")
    bob = join(client, b["board_id"], "Bob Owner")
    add_actions(
        client,
        b,
        [
            ("Late alert", PAST, "open"),
            ("Late runbook", PAST, "in_progress"),
            ("Future dashboard", FUTURE, "open"),
            ("Shipped fix", PAST, "done"),
            ("Abandoned idea", PAST, "dropped"),
        ],
        owner=bob["participant_id"],
    )
    body = client.get("/api/actions").json()
    states = {a["text"]: a["state"] for a in body["actions"]}
    assert states == {
        "Late alert": "overdue",
        "Late runbook": "overdue",
        "Future dashboard": "open",
        "Shipped fix": "done",
        "Abandoned idea": "dropped",
    }
    assert body["completion"]["overdue"] == 2
    assert all(a["owner"] == "Bob Owner" and a["board_title"] == "Grouped" for a in body["actions"])
    page = client.get("/actions").text
    overdue = page[page.index('id="overdue"') : page.index('id="open"')]
    assert "Late alert" in overdue and "Late runbook" in overdue and "Shipped fix" not in overdue
    assert "days late" in overdue and "Bob Owner" in overdue
    assert '<script type="module" src="/static/actions.js"></script>' in page


# --- changing a status --------------------------------------------------------------------------


@pytest.fixture
def owned(client: TestClient) -> dict[str, Any]:
    """A board whose one action is owned by Bob; Alice is another participant."""
    b = new_board(client, "Owned")
    bob = join(client, b["board_id"], "Bob")
    alice = join(client, b["board_id"], "Alice")
    (action_id,) = add_actions(
        client, b, [("Rotate the keys", FUTURE, "open")], owner=bob["participant_id"]
    )
    return {"board": b, "bob": bob, "alice": alice, "action_id": action_id}


def test_the_owner_and_the_facilitator_change_a_status(
    client: TestClient, owned: dict[str, Any]
) -> None:
    bid, aid = owned["board"]["board_id"], owned["action_id"]
    r = set_status(client, bid, aid, owned["bob"]["credential"], "in_progress")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "in_progress" and r.json()["seq"] > 0
    assert status_of(client, bid, aid) == "in_progress"
    r = set_status(client, bid, aid, owned["board"]["credential"], "done")
    assert r.status_code == 200 and status_of(client, bid, aid) == "done"


def test_after_closing_the_meeting_statuses_still_change(
    client: TestClient, owned: dict[str, Any]
) -> None:
    board = owned["board"]
    bid, aid = board["board_id"], owned["action_id"]
    do(client, bid, board["participant_id"], o.CloseMeeting())
    assert api_log(client)[0]["status"] == "closed"
    assert set_status(client, bid, aid, owned["bob"]["credential"], "done").status_code == 200
    assert status_of(client, bid, aid) == "done"
    assert set_status(client, bid, aid, board["credential"], "open").status_code == 200
    assert status_of(client, bid, aid) == "open"
    # Content stays frozen: the same credential cannot edit the action's text any more.
    with pytest.raises(Rejected, match="closed"):
        do(client, bid, board["participant_id"], o.EditAction(action_id=aid, text="Other"))


def test_another_participant_is_refused_and_nothing_changes(
    client: TestClient, owned: dict[str, Any]
) -> None:
    bid, aid = owned["board"]["board_id"], owned["action_id"]
    seq_before = room_of(client, bid).seq
    r = set_status(client, bid, aid, owned["alice"]["credential"], "done")
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert "owner" in r.json()["error"]["message"]
    assert status_of(client, bid, aid) == "open" and room_of(client, bid).seq == seq_before


def test_status_requests_that_cannot_work_are_refused(
    client: TestClient, owned: dict[str, Any]
) -> None:
    bid, aid = owned["board"]["board_id"], owned["action_id"]
    fac = owned["board"]["credential"]
    assert set_status(client, bid, aid, None, "done").status_code == 401
    assert set_status(client, bid, aid, owned["bob"]["credential"] + "x", "done").status_code == 401
    # A credential of another board does not open this one.
    other = new_board(client, "Other")
    assert set_status(client, bid, aid, other["credential"], "done").status_code == 401
    r = set_status(client, bid, "no-such-action", fac, "done")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert set_status(client, "no-such-board", aid, fac, "done").status_code == 404
    r = set_status(client, bid, aid, fac, "finished")
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_message"
    r = client.post(
        f"/api/boards/{bid}/actions/{aid}/status",
        content=b"{not json",
        headers={"authorization": f"Bearer {fac}"},
    )
    assert r.status_code == 422
    assert status_of(client, bid, aid) == "open"


# --- who may change what: the page asks per board -------------------------------------------------


def viewer(client: TestClient, board_id: str, credential: str | None) -> Any:
    headers = {"authorization": f"Bearer {credential}"} if credential else {}
    return client.get(f"/api/boards/{board_id}/viewer", headers=headers)


def test_the_viewer_api_says_who_the_credential_is_and_which_statuses_it_may_change(
    client: TestClient, owned: dict[str, Any]
) -> None:
    board = owned["board"]
    bid, aid = board["board_id"], owned["action_id"]
    # A second action owned by Alice: Bob may change his, not hers; the facilitator both.
    (hers,) = add_actions(
        client,
        board,
        [("Write the runbook", FUTURE, "open")],
        owner=owned["alice"]["participant_id"],
    )
    bob = viewer(client, bid, owned["bob"]["credential"]).json()
    assert (bob["participant_id"], bob["role"], bob["name"]) == (
        owned["bob"]["participant_id"],
        "participant",
        "Bob",
    )
    assert bob["may_set_status"] == [aid]
    assert viewer(client, bid, owned["alice"]["credential"]).json()["may_set_status"] == [hers]
    fac = viewer(client, bid, board["credential"]).json()
    assert fac["role"] == "facilitator" and sorted(fac["may_set_status"]) == sorted([aid, hers])
    watcher = join(client, bid, "Olly", role="observer")
    assert viewer(client, bid, watcher["credential"]).json()["may_set_status"] == []
    # Still true after closing (statuses move after the meeting), and nothing was changed.
    seq_before = room_of(client, bid).seq
    do(client, bid, board["participant_id"], o.CloseMeeting())
    assert viewer(client, bid, owned["bob"]["credential"]).json()["may_set_status"] == [aid]
    assert room_of(client, bid).seq == seq_before + 1 and status_of(client, bid, aid) == "open"


def test_the_viewer_api_needs_the_boards_credential_in_the_header(
    client: TestClient, owned: dict[str, Any]
) -> None:
    bid = owned["board"]["board_id"]
    assert viewer(client, bid, None).status_code == 401
    assert viewer(client, bid, owned["bob"]["credential"] + "x").status_code == 401
    other = new_board(client, "Elsewhere")
    assert viewer(client, bid, other["credential"]).status_code == 401
    assert viewer(client, "no-such-board", owned["bob"]["credential"]).status_code == 404
    # A credential in the query string is not read (secrets never travel in URLs).
    r = client.get(f"/api/boards/{bid}/viewer", params={"credential": owned["bob"]["credential"]})
    assert r.status_code == 401


def test_the_actions_page_leaves_statuses_as_text_until_its_script_asks(
    client: TestClient, owned: dict[str, Any]
) -> None:
    page = client.get("/actions").text
    assert "<select" not in page and "<form" not in page
    assert "<span data-status-text>Open</span>" in page
    # The regions the script updates after a save: groups (tables even when empty), figures.
    for key in ("overdue", "open", "done", "dropped"):
        assert f'data-group="{key}"' in page
    assert page.count("<tbody data-rows>") == 4 and "data-summary" in page
    assert f'data-board-row="{owned["board"]["board_id"]}"' in page
