"""The incident log and action follow-up: every post-mortem, searchable, and its actions
after the meeting.

Pages and API over the `log` table (one row per board, built by the hub from the board's public
view, see `log_rows.py`): `GET /log` (a GET form, works without scripts), `GET /api/log` (JSON)
and `GET /api/log.csv` take the same filters: `q` (full text over titles, timelines, causes,
notes, parked questions and actions), `severity`, `tag`, `category`, `from` and `to` (incident
dates, inclusive). Tags are set with `POST /api/boards/{id}/tags` by the facilitator, as the
board's `set_tags` op. The actions pages live in `follow_up.py`.
"""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, get_args

import msgspec
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from hindsight.board_state import Rejected
from hindsight.board_state import ops as o
from hindsight.board_state.model import Category, Severity
from hindsight.server.outputs import follow_up, insights_page, mine, review
from hindsight.server.outputs.follow_up import log_rows, submit
from hindsight.server.storage.log_rows import (
    WARN_BELOW,
    actions_of,
    completion,
    is_overdue,
    today_utc,
)
from hindsight.server.storage.schema import LogRow
from hindsight.server.web.common import authenticated, error, hub_of, page

SEVERITIES: tuple[str, ...] = get_args(Severity)
CATEGORIES: tuple[str, ...] = get_args(Category)
MAX_QUERY = 500  # characters of search text; longer is not a search, it is a paste accident


class BadFilter(Rejected):
    """A filter that makes no sense: the JSON and CSV endpoints leave it to the app's one
    `Rejected` handler (422 `invalid`); the log page shows it above an empty list."""

    def __init__(self, message: str) -> None:
        super().__init__("invalid", message)


@dataclass(frozen=True)
class Filters:
    q: str = ""
    severity: str = ""
    tag: str = ""
    category: str = ""
    date_from: str = ""
    date_to: str = ""

    @classmethod
    def parse(cls, params: QueryParams) -> Filters:
        """The filters of a query string; BadFilter names the first one that makes no sense."""

        def get(name: str) -> str:
            return params.get(name, "").strip()

        f = cls(
            q=get("q"),
            severity=get("severity"),
            tag=get("tag").lower(),
            category=get("category"),
            date_from=get("from"),
            date_to=get("to"),
        )
        if len(f.q) > MAX_QUERY:
            raise BadFilter(f"the search text is longer than {MAX_QUERY} characters")
        if f.severity and f.severity not in SEVERITIES:
            raise BadFilter(f"severity must be one of {', '.join(SEVERITIES)}")
        if f.category and f.category not in CATEGORIES:
            raise BadFilter(f"category must be one of {', '.join(CATEGORIES)}")
        for name, value in (("from", f.date_from), ("to", f.date_to)):
            if value:
                # Exactly YYYY-MM-DD: the log compares dates as text, and fromisoformat alone
                # would also take 20260814 or 2026W335, which would then match nothing.
                try:
                    ok = len(value) == 10 and date.fromisoformat(value).isoformat() == value
                except ValueError:
                    ok = False
                if not ok:
                    raise BadFilter(f"'{name}' must be a date written YYYY-MM-DD")
        return f

    def query(self) -> dict[str, str]:
        """The query-string form (for links that keep the filters, like the CSV download)."""
        names = {"date_from": "from", "date_to": "to"}
        return {names.get(k, k): v for k, v in asdict(self).items() if v}

    @property
    def active(self) -> bool:
        return any(asdict(self).values())


def entry(row: LogRow, today: str) -> dict[str, Any]:
    """A log row as the API and the page show it."""
    actions = [{**a, "overdue": is_overdue(a, today)} for a in actions_of(row)]
    return {
        "board_id": row.board_id,
        "url": f"/b/{row.board_id}",
        "date": row.date,
        "title": row.title,
        "severity": row.severity,
        "status": row.status,
        "learning_question": row.learning_question,
        "root_cause": row.root_cause,
        "tags": list(row.tags),
        "categories": list(row.categories),
        "actions": actions,
        "completion": completion(actions, today).as_json(),
        "updated_at": row.updated_at,
    }


async def _search(request: Request) -> tuple[Filters, list[LogRow]]:
    f = Filters.parse(request.query_params)
    return f, await log_rows(
        request,
        q=f.q,
        severity=f.severity,
        tag=f.tag,
        category=f.category,
        date_from=f.date_from,
        date_to=f.date_to,
    )


async def log_page(request: Request) -> Response:
    today = today_utc()
    try:
        f, rows = await _search(request)
        problem, status = "", 200
    except BadFilter as e:
        f, rows, problem, status = Filters(), [], e.message, 422
    entries = [entry(r, today) for r in rows]
    overall = completion([a for e in entries for a in e["actions"]], today)
    all_tags = await asyncio.to_thread(hub_of(request).store.log_tags)
    return page(
        request,
        "log.html",
        status,
        entries=entries,
        filters=f,
        problem=problem,
        overall=overall,
        severities=SEVERITIES,
        categories=CATEGORIES,
        all_tags=all_tags,
        csv_query=f.query(),
        warn_below=int(WARN_BELOW * 100),
    )


async def api_log(request: Request) -> Response:
    today = today_utc()
    _, rows = await _search(request)  # a BadFilter is answered 422 by the app
    entries = [entry(r, today) for r in rows]
    overall = completion([a for e in entries for a in e["actions"]], today)
    return JSONResponse({"today": today, "completion": overall.as_json(), "post_mortems": entries})


CSV_COLUMNS = (
    "date",
    "title",
    "severity",
    "status",
    "learning_question",
    "root_cause",
    "tags",
    "categories",
    "actions",
    "actions_done",
    "actions_overdue",
    "completion_percent",
    "board_url",
)


def _cell(value: object) -> str:
    # A cell a spreadsheet would read as a formula ("=HYPERLINK(...)" in a title) is written
    # as text: the log holds what anyone typed on a board.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


async def api_log_csv(request: Request) -> Response:
    today = today_utc()
    _, rows = await _search(request)  # a BadFilter is answered 422 by the app
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; the csv module does the quoting
    writer.writerow(CSV_COLUMNS)
    base = str(request.base_url).rstrip("/")
    for row in rows:
        it = entry(row, today)
        c = it["completion"]
        writer.writerow(
            [
                _cell(v)
                for v in (
                    it["date"],
                    it["title"],
                    it["severity"],
                    it["status"],
                    it["learning_question"],
                    it["root_cause"],
                    "; ".join(it["tags"]),
                    "; ".join(it["categories"]),
                    c["total"],
                    c["done"],
                    c["overdue"],
                    "" if c["percent"] is None else c["percent"],
                    base + it["url"],
                )
            ]
        )
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="incident-log.csv"'},
    )


async def api_set_tags(request: Request) -> Response:
    """POST {"tags": [...]} with the facilitator's `Authorization: Bearer <credential>`."""
    room, pid = await authenticated(request)
    try:
        op = msgspec.json.decode(await request.body() or b"{}", type=o.SetTags)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        return error(422, "bad_message", str(e))
    seq = await submit(request, room, pid, o.SetTags(tags=op.tags))
    _, view = await room.read(pid)
    return JSONResponse(
        {"seq": seq, "board_id": room.board_id, "tags": list(view.board.header.tags)}
    )


routes: list[BaseRoute] = [
    Route("/log", log_page),
    Route("/api/log", api_log),
    Route("/api/log.csv", api_log_csv),
    Route("/api/boards/{board_id}/tags", api_set_tags, methods=["POST"]),
    *follow_up.routes,
    *insights_page.routes,
    *review.routes,
    *mine.routes,
]
