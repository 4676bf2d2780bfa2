"""Issues from actions in a real browser: with a tracker set up (a fake GitHub on loopback, the
subset tests/server/test_trackers.py states), the owner of a committed action creates its issue
from the board; the link shows on everyone's action card and on the actions page, and when the
issue is closed the action becomes done there too.

Same set-up as test_board_page.py: the fixtures and helpers of tests/browser/conftest.py.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import WAIT, expect, needs_chromium, open_board
from tests.realserver import RealServer
from tests.server.test_trackers import PROJECTS, TOKEN, FakeTracker

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTracker]:
    f = FakeTracker("github")
    yield f
    f.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, fake: FakeTracker) -> Iterator[RealServer]:
    env = {
        "HINDSIGHT_TRACKER": "github",
        "HINDSIGHT_TRACKER_URL": fake.url,
        "HINDSIGHT_TRACKER_PROJECT": PROJECTS["github"],
        "HINDSIGHT_TRACKER_TOKEN": TOKEN,
        "HINDSIGHT_TRACKER_POLL": "1",
    }
    srv = RealServer(tmp_path_factory.mktemp("trackers") / "t.db", env=env)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def _post(server: RealServer, path: str, body: dict[str, Any]) -> dict[str, Any]:
    req = urllib.request.Request(
        server.url + path,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        answer: dict[str, Any] = json.load(r)
    return answer


def test_the_owner_makes_the_issue_and_its_closing_comes_back(
    server: RealServer, fake: FakeTracker, people: Any
) -> None:
    doc = {
        "format": "hindsight-board",
        "version": 1,
        "board": {
            "board": {
                "template": "incident-60",
                "header": {"title": "Checkout outage", "tags": ["payments"]},
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
                    "text": "Alert when payment errors exceed 1% for 5 minutes",
                    "owner_id": "p1",
                    "due": "2027-01-15",
                    "success": "A drill pages within 6 minutes",
                    "selected": True,
                    "status": "open",
                },
                {"id": "a2", "text": "Try a canary", "owner_id": "p0", "selected": False},
            ],
        },
    }
    made = _post(server, "/api/boards/import", doc)
    kim_seat = next(p for p in made["participants"] if p["name"] == "Kim")
    kim, dana = people(), people()
    page = open_board(kim, server, f"/b/{made['board_id']}#k={kim_seat['credential']}")
    fac = open_board(dana, server, made["facilitator_url"])
    card = page.locator(".action-item", has_text="Alert when payment errors")
    expect(card.get_by_role("button", name="Create issue in GitHub")).to_be_visible(timeout=WAIT)
    # A proposal the meeting did not commit to gets no issue.
    expect(
        page.locator(".action-item", has_text="Try a canary").locator(".action-make-issue")
    ).to_have_count(0)
    card.get_by_role("button", name="Create issue in GitHub").click()
    expect(page.locator(".action-issue-status")).to_have_text(
        "Created acme/ops#1 in GitHub; it is linked on the action.", timeout=WAIT
    )
    link = card.locator("a.action-issue")
    expect(link).to_have_text("Issue acme/ops#1")
    expect(link).to_have_attribute("href", "https://github.com/acme/ops/issues/1")  # the html_url
    # Everyone sees the link; nobody is offered a second issue.
    fac_card = fac.locator(".action-item", has_text="Alert when payment errors")
    expect(fac_card.locator("a.action-issue")).to_have_text("Issue acme/ops#1", timeout=WAIT)
    expect(fac_card.locator(".action-make-issue")).to_have_count(0)
    (ref,) = fake.issues
    assert fake.issues[ref]["title"] == "Alert when payment errors exceed 1% for 5 minutes"

    # The issue is closed in the tracker: the poll brings it back as done.
    fake.close_issue(ref)
    actions = people().page
    actions.goto(server.url + "/actions")
    done = actions.locator("#done [data-rows] tr", has_text="Alert when payment errors")
    for _ in range(20):
        if done.count():
            break
        actions.wait_for_timeout(500)
        actions.reload()
    expect(done).to_have_count(1)
    expect(done.locator("a.action-issue")).to_have_text("acme/ops#1")
    expect(
        actions.get_by_role("link", name="Download the actions for Jira (CSV)")
    ).to_have_attribute("href", "/api/actions.jira.csv")
    expect(card.locator(".tag", has_text="Done")).to_be_visible(timeout=WAIT)
    assert kim.errors == [] and dana.errors == []
