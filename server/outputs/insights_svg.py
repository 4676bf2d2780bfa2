"""Chart geometry for the insights page: plain data (rectangles, lines, points, labels) that
`templates/insights_chart.html` writes out as SVG. Pure: no I/O, no markup built here.

Every chart is drawn twice, `WIDE` (beside its table on a desktop) and `NARROW` (a phone's
width, with fewer axis labels), and the stylesheet shows one: SVG text scales with its
viewBox, so one drawing cannot be legible at both widths. Marks carry the figure they stand
for (`value`, `key`, `series`: `data-*` attributes on the page), and every chart has one
linear `scale` (user units per unit of value), so a test can check each mark against the table
beside it. Colour is never the only code: values are written on the marks or next to them, the
legend names every colour, and where one colour means "worse" the mark's shape changes too
(a hollow column under the 80% line, a darker segment for overdue actions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from hindsight.server.outputs.insights import (
    SEVERITIES,
    Insights,
    month_label,
    span,
)

Anchor = Literal["start", "middle", "end"]


@dataclass(frozen=True)
class Size:
    name: str
    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    max_month_labels: int


WIDE = Size("wide", 640, 280, 44, 16, 24, 42, 12)
NARROW = Size("narrow", 340, 240, 36, 10, 22, 42, 6)
SIZES = (WIDE, NARROW)


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    cls: str
    value: float | None = None  # the figure the mark stands for
    key: str = ""  # its month (YYYY-MM) or owner
    series: str = ""
    tip: str = ""  # the mark's <title>: what a pointer shows


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    cls: str = ""
    anchor: Anchor = "middle"


@dataclass(frozen=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float
    cls: str


@dataclass(frozen=True)
class Dot:
    cx: float
    cy: float
    cls: str
    value: float
    key: str
    series: str
    tip: str
    r: float = 4.5


@dataclass
class Chart:  # built up mark by mark by each chart function
    id: str  # unique on the page: the chart's name and its size
    name: str
    variant: str
    width: float
    height: float
    title: str
    desc: str
    scale: float  # user units per unit of value, the one scale of every mark
    baseline: float  # where value 0 is (y for columns and points, x for horizontal bars)
    rects: list[Rect] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # polyline point lists, "x,y x,y ..."
    line_cls: str = ""


def r1(x: float) -> float:
    """Coordinates to a tenth of a unit: short markup, no visible difference."""
    return round(x, 1)


def nice_ticks(top: float, most: int = 5, *, whole: bool = True) -> list[float]:
    """Ticks from 0 to at least `top` with a round step (1, 2, 2.5 or 5 times a power of ten),
    at most `most` steps. `whole`: steps of at least 1 (counts)."""
    if top <= 0:
        return [0, 1] if whole else [0, 1.0]
    raw = top / most
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    if whole:
        step = max(1, math.ceil(step))
    n = math.ceil(top / step - 1e-9)
    return [round(i * step, 6) for i in range(n + 1)]


def tick_text(v: float) -> str:
    return str(int(v)) if v == int(v) else f"{v:g}"


class Frame:
    """A plot area inside a chart of `size`, with months along the bottom."""

    def __init__(self, size: Size, months: list[str], *, right: float = 0) -> None:
        self.size = size
        self.months = months
        self.x0 = size.left
        self.x1 = size.width - size.right - right  # `right`: room for labels past the plot
        self.y0, self.y1 = size.top, size.height - size.bottom
        self.band = (self.x1 - self.x0) / max(1, len(months))

    def center(self, i: int) -> float:
        return self.x0 + self.band * (i + 0.5)

    def bar_width(self) -> float:
        return min(self.band * 0.66, 44)

    def month_axis(self) -> list[Label]:
        """Month names under the bands (every k-th when they would crowd), and the year under
        the first month shown and under each January."""
        every = max(1, math.ceil(len(self.months) / self.size.max_month_labels))
        out = []
        for i, m in enumerate(self.months):
            if i % every:
                continue
            x = self.center(i)
            out.append(Label(r1(x), self.y1 + 16, month_label(m, year=False), "axis"))
            if i == 0 or m.endswith("-01"):
                out.append(Label(r1(x), self.y1 + 31, m[:4], "axis year"))
        return out

    def value_axis(
        self, ticks: list[float], scale: float, fmt: str = "{}"
    ) -> tuple[list[Rule], list[Label]]:
        """Grid lines and their labels at each tick (value 0 is the baseline)."""
        rules: list[Rule] = []
        labels: list[Label] = []
        for t in ticks:
            y = r1(self.y1 - t * scale)
            rules.append(Rule(self.x0, y, self.x1, y, "grid" if t else "baseline"))
            labels.append(Label(self.x0 - 6, y + 4, fmt.format(tick_text(t)), "axis", "end"))
        return rules, labels


def new_chart(name: str, size: Size, title: str, desc: str, scale: float, base: float) -> Chart:
    return Chart(
        id=f"chart-{name}-{size.name}",
        name=name,
        variant=size.name,
        width=size.width,
        height=size.height,
        title=title,
        desc=desc,
        scale=scale,
        baseline=base,
    )


def between(months: list[str]) -> str:
    return f"{month_label(months[0])} to {month_label(months[-1])}"


# --- post-mortems per month, by severity -----------------------------------------------------


def severity_chart(ins: Insights, size: Size) -> Chart:
    f = Frame(size, ins.months)
    ticks = nice_ticks(max((s.total for s in ins.severity), default=0), 4)
    scale = (f.y1 - f.y0) / ticks[-1]
    busiest = max(ins.severity, key=lambda s: s.total)
    desc = (
        f"Stacked columns, one per month, {between(ins.months)}: {ins.post_mortems} "
        f"post-mortems in all, most in {month_label(busiest.month)} ({busiest.total}). "
        "Severity 1 at the bottom of each column. The table has every figure."
    )
    c = new_chart("severity", size, "Post-mortems per month, by severity", desc, scale, f.y1)
    c.rules[:], c.labels[:] = f.value_axis(ticks, scale)
    w = f.bar_width()
    for i, month in enumerate(ins.severity):
        x, y = f.center(i) - w / 2, f.y1
        for s in SEVERITIES:
            n = month.counts[s]
            if not n:
                continue
            h = n * scale
            y -= h
            tip = f"{month_label(month.month)}: {n} Sev-{s[-1]}"
            c.rects.append(Rect(r1(x), r1(y), r1(w), r1(h), f"sev sev-{s}", n, month.month, s, tip))
            if h >= 15 and w >= 14:
                c.labels.append(Label(r1(f.center(i)), r1(y + h / 2 + 4), str(n), f"in in-{s}"))
        if month.total and f.band >= 7 * len(str(month.total)) + 2:  # fits over its column
            c.labels.append(Label(r1(f.center(i)), r1(y - 5), str(month.total), "total"))
    c.labels.extend(f.month_axis())
    return c


# --- time to detect, time to resolve ---------------------------------------------------------

_UNITS = ((120.0, 1.0, "min"), (72 * 60.0, 60.0, "h"), (math.inf, 1440.0, "d"))


def _unit(most: float) -> tuple[float, str]:
    """Minutes per unit and its name: minutes up to two hours, hours up to three days, then days."""
    return next((per, name) for limit, per, name in _UNITS if most <= limit)


def _short(minutes: float, per: float, unit: str) -> str:
    v = minutes / per
    return f"{v:.0f} {unit}" if v >= 10 or v == int(v) else f"{v:.1f} {unit}"


def _below(values: list[float | None], i: int) -> bool:
    """Whether a point's label goes under it: when the line comes down to it (it is lower than
    its neighbours on average), the space under the point is the free side."""
    near = [n for j in (i - 1, i + 1) if 0 <= j < len(values) and (n := values[j]) is not None]
    v = values[i]
    return bool(near) and v is not None and v < sum(near) / len(near)


def duration_chart(ins: Insights, which: str, size: Size) -> Chart:
    """Median minutes from the start to detection (`which="detect"`) or resolution, a point per
    month that has one; months without are gaps in the line."""
    f = Frame(size, ins.months)
    values = [d.median_detect if which == "detect" else d.median_resolve for d in ins.durations]
    known = [v for v in values if v is not None]
    per, unit = _unit(max(known, default=0.0))
    ticks = nice_ticks(max(known, default=0.0) / per, 4, whole=False)
    scale = (f.y1 - f.y0) / ticks[-1] / per  # per minute
    verb = "detect" if which == "detect" else "resolve"
    overall = ins.median_detect if which == "detect" else ins.median_resolve
    desc = (
        f"A line of the median time to {verb} per month, {between(ins.months)}, measured from "
        f"the start of the incident; {len(known)} of {len(values)} months have a figure. "
        f"Over the whole period the median is {span(overall)}. The table has every figure."
    )
    title = f"Median time to {verb}"
    c = new_chart(which, size, title, desc, scale, f.y1)
    c.rules[:], c.labels[:] = f.value_axis(ticks, scale * per, "{} " + unit)
    c.line_cls = f"trend trend-{which}"
    run: list[str] = []
    for i, (month, v) in enumerate(zip(ins.months, values, strict=True)):
        if v is None:
            if run:
                c.lines.append(" ".join(run))
            run = []
            continue
        x, y = r1(f.center(i)), r1(f.y1 - v * scale)
        run.append(f"{x},{y}")
        tip = f"{month_label(month)}: median {span(v)}"
        c.dots.append(Dot(x, y, f"point point-{which}", v, month, which, tip))
        if f.band >= 40:  # room for a label per point: the wide drawing
            below = _below(values, i) and y + 20 < f.y1
            c.labels.append(Label(x, r1(y + 19 if below else y - 10), _short(v, per, unit), "val"))
    if run:
        c.lines.append(" ".join(run))
    c.labels.extend(f.month_axis())
    return c


# --- action completion rate, with the 80% line -----------------------------------------------


def completion_chart(ins: Insights, size: Size) -> Chart:
    """A column per month: the percent of due actions done (floored, as the log shows it).
    Columns under the target are hollow, so the difference is not colour alone."""
    f = Frame(size, ins.months, right=30)  # the target's label sits right of the plot
    scale = (f.y1 - f.y0) / 100
    rated = [m for m in ins.completion if m.completion.percent is not None]
    low = sum(1 for m in rated if m.completion.warn)
    desc = (
        f"Columns of the percent of due actions done, per month of the post-mortem, "
        f"{between(ins.months)}, with a dashed line at the {ins.target}% target. "
        f"{len(rated)} months have actions due; {low} of them are under the target. "
        "The table has every figure."
    )
    title = f"Action completion rate, with the {ins.target}% line"
    c = new_chart("completion", size, title, desc, scale, f.y1)
    c.rules[:], c.labels[:] = f.value_axis([0, 20, 40, 60, 80, 100], scale, "{}%")
    w = f.bar_width()
    for i, m in enumerate(ins.completion):
        x = f.center(i)
        pct, done = m.completion.percent, m.completion
        if pct is None:
            c.labels.append(Label(r1(x), f.y1 - 5, "–", "none"))
            continue
        h = pct * scale
        cls = "rate-col rate-col--low" if done.warn else "rate-col"
        tip = f"{month_label(m.month)}: {pct}% ({done.done} of {done.due} due done)"
        c.rects.append(Rect(r1(x - w / 2), r1(f.y1 - h), r1(w), r1(h), cls, pct, m.month, "", tip))
        if w >= 20:  # just under the target the label goes inside, off the dashed line
            inside = ins.target - 8 <= pct < ins.target
            y = f.y1 - h + 15 if inside else f.y1 - h - 5
            c.labels.append(Label(r1(x), r1(y), f"{pct}", "val"))
    y = r1(f.y1 - ins.target * scale)
    c.rules.append(Rule(f.x0, y, f.x1 + 4, y, "target"))
    c.labels.append(Label(f.x1 + 6, y + 4, f"{ins.target}%", "target-label", "start"))
    c.labels.extend(f.month_axis())
    return c
