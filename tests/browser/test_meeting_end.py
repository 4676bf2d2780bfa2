"""The end of a meeting in a real browser: tags for the incident log, closing with a confirm step,
the read-only closed board for everyone, and the write-up link that people use afterwards.

Same set-up as test_board_page.py: the fixtures and helpers of tests/browser/conftest.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.conftest import (
    WAIT,
    add_entry,
    advance_to,
    api,
    expect,
    meeting,
    needs_chromium,
    open_board,
    wait_live,
)
from tests.browser.test_actions_page import add_actions
from tests.realserver import RealServer

pytestmark = needs_chromium
TITLE = "Card payments failed after a gateway config push"


def chips(page: Any) -> Any:
    return page.locator("#tag-chips .chip")


def save_tags(page: Any, text: str) -> None:
    """Tags are set in the menu drawer: open it, save, close it."""
    page.click("#menu-open")
    page.fill("#tags-input", text)
    page.click("#tags-save")
    expect(page.locator("#tags-save")).to_have_text("Save tags", timeout=WAIT)
    page.click("#menu-close")


def test_tags_close_and_the_closed_board(server: RealServer, people: Any, tmp_path: Path) -> None:
    made = api(server, "/api/boards", {"title": TITLE, "facilitator_name": "Dana"})
    joined = api(
        server, f"/api/boards/{made['board_id']}/join", {"name": "Sam", "role": "participant"}
    )
    facilitator, participant = people(), people()
    fac, par = facilitator.page, participant.page
    fac.goto(server.url + made["facilitator_url"])
    par.goto(server.url + joined["board_url"])
    wait_live(fac)
    wait_live(par)
    writeup = f"/b/{made['board_id']}/writeup"
    for page in (fac, par):  # the write-up is in everyone's menu, all meeting long
        page.click("#menu-open")
        expect(page.locator("#writeup-link")).to_be_visible()
        expect(page.locator("#writeup-link")).to_have_attribute("href", writeup)
        expect(page.locator(".drawer-links a", has_text="Markdown")).to_have_attribute(
            "href", writeup + ".md"
        )
        page.click("#menu-close")

    # Tags: the facilitator's to set; the server's normalised list comes back as chips.
    expect(fac.locator("#no-tags")).to_have_text("No tags yet.")
    save_tags(fac, "Payments, config, ")
    expect(chips(fac)).to_have_text(["payments", "config"], timeout=WAIT)
    expect(fac.locator("#tags-input")).to_have_value("payments, config")
    expect(par.locator("#tags")).to_be_hidden()
    expect(par.locator("#close-meeting")).to_be_hidden()

    # Some content to keep, then the meeting runs to its wrap-up, where the write-up comes forward.
    add_entry(par, "2026-08-14T09:12", "fact", "Gateway config push reaches production")
    expect(fac.locator("#timeline-list .tl")).to_have_count(1, timeout=WAIT)
    advance_to(fac, "Wrap-up")
    for page in (fac, par):
        expect(page.locator("#writeup-link")).to_have_class(
            re.compile(r"\bprimary\b"), timeout=WAIT
        )
        expect(page.locator("#wrapup-hint")).to_be_visible()

    # Closing takes a second click; backing out leaves the meeting open.
    fac.click("#close-meeting")
    expect(fac.locator("#close-confirm")).to_be_visible()
    expect(fac.locator("#close-confirm")).to_contain_text(
        "action statuses and tags can still change"
    )
    fac.screenshot(path=str(tmp_path / "close-confirm.png"))
    fac.click("#close-cancel")
    expect(fac.locator("#close-confirm")).to_be_hidden()
    expect(fac.locator("#closed-banner")).to_be_hidden()
    fac.click("#close-meeting")
    fac.click("#close-confirm-yes")

    # Everyone sees the banner and a read-only board that still shows its content.
    for page in (fac, par):
        banner = page.locator("#closed-banner")
        expect(banner).to_be_visible(timeout=WAIT)
        expect(banner).to_contain_text("This meeting is closed: its content is final.")
        expect(banner).to_contain_text("Actions are followed up on the Actions page.")
        expect(banner.locator("a[href='/actions']").first).to_be_visible()
        expect(banner.get_by_role("link", name="Read the write-up")).to_have_attribute(
            "href", writeup
        )
        for composer in (
            "#timeline-form",
            "#note-form",
            "#park-form",
            "#console",
            "#sheet input",
            "#record textarea",
        ):
            expect(page.locator(composer)).to_be_hidden()
        expect(page.locator("#timeline-list .tl", has_text="Gateway config push")).to_be_visible()
        expect(page.locator("#writeup-link")).to_have_class(re.compile(r"\bprimary\b"))
        expect(page).to_have_title(re.compile(r"^Closed · "))
    expect(par.locator("#tags")).to_be_hidden()

    # Tags are follow-up, not content: they still change after closing.
    save_tags(fac, "payments, config, gateway")
    expect(chips(fac)).to_have_text(["payments", "config", "gateway"], timeout=WAIT)
    expect(fac.locator(".rejection")).to_have_count(0)

    fac.locator(".brand").scroll_into_view_if_needed()
    shot = tmp_path / "closed-board.png"
    fac.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # The participant follows the banner's link to the write-up.
    par.get_by_role("link", name="Read the write-up").click()
    par.wait_for_url(re.compile(rf"{re.escape(writeup)}$"))
    expect(par).to_have_title(re.compile(re.escape(TITLE)))
    expect(par.locator("h1")).to_contain_text(TITLE)

    assert facilitator.errors == []
    assert participant.errors == []


def test_an_owner_says_yes_to_their_action_from_the_wrap_up(
    server: RealServer, people: Any
) -> None:
    made, (ann_seat,) = meeting(server, ["Ann"], "Owners at the wrap-up")
    add_actions(
        server,
        made,
        [
            (
                "Page on-call when checkout errors pass 2%",
                ann_seat["participant_id"],
                "2026-12-20",
                True,
            )
        ],
    )
    fac = open_board(people(), server, made["facilitator_url"])
    ann = open_board(people(), server, ann_seat["board_url"])
    advance_to(fac, "Wrap-up")
    expect(fac.locator(".unconfirmed")).to_have_text("not confirmed by its owner yet", timeout=WAIT)
    expect(fac.get_by_role("button", name="Yes, I own this")).to_have_count(
        0
    )  # not the facilitator's
    ann.get_by_role("button", name="Yes, I own this").click()
    for page in (fac, ann):
        expect(page.locator(".unconfirmed")).to_have_count(0, timeout=WAIT)
    expect(ann.get_by_role("button", name="Yes, I own this")).to_have_count(0)
