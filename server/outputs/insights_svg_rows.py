"""Chart geometry with a row per thing rather than a column per month: contributing-factor
categories over time (a grid of counts, shaded) and open actions per owner against the limit
(horizontal bars). Same conventions as `insights_svg.py`."""

from __future__ import annotations

import math
from dataclasses import replace

from hindsight.server.outputs.insights import CATEGORIES, Insights, month_label
from hindsight.server.outputs.insights_svg import (
    Chart,
    Frame,
    Label,
    Rect,
    Rule,
    Size,
    between,
    new_chart,
    nice_ticks,
    r1,
    tick_text,
)

HEAT_LEVELS = 5  # shades of the grid, from the lightest (a few) to the darkest (the most)
MAX_OWNERS = 12  # bars drawn; the table lists every owner


def heat_level(n: int, most: int) -> int:
    """0 for none, else 1..HEAT_LEVELS in proportion to the largest count in the grid."""
    return 0 if n <= 0 or most <= 0 else max(1, math.ceil(HEAT_LEVELS * n / most))


def category_chart(ins: Insights, size: Size) -> Chart:
    """A row per category, a column per month; each cell shaded by how many of the month's
    post-mortems filed that category, with the count written in it."""
    row_h = 26 if size.name == "wide" else 24
    left = 112 if size.name == "wide" else 92
    grid = replace(size, left=left, top=6, height=6 + row_h * len(CATEGORIES) + size.bottom)
    f = Frame(grid, ins.months)
    most = max((n for m in ins.categories for n in m.counts.values()), default=0)
    totals = {c: sum(m.counts[c] for m in ins.categories) for c in CATEGORIES}
    top = max(CATEGORIES, key=lambda c: totals[c])
    desc = (
        f"A grid with a row per contributing-factor category and a column per month, "
        f"{between(ins.months)}; each cell counts the month's post-mortems that filed the "
        f"category, darker for more. Filed most often: {top} ({totals[top]})."
        if most
        else "No contributing factors were filed in this period."
    )
    c = new_chart("categories", grid, "Contributing-factor categories over time", desc, 1.0, f.y1)
    gap = 1.5 if f.band > 12 else 0.5
    for r, cat in enumerate(CATEGORIES):
        y = f.y0 + r * row_h
        c.labels.append(Label(f.x0 - 8, r1(y + row_h / 2 + 4), cat.capitalize(), "axis", "end"))
        for i, m in enumerate(ins.categories):
            n = m.counts[cat]
            level = heat_level(n, most)
            x = f.x0 + i * f.band
            tip = f"{month_label(m.month)}, {cat}: {n} of {m.post_mortems} post-mortems"
            c.rects.append(
                Rect(
                    r1(x + gap),
                    r1(y + gap),
                    r1(f.band - 2 * gap),
                    r1(row_h - 2 * gap),
                    f"heat heat-{level}",
                    n,
                    m.month,
                    cat,
                    tip,
                )
            )
            if n and f.band >= 8 + 6 * len(str(n)):  # written where it fits; else the table
                cls = "cell cell--strong" if level >= 4 else "cell"
                c.labels.append(Label(r1(x + f.band / 2), r1(y + row_h / 2 + 4), str(n), cls))
    c.labels.extend(f.month_axis())
    return c


def owner_chart(ins: Insights, size: Size) -> Chart | None:
    """A bar per owner (the MAX_OWNERS with most open actions): the overdue part first, darker,
    then the rest; a dashed line at the limit. None when nobody has an open action."""
    owners = ins.owners[:MAX_OWNERS]
    if not owners:
        return None
    wide = size.name == "wide"
    row_h = 28 if wide else 26
    left = 150 if wide else 100
    box = replace(size, left=left, top=26, bottom=30, height=26 + row_h * len(owners) + 30)
    f = Frame(box, [], right=28)  # the right margin holds the value past the longest bar
    ticks = nice_ticks(max(ins.limit + 1, owners[0].open), 5)
    scale = (f.x1 - f.x0) / ticks[-1]
    over = len(ins.over_limit)
    desc = (
        f"Horizontal bars of open actions per owner, most first, with a dashed line at the "
        f"limit of {ins.limit}: {len(ins.owners)} owners have open actions, {over} over the "
        "limit. The darker part of a bar is overdue. The table lists every owner."
    )
    title = f"Open actions per owner, against the limit of {ins.limit}"
    c = new_chart("owners", box, title, desc, scale, f.x0)
    for t in ticks:
        x = r1(f.x0 + t * scale)
        c.rules.append(Rule(x, f.y0, x, f.y1, "grid" if t else "baseline"))
        c.labels.append(Label(x, f.y1 + 16, tick_text(t), "axis"))
    limit_x = f.x0 + ins.limit * scale
    chars = int((left - 14) / 7)
    bar_h = row_h * 0.62
    for r, o in enumerate(owners):
        y = f.y0 + r * row_h + (row_h - bar_h) / 2
        name = o.owner if len(o.owner) <= chars else o.owner[: chars - 1].rstrip() + "…"
        c.labels.append(Label(f.x0 - 8, r1(y + bar_h / 2 + 4), name, "axis owner", "end"))
        rest = o.open - o.overdue
        x = f.x0
        for n, cls, series, what in (
            (o.overdue, "load load-overdue", "overdue", "overdue"),
            (rest, "load load-over" if o.over_limit else "load load-open", "not_overdue", "open"),
        ):
            if n:
                tip = f"{o.owner}: {n} {what}" + ("" if what == "overdue" else f" of {o.open}")
                c.rects.append(
                    Rect(r1(x), r1(y), r1(n * scale), r1(bar_h), cls, n, o.owner, series, tip)
                )
                x += n * scale
        cls = "val val--over" if o.over_limit else "val"
        at = x + 6
        if at - 3 <= limit_x <= at + 7 * len(str(o.open)) + 2:
            at = limit_x + 5  # not on the limit's dashed line: just past it
        c.labels.append(Label(r1(at), r1(y + bar_h / 2 + 4), str(o.open), cls, "start"))
    x = r1(limit_x)
    c.rules.append(Rule(x, f.y0 - 8, x, f.y1, "target"))
    c.labels.append(Label(x, f.y0 - 12, f"limit {ins.limit}", "target-label"))
    return c
