"""Insights across post-mortems: the figures (hand-computed on a small log), the charts' marks
against the tables beside them, and the page and API through the real app (boards imported
through `POST /api/boards/import`, their incident times read back from the boards).

`charts_agree_with_tables` is also what the browser test runs on the page Chromium rendered.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from hindsight.board_state import ops as o
from hindsight.server.outputs.insights import (
    NO_OWNER,
    SEVERITIES,
    BadPeriod,
    Period,
    Times,
    build,
    month_range,
    owner_loads,
    span,
)
from hindsight.server.outputs.insights_svg_rows import MAX_OWNERS, heat_level
from hindsight.server.storage.schema import LogRow

from .conftest import create_board, make_client
from .test_incident_log import do

TODAY = "2026-05-20"

# --- a small log, by hand -------------------------------------------------------------------


def action(owner: str, due: str, status: str) -> dict[str, Any]:
    return {"id": "x", "text": "t", "owner": owner, "due": due, "status": status, "selected": True}


def row(board_id: str, day: str, severity: str, cats: tuple[str, ...], *acts: Any) -> LogRow:
    return LogRow(
        board_id=board_id,
        seq=1,
        date=day,
        created_at=0,
        title=board_id,
        severity=severity,
        status="closed",
        learning_question="",
        root_cause="",
        tags=(),
        categories=cats,
        actions=json.dumps(list(acts)),
        updated_at=0,
    )


ROWS = [
    row(
        "A",
        "2026-03-10",
        "sev1",
        ("change", "monitoring"),
        action("Bob", "2026-04-01", "done"),
        action("Bob", "2026-04-15", "open"),  # overdue on TODAY
    ),
    row(
        "B",
        "2026-03-25",
        "sev2",
        ("monitoring",),
        action("Ann", "2026-06-01", "in_progress"),  # not due yet
        action("Ann", "2026-04-01", "dropped"),  # never counts
    ),
    row("C", "2026-05-02", "sev2", ("testing",), action("", "2026-05-10", "done")),
    # Before the period: not in the monthly figures, but its open action is still Bob's.
    row("D", "2026-01-15", "sev3", ("process",), action("Bob", "2026-02-01", "open")),
]
TIMES = {
    "A": Times("2026-03-10T10:00:00Z", "2026-03-10T10:20:00Z", "2026-03-10T13:00:00Z"),
    "B": Times("2026-03-25T08:00:00Z", "2026-03-25T08:50:00Z", "2026-03-26T08:00:00Z"),
    "C": Times("2026-05-02T00:00:00Z", "", "2026-05-02T01:30:00Z"),  # detection unknown
    "D": Times("2026-01-15T00:00:00Z", "2026-01-15T00:05:00Z", "2026-01-15T00:10:00Z"),
}


def small() -> Any:
    return build(ROWS, TIMES, Period(months=3), TODAY)


def test_post_mortems_are_counted_per_month_by_severity_within_the_period() -> None:
    ins = small()
    assert ins.months == ["2026-03", "2026-04", "2026-05"]
    assert [(s.month, s.total) for s in ins.severity] == [
        ("2026-03", 2),
        ("2026-04", 0),
        ("2026-05", 1),
    ]
    assert ins.severity[0].counts == {"sev1": 1, "sev2": 1, "sev3": 0, "sev4": 0}
    assert ins.post_mortems == 3  # D is in January, outside the last 3 months


def test_times_are_medians_from_the_start_and_a_missing_time_is_left_out() -> None:
    ins = small()
    march, april, may = ins.durations
    assert (march.median_detect, march.median_resolve) == (35, 810)  # (20+50)/2, (180+1440)/2
    assert (april.median_detect, april.median_resolve) == (None, None)
    assert (may.median_detect, may.median_resolve) == (None, 90)
    assert (ins.median_detect, ins.median_resolve) == (35, 180)  # of 20, 50 / 90, 180, 1440


def test_a_time_before_the_start_or_unknown_has_no_figure() -> None:
    assert Times("2026-03-10T10:00:00Z", "2026-03-10T09:00:00Z", "").to_detect is None
    assert Times("2026-03-10T10:00:00Z", "", "").to_resolve is None
    assert Times("", "2026-03-10T10:00:00Z", "2026-03-10T11:00:00Z").to_resolve is None
    assert Times("2026-03-10T10:00:00Z", "2026-03-10T10:00:30Z", "").to_detect == 0.5


def test_categories_count_post_mortems_that_filed_them_each_month() -> None:
    march, april, may = small().categories
    assert {c: n for c, n in march.counts.items() if n} == {"monitoring": 2, "change": 1}
    assert not any(april.counts.values())
    assert {c: n for c, n in may.counts.items() if n} == {"testing": 1}
    assert [m.post_mortems for m in small().categories] == [2, 0, 1]


def test_completion_per_month_is_done_over_due_as_of_today() -> None:
    ins = small()
    march, april, may = (m.completion for m in ins.completion)
    # March: one done, one overdue (due), one not due yet, one dropped (never counts).
    assert (march.done, march.due, march.not_due, march.percent, march.warn) == (1, 2, 1, 50, True)
    assert (april.due, april.percent) == (0, None)  # no rate rather than 0% or 100%
    assert (may.done, may.due, may.percent, may.warn) == (1, 1, 100, False)
    assert (ins.overall.done, ins.overall.due, ins.overall.percent) == (2, 3, 66)  # floored


def test_open_actions_per_owner_cover_the_whole_log_most_first() -> None:
    loads = small().owners
    assert [(o.owner, o.open, o.overdue) for o in loads] == [("Bob", 2, 2), ("Ann", 1, 0)]
    many = row("E", TODAY, "sev4", (), *[action("Kim", "", "open")] * 8)
    seven = row("F", TODAY, "sev4", (), *[action("Lou", "", "in_progress")] * 7)
    nobody = row("G", TODAY, "sev4", (), action("", "", "open"))
    loads = owner_loads([many, seven, nobody], TODAY)
    assert [(o.owner, o.open, o.over_limit) for o in loads] == [
        ("Kim", 8, True),
        ("Lou", 7, False),  # seven is the limit, not over it
        (NO_OWNER, 1, False),
    ]


def test_the_period_is_read_from_the_query_and_refuses_what_it_does_not_offer() -> None:
    assert Period.parse({}) == Period(12, "")
    assert Period.parse({"months": "6", "tag": " Payments "}) == Period(6, "payments")
    for bad in ("5", "abc", "-3", "120"):
        with pytest.raises(BadPeriod, match="3, 6, 12, 24"):
            Period.parse({"months": bad})
    with pytest.raises(BadPeriod, match="40 characters"):
        Period.parse({"tag": "x" * 41})
    assert Period(3).month_keys("2026-01-31") == ["2025-11", "2025-12", "2026-01"]
    assert month_range("2028-02") == ("2028-02-01", "2028-02-29")
    assert month_range("2025-12") == ("2025-12-01", "2025-12-31")


def test_spans_read_as_people_say_them() -> None:
    assert [span(m) for m in (None, 0.4, 35, 60, 190, 1440, 2940, 810)] == [
        "—",
        "0 min",
        "35 min",
        "1 h",
        "3 h 10 min",
        "1 d",
        "2 d 1 h",
        "13 h 30 min",
    ]


def test_heat_levels_grow_with_the_count_and_none_is_blank() -> None:
    assert [heat_level(n, 5) for n in range(6)] == [0, 1, 2, 3, 4, 5]
    assert [heat_level(n, 10) for n in (1, 2, 3, 10)] == [1, 1, 2, 5]
    assert heat_level(0, 0) == 0


# --- the page's markup, read back --------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag, self.attrs = tag, attrs
        self.children: list[Node | str] = []

    def __getitem__(self, name: str) -> str:
        return self.attrs[name]

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def all(self, tag: str, **attrs: str) -> list[Node]:
        """Descendants with this tag whose attributes (`data_x` for `data-x`) equal those given."""
        want = {k.replace("_", "-"): v for k, v in attrs.items()}
        found = []
        for c in self.children:
            if isinstance(c, Node):
                if c.tag == tag and all(c.attrs.get(k) == v for k, v in want.items()):
                    found.append(c)
                found += c.all(tag, **attrs)
        return found

    def one(self, tag: str, **attrs: str) -> Node:
        [node] = self.all(tag, **attrs)
        return node


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    b = _Builder()
    b.feed(html)
    return b.root


def _close(a: float, b: float, what: str, tolerance: float = 0.2) -> None:
    assert abs(a - b) <= tolerance, f"{what}: {a} is not {b}"


def _chart(doc: Node, name: str, variant: str) -> tuple[Node, float, float]:
    [svg] = [s for s in doc.all("svg", data_chart=name) if f"chart--{variant}" in s.classes]
    return svg, float(svg["data-scale"]), float(svg["data-baseline"])


def _body(doc: Node, name: str) -> list[Node]:
    return doc.one("table", data_table=name).one("tbody").all("tr")


def _cell(tr: Node, series: str) -> str:
    return tr.one("td", data_series=series).text.split("(")[0].strip()


def _check_severity(doc: Node, variant: str) -> int:
    svg, scale, base = _chart(doc, "severity", variant)
    marks = {(r["data-key"], r["data-series"]): r for r in svg.all("rect")}
    checked = 0
    for tr in _body(doc, "severity"):
        bottom = base  # each column is a stack, Sev-1 at the bottom
        for s in SEVERITIES:
            n, mark = int(_cell(tr, s)), marks.pop((tr["data-key"], s), None)
            if n == 0:
                assert mark is None, f"a mark for no post-mortems: {tr['data-key']} {s}"
                continue
            assert mark is not None and float(mark["data-value"]) == n
            _close(float(mark["height"]), n * scale, f"{tr['data-key']} {s} height")
            _close(float(mark["y"]) + float(mark["height"]), bottom, "stacked on the one below")
            bottom = float(mark["y"])
            checked += 1
    assert not marks, f"marks without a table row: {list(marks)}"
    return checked


def _check_times(doc: Node, variant: str) -> int:
    checked = 0
    for which in ("detect", "resolve"):
        svg, scale, base = _chart(doc, which, variant)
        points = {d["data-key"]: d for d in svg.all("circle")}
        for tr in _body(doc, "times"):
            shown, point = _cell(tr, which), points.pop(tr["data-key"], None)
            if shown == "—":
                assert point is None
                continue
            assert point is not None, f"{which} {tr['data-key']}: {shown} in the table, no point"
            value = float(point["data-value"])
            assert span(value) == shown
            _close(base - float(point["cy"]), value * scale, f"{which} {tr['data-key']} height")
            checked += 1
        assert not points
    return checked


def _check_categories(doc: Node, variant: str) -> int:
    svg, _, _ = _chart(doc, "categories", variant)
    cells = {(r["data-key"], r["data-series"]): r for r in svg.all("rect")}
    seen: list[tuple[int, int]] = []
    for tr in _body(doc, "categories"):
        for td in (t for t in tr.all("td") if "data-key" in t.attrs):
            n, cell = int(td.text), cells[(td["data-key"], tr["data-series"])]
            assert float(cell["data-value"]) == n
            level = int(next(c for c in cell.classes if c.startswith("heat-")).split("-")[1])
            assert (level == 0) == (n == 0)
            seen.append((n, level))
    by_count = sorted(set(seen))
    assert all(a[1] <= b[1] for a, b in zip(by_count, by_count[1:])), "darker is not more"
    return len(seen)


def _check_completion(doc: Node, variant: str) -> int:
    svg, scale, base = _chart(doc, "completion", variant)
    columns = {r["data-key"]: r for r in svg.all("rect")}
    checked = 0
    for tr in _body(doc, "completion"):
        shown, column = _cell(tr, "rate").split()[0], columns.pop(tr["data-key"], None)
        if shown == "—":
            assert column is None
            continue
        pct = int(shown.rstrip("%"))
        assert column is not None and float(column["data-value"]) == pct
        _close(float(column["height"]), pct * scale, f"{tr['data-key']} column")
        assert ("rate-col--low" in column.classes) == (pct < 80)
        checked += 1
    assert not columns
    [target] = [line for line in svg.all("line") if "target" in line.classes]
    _close(base - float(target["y1"]), 80 * scale, "the 80% line")
    return checked


def _check_owners(doc: Node, variant: str) -> int:
    svg, scale, base = _chart(doc, "owners", variant)
    bars = {(r["data-key"], r["data-series"]): r for r in svg.all("rect")}
    checked = 0
    for i, tr in enumerate(_body(doc, "owners")):
        total, overdue = int(_cell(tr, "open")), int(_cell(tr, "overdue"))
        x = base
        for series, n in (("overdue", overdue), ("not_overdue", total - overdue)):
            bar = bars.pop((tr["data-key"], series), None)
            if n == 0 or i >= MAX_OWNERS:
                assert bar is None
                continue
            assert bar is not None and float(bar["data-value"]) == n
            _close(float(bar["x"]), x, "bars start where the last part ended")
            _close(float(bar["width"]), n * scale, f"{tr['data-key']} {series}")
            x += n * scale
            checked += 1
    assert not bars
    [limit] = [line for line in svg.all("line") if "target" in line.classes]
    _close(float(limit["x1"]) - base, 7 * scale, "the limit line")
    return checked


def charts_agree_with_tables(html: str, variant: str) -> dict[str, int]:
    """Every mark of every chart drawn for `variant` ("wide" or "narrow") against its table:
    the same figure, a size that is the figure times the chart's scale, and no mark without a
    row. How many marks each chart had."""
    doc = parse(html)
    counts = {
        "severity": _check_severity(doc, variant),
        "times": _check_times(doc, variant),
        "categories": _check_categories(doc, variant),
        "completion": _check_completion(doc, variant),
        "owners": _check_owners(doc, variant),
    }
    kpi = {d["data-kpi"]: d.text.strip() for d in doc.all("dd") if "data-kpi" in d.attrs}
    foot = doc.one("table", data_table="severity").one("tfoot").all("td")
    assert kpi["post_mortems"] == foot[-1].text.strip()
    rate = doc.one("table", data_table="completion").one("tfoot").all("td")[2].text.strip()
    assert kpi["completion"] == rate
    return counts


# --- through the app ---------------------------------------------------------------------------


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as c:
        c.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        yield c


def month_start(back: int = 0) -> dt.datetime:
    """Midnight UTC on the first day of the month `back` months before this one."""
    today = dt.datetime.now(dt.UTC).date()
    y, m = divmod(today.year * 12 + today.month - 1 - back, 12)
    return dt.datetime(y, m + 1, 1, tzinfo=dt.UTC)


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def imported(
    client: TestClient,
    title: str,
    start: dt.datetime,
    *,
    detect_min: int | None = 10,
    resolve_min: int | None = 60,
    severity: str = "sev2",
    tags: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    actions: tuple[tuple[str, str, str], ...] = (),  # (owner, due, status)
) -> str:
    """A closed post-mortem imported as a board-export document; its board id."""
    owners = sorted({a[0] for a in actions})
    after = {
        "detected_at": detect_min,
        "resolved_at": resolve_min,
    }
    header = {"title": title, "severity": severity, "started_at": iso(start), "tags": list(tags)}
    header |= {k: iso(start + dt.timedelta(minutes=v)) for k, v in after.items() if v is not None}
    doc = {
        "format": "hindsight-board",
        "version": 1,
        "board": {
            "board": {
                "template": "incident-60",
                "header": header,
                "facilitator": "f",
                "closed_at": 1,
            },
            "participants": [{"id": "f", "name": "Fay", "role": "facilitator"}]
            + [{"id": f"o{i}", "name": n} for i, n in enumerate(owners)],
            "stickies": [
                {"id": f"s{i}", "section": "contributing", "text": "factor", "category": c}
                for i, c in enumerate(categories)
            ],
            "actions": [
                {
                    "id": f"a{i}",
                    "text": f"action {i}",
                    "owner_id": f"o{owners.index(owner)}",
                    "due": due,
                    "status": status,
                    "selected": True,
                }
                for i, (owner, due, status) in enumerate(actions)
            ],
        },
    }
    r = client.post("/api/boards/import", json=doc)
    assert r.status_code == 201, r.text
    board_id: str = r.json()["board_id"]
    return board_id


def insights(client: TestClient, **params: str) -> dict[str, Any]:
    r = client.get("/api/insights", params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_the_figures_use_each_boards_own_incident_times(client: TestClient) -> None:
    now = month_start()
    imported(client, "Queue backlog", now, detect_min=10, resolve_min=120, severity="sev1")
    imported(client, "DNS", now, detect_min=30, resolve_min=240, categories=("change",))
    imported(client, "No times", now, detect_min=None, resolve_min=None)
    body = insights(client, months="3")
    this = body["time_to"][-1]
    assert (this["detect_n"], this["detect_median_minutes"]) == (2, 20.0)
    assert (this["resolve_n"], this["resolve_median_minutes"]) == (2, 180.0)
    assert body["by_severity"][-1] | {"month": ""} == {
        "month": "",
        "sev1": 1,
        "sev2": 2,
        "sev3": 0,
        "sev4": 0,
        "total": 3,
    }
    assert body["categories"][-1]["change"] == 1
    assert body["post_mortems"] == 3 and len(body["months"]) == 3


def test_every_chart_agrees_with_its_table_at_both_sizes(client: TestClient) -> None:
    past, future = "2000-01-01", "2999-12-31"
    plan = [
        (0, "sev1", ("monitoring", "change"), (("Ann", past, "done"), ("Bob", past, "open"))),
        (0, "sev3", ("monitoring",), (("Bob", future, "in_progress"),)),
        (1, "sev2", ("testing",), (("Ann", past, "done"),)),
        (3, "sev4", (), (("Cy", past, "dropped"), ("Bob", past, "done"))),
        (4, "sev2", ("process", "tooling"), (("Bob", future, "open"),) * 8),
    ]
    for k, (back, sev, cats, acts) in enumerate(plan):
        start = month_start(back) + dt.timedelta(hours=k)
        imported(
            client,
            f"PM {k}",
            start,
            detect_min=5 + 7 * k,
            resolve_min=50 + 90 * k,
            severity=sev,
            categories=cats,
            actions=acts,
        )
    r = client.get("/insights", params={"months": "6"})
    assert r.status_code == 200
    for variant in ("wide", "narrow"):
        counts = charts_agree_with_tables(r.text, variant)
        # 5 post-mortems in 4 months (2 this month); 8 categories x 6 months; 3 months with
        # actions due; Bob's bar in 2 parts (1 overdue, 9 more open), nobody else has one open.
        assert counts == {"severity": 5, "times": 8, "categories": 48, "completion": 3, "owners": 2}
    assert "by 3" in r.text  # Bob has 10 open: 3 over the limit of 7


def test_a_tag_narrows_every_figure_to_its_post_mortems(client: TestClient) -> None:
    now = month_start()
    imported(client, "Card declines", now, tags=("payments",), actions=(("Ann", "", "open"),))
    imported(client, "Slow search", now, tags=("search",), actions=(("Bob", "", "open"),))
    body = insights(client, tag="Payments")
    assert body["tag"] == "payments" and body["post_mortems"] == 1
    assert [o["owner"] for o in body["open_per_owner"]] == ["Ann"]
    page = client.get("/insights", params={"tag": "payments"}).text
    assert 'value="payments"' in page and "tagged <strong>payments</strong>" in page
    assert "/log?from=" in page and "tag=payments" in page  # months link to the log, tag kept


def test_a_changed_incident_time_shows_on_the_next_view(client: TestClient) -> None:
    b = create_board(client, title="Open meeting")
    start = month_start()
    do(
        client,
        b["board_id"],
        b["participant_id"],
        o.EditHeader(started_at=iso(start), detected_at=iso(start + dt.timedelta(minutes=15))),
    )
    assert insights(client)["time_to"][-1]["detect_median_minutes"] == 15.0
    do(
        client,
        b["board_id"],
        b["participant_id"],
        o.EditHeader(detected_at=iso(start + dt.timedelta(minutes=45))),
    )
    assert insights(client)["time_to"][-1]["detect_median_minutes"] == 45.0


def test_an_empty_log_has_an_empty_state_instead_of_empty_charts(client: TestClient) -> None:
    page = client.get("/insights").text
    assert "No post-mortems yet" in page and "<svg" not in page
    imported(client, "Long ago", month_start(8), actions=(("Ann", "", "open"),))
    page = client.get("/insights", params={"months": "3"}).text
    assert "No post-mortems in the last 3 months" in page
    assert 'href="/insights?months=24"' in page
    # Ann's open action from 8 months ago is still hers: that chart is not about the period.
    assert 'data-chart="owners"' in page and 'data-chart="severity"' not in page


def test_a_period_the_page_does_not_offer_is_refused_with_a_reason(client: TestClient) -> None:
    r = client.get("/insights", params={"months": "5"})
    assert r.status_code == 422
    assert "the period must be one of 3, 6, 12, 24 months" in r.text
    r = client.get("/api/insights", params={"months": "5"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"


def test_the_page_is_reachable_from_the_log_and_keeps_to_the_csp(client: TestClient) -> None:
    assert 'href="/insights"' in client.get("/log").text
    imported(client, "Anything", month_start(), actions=(("Ann", "2000-01-01", "done"),))
    page = client.get("/insights").text
    doc = parse(page)
    assert " style=" not in page and all("src" in s.attrs for s in doc.all("script"))
    for svg in doc.all("svg"):
        assert svg["role"] == "img"
        title_id, desc_id = svg["aria-labelledby"].split()
        assert svg.one("title", id=title_id).text and svg.one("desc", id=desc_id).text
    charted = [s for s in doc.all("section") if s.all("svg")]
    assert len(charted) == 4  # the owners chart is left out: nobody has an open action
    for section in charted:  # every chart has its table, with a caption
        assert section.one("caption").text and section.one("table").all("td")
