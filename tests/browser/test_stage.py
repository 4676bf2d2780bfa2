"""The meeting stage: what must stay in view while a meeting runs, in every phase, for the
facilitator and a participant, on a desktop (1280x800) and a phone (390x844).

A board is filled with a long meeting's worth of content (so every region has more than fits),
then the facilitator walks the whole agenda. In each phase, with every scrolling region and the
page scrolled to the top and then to the bottom: the phase heading, the `role="timer"` element and
(facilitator) the Next button are inside the viewport, and nothing scrolls sideways. While a vote
is open a participant sees "N dots left" in view; a raised hand shows the facilitator "N hands
raised" in view within a second.

Content is seeded through the Python SDK as the facilitator (this test is about layout; the
whole-meeting test drives content through the page).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from hindsight.board_state import ops as o
from hindsight.board_state.errors import Rejected
from hindsight.client.sdk import BoardClient
from tests.browser.conftest import WAIT, expect, meeting, needs_chromium, open_board
from tests.browser.test_whole_meeting import run_async
from tests.realserver import RealServer

pytestmark = needs_chromium

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
AGENDA = [
    "Set the room",
    "Incident summary",
    "Timeline",
    "Five whys",
    "Contributing factors",
    "What went well, what went badly",
    "Themes and vote",
    "Actions",
    "Wrap-up",
]
CATEGORIES = ["monitoring", "testing", "process", "tooling", "change"]


def seed(server: RealServer, board_id: str, credential: str) -> None:
    """A long meeting's worth of content, added by the facilitator (allowed in any phase)."""

    async def fill() -> None:
        async with BoardClient(server.url, board_id, credential) as client:
            c = Paced(client)
            await c.import_timeline(
                [
                    o.TimelineItem(
                        at=f"2026-08-14T{9 + i // 60:02d}:{i % 60:02d}:00Z",
                        text=f"Entry {i}: gateway error rate at {i}% on the EU cluster",
                        kind=("fact", "signal", "decision")[i % 3],
                    )
                    for i in range(40)
                ]
            )
            for n in range(4):
                await c.submit(
                    o.AddChain(problem=f"Problem {n}: card authorisations failed for EU cards")
                )
            await c.wait_for_seq(c.seq)
            for chain in c.local.of("chain"):
                for k in range(5):
                    await c.submit(
                        o.AddWhy(
                            chain_id=chain.id,
                            why=f"Why did step {k} happen?",
                            answer=f"Because the config push for step {k} skipped the canary stage",
                        )
                    )
            for n in range(36):
                section = ("went_well", "went_badly", "contributing")[n % 3]
                await c.submit(
                    o.AddSticky(
                        section=section,
                        text=f"Note {n}: the rollback runbook was easy to find",
                        category=CATEGORIES[n % 5] if section == "contributing" else None,
                    )
                )
            for n in range(6):
                await c.submit(
                    o.ParkQuestion(text=f"Question {n}: should pushes wait for business hours?")
                )
            await c.wait_for_seq(c.seq)
            notes = [s.id for s in c.local.of("sticky") if s.section != "parking_lot"]
            for t in range(5):
                await c.submit(
                    o.AddTheme(
                        name=f"Theme {t}: config changes reach every region at once",
                        sticky_ids=notes[t * 5 : (t + 1) * 5],
                    )
                )
            for a in range(7):
                await c.submit(
                    o.AddAction(
                        text=f"Action {a}: stage gateway config pushes region by region",
                        due="2026-12-15",
                        success="A bad push fails in one region only",
                    )
                )

    run_async(fill())


class Paced:
    """The SDK client, resending an op the server's per-connection rate limit turned away."""

    def __init__(self, client: BoardClient) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    async def submit(self, op: o.Op) -> Any:
        for _ in range(50):
            try:
                return await self.client.submit(op, timeout=10)
            except Rejected as e:
                if e.code != "rate_limited":
                    raise
                await asyncio.sleep(0.2)
        raise AssertionError("still rate limited")

    async def import_timeline(self, items: list[o.TimelineItem]) -> Any:
        return await self.submit(o.ImportTimeline(entries=items))


def assert_in_view(page: Any, selectors: list[str], where: str) -> None:
    size = page.viewport_size
    for selector in selectors:
        box = page.locator(selector).bounding_box()
        assert box is not None, f"{selector} is not shown ({where})"
        assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (
            f"{selector} is out of view ({where}): {box}"
        )
        assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (
            f"{selector} is cut at the side ({where}): {box}"
        )


def scroll_everything(page: Any, to_bottom: bool) -> int:
    """Scroll every scrolling region and the page to the top or bottom; return how many
    regions scroll (so the test knows it looked at long content)."""
    return int(
        page.evaluate(
            """(bottom) => {
        let n = 0;
        for (const el of document.querySelectorAll('*')) {
            const s = getComputedStyle(el);
            if ((s.overflowY === 'auto' || s.overflowY === 'scroll') && el.scrollHeight > el.clientHeight + 2) {
                el.scrollTop = bottom ? el.scrollHeight : 0;
                n += 1;
            }
        }
        const doc = document.scrollingElement;
        if (doc.scrollHeight > doc.clientHeight + 2) n += 1;
        window.scrollTo(0, bottom ? doc.scrollHeight : 0);
        return n;
    }""",
            to_bottom,
        )
    )


def no_sideways_scroll(page: Any, where: str) -> None:
    widths = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways ({where}): {widths}"


def seeded_pair(
    server: RealServer, people: Any, viewport: dict[str, int], title: str
) -> tuple[Any, Any]:
    """A seeded board opened by its facilitator and one participant, both at `viewport`."""
    made, joined = meeting(server, ["Ann"], title, template="blameless-90")
    seed(server, made["board_id"], made["credential"])
    fac_p, par_p = people(), people()
    for person, url in ((fac_p, made["facilitator_url"]), (par_p, joined[0]["board_url"])):
        person.page.set_viewport_size(viewport)
        open_board(person, server, url)
    return fac_p, par_p


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_bar_keeps_phase_timer_and_next_in_view_in_every_phase(
    server: RealServer, people: Any, viewport: dict[str, int]
) -> None:
    fac_p, par_p = seeded_pair(server, people, viewport, "Card authorisations failing (EU)")
    fac, par = fac_p.page, par_p.page
    scrolled = 0
    for title in ["Waiting to start", *AGENDA]:
        if title != "Waiting to start":
            fac.click("#advance")
        for page, role in ((fac, "facilitator"), (par, "participant")):
            expect(page.locator("#phase-title")).to_have_text(title, timeout=WAIT)
            wanted = ["#phase-title"] + (["[role=timer]"] if title != "Waiting to start" else [])
            if role == "facilitator":
                wanted.append("#advance")
            elif viewport is PHONE and title in (
                "Contributing factors",
                "What went well, what went badly",
            ):
                wanted.append("#note-text")  # the composer is pinned: no scrolling past the notes
            for bottom in (False, True):
                where = f"{role}, {title}, {viewport['width']}px, scrolled to the {'bottom' if bottom else 'top'}"
                scrolled += scroll_everything(page, bottom)
                assert_in_view(page, wanted, where)
                no_sideways_scroll(page, where)
    assert scrolled > 10, "the seeded content should overflow several regions"
    for person in (fac_p, par_p):
        assert person.errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_open_vote_shows_dots_left_and_a_raised_hand_reaches_the_facilitator(
    server: RealServer, people: Any, viewport: dict[str, int]
) -> None:
    fac_p, par_p = seeded_pair(server, people, viewport, "Vote and hands in view")
    fac, par = fac_p.page, par_p.page
    for _ in AGENDA[:7]:
        fac.click("#advance")
        expect(fac.locator("#advance")).to_be_enabled(timeout=WAIT)
    expect(fac.locator("#phase-title")).to_have_text("Themes and vote", timeout=WAIT)
    # Themes exist, so the bar opens a vote on the themes, with the board's dot budget.
    expect(fac.locator("#bar-open-vote")).to_have_text("Open vote on themes")
    fac.click("#bar-open-vote")
    dots = par.locator("#dots-left")
    expect(dots).to_have_text("5 dots left", timeout=WAIT)
    for bottom in (False, True):
        scroll_everything(par, bottom)
        assert_in_view(
            par,
            ["#dots-left", "#phase-title", "[role=timer]"],
            f"participant voting, {viewport['width']}px",
        )
    # A dot put on a theme card lowers the count in the bar.
    par.locator(".theme-group .vote-plus").first.click()
    expect(dots).to_have_text("4 dots left", timeout=WAIT)
    expect(fac.locator("#dots-left")).to_be_visible()  # the facilitator votes too

    scroll_everything(fac, True)
    par.click("#hand-toggle")
    hands = fac.locator("#hands-open")
    expect(hands).to_have_text("1 hand raised", timeout=1000)
    assert_in_view(fac, ["#hands-open"], f"facilitator, {viewport['width']}px")
    hands.click()
    expect(fac.locator("#hand-queue")).to_contain_text("Ann")
    for person in (fac_p, par_p):
        assert person.errors == []


def test_on_a_phone_a_participant_taps_the_kind_of_a_new_timeline_entry(
    server: RealServer, people: Any
) -> None:
    made, joined = meeting(server, ["Bo"], "Kinds on a phone")
    bo = people()
    bo.page.set_viewport_size(PHONE)
    page = open_board(bo, server, joined[0]["board_url"])
    for kind, word in (("signal", "Signal"), ("decision", "Decision"), ("fact", "Fact")):
        option = page.locator(f"#timeline-form .kind-option-{kind}")
        expect(option).to_be_visible()
        box = option.bounding_box()
        assert box and box["width"] >= 40 and box["height"] >= 24, f"{word} is too small to tap"
        expect(option).to_contain_text(word)
    page.locator("#timeline-form .kind-option-signal").click()
    page.fill("#tl-at", "2026-08-14T09:12")
    page.fill("#tl-text", "Error rate on checkout at 4%")
    page.press("#tl-text", "Enter")
    entry = page.locator("#timeline-list .tl", has_text="Error rate on checkout at 4%")
    expect(entry).to_have_class("tl tl--signal", timeout=WAIT)
    assert bo.errors == []


def test_on_a_phone_offline_the_retry_button_leaves_the_title_its_room(
    server: RealServer, people: Any
) -> None:
    from tests.browser.test_whole_meeting import Cable

    made, joined = meeting(server, ["Bo"], "Payment API errors after the gateway config change")
    bo = people()
    bo.page.set_viewport_size(PHONE)
    cable = Cable(bo)
    page = open_board(bo, server, joined[0]["board_url"])
    cable.unplug()
    retry = page.get_by_role("button", name="Retry now")
    expect(retry).to_be_visible(timeout=WAIT)
    expect(retry).to_have_text("Retry", use_inner_text=True)  # "now" shows on wider screens
    title = page.locator("#board-title").bounding_box()
    assert title and title["width"] >= 90, "the incident's name is not squeezed to a word"
    cable.plug_in()
    expect(retry).to_be_hidden(timeout=WAIT)
