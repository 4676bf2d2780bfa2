"""HTTP: the JSON API, the HTML pages and health checks.

Secrets never travel in a URL path or query string (which land in logs and Referer headers):
the API returns them in the body, and pages redirect to `/b/{id}#k=<credential>`, whose fragment
the browser keeps to itself.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from hindsight.board_state import Board, Rejected
from hindsight.board_state import ops as o
from hindsight.board_state.model import SEVERITY_MEANING
from hindsight.board_state.templates import GROUND_RULES, TEMPLATE_TITLES
from hindsight.server.meeting.connection import TokenBucket
from hindsight.server.web import agendas, timeline_preview
from hindsight.server.web.agendas import landing_choices, with_saved_agenda
from hindsight.server.web.auth_csrf import csrf_refusal
from hindsight.server.web.common import STATUS_OF, bearer, error_page, hub_of, page, room_of
from hindsight.server.web.members import remember_reader, sign_in_on
from hindsight.server.web.preload import module_graph


async def _body(request: Request, type_: Any, *, form: bool = False) -> Any:
    """A JSON body (or, for the HTML forms, a form body) decoded into an op struct; Rejected
    names the bad field. The API takes JSON whatever the content type says, so a JSON body
    sent as curl's default form type is not silently ignored."""
    raw = await request.body()
    try:
        if form and request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            fields = dict(parse_qsl(raw.decode(), keep_blank_values=True))
            return msgspec.convert(fields, type_, strict=False)
        return msgspec.json.decode(raw or b"{}", type=type_)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as e:
        raise Rejected("bad_message", str(e)) from None


def join_links(board_id: str, links: dict[str, str]) -> dict[str, str]:
    """The two join links (their tokens in the fragment, which browsers never send)."""
    return {
        "join_url": f"/b/{board_id}/join#t={links.get('participant', '')}",
        "observer_url": f"/b/{board_id}/join?role=observer#t={links.get('observer', '')}",
        "join_token": links.get("participant", ""),
        "observer_token": links.get("observer", ""),
    }


async def api_create(request: Request) -> Response:
    create = await with_saved_agenda(request, await _body(request, o.CreateBoard))
    board_id, pid, cred = await hub_of(request).create_board(create)
    await remember_reader(request, board_id, pid)
    room = await hub_of(request).room(board_id)
    links = await room.consult(lambda b: dict(b.links)) if room is not None else {}
    return JSONResponse(
        {
            "board_id": board_id,
            "participant_id": pid,
            "credential": cred,
            "facilitator_url": f"/b/{board_id}#k={cred}",
            **join_links(board_id, links),
        },
        status_code=201,
    )


TOO_MANY_JOINS = "too many joins from your address in a short time; try again in a minute"
TOO_MANY_ON_LINK = "too many people joined with this link in a short time; try again in a minute"


def _take(request: Request, name: str, key: str, rate: float, burst: int) -> bool:
    if rate <= 0:
        return True
    buckets: dict[str, TokenBucket] | None = getattr(request.app.state, name, None)
    if buckets is None or len(buckets) > 10_000:  # forget old keys now and then
        buckets = {}
        setattr(request.app.state, name, buckets)
    bucket = buckets.get(key)
    if bucket is None:
        bucket = buckets[key] = TokenBucket(rate, burst, request.app.state.rate_clock)
    return bucket.take()


def join_allowed(request: Request) -> bool:
    """A token bucket per client address across all boards (settings `join_rate`,
    `join_burst`): a room of people joining at once fits the burst; a script filling a board's
    seats does not."""
    settings = request.app.state.settings
    address = request.client.host if request.client else ""
    return _take(request, "join_buckets", address, settings.join_rate, settings.join_burst)


def link_allowed(request: Request, board_id: str, role: str) -> bool:
    """A token bucket per join link (settings `link_join_rate`, `link_join_burst`): a link
    passed around, or seats filled from many addresses, cannot seat more than that."""
    settings = request.app.state.settings
    return _take(
        request,
        "link_buckets",
        f"{board_id}/{role}",
        settings.link_join_rate,
        settings.link_join_burst,
    )


async def api_join(request: Request) -> Response:
    room = await room_of(request)
    if room is None:
        raise Rejected("not_found", "there is no board with that id")
    if not join_allowed(request):
        raise Rejected("rate_limited", TOO_MANY_JOINS)
    join = await _body(request, o.Join)
    if not link_allowed(request, room.board_id, join.role):
        raise Rejected("rate_limited", TOO_MANY_ON_LINK)
    pid, cred = await room.join(join.name, join.role, join.token)
    await remember_reader(request, room.board_id, pid)
    return JSONResponse(
        {
            "participant_id": pid,
            "credential": cred,
            "role": join.role,
            "board_url": f"/b/{room.board_id}#k={cred}",
        },
        status_code=201,
    )


async def api_board(request: Request) -> Response:
    """The board as the credential's holder sees it (`Authorization: Bearer <credential>`)."""
    room = await room_of(request)
    pid = room.authenticate(bearer(request)) if room else None
    if room is None or pid is None:  # one answer for both: it does not say which
        raise Rejected("unauthorized", "no board with that id opens with this credential")
    seq, view = await room.read(pid)
    body = msgspec.json.encode({"seq": seq, "epoch": room.epoch, "you": pid, "view": view})
    return Response(body, media_type="application/json")


async def healthz(request: Request) -> Response:
    return JSONResponse({"ok": True})


async def readyz(request: Request) -> Response:
    ready = getattr(request.app.state, "ready", False)
    return JSONResponse({"ready": ready}, status_code=200 if ready else 503)


# --- pages -------------------------------------------------------------------------------


async def landing(request: Request) -> Response:
    severities = [(k, f"Sev-{k[-1]}", v) for k, v in SEVERITY_MEANING.items()]
    return page(
        request,
        "landing.html",
        templates=[*TEMPLATE_TITLES.items(), *await landing_choices(request)],
        severities=severities,
        open_log=not sign_in_on(request),
    )


async def form_create(request: Request) -> Response:
    if refused := await csrf_refusal(request):  # another site's form (web/auth_csrf.py)
        return error_page(request, 403, refused)
    try:
        create = await with_saved_agenda(request, await _body(request, o.CreateBoard, form=True))
        board_id, pid, cred = await hub_of(request).create_board(create)
        await remember_reader(request, board_id, pid)
    except Rejected as e:
        return error_page(request, 422, e.message)
    return RedirectResponse(f"/b/{board_id}#k={cred}", status_code=303)


def _page_facts(board: Board) -> tuple[str, str]:
    """What a page shows of a board before its script connects: its title and whether it is
    anonymous (asked of the room: committed state only)."""
    return board.header.title, board.settings.anonymity


async def board_page(request: Request) -> Response:
    room = await room_of(request)
    if room is None:
        return error_page(request, 404, "There is no board at this address.")
    title, anonymity = await room.consult(_page_facts)
    return page(
        request,
        "board.html",
        board_id=room.board_id,
        title=title,
        ground_rules=GROUND_RULES,
        preload=module_graph("board.js"),
        anonymity=anonymity,
        sign_in=sign_in_on(request),
    )


async def join_page(request: Request) -> Response:
    room = await room_of(request)
    if room is None:
        return error_page(request, 404, "There is no board at this address.")
    title, anonymity = await room.consult(_page_facts)
    role = "observer" if request.query_params.get("role") == "observer" else "participant"
    return page(
        request,
        "join.html",
        board_id=room.board_id,
        title=title,
        role=role,
        anonymity=anonymity,
    )


async def form_join(request: Request) -> Response:
    if refused := await csrf_refusal(request):  # another site's form (web/auth_csrf.py)
        return error_page(request, 403, refused)
    room = await room_of(request)
    if room is None:
        return error_page(request, 404, "There is no board at this address.")
    title, anonymity = await room.consult(_page_facts)
    if not join_allowed(request):
        return error_page(request, 429, TOO_MANY_JOINS[0].upper() + TOO_MANY_JOINS[1:] + ".")
    try:
        join = await _body(request, o.Join, form=True)
        if not link_allowed(request, room.board_id, join.role):
            return error_page(
                request, 429, TOO_MANY_ON_LINK[0].upper() + TOO_MANY_ON_LINK[1:] + "."
            )
        pid, cred = await room.join(join.name, join.role, join.token)
        await remember_reader(request, room.board_id, pid)
    except Rejected as e:
        message = e.message[0].upper() + e.message[1:] + "."
        if e.code == "join_link":  # the join page again, ready for the current link
            return page(
                request,
                "join.html",
                403,
                board_id=room.board_id,
                title=title,
                role=join.role,
                anonymity=anonymity,
                refused=message,
            )
        return error_page(request, STATUS_OF.get(e.code, 422), message)
    return RedirectResponse(f"/b/{room.board_id}#k={cred}", status_code=303)


routes = [
    Route("/", landing),
    Route("/boards", form_create, methods=["POST"]),
    Route("/b/{board_id}", board_page),
    Route("/b/{board_id}/join", join_page),
    Route("/b/{board_id}/join", form_join, methods=["POST"]),
    Route("/api/boards", api_create, methods=["POST"]),
    Route("/api/boards/{board_id}", api_board),
    Route("/api/boards/{board_id}/join", api_join, methods=["POST"]),
    Route("/healthz", healthz),
    Route("/readyz", readyz),
    *timeline_preview.routes,
    *agendas.routes,
]
