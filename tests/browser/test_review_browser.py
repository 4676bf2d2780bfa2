"""The review of earlier actions in a real browser: a second post-mortem, made on the landing
page with the review ticked and tagged like the first, opens with the first one's open actions;
the owner marks one done from their seat, and the first post-mortem's action and its completion
rate change (the /actions page shows it).

Same set-up as test_board_page.py: the fixtures and helpers of tests/browser/conftest.py.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from tests.browser.conftest import WAIT, expect, needs_chromium, wait_live
from tests.realserver import RealServer

pytestmark = needs_chromium


def _first_post_mortem(server: RealServer) -> str:
    """A closed, named post-mortem tagged `payments` with two open actions owned by Kim and
    one done; its board id. Imported: the same path a backup takes."""
    doc = {
        "format": "hindsight-board",
        "version": 1,
        "board": {
            "board": {
                "template": "incident-60",
                "header": {
                    "title": "Card payments failed after a gateway config push",
                    "started_at": "2026-10-02T09:00:00Z",
                    "tags": ["payments"],
                },
                "settings": {"anonymity": "named"},
                "facilitator": "p0",
                "closed_at": 1,
            },
            "participants": [
                {"id": "p0", "name": "Dana", "role": "facilitator"},
                {"id": "p1", "name": "Kim"},
            ],
            "actions": [
                {
                    "id": "a1",
                    "text": "Canary every gateway config push",
                    "owner_id": "p1",
                    "due": "2026-11-01",
                    "selected": True,
                    "status": "open",
                },
                {
                    "id": "a2",
                    "text": "Alert on card decline ratio",
                    "owner_id": "p1",
                    "due": "2026-12-30",
                    "selected": True,
                    "status": "in_progress",
                },
                {
                    "id": "a3",
                    "text": "Write the gateway runbook",
                    "owner_id": "p0",
                    "selected": True,
                    "status": "done",
                },
            ],
        },
    }
    req = urllib.request.Request(
        server.url + "/api/boards/import",
        data=json.dumps(doc).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        made: dict[str, Any] = json.load(r)
    return str(made["board_id"])


def _completion(page: Any, server: RealServer, board_id: str) -> Any:
    page.goto(server.url + "/actions")
    return page.locator(f'tr[data-board-row="{board_id}"]')


def test_a_second_post_mortem_reviews_the_first_ones_open_actions(
    server: RealServer, people: Any
) -> None:
    first = _first_post_mortem(server)
    dana, kim, outsider = people(), people(), people()
    rows = _completion(outsider.page, server, first)
    expect(rows.locator("[data-cell=done]")).to_have_text("1")

    # Dana makes the second post-mortem on the landing page, with the review ticked.
    fac = dana.page
    fac.goto(server.url + "/")
    fac.fill("input[name=title]", "Card payments slow after a TLS certificate rotation")
    fac.fill("input[name=facilitator_name]", "Dana")
    fac.check("input[name=review_actions]")
    fac.click("button[type=submit]")
    wait_live(fac)
    # Tagged like the first one (the menu drawer), so the review finds it.
    fac.click("#menu-open")
    fac.fill("#tags-input", "payments")
    fac.click("#tags-save")
    expect(fac.locator("#tags-save")).to_have_text("Save tags", timeout=WAIT)
    join_url = fac.locator("#join-link").input_value()
    fac.click("#menu-close")

    # Kim joins with the link Dana shared.
    kim.page.goto(join_url)
    kim.page.fill("input[name=name]", "Kim")
    kim.page.click("button[type=submit]")
    wait_live(kim.page)

    fac.click("#advance")  # the ground rules
    expect(fac.locator("#phase-title")).to_have_text("Set the room", timeout=WAIT)
    fac.click("#advance")
    expect(fac.locator("#phase-title")).to_have_text("Review earlier actions", timeout=WAIT)
    # The facilitator's page loads the review on its own; everyone sees the same list.
    for page in (fac, kim.page):
        panel = page.locator("#panel-review")
        expect(panel).to_be_visible(timeout=WAIT)
        expect(panel.locator(".review-board h3")).to_contain_text(
            "Card payments failed after a gateway config push", timeout=WAIT
        )
        expect(panel.locator(".review-item")).to_have_count(2)  # the done one is not reviewed
        expect(panel).not_to_contain_text("Write the gateway runbook")
    # The facilitator cannot see what Kim sees: Kim's own actions have menus on Kim's page.
    item = kim.page.locator(".review-item", has_text="Canary every gateway config push")
    expect(item.locator("select")).to_have_value("open")
    item.locator("select").select_option("done")
    expect(kim.page.locator("#panel-review .review-status")).to_contain_text(
        "is now done, on its own post-mortem too", timeout=WAIT
    )
    # Live for everyone, marked as changed in this meeting.
    fac_item = fac.locator(".review-item", has_text="Canary every gateway config push")
    expect(fac_item).to_have_class("review-item changed", timeout=WAIT)
    expect(fac_item.locator(".review-was")).to_have_text("was Open")
    expect(fac_item.locator("select")).to_have_value("done")

    # The first post-mortem's action is done, and its completion rate moved.
    rows = _completion(outsider.page, server, first)
    expect(rows.locator("[data-cell=done]")).to_have_text("2")
    done = outsider.page.locator(
        "#done [data-rows] tr", has_text="Canary every gateway config push"
    )
    expect(done).to_have_count(1)

    # Phone width: the list stacks and nothing runs off the side.
    kim.page.set_viewport_size({"width": 390, "height": 844})
    panel = kim.page.locator("#panel-review")
    expect(panel).to_be_visible()
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1
    kim.page.screenshot(path="/tmp/review-phone.png", full_page=True)
    fac.screenshot(path="/tmp/review-desktop.png", full_page=False)
    assert dana.errors == [] and kim.errors == [] and outsider.errors == []


def test_the_facilitator_adds_an_earlier_post_mortem_by_search(
    server: RealServer, people: Any
) -> None:
    _first_post_mortem(server)  # tagged payments; this board has no tags
    dana = people()
    fac = dana.page
    fac.goto(server.url + "/")
    fac.fill("input[name=title]", "Queue consumers stalled")
    fac.check("input[name=review_actions]")
    fac.click("button[type=submit]")
    wait_live(fac)
    fac.click("#advance")
    fac.click("#advance")
    expect(fac.locator("#phase-title")).to_have_text("Review earlier actions", timeout=WAIT)
    panel = fac.locator("#panel-review")
    expect(panel.locator(".review-scope")).to_contain_text("has no tags yet", timeout=WAIT)
    expect(panel.locator(".empty")).to_contain_text("No open actions", timeout=WAIT)
    panel.locator(".review-pick summary").click()
    fac.fill("#review-search", "gateway")
    panel.get_by_role("button", name="Find").click()
    # (The module's server also holds the first test's post-mortem, with one action left.)
    found = panel.locator(".review-found li", has_text="2 open actions")
    expect(found).to_contain_text("Card payments failed", timeout=WAIT)
    found.get_by_role("button", name="Add").click()
    expect(panel.locator(".review-item")).to_have_count(2, timeout=WAIT)
    expect(panel.locator(".review-picked")).to_contain_text("Card payments failed")
    expect(panel.locator(".review-scope")).to_contain_text("added by hand")
    assert dana.errors == []
