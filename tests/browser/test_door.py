"""The door in a real browser: join links carry a token, the facilitator copies and replaces them
(the old link stops, seated people stay), and frees the seats nobody uses.

Same set-up as test_board_page.py: the fixtures and helpers of tests/browser/conftest.py. Set
HINDSIGHT_DOOR_SHOTS to a directory to keep the screenshots of the lobby and the menu (at a
desktop's and a phone's size) for a look at their layout.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from tests.browser.conftest import (
    WAIT,
    advance_to,
    api,
    expect,
    meeting,
    needs_chromium,
    open_board,
    wait_live,
)
from tests.realserver import RealServer

pytestmark = needs_chromium

PHONE = {"width": 390, "height": 844}


def join_through(person: Any, link: str, name: str) -> Any:
    """The person opens a join link, types their name and joins; returns their page."""
    page = person.page
    page.goto(link)
    page.fill("#name", name)
    page.click("#join-form button[type=submit]")
    return page


def seat(page: Any, name: str) -> Any:
    return page.locator(
        "#seat-list .seat", has=page.locator(".seat-name", has_text=re.compile(rf"^{name}$"))
    )


def test_join_link_from_the_lobby_and_a_new_link(server: RealServer, people: Any) -> None:
    made = api(
        server, "/api/boards", {"title": "Queue backlog after a deploy", "facilitator_name": "Dana"}
    )
    board_id = made["board_id"]
    facilitator = people()
    facilitator.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    fac = open_board(facilitator, server, made["facilitator_url"])

    # (a) The lobby shows the real links, with their tokens, and copies them.
    link = f"{server.url}/b/{board_id}/join#t={made['join_token']}"
    expect(fac.locator("#lobby-join-link")).to_have_value(link)
    expect(fac.locator("#lobby-observer-link")).to_have_value(
        f"{server.url}/b/{board_id}/join?role=observer#t={made['observer_token']}"
    )
    fac.click("#lobby-join-link-copy")
    expect(fac.locator("#lobby-invite [role=status]")).to_have_text("The join link is copied.")
    expect(fac.locator("#lobby-join-link-copy")).to_have_text("Copied")
    fac.click("#menu-open")  # what was copied is the link: paste it somewhere to see
    fac.locator("#tags-input").fill("")
    fac.locator("#tags-input").focus()
    fac.keyboard.press("Control+V")
    expect(fac.locator("#tags-input")).to_have_value(link)
    fac.locator("#tags-input").fill("")
    fac.click("#menu-close")

    sam_person = people()
    sam = join_through(sam_person, link, "Sam")
    sam.wait_for_url(re.compile(rf"/b/{board_id}$"))
    wait_live(sam)
    expect(fac.locator("#lobby-people")).to_contain_text("Sam", timeout=WAIT)
    # Participants see neither the links nor the seats.
    expect(sam.locator("#lobby-invite")).to_be_hidden()
    sam.click("#menu-open")
    expect(sam.locator("#invite")).to_be_hidden()
    expect(sam.locator("#seats")).to_be_hidden()
    sam.click("#menu-close")

    # (b) In the menu, "New link" asks first, then replaces the participant link everywhere.
    fac.click("#menu-open")
    expect(fac.locator("#join-link")).to_have_value(link)
    fac.click("#join-link-new")
    ask = fac.locator("#join-link-rotate")
    expect(ask).to_be_visible()
    expect(ask).to_contain_text("stops working at once for anyone who has not joined")
    expect(ask).to_contain_text("keep their seats")
    expect(fac.locator("#join-link-new")).to_have_attribute("aria-expanded", "true")
    fac.keyboard.press("Escape")  # no: the question goes, the menu stays
    expect(ask).to_be_hidden()
    expect(fac.locator("#menu")).to_be_visible()
    expect(fac.locator("#join-link-new")).to_be_focused()
    expect(fac.locator("#join-link")).to_have_value(link)
    fac.click("#join-link-new")
    fac.click("#join-link-rotate-yes")
    expect(fac.locator("#join-link")).not_to_have_value(link, timeout=WAIT)
    new_link = fac.input_value("#join-link")
    assert re.fullmatch(rf"{re.escape(server.url)}/b/{board_id}/join#t=[\w-]{{20,}}", new_link)
    expect(fac.locator("#copy-status")).to_have_text(re.compile(r"^New participant link ready"))
    expect(fac.locator("#lobby-join-link")).to_have_value(new_link)  # the lobby follows
    expect(fac.locator("#observer-link")).to_have_value(  # the other link is untouched
        f"{server.url}/b/{board_id}/join?role=observer#t={made['observer_token']}"
    )
    fac.click("#menu-close")

    # The old link no longer seats anyone: the server refuses it and says why.
    late = people()
    page = join_through(late, link, "Lee")
    expect(page.locator("#refused")).to_contain_text("out of date")
    expect(page.locator("#refused")).to_contain_text("ask the facilitator")
    expect(page.locator("#join-form")).to_be_hidden()
    # The new one does, opened in the same tab: the address differs only after the `#`, so
    # the browser does not load the page again; the page takes the new token itself.
    page.goto(new_link)
    expect(page.locator("#refused")).to_be_hidden()
    expect(page.locator("#join-form")).to_be_visible()
    page.fill("#name", "Lee")
    page.click("#join-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/b/{board_id}$"))
    wait_live(page)
    expect(fac.locator("#lobby-people")).to_contain_text("Lee", timeout=WAIT)

    # Sam, seated with the old link, keeps his seat: his page still opens after a reload.
    sam.reload()
    wait_live(sam)
    expect(sam.locator("#lobby-people")).to_contain_text("Sam")
    expect(sam.locator("#lobby-people li", has_text="Sam")).to_contain_text("you")

    # The lobby's own "New link" replaces the observer link the same way.
    observer_link = fac.input_value("#lobby-observer-link")
    fac.click("#lobby-observer-link-new")
    fac.click("#lobby-observer-link-rotate-yes")
    expect(fac.locator("#lobby-observer-link")).not_to_have_value(observer_link, timeout=WAIT)
    expect(fac.locator("#lobby-invite [role=status]")).to_have_text(
        re.compile(r"^New observer link ready")
    )
    expect(fac.locator("#lobby-join-link")).to_have_value(new_link)

    for person in (facilitator, sam_person):
        assert person.errors == []
    assert [e for e in late.errors if "403 (Forbidden)" not in e] == []  # the refused join only


def test_an_id_only_link_asks_for_the_join_link(server: RealServer, people: Any) -> None:
    made = api(server, "/api/boards", {"title": "Old style link", "facilitator_name": "Dana"})
    page = people().page
    for path in (f"/b/{made['board_id']}/join", f"/b/{made['board_id']}/join?role=observer"):
        page.goto(server.url + path)
        expect(page.locator("#no-link")).to_be_visible()
        expect(page.locator("#no-link")).to_contain_text("This link does not open the board")
        expect(page.locator("#no-link")).to_contain_text("Ask the facilitator")
        expect(page.locator("#join-form")).to_be_hidden()


def test_seats_panel_frees_seats_nobody_uses(server: RealServer, people: Any) -> None:
    made = api(server, "/api/boards", {"title": "Seats", "facilitator_name": "Dana"})
    board = f"/api/boards/{made['board_id']}/join"
    sam = api(server, board, {"name": "Sam", "role": "participant"})
    ghost = api(server, board, {"name": "Ghost", "role": "participant"})  # joined, never connected
    api(server, board, {"name": "Lee", "role": "participant"})
    for name in ("Watcher 1", "Watcher 2"):
        api(server, board, {"name": name, "role": "observer", "token": made["observer_token"]})
    facilitator = people()
    fac = open_board(facilitator, server, made["facilitator_url"])
    sam_person = people()
    open_board(sam_person, server, sam["board_url"])

    fac.click("#menu-open")
    panel = fac.locator("#seats")
    expect(panel).to_be_visible()
    expect(fac.locator("#seats-count")).to_have_text("5")
    expect(fac.locator("#seat-list .seat")).to_have_count(5)  # everyone but the facilitator
    expect(seat(fac, "Dana")).to_have_count(0)
    expect(seat(fac, "Sam").locator(".seat-state")).to_have_text("online", timeout=WAIT)
    expect(seat(fac, "Sam").locator("button")).to_have_count(0)  # in use: not removable
    expect(seat(fac, "Ghost").locator(".seat-state")).to_have_text("not connected")
    expect(seat(fac, "Ghost").locator(".tag")).to_have_text("participant")
    expect(seat(fac, "Watcher 1").locator(".tag")).to_have_text("observer")
    remove = seat(fac, "Ghost").get_by_role(
        "button", name="Remove Ghost (participant, not connected)"
    )
    expect(remove).to_be_visible()

    # Remove, from the keyboard: Ghost leaves the list (and the board); focus stays in the list.
    remove.focus()
    fac.keyboard.press("Enter")
    expect(seat(fac, "Ghost")).to_have_count(0, timeout=WAIT)
    expect(fac.locator("#seats-status")).to_have_text("Ghost is removed from the board.")
    expect(fac.locator("#seats-count")).to_have_text("4")
    expect(fac.locator("#seat-list button:focus")).to_have_count(1)
    expect(fac.locator("#people-list")).not_to_contain_text("Ghost")
    # Ghost's own link to the board stops working with the seat.
    ghost_person = people()
    ghost_person.page.goto(server.url + ghost["board_url"])
    expect(ghost_person.page.locator("#fatal")).to_be_visible(timeout=WAIT)
    expect(ghost_person.page.locator("#fatal-message")).to_have_text(
        "This browser's link to the board is not valid any more."
    )

    # The observers nobody uses go at once, after a question.
    bulk = fac.locator("#seats-bulk")
    expect(bulk).to_have_text("Remove 2 observers not connected")
    bulk.click()
    expect(fac.locator("#seats-bulk-confirm")).to_contain_text("Remove 2 observers not connected?")
    fac.click("#seats-bulk-yes")
    expect(fac.locator("#seat-list .tag-observer")).to_have_count(0, timeout=WAIT)
    expect(fac.locator("#seats-status")).to_have_text("2 seats are removed.")
    expect(bulk).to_be_hidden()

    # A seat that owns an action stays; the server's reason shows next to the list.
    fac.click("#menu-close")
    advance_to(fac, "Actions")
    fac.fill("#action-text", "Alert on queue depth")
    fac.select_option("#action-owner", label="Lee")
    fac.press("#action-text", "Enter")
    expect(fac.locator(".actions-panel .action-item")).to_have_count(1, timeout=WAIT)
    fac.click("#menu-open")
    seat(fac, "Lee").get_by_role("button", name=re.compile("^Remove Lee")).click()
    expect(fac.locator("#seats-status")).to_have_text(
        "Not removed: Lee owns an action: give it another owner first.", timeout=WAIT
    )
    expect(seat(fac, "Lee")).to_have_count(1)
    expect(fac.locator("#rejections .rejection")).to_have_count(0)  # said once, in the panel

    # Sam closes his page: his seat is free to remove now.
    sam_person.close()
    expect(seat(fac, "Sam").locator(".seat-state")).to_have_text("not connected", timeout=WAIT)
    expect(seat(fac, "Sam").get_by_role("button", name=re.compile("^Remove Sam"))).to_be_visible()
    assert facilitator.errors == []


def test_door_screenshots(server: RealServer, people: Any) -> None:
    """The lobby and the menu's invite and seats sections as the facilitator sees them, at a
    desktop's and a phone's size: they render, and are kept for a look when asked."""
    made = api(
        server,
        "/api/boards",
        {"title": "Checkout latency after the cache flush", "facilitator_name": "Dana"},
    )
    board = f"/api/boards/{made['board_id']}/join"
    here = api(server, board, {"name": "Sam Okafor", "role": "participant"})
    for name in ("Priya Raman", "Alex"):
        api(server, board, {"name": name, "role": "participant"})
    for name in ("Watcher", "Support lead"):
        api(server, board, {"name": name, "role": "observer"})
    sam = people()
    open_board(sam, server, here["board_url"])
    facilitator = people()
    fac = open_board(facilitator, server, made["facilitator_url"])
    expect(fac.locator("#lobby-people li")).to_have_count(6)
    keep = os.environ.get("HINDSIGHT_DOOR_SHOTS")
    folder = Path(keep) if keep else None
    if folder:
        folder.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        png = fac.screenshot()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        if folder:
            (folder / f"{name}.png").write_bytes(png)

    for size, viewport in (("1280", {"width": 1280, "height": 800}), ("390", PHONE)):
        fac.set_viewport_size(viewport)
        fac.locator("#lobby").scroll_into_view_if_needed()
        fac.click("#lobby-join-link-new")
        shot(f"lobby-{size}")
        fac.click("#lobby-join-link-rotate-no")
        fac.click("#menu-open")
        expect(seat(fac, "Sam Okafor").locator(".seat-state")).to_have_text("online", timeout=WAIT)
        fac.click("#observer-link-new")
        fac.locator("#invite").scroll_into_view_if_needed()
        shot(f"menu-invite-{size}")
        fac.click("#observer-link-rotate-no")
        fac.click("#seats-bulk")
        fac.locator("#seats-bulk-confirm").scroll_into_view_if_needed()
        shot(f"menu-seats-{size}")
        fac.click("#seats-bulk-no")
        fac.click("#menu-close")
    assert facilitator.errors == []


def test_the_join_page_puts_the_cursor_in_the_name_field(server: RealServer, people: Any) -> None:
    made, _ = meeting(server, [], "Typing a name first")
    page = people().page
    page.goto(f"{server.url}/b/{made['board_id']}/join#t={made['join_token']}")
    expect(page.locator("#name")).to_be_focused()
    page.keyboard.type("Lea")
    page.keyboard.press("Enter")
    wait_live(page)
    expect(page.locator("#board")).to_contain_text("Lea")
