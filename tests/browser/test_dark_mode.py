"""Dark mode follows the system setting (`prefers-color-scheme`), and both schemes stay readable.

The same board is opened in a light and in a dark browser context: the landing page, the board as
its facilitator (an entry of each timeline kind, notes, the private-writing notice), the incident
log and the write-up. Colours are read with getComputedStyle and the WCAG contrast ratio is worked
out here in Python, compositing translucent backgrounds over their ancestors' as the browser paints
them. The write-up is also printed with a dark preference: paper stays light.

Same set-up as test_board_page.py: the fixtures and helpers of tests/browser/conftest.py. Screenshots
of each scheme go to the test's tmp_path (the path is printed; run with -s to see it).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import (
    VIEWPORT,
    WAIT,
    add_entry,
    add_note,
    advance_to,
    api,
    expect,
    needs_chromium,
    wait_live,
)
from tests.realserver import RealServer

pytestmark = needs_chromium

TITLE = "Checkout errors after the payment gateway change"
ENTRIES = {
    "fact": "Gateway config change deployed",
    "signal": "Error rate on /checkout creeps up to 4%",
    "decision": "On-call rolls back the gateway change",
}
AA = 4.5  # WCAG AA for body text
UI = 3.0  # WCAG AA for focus rings and other non-text contrast

RGBA = tuple[float, float, float, float]

# Reads what the browser paints for one element: its text colour, its own opacity, and the
# background colours from the element up to <html>, innermost first.
PAINT = """el => {
  const bgs = [];
  for (let n = el; n; n = n.parentElement) bgs.push(getComputedStyle(n).backgroundColor);
  const cs = getComputedStyle(el);
  return {color: cs.color, bgs, outline: cs.outlineColor, outlineStyle: cs.outlineStyle,
          scheme: cs.colorScheme, edge: cs.borderLeftColor};
}"""


def parse(css: str) -> RGBA:
    m = re.fullmatch(r"rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:[,/] ?([\d.]+))?\)", css.strip())
    assert m, f"unexpected colour syntax {css!r}"
    r, g, b, a = m.groups()
    return float(r), float(g), float(b), 1.0 if a is None else float(a)


def over(top: RGBA, below: RGBA) -> RGBA:
    """`top` painted over an opaque `below`."""
    a = top[3]
    return (
        top[0] * a + below[0] * (1 - a),
        top[1] * a + below[1] * (1 - a),
        top[2] * a + below[2] * (1 - a),
        1.0,
    )


def luminance(c: RGBA) -> float:
    def lin(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])


def contrast(a: RGBA, b: RGBA) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


class Paint:
    """The colours of one element as painted: `bg` is its backdrop with every translucent layer
    composited over the layers below it, down to the root's background (which must be opaque)."""

    def __init__(self, locator: Any) -> None:
        raw = locator.evaluate(PAINT)
        layers = [parse(c) for c in raw["bgs"]]
        assert layers[-1][3] == 1.0, f"the root background is not opaque: {raw['bgs'][-1]}"
        bg = layers[-1]
        for layer in reversed(layers[:-1]):
            bg = over(layer, bg)
        self.bg = bg
        self.color = over(parse(raw["color"]), bg)
        self.outline = over(parse(raw["outline"]), bg)
        self.outline_style = raw["outlineStyle"]
        self.edge = over(parse(raw["edge"]), bg)
        self.scheme = raw["scheme"]

    @property
    def ratio(self) -> float:
        return contrast(self.color, self.bg)


def lab(c: RGBA) -> tuple[float, float, float]:
    """CIELAB (D65) of an opaque sRGB colour."""

    def lin(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    r, g, b = lin(c[0]), lin(c[1]), lin(c[2])
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def delta_e(a: RGBA, b: RGBA) -> float:
    """How different two colours look (CIE76): about 2 is just noticeable, 25+ is plainly
    another colour (the light palette's closest kinds, fact and decision, are 34 apart)."""
    return float(sum((p - q) ** 2 for p, q in zip(lab(a), lab(b))) ** 0.5)


KINDS_APART = 25.0  # labels and entry borders of two kinds


@pytest.fixture(scope="module")
def meeting(server: RealServer, browser: Any) -> Iterator[dict[str, Any]]:
    """One board with something to look at: an entry of each kind, a contributing factor, a parked
    question and a private note, left in the private writing phase (its notice on screen)."""
    made = api(
        server,
        "/api/boards",
        {
            "title": TITLE,
            "facilitator_name": "Dana",
            "severity": "sev1",
            "learning_question": "Why did it take 40 minutes to notice?",
        },
    )
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="UTC")
    try:
        page = context.new_page()
        page.goto(server.url + made["facilitator_url"])
        wait_live(page)
        advance_to(page, "Timeline")
        for i, (kind, text) in enumerate(ENTRIES.items()):
            add_entry(page, f"2026-08-14T09:{12 + 10 * i}", kind, text)
        expect(page.locator("#timeline-list .tl:not(.is-pending)")).to_have_count(3, timeout=WAIT)
        page.fill("#park-text", "Should gateway config changes go through a canary?")
        page.press("#park-text", "Enter")
        advance_to(page, "Contributing factors")
        add_note(page, "No alert on the payment success rate")
        advance_to(page, "What went well, what went badly")
        add_note(page, "Rollback took two minutes once decided", "went_well")
        expect(page.locator("#note-sections .note:not(.is-pending)")).to_have_count(1, timeout=WAIT)
    finally:
        context.close()
    yield made


def open_in(browser: Any, scheme: str) -> Any:
    context = browser.new_context(
        viewport=VIEWPORT, locale="en-GB", timezone_id="UTC", color_scheme=scheme
    )
    errors: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    page.errors = errors  # read at the end of the test, like conftest's Person.errors
    return context, page


def readable(
    page: Any, selector: str, figures: dict[str, float], name: str, minimum: float = AA
) -> Paint:
    paint = Paint(page.locator(selector).first)
    figures[name] = round(paint.ratio, 2)
    assert paint.ratio >= minimum, f"{name} ({selector}): contrast {paint.ratio:.2f} < {minimum}"
    return paint


def check_page_background(page: Any, scheme: str, figures: dict[str, float], name: str) -> None:
    root = Paint(page.locator("html"))
    figures[f"{name} background luminance"] = round(luminance(root.bg), 3)
    if scheme == "dark":
        assert luminance(root.bg) < 0.2, f"{name}: the page is not dark"
    else:
        assert luminance(root.bg) > 0.8, f"{name}: the page is not light"
    # Native controls and scrollbars follow the page.
    assert root.scheme == "light dark"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_follow_the_colour_scheme_and_stay_readable(
    server: RealServer, browser: Any, meeting: dict[str, Any], scheme: str, tmp_path: Path
) -> None:
    context, page = open_in(browser, scheme)
    figures: dict[str, float] = {}
    try:
        # Landing: body text, a hint, the inputs and the primary button; the focus ring shows.
        page.goto(server.url + "/")
        check_page_background(page, scheme, figures, "landing")
        readable(page, ".hero h1", figures, "landing heading")
        readable(page, ".form-card .hint", figures, "landing hint")
        readable(page, "#title", figures, "text input")
        readable(page, "button[type=submit].primary", figures, "primary button")
        page.locator("#title").focus()
        ring = Paint(page.locator("#title"))
        assert ring.outline_style == "solid"
        figures["focus ring"] = round(contrast(ring.outline, ring.bg), 2)
        assert contrast(ring.outline, ring.bg) >= UI, "the focus ring does not stand out"
        page.screenshot(path=str(tmp_path / f"landing-{scheme}.png"), full_page=True)

        # The board, as its facilitator.
        page.goto(server.url + meeting["facilitator_url"])
        wait_live(page)
        expect(page.locator("#timeline-list .tl")).to_have_count(3, timeout=WAIT)
        expect(page.locator("#private-notice")).to_be_visible()
        check_page_background(page, scheme, figures, "board")
        readable(page, "#phase-title", figures, "phase title")
        readable(page, "#phase-prompt", figures, "phase prompt")
        readable(page, "#private-notice", figures, "private-writing notice")
        readable(page, "#severity", figures, "sev1 badge")
        readable(page, "#conn-text", figures, "connection state")
        readable(page, "#advance", figures, "console button")
        readable(page, "#stepper .is-current .step-title", figures, "current step")
        readable(page, "#agenda-list .is-current .agenda-title", figures, "current agenda step")
        readable(page, "#agenda-list .is-current .agenda-num", figures, "current agenda number")
        readable(page, "#parking-list .note-text", figures, "parked note")
        readable(page, "#note-sections .section-went_well .note-text", figures, "went-well note")
        readable(page, "#note-sections .tag-private", figures, "'only you' tag")
        labels: dict[str, Paint] = {}
        rows: dict[str, Paint] = {}
        for kind, text in ENTRIES.items():
            entry = f"#timeline-list .tl--{kind}"
            expect(page.locator(entry)).to_contain_text(text)
            labels[kind] = readable(page, f"{entry} .kind", figures, f"{kind} label")
            readable(page, f"{entry} .tl-text", figures, f"{kind} entry text")
            readable(page, f"{entry} .tl-meta", figures, f"{kind} entry meta")
            rows[kind] = Paint(page.locator(entry))
        for a, b in itertools.combinations(ENTRIES, 2):
            figures[f"{a}/{b} label difference (dE)"] = round(
                delta_e(labels[a].color, labels[b].color), 1
            )
            assert delta_e(labels[a].color, labels[b].color) > KINDS_APART, (
                f"the {a} and {b} labels look alike"
            )
            assert delta_e(rows[a].edge, rows[b].edge) > KINDS_APART, (
                f"the {a} and {b} entries' edges look alike"
            )
            assert delta_e(rows[a].bg, rows[b].bg) > 3, (
                f"the {a} and {b} entries have the same background"
            )
        page.locator(".brand").scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / f"board-{scheme}.png"), full_page=True)

        # The incident log lists the board.
        page.goto(server.url + "/log")
        expect(page.locator(".log-entry", has_text=TITLE)).to_be_visible()
        check_page_background(page, scheme, figures, "log")
        readable(page, ".log-entry h2 a", figures, "log entry title")
        readable(page, ".log-entry-meta", figures, "log entry meta")
        readable(page, ".log-entry .sev", figures, "log severity badge")
        readable(page, ".log-status--open", figures, "log open status")
        page.screenshot(path=str(tmp_path / f"log-{scheme}.png"), full_page=True)

        # The write-up: it has its own stylesheet and follows on screen too.
        page.goto(server.url + f"/b/{meeting['board_id']}/writeup")
        expect(page.locator("h1")).to_contain_text(TITLE)
        sheet = Paint(page.locator(".sheet"))
        figures["write-up sheet luminance"] = round(luminance(sheet.bg), 3)
        assert (luminance(sheet.bg) < 0.2) == (scheme == "dark")
        assert Paint(page.locator("html")).scheme == "light dark"
        readable(page, ".sheet h1", figures, "write-up title")
        readable(page, ".sheet h2", figures, "write-up section heading")
        readable(page, ".facts dt", figures, "write-up fact label")
        readable(page, ".flag", figures, "write-up flag")
        readable(page, ".sev", figures, "write-up severity")
        wlabels = {
            kind: readable(page, f".kind-{kind}", figures, f"write-up {kind} label")
            for kind in ENTRIES
        }
        for a, b in itertools.combinations(ENTRIES, 2):
            assert delta_e(wlabels[a].color, wlabels[b].color) > KINDS_APART, (
                f"write-up: {a} and {b} look alike"
            )
        page.screenshot(path=str(tmp_path / f"writeup-{scheme}.png"), full_page=True)

        # On paper the write-up is the light sheet whatever the screen prefers.
        page.emulate_media(media="print")
        paper = Paint(page.locator(".sheet"))
        assert luminance(paper.bg) > 0.9, "the printed write-up is not on white paper"
        assert luminance(Paint(page.locator("html")).bg) > 0.9
        assert readable(page, ".sheet h1", figures, "printed title").color[0] < 80
        readable(page, ".kind-signal", figures, "printed signal label")
        page.screenshot(path=str(tmp_path / f"writeup-print-{scheme}.png"), full_page=True)
        page.emulate_media(media="screen")

        assert page.errors == []
    finally:
        context.close()
    print(f"\n{scheme}: screenshots in {tmp_path}")
    for name, value in figures.items():
        print(f"  {scheme:5} {name:32} {value}")
