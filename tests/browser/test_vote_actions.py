"""Dot voting and the action plan in a real browser: a facilitator and two participants vote with
a budget, see only the aggregate until the reveal, then rank, select and own an action.

Same set-up as test_board_page.py: the fixtures and helpers of tests/browser/conftest.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.conftest import (
    WAIT,
    add_note,
    advance_to,
    api,
    expect,
    facilitator_and,
    meeting,
    needs_chromium,
    open_board,
    wait_live,
)
from tests.realserver import RealServer

pytestmark = needs_chromium


def test_vote_then_actions(server: RealServer, people: Any, tmp_path: Path) -> None:
    made = api(
        server,
        "/api/boards",
        {"title": "Checkout latency after a cache flush", "facilitator_name": "Dana"},
    )
    board = made["board_id"]
    sam = api(server, f"/api/boards/{board}/join", {"name": "Sam", "role": "participant"})
    kim = api(server, f"/api/boards/{board}/join", {"name": "Kim", "role": "participant"})
    facilitator, participant_a, participant_b = people(), people(), people()
    fac, a, b = facilitator.page, participant_a.page, participant_b.page
    fac.goto(server.url + made["facilitator_url"])
    a.goto(server.url + sam["board_url"])
    b.goto(server.url + kim["board_url"])
    for page in (fac, a, b):
        wait_live(page)
        expect(page.locator(".vote-panel")).to_be_hidden()

    advance_to(fac, "Themes and vote")
    add_note(fac, "The cache flush runbook was clear")
    add_note(fac, "Nobody watched the latency dashboard")
    for page in (fac, a, b):
        expect(page.locator(".theme-note[data-id]")).to_have_count(2, timeout=WAIT)

    # Only the facilitator opens a vote; the budget defaults to the board's and can change.
    vote_f, vote_a, vote_b = (p.locator(".vote-panel") for p in (fac, a, b))
    expect(vote_f).to_be_visible()
    expect(fac.locator("#vote-budget")).to_have_value("5")
    expect(vote_a).to_be_hidden()
    fac.fill("#vote-budget", "3")
    fac.click("#vote-open-button")
    for page, vote in ((fac, vote_f), (a, vote_a), (b, vote_b)):
        expect(vote.locator(".vote-left")).to_have_text("3 of 3 dots left", timeout=WAIT)
        expect(page.locator("#dots-left")).to_have_text("3 dots left")
        # On the themes board the dots go on the cards themselves: no second list of notes.
        expect(page.locator(".theme-note .dot-control")).to_have_count(2)
        expect(vote.locator(".vote-item")).to_have_count(0)
    expect(vote_a.locator(".vote-controls")).to_be_hidden()

    # Sam spends two dots on the second note; the dots show as his own, filled.
    second = a.locator(".theme-note", has_text="latency dashboard")
    second.locator(".vote-plus").click()
    expect(vote_a.locator(".vote-left")).to_have_text("2 of 3 dots left", timeout=WAIT)
    second.locator(".vote-plus").click()
    expect(vote_a.locator(".vote-left")).to_have_text("1 of 3 dots left", timeout=WAIT)
    expect(second.locator(".dot")).to_have_count(2)
    # Taking one back and adding it again works too.
    second.locator(".vote-minus").click()
    expect(vote_a.locator(".vote-left")).to_have_text("2 of 3 dots left", timeout=WAIT)
    second.locator(".vote-plus").click()
    expect(vote_a.locator(".vote-left")).to_have_text("1 of 3 dots left", timeout=WAIT)

    # Kim spends one on the first. Nobody sees totals, only the aggregate.
    b.locator(".theme-note", has_text="runbook").locator(".vote-plus").click()
    for vote in (vote_f, vote_a, vote_b):
        expect(vote.locator(".vote-progress")).to_have_text("3 dots cast by 2 people", timeout=WAIT)
        expect(vote.locator(".vote-results")).to_have_count(0)
        expect(vote.locator(".vote-total")).to_have_count(0)
    expect(vote_b.locator(".vote-left")).to_have_text("2 of 3 dots left")
    expect(vote_f.locator(".vote-left")).to_have_text("3 of 3 dots left")
    vote_f.scroll_into_view_if_needed()
    fac.screenshot(path=str(tmp_path / "vote-open.png"), full_page=True)

    # Closing and revealing are the bar's: one place, one name each.
    expect(vote_f.locator("button", has_text="Reveal")).to_have_count(0)
    fac.click("#bar-close-vote")
    expect(vote_a.locator(".vote-progress")).to_contain_text("Voting is closed", timeout=WAIT)
    expect(fac.locator("#vote-open-button")).to_be_hidden()  # next comes the reveal, not a new vote
    fac.click("#bar-reveal-vote")
    for vote in (vote_f, vote_a, vote_b):
        results = vote.locator(".vote-result")
        expect(results).to_have_count(2, timeout=WAIT)
        expect(results.locator(".vote-result-text")).to_have_text(
            ["Nobody watched the latency dashboard", "The cache flush runbook was clear"]
        )
        expect(results.locator(".vote-total").first).to_contain_text("2 dots")
    expect(vote_a.locator(".vote-yours").first).to_contain_text("2 yours")
    vote_a.scroll_into_view_if_needed()
    a.screenshot(path=str(tmp_path / "vote-results.png"), full_page=True)

    # Actions: the facilitator proposes two, one owned by Sam, and ranks it first by keyboard.
    advance_to(fac, "Actions")
    acts_f, acts_a = fac.locator(".actions-panel"), a.locator(".actions-panel")
    expect(acts_f).to_be_visible(timeout=WAIT)
    expect(acts_a).to_be_visible(timeout=WAIT)
    fac.fill("#action-text", "Page on checkout latency, not only errors")
    fac.press("#action-text", "Enter")
    expect(acts_f.locator(".action-item")).to_have_count(1, timeout=WAIT)
    fac.fill("#action-text", "Add a latency panel to the cache runbook")
    fac.select_option("#action-owner", label="Sam")
    fac.fill("#action-due", "2026-12-15")
    fac.select_option("#action-kind", "immediate")
    fac.fill("#action-success", "The runbook links the panel")
    fac.press("#action-text", "Enter")
    items = acts_f.locator(".action-item")
    expect(items).to_have_count(2, timeout=WAIT)
    expect(items.nth(1)).to_contain_text("Owner: Sam")
    expect(items.nth(1)).to_contain_text("Due 2026-12-15")
    expect(items.nth(1)).to_contain_text("Immediate")

    runbook = acts_f.locator(".action-item", has_text="latency panel")
    runbook.locator(".action-up").focus()
    fac.keyboard.press("Enter")
    expect(items.first).to_contain_text("latency panel", timeout=WAIT)
    expect(items.first.locator(".action-rank")).to_have_text("Rank 1")
    expect(acts_a.locator(".action-item").first).to_contain_text("latency panel", timeout=WAIT)
    # The focus stays with the moved action (its Move up is disabled now, so on Move down).
    expect(runbook.locator(".action-down")).to_be_focused()
    fac.keyboard.press("Enter")
    expect(items.first).to_contain_text("Page on checkout", timeout=WAIT)
    runbook.locator(".action-up").click()
    expect(items.first).to_contain_text("latency panel", timeout=WAIT)

    runbook.locator(".action-select").click()
    expect(runbook.locator(".action-select")).to_have_attribute(
        "aria-pressed", "true", timeout=WAIT
    )
    expect(acts_f.locator(".action-summary")).to_have_text(
        "1 selected · 1 not yet confirmed: Sam · 1 without an owner"
    )
    expect(runbook.locator(".action-confirm")).to_have_text("Waiting for Sam to confirm")
    expect(acts_a.locator(".action-select")).to_have_count(0)  # the facilitator's call

    own = acts_a.locator(".action-item", has_text="latency panel").get_by_role(
        "button", name="Yes, I own this"
    )
    expect(own).to_be_visible(timeout=WAIT)
    expect(b.locator(".actions-panel .action-own")).to_have_count(0)
    own.click()
    expect(runbook.locator(".action-confirm")).to_have_text("Sam confirmed", timeout=WAIT)
    expect(runbook.locator(".action-confirm")).to_have_class(re.compile(r"\bis-confirmed\b"))
    expect(acts_a.locator(".action-confirm").first).to_have_text("You confirmed you own this")
    expect(acts_f.locator(".action-summary")).to_have_text(
        "1 selected · all owners confirmed · 1 without an owner"
    )

    # Inline edit: give the other action to Kim.
    other = acts_f.locator(".action-item", has_text="Page on checkout")
    other.locator(".action-edit").click()
    other.locator(".action-edit-form select").first.select_option(label="Kim")
    other.locator(".action-edit-form button[type=submit]").click()
    expect(other).to_contain_text("Owner: Kim", timeout=WAIT)
    expect(b.locator(".actions-panel .action-own")).to_be_visible(timeout=WAIT)

    # Drag and drop ranks too: Kim's action onto the first place.
    other.drag_to(items.first)
    expect(items.first).to_contain_text("Page on checkout", timeout=WAIT)
    expect(acts_a.locator(".action-item").first).to_contain_text("Page on checkout", timeout=WAIT)

    acts_f.scroll_into_view_if_needed()
    fac.screenshot(path=str(tmp_path / "actions.png"), full_page=True)
    a.set_viewport_size({"width": 390, "height": 844})
    acts_a.scroll_into_view_if_needed()
    a.screenshot(path=str(tmp_path / "actions-phone.png"), full_page=True)

    for page in (fac, a, b):
        expect(page.locator(".rejection")).to_have_count(0)
    assert facilitator.errors == []
    assert participant_a.errors == []
    assert participant_b.errors == []


def test_revealed_results_show_ties_as_ties(server: RealServer, people: Any) -> None:
    made = api(server, "/api/boards", {"title": "Ties", "facilitator_name": "Dana"})
    sam, kim = (
        api(server, f"/api/boards/{made['board_id']}/join", {"name": n, "role": "participant"})
        for n in ("Sam", "Kim")
    )
    fac = open_board(people(), server, made["facilitator_url"])
    a = open_board(people(), server, sam["board_url"])
    b = open_board(people(), server, kim["board_url"])
    advance_to(fac, "Themes and vote")
    for text in (
        "The cache flush runbook was clear",
        "Nobody watched the latency dashboard",
        "Alerts were noisy",
    ):
        add_note(fac, text)
    expect(a.locator(".theme-note[data-id]")).to_have_count(3, timeout=WAIT)
    fac.click("#bar-open-vote")
    a.locator(".theme-note", has_text="runbook").locator(".vote-plus").click()
    b.locator(".theme-note", has_text="latency dashboard").locator(".vote-plus").click()
    expect(fac.locator(".vote-progress")).to_have_text("2 dots cast by 2 people", timeout=WAIT)
    fac.click("#bar-close-vote")
    fac.click("#bar-reveal-vote")
    results = a.locator(".vote-result")
    expect(results).to_have_count(3, timeout=WAIT)
    expect(results.locator(".vote-place")).to_have_text(["1= (tied)", "1= (tied)", "3"])
    expect(a.locator(".vote-result.is-tie")).to_have_count(2)
    expect(results.last).to_contain_text("Alerts were noisy")


def test_a_long_action_list_stays_inside_its_card_and_scrolls(
    server: RealServer, people: Any
) -> None:
    made, _ = meeting(server, [], "Many actions")
    fac = open_board(people(), server, made["facilitator_url"])
    advance_to(fac, "Actions")
    for n in range(7):
        fac.fill("#action-text", f"Alert on checkout error rate above {n + 1}% for 5 minutes")
        fac.press("#action-text", "Enter")
    items = fac.locator("#panel-actions .action-item[data-id]")
    expect(items).to_have_count(7, timeout=WAIT)
    # Nobody owns one yet, so nothing is "all owners confirmed".
    expect(fac.locator(".action-summary")).to_have_text("0 selected · 7 without an owner")
    panel = fac.locator("#panel-actions")
    below = panel.evaluate(
        """p => { const bottom = p.getBoundingClientRect().bottom;
        return [...p.querySelectorAll('.action-item[data-id]')]
          .filter(li => li.getBoundingClientRect().top >= bottom - 4).length; }"""
    )
    assert below >= 1, "seven actions overflow the panel at 1280 x 800"
    hint = panel.locator(":scope > .more-hint")
    expect(hint).to_have_text(f"{below} more below ↓")  # actions, not the lists inside them
    items.last.get_by_role("button", name="Edit").click()  # editing makes a card taller still
    panel.evaluate("p => { p.scrollTop = p.scrollHeight; }")
    card = panel.locator(":scope > .card").bounding_box()
    last = items.last.bounding_box()
    assert card and last and last["y"] + last["height"] <= card["y"] + card["height"], (
        "the last action ends inside the card's background"
    )
    expect(items.last.get_by_role("button", name="Save")).to_be_in_viewport()


def test_a_keyboard_voter_presses_enter_on_a_dot_button_again_and_again(
    server: RealServer, people: Any
) -> None:
    fac, (ann,) = facilitator_and(server, people, ["Ann"], "Dots by keyboard")
    advance_to(fac, "Themes and vote")
    add_note(fac, "Nobody watched the latency dashboard")
    expect(ann.locator(".theme-note[data-id]")).to_have_count(1, timeout=WAIT)
    fac.click("#vote-open-button")
    plus = ann.locator(".theme-note .vote-plus")
    expect(plus).to_be_enabled(timeout=WAIT)
    plus.focus()
    for left in (4, 3, 2):
        ann.keyboard.press("Enter")
        expect(ann.locator("#dots-left")).to_have_text(f"{left} dots left", timeout=WAIT)
        expect(plus).to_be_focused()  # the redraw gives the focus back to the same button
    ann.keyboard.press("Shift+Tab")  # to "− dot"
    ann.keyboard.press("Enter")
    expect(ann.locator("#dots-left")).to_have_text("3 dots left", timeout=WAIT)
    expect(ann.locator(".theme-note .vote-minus")).to_be_focused()
