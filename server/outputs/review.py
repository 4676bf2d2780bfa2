"""The review of earlier open actions, across boards (`board_state/review.py` explains it).

    POST /api/boards/{id}/review/load         the facilitator: load the actions under review
    POST /api/boards/{id}/review/status       {board_id, action_id, status}: change one
    GET  /api/boards/{id}/review/candidates   ?q=: earlier post-mortems the facilitator may pick

All three take `Authorization: Bearer <credential>` of the board holding the review. What is
reviewed comes from the incident log (boards' public views), so a review shows nothing the log
would not show. A status change touches two boards, each through its own room: the earlier
board first (`set_action_status` as the server: it is the truth its owner and the actions page
see), then this one (`review_action`, the meeting's record). The core decides who may, before
either is touched; a retry after a failure in between sets the same status again, harmlessly.
"""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from hindsight.board_state import SYSTEM, Board, Rejected
from hindsight.board_state import ops as o
from hindsight.board_state.limits import MAX_REVIEW_ITEMS
from hindsight.board_state.model import ActionStatus
from hindsight.board_state.review import check_review
from hindsight.board_state.rules import check, check_read
from hindsight.server.outputs.follow_up import log_rows, submit
from hindsight.server.storage.log_rows import UNFINISHED, actions_of
from hindsight.server.storage.schema import LogRow
from hindsight.server.web.common import authenticated, error, hub_of

MAX_CANDIDATES = 50


class _Facts(msgspec.Struct, frozen=True):
    """What the load needs of the board holding the review."""

    tags: list[str]
    picked: list[str]
    changed: list[tuple[str, str]]  # (board id, action id) this meeting changed


def _facts(board: Board, pid: str) -> _Facts:
    check_read(board, pid, "load_review")
    return _Facts(
        tags=list(board.header.tags),
        picked=list(board.review.boards),
        changed=[(i.board_id, i.action_id) for i in board.review.items if i.was is not None],
    )


def review_items(rows: list[LogRow], board_id: str, facts: _Facts) -> list[o.ReviewItemInput]:
    """The actions under review: the unfinished ones of earlier post-mortems that share a tag
    with this board or were picked, and any this meeting changed; newest post-mortem first,
    each board's actions in its own rank order; at most MAX_REVIEW_ITEMS."""
    tags, picked, changed = set(facts.tags), set(facts.picked), set(facts.changed)
    items = []
    for row in rows:  # the log lists the newest first
        if row.board_id == board_id or not (tags & set(row.tags) or row.board_id in picked):
            continue
        for a in actions_of(row):
            if a["status"] in UNFINISHED or (row.board_id, a["id"]) in changed:
                items.append(
                    o.ReviewItemInput(
                        board_id=row.board_id,
                        board_title=row.title[:200],
                        board_date=row.date,
                        action_id=a["id"],
                        text=a["text"] or "(no text)",
                        owner=a["owner"][:80],
                        due=a["due"],
                        status=a["status"],
                    )
                )
    return items[:MAX_REVIEW_ITEMS]


async def load(request: Request) -> Response:
    room, pid = await authenticated(request)
    facts = await room.consult(lambda b: _facts(b, pid))
    items = review_items(await log_rows(request), room.board_id, facts)
    seq = await submit(request, room, SYSTEM, o.LoadReview(items=items))
    return JSONResponse({"seq": seq, "items": len(items)})


class _StatusBody(msgspec.Struct, frozen=True):
    board_id: str
    action_id: str
    status: ActionStatus


def _may_review(board: Board, op: o.ReviewAction, pid: str) -> None:
    """`Rejected` unless the core would accept `op` from `pid` (asked before either board is
    touched): the rules table's role and phase, then the review's own rule."""
    check(board, op, pid)
    check_review(board, op, pid)


async def set_status(request: Request) -> Response:
    room, pid = await authenticated(request)
    try:
        body = msgspec.json.decode(await request.body() or b"{}", type=_StatusBody)
        op = msgspec.convert(
            {**msgspec.structs.asdict(body), "type": "review_action"}, type=o.ReviewAction
        )
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        return error(422, "bad_message", str(e))
    await room.consult(lambda b: _may_review(b, op, pid))
    earlier = await hub_of(request).room(op.board_id)
    if earlier is None:
        raise Rejected("not_found", "that post-mortem is no longer on this server")
    status = o.SetActionStatus(action_id=op.action_id, status=op.status)
    await submit(request, earlier, SYSTEM, status)  # refreshes its log row too
    return JSONResponse({"seq": await submit(request, room, pid, op)})


async def candidates(request: Request) -> Response:
    room, pid = await authenticated(request)
    await room.consult(lambda b: check_read(b, pid, "load_review"))
    rows = await log_rows(request, q=request.query_params.get("q", "")[:200])
    found = [
        {
            "board_id": row.board_id,
            "title": row.title,
            "date": row.date,
            "tags": list(row.tags),
            "open": sum(1 for a in actions_of(row) if a["status"] in UNFINISHED),
        }
        for row in rows
        if row.board_id != room.board_id
    ]
    return JSONResponse({"post_mortems": found[:MAX_CANDIDATES]})


routes: list[BaseRoute] = [
    Route("/api/boards/{board_id}/review/load", load, methods=["POST"]),
    Route("/api/boards/{board_id}/review/status", set_status, methods=["POST"]),
    Route("/api/boards/{board_id}/review/candidates", candidates),
]
