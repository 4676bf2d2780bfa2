"""Insights across post-mortems: `GET /insights` (a page of charts, each with its table; a GET
form, no scripts) and `GET /api/insights` (the same figures as JSON). Both take `months`
(3, 6, 12 or 24: the last that many calendar months, this one included; 12 if absent) and
`tag` (only post-mortems with that tag).

The figures come from the incident log's rows (`insights.py` says what each means) plus each
board's incident times, which the log does not keep: those are read from the board's committed
state through projection (the outsider's view, as the log's own rows are) and kept per board
and seq, so a page view after the first restores only boards that changed.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from hindsight.board_state import view_for
from hindsight.server.meeting.loading import restore
from hindsight.server.outputs.follow_up import log_rows
from hindsight.server.outputs.insights import (
    CATEGORIES,
    PERIODS,
    SEVERITIES,
    BadPeriod,
    Insights,
    Period,
    Times,
    build,
    month_label,
    month_range,
    span,
)
from hindsight.server.outputs.insights_svg import (
    SIZES,
    Chart,
    completion_chart,
    duration_chart,
    severity_chart,
)
from hindsight.server.outputs.insights_svg_rows import MAX_OWNERS, category_chart, owner_chart
from hindsight.server.storage.log_rows import today_utc
from hindsight.server.storage.schema import LogRow
from hindsight.server.storage.store import Store
from hindsight.server.web.common import hub_of, page

TimesCache = dict[str, tuple[int, Times]]  # board id -> (the seq they were read at, times)


def _read_times(store: Store, board_ids: list[str]) -> TimesCache:
    """Each board's header times from its committed state, as an outsider's view shows them."""
    found: TimesCache = {}
    for board_id in board_ids:
        loaded = store.load(board_id)
        if loaded is None:
            continue
        board, seq = restore(board_id, loaded)
        h = view_for(board, "").board.header
        found[board_id] = (seq, Times(h.started_at, h.detected_at, h.resolved_at))
    return found


async def incident_times(request: Request, rows: list[LogRow]) -> dict[str, Times]:
    """The incident times of `rows`' boards; boards whose row is newer than what was read last
    time are read again (a row's seq is the board's seq it was built from)."""
    state = request.app.state
    cache: TimesCache | None = getattr(state, "insight_times", None)
    if cache is None:
        cache = state.insight_times = {}
    stale = [r.board_id for r in rows if cache.get(r.board_id, (-1, Times()))[0] < r.seq]
    if stale:
        cache.update(await asyncio.to_thread(_read_times, hub_of(request).store, stale))
    return {r.board_id: cache[r.board_id][1] for r in rows if r.board_id in cache}


async def gather(request: Request, period: Period) -> Insights:
    """The figures for `period`: post-mortems of its months, and every open action of the log
    (with the tag, if one is asked for) for the per-owner load."""
    today = today_utc()
    first, _ = month_range(period.month_keys(today)[0])
    everything = await log_rows(request, tag=period.tag)
    rows = [r for r in everything if first <= r.date]
    return build(rows, await incident_times(request, rows), period, today, owner_rows=everything)


def charts(ins: Insights) -> dict[str, list[Chart]]:
    """Each chart at each size (the stylesheet shows the one that fits)."""
    drawn: dict[str, list[Chart]] = {
        "severity": [severity_chart(ins, s) for s in SIZES],
        "detect": [duration_chart(ins, "detect", s) for s in SIZES],
        "resolve": [duration_chart(ins, "resolve", s) for s in SIZES],
        "categories": [category_chart(ins, s) for s in SIZES],
        "completion": [completion_chart(ins, s) for s in SIZES],
    }
    owners = [owner_chart(ins, s) for s in SIZES]
    drawn["owners"] = [c for c in owners if c is not None]
    return drawn


def month_links(ins: Insights) -> dict[str, str]:
    """Each month's query for the incident log: its dates, and the tag if one is chosen."""
    links = {}
    for m in ins.months:
        start, end = month_range(m)
        tag = {"tag": ins.period.tag} if ins.period.tag else {}
        links[m] = urlencode({"from": start, "to": end, **tag})
    return links


async def insights_page(request: Request) -> Response:
    problem, status = "", 200
    try:
        period = Period.parse(request.query_params)
    except BadPeriod as e:
        period, problem, status = Period(), e.message, 422
    ins = await gather(request, period)
    all_tags = await asyncio.to_thread(hub_of(request).store.log_tags)
    context: dict[str, Any] = {
        "ins": ins,
        "period": period,
        "periods": PERIODS,
        "problem": problem,
        "all_tags": all_tags,
        "severities": SEVERITIES,
        "categories": CATEGORIES,
        "charts": charts(ins),
        "month_label": month_label,
        "month_links": month_links(ins),
        "span": span,
        "max_owners": MAX_OWNERS,
        "anything_logged": bool(all_tags) or not ins.empty or await _anything(request),
    }
    return page(request, "insights.html", status, **context)


async def _anything(request: Request) -> bool:
    return bool(await log_rows(request))


async def api_insights(request: Request) -> Response:
    period = Period.parse(request.query_params)  # BadPeriod: the app answers 422 `invalid`
    return JSONResponse((await gather(request, period)).as_json())


routes: list[BaseRoute] = [
    Route("/insights", insights_page),
    Route("/api/insights", api_insights),
]
