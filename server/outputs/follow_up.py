"""Action follow-up after the meeting: every action of every post-mortem, and its status.

The lists and figures come from the incident log's rows (the boards' public views), so this
page can show nothing a board would not show a stranger. A status change is an ordinary op,
`set_action_status`, submitted through the board's room as the credential's holder: the core
decides who may (the action's owner or the facilitator) and that it still works after the
meeting is closed, so nothing here re-implements those rules.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from functools import partial
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hindsight.board_state import Rejected, apply, decode_board, encode_board
from hindsight.board_state import ops as o
from hindsight.board_state.model import ActionStatus, Board
from hindsight.server.meeting.room import Room, RoomClosed
from hindsight.server.storage.log_rows import (
    MAX_OPEN,
    WARN_BELOW,
    actions_of,
    completion,
    is_overdue,
    today_utc,
)
from hindsight.server.storage.schema import LogRow
from hindsight.server.web.common import authenticated, error, hub_of, page
from hindsight.server.web.members import reader_of

logger = logging.getLogger("hindsight.follow_up")


async def log_rows(request: Request, **filters: str) -> list[LogRow]:
    """The log rows matching `filters` that this request's person may read (restricted boards:
    members.reader_of), after catching up rows that are missing or behind."""
    hub = hub_of(request)
    await hub.sync_log()
    return await asyncio.to_thread(
        partial(hub.store.search_log, reader=reader_of(request), **filters)
    )


async def may_read(request: Request, board_id: str) -> bool:
    """Whether this request's person may read the board outside its meeting (a restricted
    board: only its people and named readers, when people sign in)."""
    reader = reader_of(request)
    if reader is None:
        return True
    hub = hub_of(request)
    await hub.sync_log()
    return await asyncio.to_thread(hub.store.readable, board_id, reader)


async def submit(request: Request, room: Room, pid: str, op: o.Op) -> int:
    """Apply `op` as `pid`; its seq once durable. A refusal is raised as `Rejected` (the app
    answers it); a room that could not save answers 503 `unavailable`."""
    try:
        seq = (await room.submit_as(pid, op)).seq
    except RoomClosed:
        raise Rejected("unavailable", "the board could not be saved just now; try again") from None
    # Refresh the log row now rather than after the debounce: the caller reloads the list next.
    # The op is durable whatever happens here; a failed refresh is redone by the next read.
    try:
        await hub_of(request).refresh_log(room.board_id)
    except Exception:
        logger.exception("board %s: incident log refresh failed", room.board_id)
    return seq


# --- what the page and the API show -----------------------------------------------------------


def _item(row: LogRow, action: dict[str, Any], today: str) -> dict[str, Any]:
    overdue = is_overdue(action, today)
    state = (
        "overdue"
        if overdue
        else ("open" if action["status"] in ("open", "in_progress") else action["status"])
    )
    late = (date.fromisoformat(today) - date.fromisoformat(action["due"])).days if overdue else 0
    return {
        **action,
        "board_id": row.board_id,
        "board_title": row.title,
        "board_status": row.status,
        "severity": row.severity,
        "board_date": row.date,
        "overdue": overdue,
        "days_late": late,
        "state": state,
    }


def follow_up(rows: list[LogRow], today: str) -> dict[str, Any]:
    """Actions grouped by state, with completion overall and per post-mortem."""
    by_row = [(row, actions_of(row)) for row in rows]
    groups: dict[str, list[dict[str, Any]]] = {"overdue": [], "open": [], "done": [], "dropped": []}
    for row, actions in by_row:
        for a in actions:
            item = _item(row, a, today)
            groups[item["state"]].append(item)
    # Most urgent first: the longest overdue, the nearest due date ("no date" last).
    groups["overdue"].sort(key=lambda i: (i["due"], i["board_title"]))
    groups["open"].sort(key=lambda i: (i["due"] == "", i["due"], i["board_title"]))
    per_board = [(row, completion(actions, today)) for row, actions in by_row if actions]
    return {
        "today": today,
        "groups": groups,
        "overall": completion([a for _, actions in by_row for a in actions], today),
        "per_board": per_board,
    }


async def actions_page(request: Request) -> Response:
    data = follow_up(await log_rows(request), today_utc())
    return page(
        request, "actions.html", **data, warn_below=int(WARN_BELOW * 100), max_open=MAX_OPEN
    )


async def api_actions(request: Request) -> Response:
    data = follow_up(await log_rows(request), today_utc())
    body = {
        "today": data["today"],
        "completion": data["overall"].as_json(),
        "post_mortems": [
            {
                "board_id": row.board_id,
                "title": row.title,
                "status": row.status,
                "completion": c.as_json(),
            }
            for row, c in data["per_board"]
        ],
        "actions": [i for group in data["groups"].values() for i in group],
    }
    return JSONResponse(body)


class _StatusBody(msgspec.Struct):
    status: ActionStatus


async def api_set_status(request: Request) -> Response:
    """POST {"status": ...} with `Authorization: Bearer <credential>`."""
    room, pid = await authenticated(request)
    try:
        body = msgspec.json.decode(await request.body() or b"{}", type=_StatusBody)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        return error(422, "bad_message", str(e))
    action_id = request.path_params["action_id"]
    seq = await submit(
        request, room, pid, o.SetActionStatus(action_id=action_id, status=body.status)
    )
    return JSONResponse(
        {"seq": seq, "board_id": room.board_id, "action_id": action_id, "status": body.status}
    )


def may_set_status(board: Board, pid: str, now: int) -> list[str]:
    """The actions whose status `pid` may change, as the core decides: each status is set to
    itself on a throwaway copy of the board, and the ones the core accepts are listed. So this
    page holds no copy of the rule (the owner or the facilitator, also after closing)."""
    trial = decode_board(encode_board(board))
    ids = []
    for action_id in list(trial.actions):
        same = o.SetActionStatus(action_id=action_id, status=trial.actions[action_id].status)
        try:
            apply(trial, same, actor=pid, now=now, new_id="")
        except Rejected:
            continue
        ids.append(action_id)
    return ids


async def api_viewer(request: Request) -> Response:
    """GET with `Authorization: Bearer <credential>`: who the credential is on this board and
    which actions' status it may change. The actions page asks this once per board it holds a
    credential for, and offers a status menu on those rows only."""
    room, pid = await authenticated(request)
    _, view = await room.read(pid)
    me = next((p for p in view.participants if p.id == pid), None)
    return JSONResponse(
        {
            "board_id": room.board_id,
            "participant_id": pid,
            "name": me.name if me else "",
            "role": me.role if me else None,
            "may_set_status": await room.consult(
                lambda board: may_set_status(board, pid, room.clock())
            ),
        }
    )


routes = [
    Route("/actions", actions_page),
    Route("/api/boards/{board_id}/viewer", api_viewer),
    Route("/api/actions", api_actions),
    Route("/api/boards/{board_id}/actions/{action_id}/status", api_set_status, methods=["POST"]),
]
