"""Handlers for dot voting: rounds opened, closed and revealed, dots cast and taken back.

Same contract as `reducer.py`: validate everything, then mutate, then return the changes. What
a round's ballot asks of the items on it (refunds, no deletion before the reveal) is
`ballot.py`'s; what each viewer may see of a round is `projection.py`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import ops as o
from .errors import Rejected
from .limits import MAX_ROUNDS
from .model import Board, Round
from .util import Change, Ctx, lookup


def _round(board: Board, round_id: str) -> Round:
    return lookup(board.rounds, round_id, "voting round")


def _open_vote(board: Board, op: o.OpenVote, ctx: Ctx) -> list[Change]:
    if board.open_round() is not None:
        raise Rejected("invalid", "a voting round is already open; close it first")
    if len(board.rounds) >= MAX_ROUNDS:
        raise Rejected("limit", f"a board has at most {MAX_ROUNDS} voting rounds")
    budget = op.budget if op.budget is not None else board.settings.dot_budget
    board.rounds[ctx.new_id] = Round(
        id=ctx.new_id, target=op.target, budget=budget, multi=op.multi, opened_at=ctx.now
    )
    return [Change("round", ctx.new_id)]


def _close_vote(board: Board, op: o.CloseVote, ctx: Ctx) -> list[Change]:
    r = _round(board, op.round_id)
    if r.state != "open":
        raise Rejected("vote_closed", "this voting round is not open")
    r.state = "closed"
    return [Change("round", r.id)]


def _reveal_vote(board: Board, op: o.RevealVote, ctx: Ctx) -> list[Change]:
    r = _round(board, op.round_id)
    if r.state == "revealed":
        raise Rejected("invalid", "this round's results are already revealed")
    r.state = "revealed"
    return [Change("round", r.id)]


def _votable(board: Board, r: Round, item_id: str, actor: str) -> bool:
    if r.target == "themes":
        return item_id in board.themes
    if r.target == "actions":
        return item_id in board.actions
    s = board.stickies.get(item_id)
    # Hidden writing cannot take dots: totals would reveal an item others do not know of.
    return s is not None and s.section != "parking_lot" and not s.hidden


def _cast_vote(board: Board, op: o.CastVote, ctx: Ctx) -> list[Change]:
    r = _round(board, op.round_id)
    if r.state != "open":
        raise Rejected("vote_closed", "this voting round is closed")
    if not _votable(board, r, op.item_id, ctx.actor):
        raise Rejected("not_found", f"nothing to vote on with that id in this round of {r.target}")
    mine = r.votes.get(ctx.actor, {})
    if sum(mine.values()) >= r.budget:
        raise Rejected("budget_exceeded", f"you have spent all {r.budget} of your dots")
    if not r.multi and mine.get(op.item_id):
        raise Rejected("invalid", "this round allows one dot per item")
    r.votes.setdefault(ctx.actor, {})
    r.votes[ctx.actor][op.item_id] = mine.get(op.item_id, 0) + 1
    return [Change("round", r.id)]


def _unvote(board: Board, op: o.Unvote, ctx: Ctx) -> list[Change]:
    r = _round(board, op.round_id)
    if r.state != "open":
        raise Rejected("vote_closed", "this voting round is closed")
    mine = r.votes.get(ctx.actor, {})
    if not mine.get(op.item_id):
        raise Rejected("invalid", "you have no dot on that item")
    mine[op.item_id] -= 1
    if mine[op.item_id] == 0:
        del mine[op.item_id]
    if not mine:
        del r.votes[ctx.actor]
    return [Change("round", r.id)]


VOTING_HANDLERS: dict[type[o.Op], Callable[[Board, Any, Ctx], list[Change]]] = {
    o.OpenVote: _open_vote,
    o.CloseVote: _close_vote,
    o.RevealVote: _reveal_vote,
    o.CastVote: _cast_vote,
    o.Unvote: _unvote,
}
