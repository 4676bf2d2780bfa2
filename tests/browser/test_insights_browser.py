"""The insights page in Chromium, on a real server seeded with 50 closed post-mortems spread
over the last year (each imported through `POST /api/boards/import`, the same path a backup
takes: real boards, real ops, closed and sealed, in the incident log).

What a person sees is checked against what the page's tables say: every chart mark's size is
its table figure times the chart's one scale, in the drawing the browser actually shows (the
wide one at desktop width, the phone one at 390 px). Screenshots of both widths are saved to
/tmp/insights-desktop.png and /tmp/insights-phone.png for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import urllib.request
from typing import Any

import pytest

from tests.realserver import RealServer
from tests.server.test_insights import charts_agree_with_tables

from .conftest import expect, needs_chromium

pytestmark = needs_chromium

OWNERS = (
    "Priya",
    "Marco",
    "Aiko",
    "Tomás",
    "Lena",
    "Sam",
    "Olu",
    "Grace",
    "Bartholomew-Fitzgerald",
)
TAGS = ("payments", "search", "auth", "storage")
CATEGORIES = ("monitoring", "testing", "process", "knowledge", "tooling", "change", "communication")
SCREENSHOTS = {
    "desktop": (1280, "/tmp/insights-desktop.png"),
    "phone": (390, "/tmp/insights-phone.png"),
}


def _iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%MZ")


def year_of_post_mortems(today: dt.date, n: int = 50, seed: int = 15) -> list[dict[str, Any]]:
    """`n` closed post-mortems as board-export documents, spread over the 12 months up to
    `today`, with a fixed seed: severities, incident times, tags, contributing factors and
    committed actions with owners, due dates and statuses (later months finish fewer)."""
    rnd = random.Random(seed)
    docs = []
    for i in range(n):
        back = rnd.choice([0, 1, 1, 2, 2, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 11])
        y, m = divmod(today.year * 12 + today.month - 1 - back, 12)
        last_day = today.day if back == 0 else 28
        start = dt.datetime(y, m + 1, rnd.randint(1, last_day), rnd.randint(0, 23), 0)
        detect = start + dt.timedelta(minutes=round(rnd.lognormvariate(3.2, 0.9)))
        resolve = detect + dt.timedelta(minutes=round(rnd.lognormvariate(5.0, 0.8)))
        people = [{"id": "p0", "name": "Fay", "role": "facilitator"}]
        people += [{"id": f"p{k + 1}", "name": name} for k, name in enumerate(OWNERS)]
        actions = []
        for k in range(rnd.randint(1, 5)):
            due = start.date() + dt.timedelta(days=rnd.choice([7, 14, 30, 45, 60]))
            owner = rnd.choice(OWNERS[:5] if k == 0 else OWNERS)
            if due < today:
                done = 14 if back >= 6 else 6  # the older half of the year finished more
                status = rnd.choices(["done", "open", "in_progress", "dropped"], [done, 2, 1, 1])[0]
            else:
                status = rnd.choices(["open", "in_progress", "done"], [5, 2, 1])[0]
            if owner == "Priya" and back < 6:
                status = "open"  # one owner carries too much: over the limit of seven
            actions.append(
                {
                    "id": f"a{k}",
                    "text": f"Action {k + 1} from incident {i + 1}",
                    "owner_id": f"p{OWNERS.index(owner) + 1}",
                    "due": due.isoformat(),
                    "selected": True,
                    "status": status,
                }
            )
        header = {
            "title": f"Incident {i + 1}",
            "severity": rnd.choices(["sev1", "sev2", "sev3", "sev4"], [1, 3, 4, 2])[0],
            "started_at": _iso(start),
            "detected_at": "" if i % 9 == 4 else _iso(detect),
            "resolved_at": _iso(resolve),
            "tags": sorted(set(rnd.sample(TAGS, rnd.randint(1, 2)))),
        }
        stickies = [
            {"id": f"s{k}", "section": "contributing", "text": f"Factor {k}", "category": cat}
            for k, cat in enumerate(rnd.sample(CATEGORIES, rnd.randint(1, 3)))
        ]
        board = {"template": "incident-60", "header": header, "facilitator": "p0", "closed_at": 1}
        docs.append(
            {
                "format": "hindsight-board",
                "version": 1,
                "board": {
                    "board": board,
                    "participants": people,
                    "stickies": stickies,
                    "actions": actions,
                },
            }
        )
    return docs


@pytest.fixture(scope="module")
def seeded(server: RealServer) -> list[dict[str, Any]]:
    docs = year_of_post_mortems(dt.datetime.now(dt.UTC).date())
    for doc in docs:
        req = urllib.request.Request(
            server.url + "/api/boards/import",
            data=json.dumps(doc).encode(),
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.status == 201
    return docs


def _open(browser: Any, server: RealServer, width: int, path: str = "/insights") -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.errors = []  # CSP refusals show up as console errors
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.goto(server.url + path)
    expect(page.locator("h1")).to_have_text("Insights")
    return page


def _rows(page: Any, table: str) -> dict[str, list[str]]:
    """A table's body as {row key: [cell texts]}."""
    found: dict[str, list[str]] = {}
    for tr in page.locator(f'table[data-table="{table}"] tbody tr').all():
        found[tr.get_attribute("data-key")] = [
            t.strip() for t in tr.locator("td").all_inner_texts()
        ]
    return found


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_charts_agree_with_their_tables_on_a_year_of_post_mortems(
    browser: Any, server: RealServer, seeded: list[dict[str, Any]], screen: str
) -> None:
    width, shot = SCREENSHOTS[screen]
    page = _open(browser, server, width)
    shown, hidden = ("wide", "narrow") if screen == "desktop" else ("narrow", "wide")
    for name in ("severity", "detect", "resolve", "categories", "completion", "owners"):
        expect(page.locator(f'svg[data-chart="{name}"].chart--{shown}')).to_be_visible()
        expect(page.locator(f'svg[data-chart="{name}"].chart--{hidden}')).to_be_hidden()

    # The tables hold what was seeded (counted here from the documents, not by the server's code).
    expect(page.locator('[data-kpi="post_mortems"]')).to_have_text(str(len(seeded)))
    per_month: dict[str, list[int]] = {}
    for doc in seeded:
        header = doc["board"]["board"]["header"]
        counts = per_month.setdefault(header["started_at"][:7], [0, 0, 0, 0])
        counts[int(header["severity"][-1]) - 1] += 1
    table = _rows(page, "severity")
    assert {m: [int(c) for c in cells[:4]] for m, cells in table.items() if cells[-1] != "0"} == (
        per_month
    )
    open_per_owner: dict[str, int] = {}
    for doc in seeded:
        for a in doc["board"]["actions"]:
            if a["status"] in ("open", "in_progress"):
                name = OWNERS[int(a["owner_id"][1:]) - 1]
                open_per_owner[name] = open_per_owner.get(name, 0) + 1
    assert {k: int(v[0]) for k, v in _rows(page, "owners").items()} == open_per_owner

    # Every mark of the drawing on screen against its table, in the page as rendered.
    counts = charts_agree_with_tables(page.content(), shown)
    assert counts["severity"] >= 24 and counts["owners"] >= len(OWNERS)

    # And as drawn: each mark's rendered size over its figure is one scale per chart.
    for name, side in (("severity", "height"), ("completion", "height"), ("owners", "width")):
        ratios = []
        for mark in page.locator(f'svg[data-chart="{name}"].chart--{shown} rect').all():
            box = mark.bounding_box()
            ratios.append(box[side] / float(mark.get_attribute("data-value")))
        assert max(ratios) - min(ratios) < 0.05 * max(ratios), f"{name}: {ratios}"

    # Nothing runs off the side of the screen: every block of the page fits the width (the wide
    # category table scrolls inside its own box).
    for block in page.locator(".insights-page > *, .insight .figure-chart").all():
        box = block.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, box
    page.screenshot(path=shot, full_page=True)
    assert page.errors == []
    page.context.close()


def test_the_period_and_tag_are_chosen_on_the_page(
    browser: Any, server: RealServer, seeded: list[dict[str, Any]]
) -> None:
    page = _open(browser, server, 1280)
    page.select_option("#months", "3")
    page.fill("#tag", "payments")
    page.click("text=Show")
    expect(page).to_have_url(re.compile(r"/insights\?months=3&tag=payments$"))
    expect(page.locator('table[data-table="severity"] tbody tr')).to_have_count(3)
    today = dt.datetime.now(dt.UTC).date()
    keys = {
        f"{y:04d}-{m + 1:02d}"
        for y, m in (divmod(today.year * 12 + today.month - 1 - b, 12) for b in range(3))
    }
    expected = sum(
        1
        for d in seeded
        if "payments" in d["board"]["board"]["header"]["tags"]
        and d["board"]["board"]["header"]["started_at"][:7] in keys
    )
    expect(page.locator('[data-kpi="post_mortems"]')).to_have_text(str(expected))
    charts_agree_with_tables(page.content(), "wide")
    assert page.errors == []
    page.context.close()
