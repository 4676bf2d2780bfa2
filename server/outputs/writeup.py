"""The write-up: the one-page record a meeting leaves, as HTML (printable) and Markdown.

Theory of operation. A route reads the board through projection as an outsider
(`room.read("")`: no `mine`, no unrevealed private writing, authors only on named boards) and
`writeup_context` turns that view into a small typed model, already ordered, labelled and with
its gaps flagged. Both templates (`writeup.html`, `writeup.md.j2`) render that one model, so the
HTML and the Markdown cannot disagree, and neither template decides anything. Section order is
the post-mortem template's: summary, timeline, impact, went well, went wrong, five whys, actions,
communications, regulatory, sign-off; then how the meeting itself ran. Only the actions the
meeting committed to (selected) are action items; the proposals it did not take are listed as
text under "Considered, not committed". The structs are in `writeup_model.py`.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from hindsight.server.outputs.follow_up import may_read
from hindsight.server.outputs.writeup_build import EMPTY, writeup_context  # noqa: F401  (re-exported)
from hindsight.server.outputs.writeup_model import (
    Writeup,
)
from hindsight.server.outputs.writeup_nudges import NudgeTallies
from hindsight.server.web.common import error_page

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).resolve().parents[1] / "web" / "templates"


# --- rendering ---------------------------------------------------------------------------

_MD_ESCAPE = re.compile(r"([\\`*_\[\]~|])")
_MD_LEAD = re.compile(r"^([#+\-=]|\d+(?=[.)]))")


def md(value: object, cell: bool = False) -> str:
    """User text made inert in Markdown: no HTML (so no <script>), no links or emphasis, and
    nothing at its start that reads as a heading or a list; newlines cannot end the list item
    or table row it sits in (in a table `cell` they become <br>, which GFM renders)."""
    text = str(value).strip().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_LEAD.sub(
        lambda m: "\\" + m.group(1) if not m.group(1).isdigit() else m.group(1) + "\\",
        _MD_ESCAPE.sub(r"\\\1", text),
    )
    return re.sub(r"\s*\n\s*", "<br>" if cell else " ", text)


@cache
def _markdown() -> jinja2.Environment:
    import jinja2  # on first use: importing Jinja2 is a sixth of the server's start-up

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = md
    return env


def render_markdown(w: Writeup) -> str:
    # Optional blocks leave runs of blank lines; one blank line is all Markdown needs.
    text = _markdown().get_template("writeup.md.j2").render(w=w)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_html(
    w: Writeup, env: jinja2.Environment, *, static: str = "/static", links: bool = True
) -> str:
    """`env` autoescapes .html (the app's Jinja2Templates env). `static` is where writeup.css
    lives: a relative path lets a saved copy render when opened as a file."""
    return env.get_template("writeup.html").render(w=w, static=static, links=links)


async def _writeup(request: Request) -> Writeup | None:
    """The board's write-up, or None for a board that does not exist or that this person may
    not read (a restricted board: the same answer, so it does not say which)."""
    board_id = request.path_params["board_id"]
    if not await may_read(request, board_id):
        return None
    room = await request.app.state.hub.room(board_id)
    if room is None:
        return None
    _, view = await room.read("")  # an outsider's view: committed, anonymous, nothing private
    tallies: NudgeTallies = request.app.state.nudge_tallies
    nudges = await tallies.of(room)
    return writeup_context(view, now_ms=room.clock(), nudges=nudges)


async def writeup_page(request: Request) -> Response:
    if (w := await _writeup(request)) is None:
        return error_page(request, 404, "There is no board at this address.")
    return HTMLResponse(render_html(w, request.app.state.templates.env))


async def writeup_markdown(request: Request) -> Response:
    if (w := await _writeup(request)) is None:
        return Response("There is no board at this address.\n", 404, media_type="text/plain")
    slug = re.sub(r"[^a-z0-9]+", "-", w.title.lower()).strip("-")[:60] or "incident"
    return Response(
        render_markdown(w),
        media_type="text/markdown; charset=utf-8",
        headers={"content-disposition": f'inline; filename="postmortem-{w.date}-{slug}.md"'},
    )


async def writeup_json(request: Request) -> Response:
    if (w := await _writeup(request)) is None:
        return JSONResponse(
            {"error": {"code": "not_found", "message": "there is no board with that id"}}, 404
        )
    return Response(msgspec.json.encode(w), media_type="application/json")


routes: list[BaseRoute] = [
    Route("/b/{board_id}/writeup", writeup_page),
    Route("/b/{board_id}/writeup.md", writeup_markdown),
    Route("/api/boards/{board_id}/writeup", writeup_json),
]
