"""Shared set-up for browser tests: a real `hindsight serve` per module, Debian's Chromium via
Playwright's sync API in a module-scoped fixture of our own (pytest-playwright's session-wide one
would keep an event loop alive and break later async tests), and people as browser contexts.

Playwright's own browser download cannot work here, so it drives /usr/bin/chromium
(`make browser-deps`, which `make test` runs). Waits go through locators, never
`wait_for_function` with a string: the CSP forbids eval.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.realserver import RealServer

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
WAIT = 10_000  # ms for something to show up live; it normally takes a few

# Test modules mark themselves with this (a conftest's own pytestmark would apply to nothing).
needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason="needs Debian's chromium: run `make browser-deps`"
)

expect = sync_api.expect


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    srv = RealServer(tmp_path_factory.mktemp("browser") / "b.db")
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


class Person:
    """One person at their own computer: a browser context (own localStorage) and a page whose
    console errors and uncaught exceptions are collected."""

    def __init__(self, browser: Any, timezone: str = "UTC") -> None:
        self.context = browser.new_context(viewport=VIEWPORT, timezone_id=timezone, locale="en-GB")
        self.errors: list[str] = []
        self.page = self.new_page()

    def new_page(self) -> Any:
        page = self.context.new_page()
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        return page

    def local_storage(self, origin: str) -> dict[str, str]:
        # Read through the browser's storage state, not page.evaluate: nothing runs in the page.
        for entry in self.context.storage_state()["origins"]:
            if entry["origin"] == origin:
                return {item["name"]: item["value"] for item in entry["localStorage"]}
        return {}

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def people(browser: Any) -> Iterator[Any]:
    made: list[Person] = []

    def make(timezone: str = "UTC") -> Person:
        person = Person(browser, timezone)
        made.append(person)
        return person

    yield make
    for person in made:
        person.close()


_JOIN_TOKENS: dict[str, str] = {}  # board id -> its participant join link's token


def api(server: RealServer, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST JSON. A join (`/api/boards/{id}/join`) without a `token` gets the board's participant
    link token (which seats observers too), remembered from the board's creation here."""
    parts = path.strip("/").split("/")
    if parts[:2] == ["api", "boards"] and parts[3:] == ["join"] and "token" not in body:
        body = {**body, "token": _JOIN_TOKENS.get(parts[2], "")}
    req = urllib.request.Request(
        server.url + path,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=5) as r:
        result: dict[str, Any] = json.load(r)
    if path == "/api/boards":
        _JOIN_TOKENS[result["board_id"]] = result["join_token"]
    return result


def wait_live(page: Any) -> None:
    expect(page.locator("#board")).to_be_visible(timeout=WAIT)
    expect(page.locator("#conn-text")).to_have_text("Live", timeout=WAIT)


def meeting(
    server: RealServer,
    names: list[str],
    title: str = "Search index stale for 3 hours",
    **extra: Any,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A board made over HTTP by the facilitator Dana, and a participant joined per name."""
    made = api(server, "/api/boards", {"title": title, "facilitator_name": "Dana", **extra})
    joined = [
        api(server, f"/api/boards/{made['board_id']}/join", {"name": n, "role": "participant"})
        for n in names
    ]
    return made, joined


def open_board(person: Any, server: RealServer, url: str) -> Any:
    """The person opens their link and waits until the board is live; returns the page."""
    person.page.goto(server.url + url)
    wait_live(person.page)
    return person.page


def facilitator_and(
    server: RealServer, people: Any, names: list[str], title: str
) -> tuple[Any, list[Any]]:
    """`meeting`, then the facilitator's page and one per participant, each open and live."""
    made, joined = meeting(server, names, title)
    fac = open_board(people(), server, made["facilitator_url"])
    return fac, [open_board(people(), server, j["board_url"]) for j in joined]


def add_entry(page: Any, at: str, kind: str, text: str) -> None:
    page.fill("#tl-at", at)
    page.check(f"#timeline-form input[name=kind][value={kind}]")
    page.fill("#tl-text", text)
    page.press("#tl-text", "Enter")


def advance_to(page: Any, title: str) -> None:
    """Click Next until `title` is the current phase; each click waits for the phase title to
    change (the server's answer), which also works on the last phase."""
    button = page.locator("#advance")
    for _ in range(12):
        current = page.locator("#phase-title").inner_text()
        if current == title:
            return
        expect(page.locator("#conn-text")).to_have_text("Live", timeout=WAIT)
        expect(button).to_be_enabled(timeout=WAIT)
        label = button.inner_text()
        button.click()
        try:
            expect(page.locator("#phase-title")).not_to_have_text(current, timeout=WAIT)
        except AssertionError:
            # Once in a full CI run a click reached no handler (the phase never moved and the
            # button stayed enabled). A sent "Next" disables the button until the server
            # answers, so an enabled button with the same label on the same phase means
            # nothing was sent: click again, as a person would, and fail if that is lost too.
            if button.is_disabled() or button.inner_text() != label:
                raise
            button.click()
            expect(page.locator("#phase-title")).not_to_have_text(current, timeout=WAIT)
    raise AssertionError(f"never reached the phase {title!r}")


def note_field(page: Any, section: str | None = None) -> Any:
    """The note composer a person would use: the pinned one (phones, and the contributing
    factors phase, whose one input picks a category), else the input at the top of the
    section's column (the first column when no section is named)."""
    grouping = page.locator("#theme-note-text")
    if grouping.is_visible():  # the themes board takes new notes too
        if section is not None and page.locator("#theme-note-section").is_visible():
            page.select_option("#theme-note-section", section)
        return grouping
    pinned = page.locator("#note-text")
    if pinned.is_visible():
        if section is not None and page.locator("#note-section-field").is_visible():
            page.select_option("#note-section", section)
        return pinned
    if section is not None:
        return page.locator(f"#note-text-{section}")
    return page.locator("textarea[data-section]").first


def add_note(page: Any, text: str, section: str | None = None) -> None:
    """Write a note with the composer the page offers for `section` (Enter adds it)."""
    field = note_field(page, section)
    field.fill(text)
    field.press("Enter")


def drag(source: Any, target: Any) -> None:
    """Drag `source` onto `target` with the mouse. Both are brought into view first: the stage's
    regions scroll on their own, and Playwright scrolling one of them in the middle of a drag
    cancels the drag (a person scrolls first, then drags)."""
    target.scroll_into_view_if_needed()
    source.scroll_into_view_if_needed()
    source.drag_to(target)
