"""Saved agendas: a facilitator saves a board's agenda under a name for the whole organisation,
and the landing page offers it beside the built-in templates.

    POST   /api/boards/{id}/agenda/save   {"name", "replace": false}  the board's facilitator
    GET    /api/agendas                   every saved agenda, with its phases
    DELETE /api/agendas/{name}            the operator (HINDSIGHT_OPERATOR_TOKEN)

A board made from one (`"template": "saved:<name>"`, on the landing form and the API) carries the
phases in its `create_board` op (`agenda`), so the board never changes when the saved agenda
does. Without sign-in, anyone who can make a board can save or knowingly replace an agenda
(`replace: true`); deleting one is the operator's.
"""

from __future__ import annotations

import asyncio
import hmac
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from hindsight.board_state import Board, Rejected
from hindsight.board_state import ops as o
from hindsight.board_state.rules import check_read
from hindsight.server.storage.agendas import saved_agenda, saved_agendas
from hindsight.server.storage.schema import AgendaRow, WriteBatch
from hindsight.server.web.common import authenticated, bearer, error, hub_of

SAVED = "saved:"  # the template value that names a saved agenda
MAX_SAVED = 200

_PHASES = msgspec.json.Decoder(list[o.AgendaPhase])
_encode = msgspec.json.Encoder().encode


class _Save(msgspec.Struct, frozen=True):
    name: o.Name
    replace: bool = False


def _agenda_of(board: Board, pid: str) -> list[o.AgendaPhase]:
    check_read(board, pid, "save_agenda")
    # A phase's own fields, without its id or timer (convert leaves what AgendaPhase lacks).
    return [msgspec.convert(msgspec.to_builtins(p), o.AgendaPhase) for p in board.agenda]


def _summary(row: AgendaRow) -> dict[str, Any]:
    phases = _PHASES.decode(row.phases)
    return {
        "name": row.name,
        "phases": [msgspec.to_builtins(p) for p in phases],
        "minutes": sum(p.minutes for p in phases),
        "updated_at": row.updated_at,
    }


async def save(request: Request) -> Response:
    room, pid = await authenticated(request)
    try:
        body = msgspec.json.decode(await request.body() or b"{}", type=_Save)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        raise Rejected("bad_message", str(e)) from None
    name = " ".join(body.name.split())
    if not name:
        raise Rejected("invalid", "a saved agenda needs a name")
    phases = await room.consult(lambda b: _agenda_of(b, pid))
    if not phases:
        raise Rejected("invalid", "this board's agenda is empty: there is nothing to save")
    store = hub_of(request).store
    existing = await asyncio.to_thread(saved_agenda, store, name)
    if existing is not None and not body.replace:
        raise Rejected(
            "name_taken", f"an agenda named '{existing.name}' is saved already; replace it?"
        )
    if existing is None and len(await asyncio.to_thread(saved_agendas, store)) >= MAX_SAVED:
        raise Rejected("limit", f"at most {MAX_SAVED} agendas can be saved")
    now = room.clock()
    row = AgendaRow(
        name=name,
        phases=_encode(phases).decode(),
        created_at=existing.created_at if existing else now,
        updated_at=now,
    )
    await store.write(WriteBatch(agendas=(row,)))
    return JSONResponse(_summary(row), status_code=200 if existing else 201)


async def listing(request: Request) -> Response:
    rows = await asyncio.to_thread(saved_agendas, hub_of(request).store)
    return JSONResponse({"agendas": [_summary(r) for r in rows]})


async def forget(request: Request) -> Response:
    token: str = request.app.state.settings.operator_token
    if not token or not hmac.compare_digest(bearer(request).encode(), token.encode()):
        return error(401, "unauthorized", "deleting a saved agenda needs the operator's token")
    store = hub_of(request).store
    name = request.path_params["name"]
    if await asyncio.to_thread(saved_agenda, store, name) is None:
        raise Rejected("not_found", f"no agenda named '{name}' is saved")
    await store.write(WriteBatch(forget_agendas=(name,)))
    return Response(status_code=204)


async def with_saved_agenda(request: Request, create: o.CreateBoard) -> o.CreateBoard:
    """`create` with the phases of the saved agenda its template names (`saved:<name>`); the
    board's template becomes the 90-minute one, for what the agenda does not carry."""
    if not create.template.startswith(SAVED):
        return create
    name = create.template.removeprefix(SAVED)
    row = await asyncio.to_thread(saved_agenda, hub_of(request).store, name)
    if row is None:
        raise Rejected("invalid", f"no agenda named '{name}' is saved")
    return msgspec.structs.replace(
        create, template="blameless-90", agenda=_PHASES.decode(row.phases)
    )


async def landing_choices(request: Request) -> list[tuple[str, str]]:
    """The saved agendas as landing-page choices: (template value, label)."""
    rows = await asyncio.to_thread(saved_agendas, hub_of(request).store)
    choices = []
    for r in rows:
        phases = _PHASES.decode(r.phases)
        minutes = sum(p.minutes for p in phases)
        choices.append((SAVED + r.name, f"Saved: {r.name} ({len(phases)} phases, {minutes} min)"))
    return choices


routes: list[BaseRoute] = [
    Route("/api/boards/{board_id}/agenda/save", save, methods=["POST"]),
    Route("/api/agendas", listing),
    Route("/api/agendas/{name}", forget, methods=["DELETE"]),
]
