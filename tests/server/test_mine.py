"""A signed-in person's own page (server/outputs/mine.py): the boards they ran or joined signed
in and the actions they own, whose status they change without their participant link; on an
anonymous board the seal keeps no link from an account to a seat but an action owner's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from hindsight.board_state import ops as o
from tests.server.stored import stored

from .conftest import make_client
from .test_access import PlaysSignIn, SignInOn
from .test_incident_log import commit_action, do

FAY, KIM, LEE = "fay@example.com", "kim@example.com", "lee@example.com"


def _as(email: str, **extra: str) -> dict[str, str]:
    return {"x-test-member": email, **extra}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    made = make_client(tmp_path)
    made.app.add_middleware(PlaysSignIn)  # type: ignore[attr-defined]
    with made as c:
        c.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        c.app.state.settings = SignInOn(c.app.state.settings)  # type: ignore[attr-defined]
        yield c


def _meeting(client: TestClient, anonymity: str = "anonymous") -> dict[str, Any]:
    """Fay's board; Kim and Lee joined signed in; Kim owns one committed action."""
    b = client.post(
        "/api/boards", json={"title": "Broker failover", "anonymity": anonymity}, headers=_as(FAY)
    ).json()
    token = b["join_token"]
    seats = {}
    for email, name in ((KIM, "Kim"), (LEE, "Lee")):
        r = client.post(
            f"/api/boards/{b['board_id']}/join",
            json={"name": name, "token": token},
            headers=_as(email),
        )
        seats[email] = r.json()["participant_id"]
    b["action"] = commit_action(
        client,
        b["board_id"],
        b["participant_id"],
        o.AddAction(text="Drill the failover", owner_id=seats[KIM]),
    )
    b["seats"] = seats
    return b


def _set(client: TestClient, b: dict[str, Any], email: str, status: str, **headers: str) -> Any:
    return client.post(
        f"/api/me/actions/{b['board_id']}/{b['action']}/status",
        json={"status": status},
        headers=_as(email, **headers),
    )


def test_my_page_lists_my_boards_and_the_actions_i_own(client: TestClient) -> None:
    b = _meeting(client)
    kim = client.get("/api/me", headers=_as(KIM)).json()
    assert [x["title"] for x in kim["boards"]] == ["Broker failover"]
    assert [(a["text"], a["status"]) for a in kim["actions"]] == [("Drill the failover", "open")]
    assert client.get("/api/me", headers=_as(LEE)).json()["actions"] == []
    assert [x["board_id"] for x in client.get("/api/me", headers=_as(FAY)).json()["boards"]] == [
        b["board_id"]
    ]
    page = client.get("/me", headers=_as(KIM)).text
    assert "Drill the failover" in page and "data-status-select" in page


def test_the_owner_marks_an_action_done_without_their_link_and_nobody_else_can(
    client: TestClient,
) -> None:
    b = _meeting(client)
    r = _set(client, b, LEE, "done")  # a seat on the board, not the owner's
    assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")
    r = _set(client, b, "nobody@example.com", "done")
    assert (r.status_code, r.json()["error"]["code"]) == (404, "not_found")
    r = _set(client, b, KIM, "done")
    assert r.status_code == 200, r.text
    actions = client.get("/api/actions", headers=_as(FAY)).json()["actions"]
    assert [(a["text"], a["status"]) for a in actions] == [("Drill the failover", "done")]


def test_a_cross_site_status_change_is_refused(client: TestClient) -> None:
    b = _meeting(client)
    r = _set(client, b, KIM, "done", origin="https://evil.example")
    assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")
    r = client.post(
        f"/api/me/actions/{b['board_id']}/{b['action']}/status",
        content="status=done",
        headers=_as(KIM, **{"content-type": "application/x-www-form-urlencoded"}),
    )
    assert (r.status_code, r.json()["error"]["code"]) == (422, "bad_message")


def _links(tmp_path: Path, board_id: str) -> dict[str, str]:
    rows = stored(
        tmp_path, "SELECT email, participant_id FROM seat_accounts WHERE board_id = ?", (board_id,)
    )
    return dict(rows)


@pytest.mark.parametrize("anonymity", ["anonymous", "named"])
def test_closing_an_anonymous_board_seals_who_sat_where_and_owners_keep_their_actions(
    client: TestClient, tmp_path: Path, anonymity: str
) -> None:
    b = _meeting(client, anonymity)
    assert set(_links(tmp_path, b["board_id"])) == {FAY, KIM, LEE}
    do(client, b["board_id"], b["participant_id"], o.CloseMeeting())
    kept = set(_links(tmp_path, b["board_id"]))
    assert kept == (set() if anonymity == "anonymous" else {FAY, KIM, LEE})
    if anonymity == "anonymous":  # Kim's action is still Kim's, by action, not by seat
        owners = stored(tmp_path, "SELECT action_id, email FROM action_owners")
        assert owners == [(b["action"], KIM)]
    assert [a["text"] for a in client.get("/api/me", headers=_as(KIM)).json()["actions"]] == [
        "Drill the failover"
    ]
    # Lee still finds the board (they were there), and Kim still closes the loop.
    assert [x["title"] for x in client.get("/api/me", headers=_as(LEE)).json()["boards"]] == [
        "Broker failover"
    ]
    assert _set(client, b, KIM, "done").status_code == 200
