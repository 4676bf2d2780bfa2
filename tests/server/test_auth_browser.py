"""Sign-in in a real browser: Debian's Chromium (Playwright) against a real `hindsight serve`
with OpenID Connect on, and the real provider on loopback (tests/server/auth_provider.py).

What only a browser shows: the `SameSite=Lax` session cookie comes back on the provider's
redirect to the callback, and our own forms pass the cross-site checks as a browser really
sends them (`Sec-Fetch-Site: same-origin`, `Origin: null` under our Referrer-Policy) with the
session's token, while a form on another origin is refused.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.realserver import RealServer

from .auth_provider import PROVIDER_WARNINGS, ProviderProxy, provider

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    PROVIDER_WARNINGS,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="needs Debian's chromium: run `make browser-deps`"
    ),
]
WAIT = 10_000  # ms


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RealServer, ProviderProxy]]:
    tmp = tmp_path_factory.mktemp("signin")
    with provider() as idp:
        server = RealServer(tmp / "t.db")
        server.env.update(
            HINDSIGHT_AUTH="oidc",
            HINDSIGHT_OIDC_ISSUER=idp.url,
            HINDSIGHT_OIDC_CLIENT_ID="hindsight",
            HINDSIGHT_OIDC_CLIENT_SECRET="a client secret",
            HINDSIGHT_MEMBER_DOMAINS="example.com",
            HINDSIGHT_PUBLIC_URL=server.url,
        )
        server.start()
        try:
            yield server, idp
        finally:
            server.stop()


@pytest.fixture
def page() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        finally:
            browser.close()


def sign_in(page: Any, server: RealServer, email: str) -> None:
    page.goto(server.url + "/log")  # a member's page: off to sign in, then the provider
    page.get_by_placeholder("sub").fill(email)
    page.get_by_role("button", name="Authorize").click()


def test_a_member_signs_in_creates_a_board_and_signs_out(
    site: tuple[RealServer, ProviderProxy], page: Any
) -> None:
    server, idp = site
    idp.set_user("ann@example.com", name="Ann Example")
    sign_in(page, server, "ann@example.com")
    page.wait_for_url(server.url + "/log", timeout=WAIT)
    header = page.locator(".site-header")
    sync_api.expect(header).to_contain_text("Ann Example", timeout=WAIT)

    page.goto(server.url + "/")
    page.get_by_label("Incident title").fill("Signed-in board")
    page.get_by_role("button", name="Create the board").click()
    page.wait_for_url(f"{server.url}/b/**", timeout=WAIT)  # the form and its token went through

    page.goto(server.url + "/")
    page.get_by_role("button", name="Sign out").click()
    sync_api.expect(page.locator("h1")).to_have_text("You are signed out of Hindsight")
    page.goto(server.url + "/log")
    sync_api.expect(page.get_by_placeholder("sub")).to_be_visible(timeout=WAIT)  # sign in again


def test_a_form_on_another_origin_is_refused_in_a_real_browser(
    site: tuple[RealServer, ProviderProxy], page: Any, tmp_path: Path
) -> None:
    """A page on another origin posts our form. It is the provider's address, another port on
    127.0.0.1: the same *site* to a browser, so SameSite=Lax sends the cookie along (as it
    would from a sibling subdomain); `Sec-Fetch-Site: same-site` is what refuses it."""
    server, idp = site
    idp.set_user("ann@example.com", name="Ann Example")
    sign_in(page, server, "ann@example.com")
    page.wait_for_url(server.url + "/log", timeout=WAIT)
    evil = (
        f'<form method="post" action="{server.url}/boards">'
        '<input name="title" value="Forged"><button>Send</button></form>'
    )
    page.route(idp.url + "/evil", lambda route: route.fulfill(body=evil, content_type="text/html"))
    page.goto(idp.url + "/evil")
    page.get_by_role("button", name="Send").click()
    sync_api.expect(page.locator("main")).to_contain_text("sent from another site", timeout=WAIT)
