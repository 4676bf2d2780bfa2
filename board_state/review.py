"""Handlers for the review of earlier open actions (phase kind `action_review`).

Same contract as `reducer.py`: validate everything, then mutate, then return the changes.

Theory of operation. The core cannot read other boards: the server reads the incident log and
hands the actions under review in with `load_review` (issued by the server), so the board holds
a copy, and everyone in the meeting sees the same list. When the meeting changes an action's
status, the server first applies `set_action_status` to the earlier board (the truth, and what
its owner and the actions page see), then `review_action` here, which keeps what the status
was before, for the write-up. A later load refreshes every status from the log but keeps those
"was" marks, so the record of what this meeting changed survives a reload.

Who may change a status here: the facilitator, and a participant whose display name is the
action's owner's (owners are named on the earlier board; there are no accounts to match, and
the change happens in front of the whole meeting).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from . import ops as o
from .errors import Rejected
from .limits import MAX_REVIEW_BOARDS
from .model import Board, ReviewItem
from .util import Change, Ctx

REVIEW = Change("review", "")


def _same_name(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold() != ""


def check_review(board: Board, op: o.ReviewAction, actor: str) -> ReviewItem:
    """The item `op` changes, if `actor` may change it (the rules table has already allowed
    the role and the phase); else `Rejected`. The server asks this before it touches the
    earlier board."""
    item = next(
        (
            i
            for i in board.review.items
            if i.board_id == op.board_id and i.action_id == op.action_id
        ),
        None,
    )
    if item is None:
        raise Rejected("not_found", "that action is not in this review; reload the review")
    person = board.participants.get(actor)
    if person is None or person.role == "observer":
        raise Rejected("forbidden", "observers watch; they may not change an action's status")
    if person.role != "facilitator" and not _same_name(person.name, item.owner):
        raise Rejected(
            "forbidden",
            f"only the action's owner ({item.owner or 'nobody yet'}) or the facilitator can "
            "change its status",
        )
    return item


def _load_review(board: Board, op: o.LoadReview, ctx: Ctx) -> list[Change]:
    was = {(i.board_id, i.action_id): i.was for i in board.review.items if i.was is not None}
    items = [
        ReviewItem(**msgspec.structs.asdict(i), was=was.get((i.board_id, i.action_id)))
        for i in op.items
        if i.board_id != board.id
    ]
    loaded = {(i.board_id, i.action_id) for i in items}
    # What this meeting changed stays on the record even if the log no longer lists it.
    kept = [
        i
        for i in board.review.items
        if i.was is not None and (i.board_id, i.action_id) not in loaded
    ]
    board.review.items = items + kept
    board.review.loaded_at = ctx.now
    return [REVIEW]


def _pick_review_board(board: Board, op: o.PickReviewBoard, ctx: Ctx) -> list[Change]:
    picked = board.review.boards
    if op.board_id == board.id:
        raise Rejected(
            "invalid", "this post-mortem's own actions are reviewed in its actions phase"
        )
    if op.picked and op.board_id not in picked:
        if len(picked) >= MAX_REVIEW_BOARDS:
            raise Rejected("limit", f"a review takes at most {MAX_REVIEW_BOARDS} post-mortems")
        picked.append(op.board_id)
    elif not op.picked and op.board_id in picked:
        picked.remove(op.board_id)
    return [REVIEW]


def _review_action(board: Board, op: o.ReviewAction, ctx: Ctx) -> list[Change]:
    item = check_review(board, op, ctx.actor)
    if item.was is None:
        item.was = item.status
    item.status = op.status
    if item.status == item.was:  # set back: nothing changed after all
        item.was = None
    return [REVIEW]


REVIEW_HANDLERS: dict[type[o.Op], Callable[[Board, Any, Ctx], list[Change]]] = {
    o.LoadReview: _load_review,
    o.PickReviewBoard: _pick_review_board,
    o.ReviewAction: _review_action,
}
