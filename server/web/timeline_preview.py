"""A timeline file read the way the CLI reads it, for the page to preview before it imports.

    POST /api/boards/{id}/timeline/preview   (Authorization: Bearer <credential>)
    {"format": "csv" | "chat" | "log", "text": "...", "date": "YYYY-MM-DD", "tz": "+02:00"}

The parsers are the core's (`board_state/importers.py`), shared with `hindsight-client
import-timeline`, so a file gives the same entries and the same problems in both. Nothing is
added here: the answer is `{"entries": [...], "problems": [...]}` (entries only when there are no
problems: an import is all or nothing), and the page then sends one `import_timeline` op. The
rules table decides, as for that op, who may preview now (role and phase).
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from hindsight.board_state import Board, Rejected
from hindsight.board_state import ops as o
from hindsight.board_state.importers import FORMATS, BadOption, ImportProblem, parser_options
from hindsight.board_state.rules import check
from hindsight.server.web.common import authenticated

MAX_FILE = 4 << 20  # characters: a day of chat is far less; more is a wrong file


class _Preview(msgspec.Struct, frozen=True):
    format: Literal["csv", "chat", "log"]
    text: str
    date: str = ""
    tz: str = ""
    keep_authors: bool = False


_PROBE = o.ImportTimeline(entries=[o.TimelineItem(at="2026-01-01T00:00Z", text="probe")])


def _may_import(board: Board, pid: str) -> None:
    check(board, _PROBE, pid)  # role and phase, as for the import itself


def _options(body: _Preview) -> dict[str, Any]:
    try:
        return parser_options(
            body.format, date=body.date, tz=body.tz, keep_authors=body.keep_authors
        )
    except BadOption as e:
        if e.option == "keep_authors":
            raise Rejected("bad_message", "keep_authors applies to chat exports only") from None
        raise Rejected("bad_message", f"date/tz: {e}") from None


async def preview(request: Request) -> Response:
    room, pid = await authenticated(request)
    await room.consult(lambda b: _may_import(b, pid))
    raw = await request.body()
    if len(raw) > MAX_FILE * 4:
        raise Rejected("too_large", f"a timeline file is at most {MAX_FILE >> 20} MiB")
    try:
        body = msgspec.json.decode(raw or b"{}", type=_Preview)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        raise Rejected("bad_message", str(e)) from None
    if len(body.text) > MAX_FILE:
        raise Rejected("too_large", f"a timeline file is at most {MAX_FILE >> 20} MiB")
    try:
        items = FORMATS[body.format](body.text, **_options(body))
    except ImportProblem as e:
        return JSONResponse({"entries": [], "problems": e.problems})
    return JSONResponse({"entries": [msgspec.to_builtins(i) for i in items], "problems": []})


routes: list[BaseRoute] = [
    Route("/api/boards/{board_id}/timeline/preview", preview, methods=["POST"]),
]
