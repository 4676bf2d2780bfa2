"""A signed-in person's own page: the post-mortems they ran or joined, and the actions they own,
whose status they change here without their participant link.

    GET  /me                                          the page (members only: access.py)
    GET  /api/me                                      the same as JSON
    POST /api/me/actions/{board_id}/{action_id}/status   {"status": ...}

Which boards: those they made or joined while signed in (storage: board_readers). Which
actions: those owned by a seat they took signed in (seat_accounts), read through that seat's
own view of its board; and, once an anonymous board is sealed and no longer says which seat was
whose, the actions the server recorded as theirs at the seal (action_owners), read from the
board's public view. A status change is `set_action_status` from their seat while the board
knows it (the core decides, as on the board), else from the server for the owner it recorded.
The status call is a JSON POST authenticated by the session cookie, so it must come from this
site: it needs `content-type: application/json` (a cross-site form cannot send that without
asking) and a same-site `Origin` when the browser sends one.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from hindsight.board_state import SYSTEM, Rejected
from hindsight.board_state import ops as o
from hindsight.board_state.model import ActionStatus
from hindsight.server.outputs.follow_up import submit
from hindsight.server.storage.log_rows import is_overdue, today_utc
from hindsight.server.web.common import hub_of, page
from hindsight.server.web.members import member_of


def _email(request: Request) -> str:
    member = member_of(request)
    if member is None:  # sign-in is off, or (the door lets nobody else in) a bug
        raise Rejected("unauthorized", "sign in to see your own post-mortems and actions")
    return member.email


async def _mine(request: Request) -> dict[str, Any]:
    email = _email(request)
    hub = hub_of(request)
    await hub.sync_log()
    boards = await asyncio.to_thread(hub.store.boards_of, email)
    titles = {b.board_id: b for b in boards}
    today = today_utc()
    actions = []
    seats = await asyncio.to_thread(hub.store.seats_of, email)
    owned = await asyncio.to_thread(hub.store.owned_actions_of, email)
    wanted: dict[str, tuple[str, set[str]]] = {}  # board -> (the viewer, action ids or all)
    for board_id, seat in seats:
        wanted[board_id] = (seat, set())
    for board_id, action_id in owned:
        wanted.setdefault(board_id, ("", set()))[1].add(action_id)
    for board_id, (viewer, ids) in wanted.items():
        room = await hub.room(board_id)
        if room is None:
            continue
        _, view = await room.read(viewer)
        row = titles.get(board_id)
        for a in view.actions:
            if a.selected and ((viewer and a.owner_id == viewer) or a.id in ids):
                item = {"id": a.id, "text": a.text, "due": a.due, "status": a.status}
                actions.append(
                    {
                        **item,
                        "success": a.success,
                        "board_id": board_id,
                        "board_title": row.title if row else view.board.header.title,
                        "overdue": is_overdue(item, today),
                    }
                )
    actions.sort(key=lambda a: (a["status"] not in ("open", "in_progress"), a["due"] or "9999"))
    return {
        "email": email,
        "boards": [
            {"board_id": b.board_id, "title": b.title, "date": b.date, "status": b.status}
            for b in boards
        ],
        "actions": actions,
    }


async def me_page(request: Request) -> Response:
    return page(request, "me.html", **await _mine(request))


async def api_me(request: Request) -> Response:
    return JSONResponse(await _mine(request))


class _Status(msgspec.Struct, frozen=True):
    status: ActionStatus


def _same_site(request: Request) -> None:
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise Rejected("bad_message", "send the status as JSON (content-type: application/json)")
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.url.netloc:
        raise Rejected("forbidden", "a status change must come from this site's own pages")


async def api_set_status(request: Request) -> Response:
    email = _email(request)
    _same_site(request)
    try:
        body = msgspec.json.decode(await request.body(), type=_Status)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        raise Rejected("bad_message", str(e)) from None
    board_id, action_id = request.path_params["board_id"], request.path_params["action_id"]
    hub = hub_of(request)
    seats = [s for b, s in await asyncio.to_thread(hub.store.seats_of, email) if b == board_id]
    owned = (board_id, action_id) in await asyncio.to_thread(hub.store.owned_actions_of, email)
    room = await hub.room(board_id) if seats or owned else None
    if room is None:
        raise Rejected("not_found", "you have no seat on that post-mortem")
    owner = await room.consult(lambda b: (a := b.actions.get(action_id)) and a.owner_id)
    if owner in seats:
        actor = str(owner)  # their own seat, as on the board
    elif owned:
        actor = SYSTEM  # the owner the server recorded at the seal (the rule admits it)
    else:
        raise Rejected("forbidden", "only the action's owner changes its status here")
    seq = await submit(
        request, room, actor, o.SetActionStatus(action_id=action_id, status=body.status)
    )
    return JSONResponse(
        {"seq": seq, "board_id": board_id, "action_id": action_id, "status": body.status}
    )


routes: list[BaseRoute] = [
    Route("/me", me_page),
    Route("/api/me", api_me),
    Route("/api/me/actions/{board_id}/{action_id}/status", api_set_status, methods=["POST"]),
]
