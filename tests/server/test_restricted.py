"""Restricted boards (set_access; server/outputs/follow_up.log_rows and may_read): hidden from a
signed-in member who is not one of its people on every page and endpoint that reads the log,
shown to the people who joined it signed in and to those its facilitator named."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from hindsight.board_state import ops as o

from .conftest import make_client
from .test_access import PlaysSignIn, SignInOn
from .test_incident_log import commit_action, do

ANN, KIM, SEC = ("ann@example.com", "kim@example.com", "sec@example.com")
SECRET = "Wolverine credential leak"


def _as(email: str) -> dict[str, str]:
    return {"x-test-member": email}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    made = make_client(tmp_path)
    made.app.add_middleware(PlaysSignIn)  # type: ignore[attr-defined]
    with made as c:
        c.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        c.app.state.settings = SignInOn(c.app.state.settings)  # type: ignore[attr-defined]
        yield c


def _boards(client: TestClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """A restricted board made by Kim (named reader: Sec) and an open one made by Ann."""
    hidden = client.post("/api/boards", json={"title": SECRET}, headers=_as(KIM)).json()
    bid, fac = hidden["board_id"], hidden["participant_id"]
    do(client, bid, fac, o.EditHeader(started_at="2026-08-14T09:00Z"))
    commit_action(client, bid, fac, o.AddAction(text="Rotate the wolverine keys", owner_id=fac))
    do(client, bid, fac, o.SetAccess(restricted=True, members=[SEC]))
    shown = client.post("/api/boards", json={"title": "Slow dashboards"}, headers=_as(ANN)).json()
    return hidden, shown


def _everything(client: TestClient, email: str, board_id: str) -> str:
    """What `email` gets from every page and endpoint that reads the log or a write-up."""
    h = _as(email)
    paths = [
        "/log",
        "/api/log",
        "/api/log.csv",
        "/actions",
        "/api/actions",
        "/api/actions.jira.csv",
        "/insights",
        "/api/insights",
        f"/b/{board_id}/writeup",
        f"/b/{board_id}/writeup.md",
        f"/api/boards/{board_id}/writeup",
    ]
    return "\n".join(client.get(p, headers=h).text for p in paths)


def test_a_member_who_is_not_one_of_its_people_sees_nothing_of_a_restricted_board(
    client: TestClient,
) -> None:
    hidden, _ = _boards(client)
    seen = _everything(client, ANN, hidden["board_id"])
    assert SECRET not in seen and "wolverine" not in seen.lower()
    assert hidden["board_id"] not in seen.replace(f"/b/{hidden['board_id']}/", "")
    assert [
        e["title"] for e in client.get("/api/log", headers=_as(ANN)).json()["post_mortems"]
    ] == ["Slow dashboards"]
    r = client.get(f"/api/boards/{hidden['board_id']}/writeup", headers=_as(ANN))
    assert (r.status_code, r.json()["error"]["code"]) == (404, "not_found")  # as if none
    assert (
        client.get("/api/log", params={"q": "wolverine"}, headers=_as(ANN)).json()["post_mortems"]
        == []
    )


@pytest.mark.parametrize("email", [KIM, SEC])
def test_its_people_and_named_readers_see_it_everywhere(client: TestClient, email: str) -> None:
    hidden, _ = _boards(client)
    titles = [e["title"] for e in client.get("/api/log", headers=_as(email)).json()["post_mortems"]]
    assert sorted(titles) == sorted([SECRET, "Slow dashboards"])
    assert SECRET in client.get(f"/b/{hidden['board_id']}/writeup", headers=_as(email)).text
    actions = client.get("/api/actions", headers=_as(email)).json()["actions"]
    assert "Rotate the wolverine keys" in [a["text"] for a in actions]
    assert (
        "Rotate the wolverine keys" in client.get("/api/actions.jira.csv", headers=_as(email)).text
    )


def test_a_member_who_joined_by_link_signed_in_may_read_it(client: TestClient) -> None:
    hidden, _ = _boards(client)
    token = client.get(  # the facilitator's view carries the join link's token
        f"/api/boards/{hidden['board_id']}",
        headers={"authorization": f"Bearer {hidden['credential']}"},
    ).json()["view"]["board"]["links"]["participant"]
    assert SECRET not in client.get("/api/log", headers=_as("dee@example.com")).text
    r = client.post(
        f"/api/boards/{hidden['board_id']}/join",
        json={"name": "Dee", "token": token},
        headers=_as("dee@example.com"),
    )
    assert r.status_code == 201
    assert SECRET in client.get("/api/log", headers=_as("dee@example.com")).text


def test_opening_the_board_again_shows_it_to_every_member(client: TestClient) -> None:
    hidden, _ = _boards(client)
    do(client, hidden["board_id"], hidden["participant_id"], o.SetAccess(restricted=False))
    assert SECRET in client.get("/api/log", headers=_as(ANN)).text
