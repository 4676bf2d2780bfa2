"""Who may reach which page (server/web/access.py): every route has a door; with sign-in on an
outsider who knows only the server's address learns no board's id, title or content from any
endpoint, and the meeting itself still opens by its links.

The sign-in mechanisms have their own tests (test_auth_*.py); here a test middleware plays
the sign-in layer, putting a member into the scope for requests that carry `x-test-member`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from hindsight.board_state import ops as o
from hindsight.server.web.access import DOORS
from hindsight.server.web.members import SCOPE_KEY, Member

from .conftest import create_board, join, make_client
from .test_incident_log import commit_action, do


class PlaysSignIn:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            email = dict(scope["headers"]).get(b"x-test-member", b"").decode()
            scope[SCOPE_KEY] = Member(email=email) if email else None
        await self.app(scope, receive, send)


class SignInOn:
    """The app's settings with sign-in on (whichever mode: the doors do not care)."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return "header" if name == "auth" else getattr(self._real, name)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    made = make_client(tmp_path)
    made.app.add_middleware(PlaysSignIn)  # type: ignore[attr-defined]
    with made as c:
        c.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        yield c


MEMBER = {"x-test-member": "ann@example.com"}


def _seed(client: TestClient) -> dict[str, Any]:
    """With sign-in off: a closed board with a title, a timeline entry and an action."""
    b = create_board(client, title="Kestrel queue meltdown")
    do(
        client,
        b["board_id"],
        b["participant_id"],
        o.AddTimelineEntry(at="2026-08-14T09:12Z", text="Osprey alert"),
    )
    commit_action(client, b["board_id"], b["participant_id"], o.AddAction(text="Heron runbook"))
    do(client, b["board_id"], b["participant_id"], o.CloseMeeting())
    return b


def test_every_route_has_a_door(client: TestClient) -> None:
    paths = {getattr(r, "path", "") for r in client.app.routes}  # type: ignore[attr-defined]
    assert sorted(p for p in paths if p not in DOORS) == []


def test_with_sign_in_off_every_door_is_open(client: TestClient) -> None:
    b = _seed(client)
    assert client.get("/api/log").status_code == 200
    assert "Kestrel" in client.get("/log").text
    assert client.get(f"/b/{b['board_id']}/writeup").status_code == 200
    assert "everyone who can reach this server can read the incident log" in client.get("/").text


def test_with_sign_in_on_an_outsider_learns_nothing_from_any_endpoint(client: TestClient) -> None:
    b = _seed(client)
    client.app.state.settings = SignInOn(client.app.state.settings)  # type: ignore[attr-defined]
    secrets = (b["board_id"], "Kestrel", "Osprey", "Heron")
    gets = [p for p, door in DOORS.items() if door == "MEMBER"]
    for template in gets:
        path = template.replace("{board_id}", b["board_id"])
        for accept in ("application/json", "text/html"):
            r = client.get(path, headers={"accept": accept}, follow_redirects=False)
            assert r.status_code in (303, 401, 405), (path, r.status_code)
            # (A redirect to sign-in echoes the path asked for: an id the asker already had.)
            said = r.text + r.headers.get("location", "").replace(b["board_id"], "")
            assert [s for s in secrets if s in said] == [], path
    page = client.get("/log", headers={"accept": "text/html"}, follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (303, "/signin?next=%2Flog")
    api = client.get("/api/log")
    assert (api.status_code, api.json()["error"]["code"]) == (401, "unauthorized")
    created = client.post("/api/boards", json={"title": "x"})
    assert created.status_code == 401
    # An unknown path is closed too: a typo says nothing about what exists.
    assert client.get("/api/logs").status_code == 401
    # A member sees it all.
    assert "Kestrel" in client.get("/log", headers=MEMBER).text
    assert client.post("/api/boards", json={"title": "x"}, headers=MEMBER).status_code == 201


def test_with_sign_in_on_the_meeting_still_opens_by_its_links(client: TestClient) -> None:
    b = create_board(client, title="Open by link")
    client.app.state.settings = SignInOn(client.app.state.settings)  # type: ignore[attr-defined]
    kim = join(client, b["board_id"], "Kim")  # the join link's token, no account
    r = client.get(
        f"/api/boards/{b['board_id']}", headers={"authorization": f"Bearer {kim['credential']}"}
    )
    assert r.status_code == 200
    assert client.get(f"/b/{b['board_id']}").status_code == 200
    assert client.get("/healthz").status_code == 200
    with client.websocket_connect("/ws") as ws:  # the websocket's own hello decides
        ws.send_json({"type": "hello", "board": b["board_id"], "credential": kim["credential"]})
        assert ws.receive_json()["type"] == "welcome"


def test_the_landing_page_says_who_can_read_the_log_when_sign_in_is_off(client: TestClient) -> None:
    page = client.get("/").text
    assert "everyone who can reach this server can read the incident log" in page
    client.app.state.settings = SignInOn(client.app.state.settings)  # type: ignore[attr-defined]
    assert "everyone who can reach this server" not in client.get("/", headers=MEMBER).text


def test_with_the_real_sign_in_layer_a_stranger_gets_nothing_either(tmp_path: Path) -> None:
    """The same doors behind the real middleware (header mode, where the test client's address
    is no trusted proxy, so any header it sends is not believed)."""
    settings = {
        "auth": "header",
        "trusted_proxies": ("10.9.9.9",),
        "member_domains": ("example.com",),
    }
    with make_client(tmp_path, **settings) as client:
        client.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        b = create_board_as_system(client)
        for path in ("/api/log", "/api/actions", "/api/insights", f"/api/boards/{b}/writeup"):
            r = client.get(path, headers={"x-forwarded-email": "ann@example.com"})
            assert (r.status_code, "Kestrel" in r.text) == (401, False), path
        assert client.get(f"/b/{b}").status_code == 200  # the meeting's own page


def create_board_as_system(client: TestClient) -> str:
    """A board made the way a member's browser would, but straight through the hub (the
    API's create is a member's door here)."""
    board_id, _, _ = client.portal.call(
        client.app.state.hub.create_board,  # type: ignore[attr-defined]
        o.CreateBoard(title="Kestrel queue meltdown"),
    )
    return str(board_id)
