"""Cross-site request forgery (server/web/auth_csrf.py): another site's form is refused with a
page saying why, our own pages' forms go through, with sign-in off and on.

Sign-in on is played by the trusted-header mode with the test client at a trusted proxy's
address (the header mode itself, through a real nginx, is test_auth_header.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from hindsight.server.app import create_app
from hindsight.server.config import Settings

from .auth_provider import csrf_of
from .conftest import create_board, make_client

CROSS = {"sec-fetch-site": "cross-site", "origin": "https://evil.example"}
SAME = {"sec-fetch-site": "same-origin", "origin": "null"}  # our pages: Referrer-Policy no-referrer
ANN = {"x-forwarded-email": "ann@example.com", "x-forwarded-user": "Ann"}
FORM = {"title": "Disk full on db-2", "severity": "sev2", "template": "blameless-90"}


def header_app(tmp_path: Path, **settings: Any) -> TestClient:
    values: dict[str, Any] = {
        "db": str(tmp_path / "t.db"),
        "allowed_hosts": ("testserver",),
        "join_rate": 0.0,
        "link_join_rate": 0.0,
        "auth": "header",
        "trusted_proxies": ("127.0.0.1",),
        "auth_name_header": "X-Forwarded-User",
        "auth_signout_url": "/oauth2/sign_out",
        "member_domains": ("example.com",),
        **settings,
    }
    return TestClient(create_app(Settings(**values)), client=("127.0.0.1", 50000))


@pytest.fixture
def off(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as c:
        yield c


@pytest.fixture
def on(tmp_path: Path) -> Iterator[TestClient]:
    with header_app(tmp_path) as c:
        yield c


def boards(client: TestClient, headers: dict[str, str] | None = None) -> int:
    return len(client.get("/api/log", headers=headers or {}).json()["post_mortems"])


# --- sign-in off: where the request comes from -------------------------------------------------


def test_sign_in_off_refuses_another_sites_form_with_a_clear_page(off: TestClient) -> None:
    r = off.post("/boards", data=FORM, headers=CROSS, follow_redirects=False)
    assert r.status_code == 403
    assert "sent from another site, so it was refused" in r.text
    assert boards(off) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "same-site"},  # a sibling subdomain
        {"origin": "https://evil.example"},  # a browser without Sec-Fetch-Site
        {"referer": "https://evil.example/page"},  # ... and without Origin
    ],
)
def test_other_signs_of_another_site_are_refused_too(
    off: TestClient, headers: dict[str, str]
) -> None:
    assert (
        off.post("/boards", data=FORM, headers=headers, follow_redirects=False).status_code == 403
    )


@pytest.mark.parametrize(
    "headers",
    [
        SAME,
        {"sec-fetch-site": "none"},  # typed or bookmarked by the person
        {"origin": "http://testserver"},
        {"referer": "http://testserver/"},
        {},  # curl, scripts: no browser, no cookies to borrow
    ],
)
def test_sign_in_off_takes_our_own_pages_forms(off: TestClient, headers: dict[str, str]) -> None:
    r = off.post("/boards", data=FORM, headers=headers, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/b/")
    assert 'name="csrf"' not in off.get("/").text  # no session, no token field
    assert "set-cookie" not in off.get("/").headers  # and no cookie at all


def test_an_allowed_origin_counts_as_ours(tmp_path: Path) -> None:
    with make_client(tmp_path, allowed_origins=("https://retro.example.com",)) as c:
        headers = {"sec-fetch-site": "cross-site", "origin": "https://retro.example.com"}
        assert (
            c.post("/boards", data=FORM, headers=headers, follow_redirects=False).status_code == 303
        )


def test_the_join_form_from_another_site_is_refused(off: TestClient) -> None:
    b = create_board(off)
    form = {"name": "Kim", "role": "participant", "token": b["join_token"]}
    url = f"/b/{b['board_id']}/join"
    r = off.post(url, data=form, headers=CROSS, follow_redirects=False)
    assert r.status_code == 403 and "another site" in r.text
    assert off.post(url, data=form, headers=SAME, follow_redirects=False).status_code == 303


# --- sign-in on: the session's token as well ----------------------------------------------------


def test_a_members_form_needs_the_sessions_token(on: TestClient) -> None:
    page = on.get("/", headers=ANN)
    token = csrf_of(page.text)
    assert "hindsight_session=" in page.headers["set-cookie"]
    before = boards(on, ANN)
    missing = on.post("/boards", data=FORM, headers={**ANN, **SAME}, follow_redirects=False)
    assert missing.status_code == 403 and "security token is missing or out of date" in missing.text
    wrong = on.post("/boards", data={**FORM, "csrf": "x" * 43}, headers=ANN, follow_redirects=False)
    assert wrong.status_code == 403
    assert boards(on, ANN) == before
    ok = on.post(
        "/boards", data={**FORM, "csrf": token}, headers={**ANN, **SAME}, follow_redirects=False
    )
    assert ok.status_code == 303
    assert boards(on, ANN) == before + 1


def test_a_members_form_from_another_site_is_refused_even_with_the_token(on: TestClient) -> None:
    token = csrf_of(on.get("/", headers=ANN).text)
    r = on.post(
        "/boards",
        data={**FORM, "csrf": token},
        headers={**ANN, **CROSS, "accept": "text/html"},
        follow_redirects=False,
    )
    assert r.status_code == 403 and "another site" in r.text


def test_a_signed_in_json_call_from_another_site_is_refused(on: TestClient) -> None:
    r = on.post("/api/boards", json={"title": "x"}, headers={**ANN, **CROSS})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert on.post("/api/boards", json={"title": "x"}, headers={**ANN, **SAME}).status_code == 201


def test_a_bearer_json_call_needs_no_token_even_from_another_origin(on: TestClient) -> None:
    """Joining by the API carries the join link's token itself, and no cookie's authority."""
    b = on.post("/api/boards", json={"title": "x"}, headers=ANN).json()
    body = {"name": "Kim", "role": "participant", "token": b["join_token"]}
    r = on.post(f"/api/boards/{b['board_id']}/join", json=body, headers=CROSS)
    assert r.status_code == 201


def test_a_signed_out_guest_joins_by_link_with_the_pages_token(on: TestClient) -> None:
    b = on.post("/api/boards", json={"title": "x"}, headers=ANN).json()
    on.cookies.clear()  # from here on, a guest's browser: no member, no session yet
    url = f"/b/{b['board_id']}/join"
    token = csrf_of(on.get(url).text)  # the join page opens by its link, with a form token
    form = {"name": "Kim", "role": "participant", "token": b["join_token"]}
    assert on.post(url, data=form, follow_redirects=False).status_code == 403
    r = on.post(url, data={**form, "csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/b/{b['board_id']}#k=")


# --- the header's control --------------------------------------------------------------------


def test_the_header_shows_the_member_and_sign_out_or_a_sign_in_link(on: TestClient) -> None:
    page = on.get("/", headers=ANN).text
    assert 'action="/signout"' in page and ">Ann</span>" in page and "Sign out" in page
    assert csrf_of(page)
    out = on.get("/signin?next=/log", follow_redirects=False)  # no header: not through the proxy
    assert out.status_code == 401 and ">Sign in</a>" in out.text
    signout = on.post("/signout", data={"csrf": csrf_of(page)}, headers=ANN, follow_redirects=False)
    assert (signout.status_code, signout.headers["location"]) == (303, "/oauth2/sign_out")


def test_with_sign_in_off_the_header_has_no_control(off: TestClient) -> None:
    page = off.get("/").text
    assert "/signout" not in page and "/signin" not in page
    assert off.get("/signin?next=/log", follow_redirects=False).headers["location"] == "/log"
    assert off.get("/auth/callback").status_code == 404
