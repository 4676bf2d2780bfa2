"""The actions page in a browser: a status menu only on the rows the viewer may change (the
action's owner, or the board's facilitator), as the server says; a saved status updates the
row, the groups and the completion figures without a reload."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from hindsight.board_state import ops as o
from hindsight.client.sdk import BoardClient
from tests.realserver import RealServer

from .conftest import VIEWPORT, WAIT, expect, meeting, needs_chromium

pytestmark = needs_chromium

PAST, FUTURE = "2000-01-01", "2999-12-31"


def _board(server: RealServer, board_id: str, credential: str) -> dict[str, Any]:
    req = urllib.request.Request(
        f"{server.url}/api/boards/{board_id}", headers={"authorization": f"Bearer {credential}"}
    )
    with urllib.request.urlopen(req, timeout=5) as r:
        body: dict[str, Any] = json.load(r)
        return body


def add_actions(
    server: RealServer, made: dict[str, Any], specs: list[tuple[str, str | None, str, bool]]
) -> None:
    """As the facilitator: (text, owner id, due, selected) per action."""

    async def run() -> None:
        async with BoardClient(server.url, made["board_id"], made["credential"]) as c:
            for text, owner, due, selected in specs:
                await c.submit(o.AddAction(text=text, owner_id=owner, due=due))
                if selected:
                    view = _board(server, made["board_id"], made["credential"])["view"]
                    await c.submit(o.SelectAction(action_id=view["board"]["action_order"][-1]))

    # Playwright's sync API keeps an event loop running on this thread: the SDK gets its own.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()


@pytest.fixture(scope="module")
def boards(server: RealServer) -> dict[str, Any]:
    made, (bob, alice) = meeting(server, ["Bob", "Alice"], title="Cache stampede")
    add_actions(
        server,
        made,
        [
            ("Alert on cache hit ratio", bob["participant_id"], PAST, True),
            ("Write the warm-up runbook", alice["participant_id"], PAST, True),
            ("Shard the cache by tenant", bob["participant_id"], FUTURE, False),  # not taken
        ],
    )
    other, _ = meeting(server, [], title="Elsewhere")
    add_actions(server, other, [("Rotate the keys", other["participant_id"], FUTURE, True)])
    return {"made": made, "bob": bob, "alice": alice, "other": other}


def visit(
    browser: Any, server: RealServer, seats: dict[str, str], viewport: dict[str, int] = VIEWPORT
) -> tuple[Any, list[str]]:
    """A browser holding `seats` (board id -> credential) where the board page keeps them,
    on /actions once its script has asked the server about every seat."""
    storage = {
        "cookies": [],
        "origins": [
            {
                "origin": server.url,
                "localStorage": [
                    {"name": f"hindsight:cred:{b}", "value": c} for b, c in seats.items()
                ],
            }
        ],
    }
    context = browser.new_context(viewport=viewport, storage_state=storage)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + "/actions")
    expect(page.locator("body[data-actions-ready]")).to_have_count(1, timeout=WAIT)
    return page, errors


def row(page: Any, text: str) -> Any:
    return page.locator("tr[data-action-id]", has_text=text)


def test_only_the_owners_rows_get_a_menu_and_others_show_text(
    browser: Any, server: RealServer, boards: dict[str, Any]
) -> None:
    made = boards["made"]
    page, errors = visit(browser, server, {made["board_id"]: boards["bob"]["credential"]})
    expect(row(page, "Alert on cache hit ratio").locator("select")).to_have_count(1)
    for text in ("Write the warm-up runbook", "Rotate the keys"):
        expect(row(page, text).locator("select")).to_have_count(0)
        expect(row(page, text).locator("[data-status-text]")).to_have_text("Open")
    expect(page.get_by_text("Shard the cache by tenant")).to_have_count(0)  # never committed
    assert errors == []
    page.context.close()


def test_the_facilitator_gets_a_menu_on_every_row_of_their_board(
    browser: Any, server: RealServer, boards: dict[str, Any]
) -> None:
    made = boards["made"]
    page, errors = visit(
        browser, server, {made["board_id"]: made["credential"], "no-such-board": "stale.credential"}
    )
    for text in ("Alert on cache hit ratio", "Write the warm-up runbook"):
        expect(row(page, text).locator("select")).to_have_count(1)
    expect(row(page, "Rotate the keys").locator("select")).to_have_count(0)
    assert errors == []
    page.context.close()


def test_a_saved_status_moves_the_row_and_updates_the_figures_without_a_reload(
    browser: Any, server: RealServer, boards: dict[str, Any]
) -> None:
    page, errors = visit(browser, server, {boards["made"]["board_id"]: boards["bob"]["credential"]})
    summary = page.locator("[data-summary]")
    expect(summary).to_contain_text("0 of 2 due actions done")
    expect(summary).to_contain_text("Fewer than 80% of due actions are done")
    expect(page.locator("#overdue [data-count]")).to_have_text("2")
    loads: list[str] = []
    page.on("load", lambda _: loads.append("load"))

    mine = row(page, "Alert on cache hit ratio")
    mine.locator("select").select_option("done")
    mine.get_by_role("button", name="Update").click()
    expect(mine.locator("[data-status-message]")).to_have_text("Saved.", timeout=WAIT)
    expect(
        page.locator("#done [data-rows]").locator("tr", has_text="Alert on cache hit ratio")
    ).to_have_count(1)
    expect(page.locator("#overdue [data-count]")).to_have_text("1")
    expect(page.locator("#done [data-count]")).to_have_text("1")
    expect(page.locator("#done p.empty")).to_be_hidden()
    expect(summary).to_contain_text("1 of 2 due actions done")
    expect(summary.locator("[data-figure=percent]")).to_have_text("50%")
    per_board = page.locator(f'tr[data-board-row="{boards["made"]["board_id"]}"]')
    expect(per_board.locator("[data-cell=done]")).to_have_text("1")
    expect(per_board.locator("[data-cell=rate]")).to_contain_text("50%")
    expect(mine.locator("select")).to_have_value("done")
    expect(mine.locator("select")).to_be_focused()
    assert loads == [] and errors == []
    # The server has it: a fresh page shows the same.
    page.reload()
    expect(page.locator("#done [data-rows] tr", has_text="Alert on cache hit ratio")).to_have_count(
        1
    )
    page.context.close()


def test_on_a_phone_each_action_is_a_card_that_fits_and_its_status_menu_works(
    browser: Any, server: RealServer, boards: dict[str, Any]
) -> None:
    made = boards["made"]
    phone = {"width": 390, "height": 844}
    page, errors = visit(browser, server, {made["board_id"]: made["credential"]}, phone)
    assert page.evaluate("document.documentElement.scrollWidth") <= phone["width"], (
        "no sideways scroll"
    )
    card = row(page, "Alert on cache hit ratio")
    box = card.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= phone["width"]
    owner = card.locator("td[data-label=Owner]")
    label = owner.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Owner"', "a card names its fields, as the table's header did"
    assert owner.bounding_box()["height"] < 40, "the owner's name is not broken letter by letter"
    button = card.get_by_role("button", name="Update")
    expect(button).to_be_visible()
    assert button.bounding_box()["height"] < 48, "Update stays on one line"
    menu = card.locator("select")
    menu.select_option("in_progress" if menu.input_value() != "in_progress" else "open")
    button.click()
    expect(card.locator("[data-status-message]")).to_have_text("Saved.", timeout=WAIT)
    assert errors == []
    page.context.close()
