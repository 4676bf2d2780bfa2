"""OpenID Connect sign-in end to end (server/web/auth_oidc.py), against a real OpenID provider
on loopback (tests/server/auth_provider.py: oidc-provider-mock, Authlib's server, behind a
recording proxy). The app runs in process; the browser's redirects are followed by hand with
real HTTP to the provider.

The forged ID tokens are in test_auth_oidc_forged.py.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from starlette.testclient import TestClient

from hindsight.server.app import create_app
from hindsight.server.config import Settings

from .auth_provider import (
    PROVIDER_WARNINGS,
    ProviderProxy,
    authorize,
    callback,
    csrf_of,
    provider,
    sign_in,
    signed_in,
    start_sign_in,
    with_query,
)

CLIENT_ID = "hindsight-test"
# A real provider and its proxy on loopback: the whole suite, not the quick lane.
pytestmark = [PROVIDER_WARNINGS, pytest.mark.slow]


def oidc_app(tmp_path: Path, issuer: str, **settings: Any) -> TestClient:
    values: dict[str, Any] = {
        "db": str(tmp_path / "t.db"),
        "allowed_hosts": ("testserver",),
        "auth": "oidc",
        "oidc_issuer": issuer,
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": "a client secret",
        "member_domains": ("example.com",),
        "public_url": "http://testserver",
        **settings,
    }
    return TestClient(create_app(Settings(**values)))


@pytest.fixture(scope="module")
def shared() -> Iterator[ProviderProxy]:
    with provider() as proxy:
        yield proxy


@pytest.fixture
def idp(shared: ProviderProxy) -> ProviderProxy:
    """The module's provider, its proxy reset, with this module's people."""
    shared.reset()
    shared.set_user("ann@example.com", name="Ann Example", groups=["sre", "staff"])
    return shared


@pytest.fixture
def client(tmp_path: Path, idp: ProviderProxy) -> Iterator[TestClient]:
    with oidc_app(tmp_path, idp.url) as c:
        yield c


def test_a_member_signs_in_with_pkce_state_and_nonce_and_gets_a_safe_cookie(
    client: TestClient, idp: ProviderProxy
) -> None:
    assert not signed_in(client)
    url = start_sign_in(client, "/log")
    query = dict(parse_qsl(urlsplit(url).query))
    assert url.startswith(f"{idp.url}/oauth2/authorize?")
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == "http://testserver/auth/callback"
    assert query["code_challenge_method"] == "S256"
    assert query["state"] and query["nonce"] and query["code_challenge"]
    assert "openid" in query["scope"].split()

    done = callback(client, authorize(url, "ann@example.com"))
    assert (done.status_code, done.headers["location"]) == (303, "/log")
    cookie = done.headers["set-cookie"].lower()
    assert cookie.startswith("hindsight_session=")
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "max-age=43200" in cookie and "secure" not in cookie  # 12 h; plain http here
    assert signed_in(client)

    # PKCE: the token request carried the verifier whose S256 hash was the challenge.
    verifier = idp.token_forms[-1]["code_verifier"]
    digest = hashlib.sha256(verifier.encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == query["code_challenge"]
    assert idp.authorize_queries == [query]  # what the provider was asked, exactly

    page = client.get("/log", headers={"accept": "text/html"}).text
    assert "Ann Example" in page and "Sign out" in page


def test_next_goes_only_to_a_path_on_this_site(client: TestClient) -> None:
    done = sign_in(client, "ann@example.com", next_path="https://evil.example/phish")
    assert (done.status_code, done.headers["location"]) == (303, "/")
    client.cookies.clear()
    done = sign_in(client, "ann@example.com", next_path="//evil.example/x")
    assert done.headers["location"] == "/"


def test_the_cookie_is_secure_and_host_prefixed_behind_https(
    tmp_path: Path, idp: ProviderProxy
) -> None:
    with oidc_app(tmp_path, idp.url, public_url="https://retro.example.com") as c:
        r = c.get("/signin", follow_redirects=False)
        assert r.status_code == 302
        assert (
            "redirect_uri=https%3A%2F%2Fretro.example.com%2Fauth%2Fcallback"
            in r.headers["location"]
        )
        cookie = r.headers["set-cookie"].lower()
        assert cookie.startswith("__host-hindsight=")
        assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_a_wrong_state_signs_nobody_in_and_spends_no_code(
    client: TestClient, idp: ProviderProxy
) -> None:
    back = authorize(start_sign_in(client), "ann@example.com")
    forged = callback(client, with_query(back, state="forged-by-someone-else"))
    assert forged.status_code == 400
    assert "state does not match" in forged.text
    assert not signed_in(client)
    assert idp.token_forms == []  # refused before the code went anywhere
    # The genuine answer, with this browser's own state, still works.
    assert callback(client, back).status_code == 303
    assert signed_in(client)


def test_a_callback_from_another_browser_is_refused(
    tmp_path: Path, client: TestClient, idp: ProviderProxy
) -> None:
    """Login CSRF: an attacker's own callback URL, opened in the victim's browser."""
    attackers = authorize(start_sign_in(client), "ann@example.com")
    with oidc_app(tmp_path / "other", idp.url) as victim:
        assert callback(victim, attackers).status_code == 400
        assert not signed_in(victim)


def test_a_reused_code_is_refused(client: TestClient, idp: ProviderProxy) -> None:
    back = authorize(start_sign_in(client), "ann@example.com")
    assert callback(client, back).status_code == 303
    old_code = dict(parse_qsl(urlsplit(back).query))["code"]
    client.cookies.clear()
    fresh = authorize(start_sign_in(client), "ann@example.com")
    replay = callback(client, with_query(fresh, code=old_code))
    assert replay.status_code == 400
    assert "invalid_grant" in replay.text and "Nobody was signed in" in replay.text
    assert not signed_in(client)


def test_an_expired_code_is_refused(client: TestClient, idp: ProviderProxy) -> None:
    idp.code_max_age = 0.2  # the provider's lifetime for a code, shortened for the test
    back = authorize(start_sign_in(client), "ann@example.com")
    time.sleep(0.4)  # the person's browser was slow to come back
    late = callback(client, back)
    assert late.status_code == 400
    assert "invalid_grant" in late.text and "Nobody was signed in" in late.text
    assert not signed_in(client)
    # A code used in time still signs in.
    assert callback(client, authorize(start_sign_in(client), "ann@example.com")).status_code == 303


def test_a_member_outside_the_allowed_domain_gets_a_403_and_no_session(
    client: TestClient, idp: ProviderProxy
) -> None:
    idp.set_user("eve@other.example", name="Eve")
    r = sign_in(client, "eve@other.example")
    assert r.status_code == 403
    assert "eve@other.example" in r.text and "example.com" in r.text
    assert "Sign in with another account" in r.text
    assert not signed_in(client)
    assert (
        "prompt=login" in client.get("/signin?again=1", follow_redirects=False).headers["location"]
    )


def test_an_unverified_email_is_refused(client: TestClient, idp: ProviderProxy) -> None:
    idp.set_user("mallory@example.com", email_verified=False)
    r = sign_in(client, "mallory@example.com")
    assert r.status_code == 403 and "not verified" in r.text
    assert not signed_in(client)


def test_groups_restrict_members_when_set(tmp_path: Path, idp: ProviderProxy) -> None:
    idp.set_user("bob@example.com", groups=["finance"])
    with oidc_app(tmp_path, idp.url, member_groups=("sre",)) as c:
        assert sign_in(c, "bob@example.com").status_code == 403
        assert not signed_in(c)
        assert sign_in(c, "ann@example.com").status_code == 303
        assert signed_in(c)


def test_sign_out_needs_the_form_token_then_forgets_the_member(client: TestClient) -> None:
    sign_in(client, "ann@example.com")
    page = client.get("/log", headers={"accept": "text/html"}).text
    token = csrf_of(page)
    refused = client.post("/signout", data={}, follow_redirects=False)
    assert refused.status_code == 403 and signed_in(client)
    done = client.post("/signout", data={"csrf": token}, follow_redirects=False)
    assert done.status_code == 200 and "signed out" in done.text
    assert 'href="/signin">Sign in again' in done.text
    assert not signed_in(client)


def test_a_provider_naming_another_issuer_is_not_used(
    client: TestClient, idp: ProviderProxy
) -> None:
    idp.discovery_tamper = lambda doc: {**doc, "issuer": "https://impostor.example"}
    r = client.get("/signin", follow_redirects=False)
    assert r.status_code == 502 and "impostor.example" in r.text
    assert not signed_in(client)


def test_a_provider_that_is_down_gets_a_clear_page(tmp_path: Path) -> None:
    with oidc_app(tmp_path, "http://127.0.0.1:9") as c:  # nothing listens on the discard port
        r = c.get("/signin", follow_redirects=False)
        assert r.status_code == 502
        assert "could not use your organisation&#39;s sign-in service" in r.text
