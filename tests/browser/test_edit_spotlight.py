"""Changing what is already on the board, with someone else watching: editing and deleting
your own notes, timeline entries and parked questions in place; the facilitator's spotlight;
the incident sheet; the wrap-up's record; and the five-whys hint that stays on its chain.

Same set-up as the other browser tests: tests/browser/conftest.py.
"""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import (
    WAIT,
    add_entry,
    add_note,
    advance_to,
    expect,
    facilitator_and,
    meeting,
    needs_chromium,
    open_board,
)
from tests.realserver import RealServer

pytestmark = needs_chromium


def in_view(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return bool(box and box["y"] >= 0 and box["y"] + box["height"] <= size["height"])


def test_people_edit_and_delete_their_own_items_in_place(server: RealServer, people: Any) -> None:
    fac, (sam, kim) = facilitator_and(server, people, ["Sam", "Kim"], "Edits in place")
    advance_to(fac, "Timeline")

    # A timeline entry: Sam corrects its words, time and kind; Kim sees each change live.
    add_entry(sam, "2026-08-14T09:12", "fact", "Alert fires for checkout latncy")
    add_entry(kim, "2026-08-14T09:20", "fact", "Kim's own entry")
    mine = sam.locator("#timeline-list .tl", has_text="checkout latncy")
    expect(mine).to_have_count(1, timeout=WAIT)
    theirs = sam.locator("#timeline-list .tl", has_text="Kim's own entry")
    expect(theirs).to_have_count(1, timeout=WAIT)
    expect(theirs.locator(".item-edit, .item-delete")).to_have_count(0)  # not Sam's to change
    mine.get_by_role("button", name="Edit timeline entry: Alert fires for checkout latncy").click()
    form = sam.locator("#timeline-list .tl.is-editing")
    expect(form.get_by_role("textbox", name="Edit timeline entry")).to_be_focused()
    form.get_by_role("textbox", name="Edit timeline entry").fill("Alert fires for checkout latency")
    form.get_by_label("Kind").select_option("signal")
    form.get_by_label("When").fill("2026-08-14T09:14")
    form.get_by_role("textbox", name="Edit timeline entry").press("Enter")
    seen = kim.locator("#timeline-list .tl", has_text="Alert fires for checkout latency")
    expect(seen).to_have_count(1, timeout=WAIT)
    expect(seen).to_have_class("tl tl--signal", timeout=WAIT)
    expect(seen.locator(".tl-time")).to_have_text("09:14")
    expect(kim.locator("#timeline-list .tl", has_text="latncy")).to_have_count(0)

    # Esc leaves an edit without a change.
    kim_entry = kim.locator("#timeline-list .tl", has_text="Kim's own entry")
    kim_entry.get_by_role("button", name="Edit timeline entry: Kim's own entry").click()
    # A person types once the field is there: wait for it, as they would.
    expect(kim.get_by_role("textbox", name="Edit timeline entry")).to_be_focused()
    kim.keyboard.type(" (draft)")
    kim.keyboard.press("Escape")
    expect(
        kim_entry.get_by_role("button", name="Delete timeline entry: Kim's own entry")
    ).to_be_visible()
    expect(kim.locator("#timeline-list .tl", has_text="(draft)")).to_have_count(0)
    expect(sam.locator("#timeline-list .tl", has_text="(draft)")).to_have_count(0)

    # Deleting takes a second click; the entry goes for everyone.
    kim_entry.get_by_role("button", name="Delete timeline entry: Kim's own entry").click()
    kim.get_by_role("button", name="Yes, delete timeline entry: Kim's own entry").click()
    expect(sam.locator("#timeline-list .tl", has_text="Kim's own entry")).to_have_count(
        0, timeout=WAIT
    )
    expect(fac.locator("#timeline-list .tl")).to_have_count(1, timeout=WAIT)

    # A parked question: edited, then deleted by its author.
    sam.fill("#park-text", "Should pushes wait for business hours")
    sam.press("#park-text", "Enter")
    parked = sam.locator("#parking-list .note", has_text="business hours")
    expect(parked).to_have_count(1, timeout=WAIT)
    parked.get_by_role(
        "button", name="Edit question: Should pushes wait for business hours"
    ).click()
    sam.get_by_role("textbox", name="Edit question").fill(
        "Should config pushes wait for business hours?"
    )
    sam.get_by_role("textbox", name="Edit question").press("Enter")
    expect(kim.locator("#parking-list .note", has_text="config pushes wait")).to_have_count(
        1, timeout=WAIT
    )
    sam.locator("#parking-list .note", has_text="config pushes wait").get_by_role(
        "button", name="Delete question", exact=False
    ).click()
    sam.get_by_role("button", name="Yes, delete question", exact=False).click()
    expect(kim.locator("#parking-list .note", has_text="config pushes wait")).to_have_count(
        0, timeout=WAIT
    )

    # A note in its column: edited in place by its author. The facilitator may delete anyone's
    # note (never edit its words); another participant may do neither.
    advance_to(fac, "Contributing factors")
    add_note(sam, "No alrt on payment success rate")
    note = sam.locator("#note-sections .note", has_text="No alrt")
    expect(note).to_have_count(1, timeout=WAIT)
    note.get_by_role("button", name="Edit note: No alrt on payment success rate").click()
    sam.get_by_role("textbox", name="Edit note").fill("No alert on payment success rate")
    sam.get_by_role("button", name="Save").click()
    seen_note = kim.locator("#note-sections .note", has_text="No alert on payment success rate")
    expect(seen_note).to_have_count(1, timeout=WAIT)
    expect(seen_note.locator(".item-edit, .item-delete")).to_have_count(0)
    fac_note = fac.locator("#note-sections .note", has_text="No alert on payment success rate")
    expect(fac_note.locator(".item-edit")).to_have_count(0)
    fac_note.locator(".item-delete").click()
    fac.get_by_role("button", name="Yes, delete note", exact=False).click()
    expect(kim.locator("#note-sections .note", has_text="No alert")).to_have_count(0, timeout=WAIT)
    expect(sam.locator("#note-sections .note", has_text="No alert")).to_have_count(0, timeout=WAIT)
    for page in (fac, sam, kim):
        expect(page.locator(".rejection")).to_have_count(0)


def test_the_facilitator_spotlights_an_item_for_everyone(server: RealServer, people: Any) -> None:
    fac, (sam, kim) = facilitator_and(server, people, ["Sam", "Kim"], "Spotlight")
    advance_to(fac, "Timeline")
    for minute in range(10, 50):  # more than the lane shows at once
        add_entry(fac, f"2026-08-14T09:{minute}", "fact", f"Event at minute {minute}")
    expect(sam.locator("#timeline-list .tl:not(.is-pending)")).to_have_count(40, timeout=WAIT)
    expect(sam.locator(".item-spotlight")).to_have_count(0)  # only the facilitator spotlights

    target = "Event at minute 12"
    fac.locator("#timeline-list .tl", has_text=target).get_by_role(
        "button", name=f"Spotlight for everyone: {target}"
    ).click()
    for page in (sam, kim):
        banner = page.locator("#spotlight-banner")
        expect(banner).to_be_visible(timeout=WAIT)
        expect(banner).to_contain_text(target)
        item = page.locator("#timeline-list .tl.is-spotlit")
        expect(item).to_have_count(1)
        expect(item).to_contain_text(target)
        assert in_view(page, item), "the spotlighted entry is brought into view"
    # Sam steps out: his highlight and banner go; Kim's stay.
    sam.click("#spotlight-leave")
    expect(sam.locator("#spotlight-banner")).to_be_hidden()
    expect(sam.locator(".is-spotlit")).to_have_count(0)
    expect(kim.locator(".is-spotlit")).to_have_count(1)
    # The facilitator ends it from the bar: gone everywhere.
    expect(fac.locator("#spotlight-clear")).to_be_visible()
    fac.click("#spotlight-clear")
    expect(kim.locator("#spotlight-banner")).to_be_hidden(timeout=WAIT)
    expect(kim.locator(".is-spotlit")).to_have_count(0)
    # A new spotlight reaches Sam again; moving on to the next phase ends it.
    fac.locator("#timeline-list .tl", has_text="minute 40").get_by_role(
        "button", name="Spotlight for everyone: Event at minute 40"
    ).click()
    expect(sam.locator("#spotlight-banner")).to_contain_text("minute 40", timeout=WAIT)
    fac.click("#advance")
    for page in (fac, sam, kim):
        expect(page.locator("#spotlight-banner")).to_be_hidden(timeout=WAIT)


def test_the_incident_sheet_and_the_wrapup_record_are_edited_by_the_facilitator_and_read_live(
    server: RealServer, people: Any
) -> None:
    made, joined = meeting(server, ["Sam", "Kim"], "Sheet")
    fac = open_board(people(), server, made["facilitator_url"])
    sam = open_board(people(), server, joined[0]["board_url"])
    kim = open_board(people("America/New_York"), server, joined[1]["board_url"])
    advance_to(fac, "Incident summary")
    fac.fill("#sheet-title", "Card authorisations failing (EU)")
    fac.press("#sheet-title", "Tab")
    fac.select_option("#sheet-severity", "sev1")
    fac.fill("#sheet-detected", "2026-08-14T09:31")
    fac.fill("#sheet-users", "About 12,400 shoppers")
    fac.press("#sheet-users", "Tab")
    for page in (sam, kim):
        expect(page.locator("#board-title")).to_have_text(
            "Card authorisations failing (EU)", timeout=WAIT
        )
        expect(page.locator("#severity")).to_have_text("Sev-1", timeout=WAIT)
        expect(page.locator("#sheet")).to_contain_text("About 12,400 shoppers", timeout=WAIT)
        expect(page.locator("#sheet input, #sheet textarea, #sheet select")).to_have_count(0)
    # Entered in the facilitator's local time (UTC here), shown in each reader's.
    expect(sam.locator("#sheet")).to_contain_text("09:31")
    expect(kim.locator("#sheet")).to_contain_text("05:31")

    advance_to(fac, "Wrap-up")
    fac.fill("#record-regulatory", "N/A")
    fac.press("#record-regulatory", "Tab")
    fac.fill("#record-communications", "Status page updated at 09:40 UTC")
    fac.press("#record-communications", "Tab")
    for page in (sam, kim):
        expect(page.locator("#record")).to_contain_text(
            "Status page updated at 09:40 UTC", timeout=WAIT
        )
        expect(page.locator("#record")).to_contain_text("N/A", timeout=WAIT)
        expect(page.locator("#record textarea")).to_have_count(0)
    # A bare "N/A" is flagged: the board asks for the reason before the meeting closes.
    expect(sam.locator(".writeup-gaps")).to_contain_text("'N/A' needs a reason", timeout=WAIT)
    sam.goto(server.url + f"/b/{made['board_id']}/writeup")
    expect(sam.locator("body")).to_contain_text("An N/A needs a reason.")


def test_the_keep_asking_why_hint_stays_on_a_chain_marked_done_too_early(
    server: RealServer, people: Any
) -> None:
    fac, (ana,) = facilitator_and(server, people, ["Ana"], "Whys")
    advance_to(fac, "Five whys")
    ana.get_by_label("Problem (what was observed)").fill("Card payments failed for 41 minutes")
    ana.get_by_role("button", name="Start a chain").click()
    ana.get_by_label("Next: why?").fill("Why did the payments fail?")
    ana.get_by_label("Because", exact=True).last.fill("The gateway rejected our API key")
    ana.get_by_role("button", name="Add why").click()
    expect(ana.locator(".why-step[data-id]")).to_have_count(1, timeout=WAIT)
    ana.locator(".chain-done input").check()
    for page in (ana, fac):
        hint = page.locator(".chain-nudge")
        expect(hint).to_be_visible(timeout=WAIT)
    # Typing elsewhere (which clears typing hints) leaves the chain's hint alone.
    ana.get_by_label("Next: why?").fill("Why was the key rejected?")
    ana.get_by_label("Next: why?").fill("")
    ana.get_by_label("Problem (what was observed)").fill("x")
    ana.wait_for_timeout(800)
    expect(ana.locator(".chain-nudge")).to_be_visible()


def test_a_chain_or_action_offers_delete_only_to_whoever_added_it_and_the_facilitator(
    server: RealServer, people: Any
) -> None:
    fac, (ana, ben) = facilitator_and(server, people, ["Ana", "Ben"], "Shared work")
    advance_to(fac, "Five whys")
    ana.get_by_label("Problem (what was observed)").fill("Card payments failed for 41 minutes")
    ana.get_by_role("button", name="Start a chain").click()
    for page in (ana, ben, fac):
        expect(page.locator(".chain[data-id]")).to_have_count(1, timeout=WAIT)
    delete_chain = "Delete the chain: Card payments failed for 41 minutes"
    expect(ana.get_by_role("button", name=delete_chain)).to_be_visible()
    expect(fac.get_by_role("button", name=delete_chain)).to_be_visible()
    expect(ben.get_by_role("button", name=delete_chain)).to_have_count(0)
    # Ben still helps with the chain itself: a why of his lands on Ana's chain.
    ben.get_by_label("Next: why?").fill("Why did the payments fail?")
    ben.get_by_label("Because", exact=True).last.fill("The gateway rejected our API key")
    ben.get_by_role("button", name="Add why").click()
    expect(ana.locator(".why-step[data-id]")).to_have_count(1, timeout=WAIT)

    advance_to(fac, "Actions")
    ben.fill("#action-text", "Rotate the gateway key from the vault, not by hand")
    ben.press("#action-text", "Enter")
    for page in (ana, ben, fac):
        expect(page.locator(".action-item[data-id]")).to_have_count(1, timeout=WAIT)
    delete_action = "Delete: Rotate the gateway key from the vault, not by hand"
    expect(ben.get_by_role("button", name=delete_action)).to_be_visible()
    expect(fac.get_by_role("button", name=delete_action)).to_be_visible()
    expect(ana.get_by_role("button", name=delete_action)).to_have_count(0)


def test_a_new_timeline_entry_defaults_to_the_incident_start_until_someone_picks_a_time(
    server: RealServer, people: Any
) -> None:
    fac, (ana,) = facilitator_and(server, people, ["Ana"], "Default times")
    advance_to(fac, "Incident summary")
    fac.fill("#sheet-started", "2026-08-14T09:05")
    fac.press("#sheet-started", "Tab")
    # Ana's form was filled with the time she opened the board; it follows the incident start.
    expect(ana.locator("#tl-at")).to_have_value("2026-08-14T09:05", timeout=WAIT)
    ana.fill("#tl-at", "2026-08-14T09:40")
    fac.fill("#sheet-started", "2026-08-14T09:00")
    fac.press("#sheet-started", "Tab")
    expect(fac.locator("#tl-at")).to_have_value("2026-08-14T09:00", timeout=WAIT)
    expect(ana.locator("#tl-at")).to_have_value("2026-08-14T09:40")  # hers once she picked it


def test_a_new_action_starts_as_short_term_whatever_the_last_one_was(
    server: RealServer, people: Any
) -> None:
    fac, (ana,) = facilitator_and(server, people, ["Ana"], "Action kinds")
    advance_to(fac, "Actions")
    ana.fill("#action-text", "Move the gateway key into the vault by 2026-12-20")
    ana.select_option("#action-kind", "long_term")
    ana.press("#action-text", "Enter")
    expect(ana.locator(".action-item[data-id]")).to_have_count(1, timeout=WAIT)
    expect(ana.locator(".action-item[data-id] .action-kind")).to_have_text("Long term")
    expect(ana.locator("#action-kind")).to_have_value("short_term")


def test_after_starting_a_chain_by_keyboard_the_first_why_is_next(
    server: RealServer, people: Any
) -> None:
    fac, (ana,) = facilitator_and(server, people, ["Ana"], "Whys by keyboard")
    advance_to(fac, "Five whys")
    problem = ana.get_by_label("Problem (what was observed)")
    problem.fill("Card payments failed for 41 minutes")
    problem.press("Enter")
    expect(ana.locator(".chain[data-id]")).to_have_count(1, timeout=WAIT)
    why = ana.get_by_label("Next: why?")
    expect(why).to_be_focused(timeout=WAIT)
    ana.keyboard.type("Why did the payments fail?")
    ana.keyboard.press("Tab")
    ana.keyboard.type("The gateway rejected our API key")
    ana.keyboard.press("Enter")
    expect(ana.locator(".why-step[data-id]")).to_have_count(1, timeout=WAIT)
    expect(ana.locator(".chain[data-id]")).to_have_count(1)  # no second chain from the why


def test_entries_typed_one_after_another_get_times_in_the_order_typed(
    server: RealServer, people: Any
) -> None:
    fac, (ana,) = facilitator_and(server, people, ["Ana"], "Entries in order")
    advance_to(fac, "Timeline")
    add_entry(ana, "2026-08-14T09:10", "fact", "Config push to the payments gateway")
    expect(ana.locator("#tl-at")).to_have_value("2026-08-14T09:11", timeout=WAIT)
    for text in ("Error rate on checkout climbs", "On-call rolls back the push"):
        ana.fill("#tl-text", text)  # the time as the form offers it
        ana.press("#tl-text", "Enter")
    texts = ana.locator("#timeline-list .tl .tl-text")
    expect(texts).to_have_text(
        [
            "Config push to the payments gateway",
            "Error rate on checkout climbs",
            "On-call rolls back the push",
        ],
        timeout=WAIT,
    )
    expect(ana.locator("#timeline-list .tl .tl-time")).to_have_text(["09:10", "09:11", "09:12"])
