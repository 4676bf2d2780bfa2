"""Insights across post-mortems: the figures behind `/insights`, from incident-log rows.

Pure functions (no I/O, no clock: `today` comes in). The page (`insights_page.py`) reads the
rows and each board's incident times; `insights_svg.py` draws what is computed here.

What each figure means, so the page, the API and the tests agree:

- A post-mortem belongs to the month of its incident date (the log's `date`: the header's start,
  else the first timeline entry, else the day the board was made), in UTC.
- Time to detect and time to resolve are both measured from the incident's start (`started_at`)
  to `detected_at` and `resolved_at`, as the write-up states them ("Detected ..., after 20 min").
  A post-mortem missing either time, or with a time before the start, has no figure for it.
  A month's figure is the median, which one long outage does not drag.
- A category counts the month's post-mortems that filed at least one contributing factor in it.
- Completion is the log's: done over due (done, or past the due date and unfinished) among the
  committed actions of the month's post-mortems, as of today. Below 80% the page warns.
- Open actions per owner (open or in progress, by the owner's name as boards show it) cover
  every post-mortem in the log, whatever the period: an action from last year that is still
  open is still on someone's plate. More than seven spreads attention.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, get_args

from hindsight.board_state import Rejected
from hindsight.board_state.model import Category, Severity
from hindsight.server.storage.log_rows import (
    MAX_OPEN,
    UNFINISHED,
    WARN_BELOW,
    Completion,
    actions_of,
    completion,
    is_overdue,
)
from hindsight.server.storage.schema import LogRow

SEVERITIES: tuple[str, ...] = get_args(Severity)
CATEGORIES: tuple[str, ...] = get_args(Category)
PERIODS = (3, 6, 12, 24)  # months the page offers
DEFAULT_PERIOD = 12
NO_OWNER = "No owner"
_TAG = re.compile(r"^[^\x00-\x1f]{1,40}$")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class BadPeriod(Rejected):
    """A period or tag the page does not offer: the API leaves it to the app's one `Rejected`
    handler (422 `invalid`), the page says it and shows the default period."""

    def __init__(self, message: str) -> None:
        super().__init__("invalid", message)


@dataclass(frozen=True)
class Period:
    """Which post-mortems the page looks at: the last `months` calendar months (the current one
    included) and, optionally, one tag."""

    months: int = DEFAULT_PERIOD
    tag: str = ""

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Period:
        raw = params.get("months", "").strip() or str(DEFAULT_PERIOD)
        if not raw.isdigit() or int(raw) not in PERIODS:
            raise BadPeriod(f"the period must be one of {', '.join(map(str, PERIODS))} months")
        tag = params.get("tag", "").strip().lower()  # tags are stored lowercased by the core
        if tag and not _TAG.match(tag):
            raise BadPeriod("a tag is at most 40 characters")
        return cls(months=int(raw), tag=tag)

    def month_keys(self, today: str) -> list[str]:
        """YYYY-MM of each month in the period, oldest first, ending with today's month."""
        year, month = int(today[:4]), int(today[5:7])
        keys = []
        for back in range(self.months - 1, -1, -1):
            y, m = divmod(year * 12 + month - 1 - back, 12)
            keys.append(f"{y:04d}-{m + 1:02d}")
        return keys

    def query(self) -> dict[str, str]:
        return {"months": str(self.months), **({"tag": self.tag} if self.tag else {})}


def month_label(key: str, *, year: bool = True) -> str:
    """`2026-03` -> `Mar 2026` (or `Mar`)."""
    name = MONTH_NAMES[int(key[5:7]) - 1]
    return f"{name} {key[:4]}" if year else name


# --- incident times ------------------------------------------------------------------------


@dataclass(frozen=True)
class Times:
    """A board's header times as the core keeps them: normalised ISO 8601 UTC, "" if unknown."""

    started: str = ""
    detected: str = ""
    resolved: str = ""

    def _after_start(self, at: str) -> float | None:
        a, b = _parse(self.started), _parse(at)
        if a is None or b is None or b < a:
            return None
        return (b - a).total_seconds() / 60

    @property
    def to_detect(self) -> float | None:
        """Minutes from the start to detection; None when either is unknown or out of order."""
        return self._after_start(self.detected)

    @property
    def to_resolve(self) -> float | None:
        """Minutes from the start to resolution; None when either is unknown or out of order."""
        return self._after_start(self.resolved)


def _parse(iso: str) -> datetime | None:
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")) if iso else None
    except ValueError:
        return None


def span(minutes: float | None) -> str:
    """`190` -> `3 h 10 min`; `2940` -> `2 d 1 h`; None -> `—`. Whole minutes, two parts at most:
    a figure across months is not read to the minute once it runs to days."""
    if minutes is None:
        return "—"
    total = round(minutes)
    days, rest = divmod(total, 1440)
    hours, mins = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (mins, "min")]
    while len(parts) > 1 and parts[0][0] == 0:
        parts.pop(0)
    shown = [f"{n} {unit}" for n, unit in parts[:2] if n]
    return " ".join(shown) or "0 min"


# --- the figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SeverityMonth:
    month: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class DurationMonth:
    month: str
    detect: tuple[float, ...]  # minutes, one per post-mortem that has the figure
    resolve: tuple[float, ...]
    post_mortems: int  # of the month, with the times or without

    @property
    def median_detect(self) -> float | None:
        return statistics.median(self.detect) if self.detect else None

    @property
    def median_resolve(self) -> float | None:
        return statistics.median(self.resolve) if self.resolve else None


@dataclass(frozen=True)
class CategoryMonth:
    month: str
    counts: dict[str, int]  # category -> post-mortems of the month that filed it
    post_mortems: int


@dataclass(frozen=True)
class CompletionMonth:
    month: str
    completion: Completion


@dataclass(frozen=True)
class OwnerLoad:
    owner: str
    open: int  # open or in progress, overdue ones included
    overdue: int

    @property
    def over_limit(self) -> bool:
        return self.open > MAX_OPEN


@dataclass(frozen=True)
class Insights:
    today: str
    period: Period
    months: list[str]
    post_mortems: int
    severity: list[SeverityMonth]
    durations: list[DurationMonth]
    categories: list[CategoryMonth]
    completion: list[CompletionMonth]
    overall: Completion  # the period's post-mortems' actions together
    owners: list[OwnerLoad]
    limit: int = MAX_OPEN
    target: int = int(WARN_BELOW * 100)
    all_detect: tuple[float, ...] = field(default=())
    all_resolve: tuple[float, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return self.post_mortems == 0

    @property
    def median_detect(self) -> float | None:
        return statistics.median(self.all_detect) if self.all_detect else None

    @property
    def median_resolve(self) -> float | None:
        return statistics.median(self.all_resolve) if self.all_resolve else None

    @property
    def over_limit(self) -> list[OwnerLoad]:
        return [o for o in self.owners if o.over_limit]

    def as_json(self) -> dict[str, Any]:
        def mins(x: float | None) -> float | None:
            return None if x is None else round(x, 1)

        return {
            "today": self.today,
            "months": self.months,
            "tag": self.period.tag,
            "post_mortems": self.post_mortems,
            "target_percent": self.target,
            "open_limit": self.limit,
            "by_severity": [
                {"month": s.month, **s.counts, "total": s.total} for s in self.severity
            ],
            "time_to": [
                {
                    "month": d.month,
                    "detect_n": len(d.detect),
                    "detect_median_minutes": mins(d.median_detect),
                    "resolve_n": len(d.resolve),
                    "resolve_median_minutes": mins(d.median_resolve),
                }
                for d in self.durations
            ],
            "categories": [
                {"month": c.month, "post_mortems": c.post_mortems, **c.counts}
                for c in self.categories
            ],
            "completion": [{"month": c.month, **c.completion.as_json()} for c in self.completion],
            "overall_completion": self.overall.as_json(),
            "open_per_owner": [
                {"owner": o.owner, "open": o.open, "overdue": o.overdue, "over_limit": o.over_limit}
                for o in self.owners
            ],
        }


def owner_loads(rows: list[LogRow], today: str) -> list[OwnerLoad]:
    """Open actions per owner, most first (then by name); owners with none open are left out."""
    open_: dict[str, int] = {}
    overdue: dict[str, int] = {}
    for row in rows:
        for a in actions_of(row):
            if a["status"] not in UNFINISHED:
                continue
            who = a["owner"] or NO_OWNER
            open_[who] = open_.get(who, 0) + 1
            overdue[who] = overdue.get(who, 0) + is_overdue(a, today)
    loads = [OwnerLoad(owner=w, open=n, overdue=overdue[w]) for w, n in open_.items()]
    return sorted(loads, key=lambda o: (-o.open, -o.overdue, o.owner.casefold()))


def build(
    rows: list[LogRow],
    times: Mapping[str, Times],
    period: Period,
    today: str,
    *,
    owner_rows: list[LogRow] | None = None,
) -> Insights:
    """The figures for `period` from `rows` (the log, any dates: those outside the period are
    left out here). `times` maps a board id to its incident times (missing: none known).
    `owner_rows` are the rows whose open actions are counted per owner (default: `rows`)."""
    months = period.month_keys(today)
    by_month: dict[str, list[LogRow]] = {m: [] for m in months}
    for row in rows:
        if row.date[:7] in by_month:
            by_month[row.date[:7]].append(row)
    severity, durations, categories, rates = [], [], [], []
    every_action: list[dict[str, Any]] = []
    for m in months:
        month_rows = by_month[m]
        counts = {s: sum(1 for r in month_rows if r.severity == s) for s in SEVERITIES}
        severity.append(SeverityMonth(m, counts))
        t = [times.get(r.board_id, Times()) for r in month_rows]
        detect = tuple(x for x in (i.to_detect for i in t) if x is not None)
        resolve = tuple(x for x in (i.to_resolve for i in t) if x is not None)
        durations.append(DurationMonth(m, detect, resolve, len(month_rows)))
        cats = {c: sum(1 for r in month_rows if c in r.categories) for c in CATEGORIES}
        categories.append(CategoryMonth(m, cats, len(month_rows)))
        actions = [a for r in month_rows for a in actions_of(r)]
        every_action += actions
        rates.append(CompletionMonth(m, completion(actions, today)))
    return Insights(
        today=today,
        period=period,
        months=months,
        post_mortems=sum(len(v) for v in by_month.values()),
        severity=severity,
        durations=durations,
        categories=categories,
        completion=rates,
        overall=completion(every_action, today),
        owners=owner_loads(rows if owner_rows is None else owner_rows, today),
        all_detect=tuple(x for d in durations for x in d.detect),
        all_resolve=tuple(x for d in durations for x in d.resolve),
    )


def month_range(key: str) -> tuple[str, str]:
    """`2026-02` -> (`2026-02-01`, `2026-02-28`): a month as the log's date filters."""
    y, m = int(key[:4]), int(key[5:7])
    nxt = date(y + m // 12, m % 12 + 1, 1)
    return date(y, m, 1).isoformat(), date.fromordinal(nxt.toordinal() - 1).isoformat()
