"""My actions in a real browser, signed in for real: Ann signs in with OpenID Connect (the real
provider on loopback), makes a board on the landing page, owns one of its committed actions,
then goes to "Mine" from the site's navigation and marks it done there, without her board's
link; the actions page shows it done.

Same set-up as test_auth_browser.py (its fixtures: a real server with OIDC on, the provider).
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any
from urllib.parse import unquote, urlsplit

from hindsight.board_state import ops as o
from hindsight.client.sdk import BoardClient
from tests.realserver import RealServer

from .auth_provider import ProviderProxy
from .test_auth_browser import WAIT, page, pytestmark, sign_in, site, sync_api

__all__ = ["page", "pytestmark", "site"]  # the fixtures and marks this module shares


async def _commit_action(server: RealServer, board_id: str, credential: str, owner: str) -> None:
    """The facilitator adds an action `owner` owns and commits to it (the SDK, as a script
    would; the board page does the same with its action form)."""
    async with BoardClient(server.url, board_id, credential) as c:
        await c.submit(o.AddAction(text="Drill the broker failover", owner_id=owner))
        action_id = c.local.meta.action_order[-1]
        await c.submit(o.SelectAction(action_id=action_id))


def test_a_member_signs_in_and_marks_their_action_done_from_mine(
    site: tuple[RealServer, ProviderProxy], page: Any
) -> None:
    server, idp = site
    idp.set_user("ann@example.com", name="Ann Example")
    sign_in(page, server, "ann@example.com")
    page.wait_for_url(server.url + "/log", timeout=WAIT)

    page.goto(server.url + "/")
    page.get_by_label("Incident title").fill("Broker failover stalled")
    # The form's answer says where the board is and, in the fragment, Ann's credential (the
    # page then keeps it and takes it out of the address bar).
    with page.expect_response(lambda r: r.url.endswith("/boards")) as made:
        page.get_by_role("button", name="Create the board").click()
    page.wait_for_url(f"{server.url}/b/**", timeout=WAIT)
    address = urlsplit(made.value.headers["location"])
    board_id = address.path.rsplit("/", 1)[-1]
    credential = unquote(address.fragment.removeprefix("k="))
    ann = credential.split(".", 1)[0]

    # On the board, Ann adds an action she owns and the meeting commits to it.
    sync_api.expect(page.locator("#conn-text")).to_have_text("Live", timeout=WAIT)
    # (In a thread of its own: Playwright's sync API keeps an event loop on this one.)
    done = threading.Thread(
        target=asyncio.run, args=(_commit_action(server, board_id, credential, ann),)
    )
    done.start()
    done.join(30)

    page.goto(server.url + "/log")  # the site's pages carry the navigation
    page.get_by_role("link", name="Mine").click()
    page.wait_for_url(server.url + "/me", timeout=WAIT)
    row = page.locator("tr", has_text="Drill the broker failover")
    sync_api.expect(row).to_be_visible(timeout=WAIT)
    row.locator("select").select_option("done")
    sync_api.expect(row.locator("[data-status-message]")).to_have_text("Saved.", timeout=WAIT)

    page.goto(server.url + "/actions")
    done = page.locator("#done [data-rows] tr", has_text="Drill the broker failover")
    sync_api.expect(done).to_have_count(1, timeout=WAIT)


def test_the_facilitator_restricts_a_board_from_the_menu_and_another_member_cannot_find_it(
    site: tuple[RealServer, ProviderProxy], page: Any
) -> None:
    server, idp = site
    idp.set_user("sec@example.com", name="Sec Lead")
    sign_in(page, server, "sec@example.com")
    page.wait_for_url(server.url + "/log", timeout=WAIT)
    page.goto(server.url + "/")
    page.get_by_label("Incident title").fill("Leaked deploy credentials")
    page.get_by_role("button", name="Create the board").click()
    page.wait_for_url(f"{server.url}/b/**", timeout=WAIT)
    sync_api.expect(page.locator("#conn-text")).to_have_text("Live", timeout=WAIT)
    page.click("#menu-open")
    access = page.locator("#access")
    sync_api.expect(access).to_be_visible()  # sign-in is on: the control is offered
    access.get_by_label("Restricted", exact=False).check()
    access.get_by_label("Also readable by", exact=False).fill("ciso@example.com")
    access.get_by_role("button", name="Save access").click()
    sync_api.expect(access.locator(".access-badge")).to_contain_text("Restricted", timeout=WAIT)
    page.click("#menu-close")
    # Another member does not find it anywhere in the log; the named reader does.
    for email, finds in (("ann@example.com", False), ("ciso@example.com", True)):
        page.goto(server.url + "/")
        page.get_by_role("button", name="Sign out").click()
        idp.set_user(email)
        sign_in(page, server, email)
        page.wait_for_url(server.url + "/log", timeout=WAIT)
        found = page.locator("main").get_by_text("Leaked deploy credentials")
        sync_api.expect(found).to_have_count(1 if finds else 0, timeout=WAIT)
