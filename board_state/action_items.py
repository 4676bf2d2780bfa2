"""Handlers for the actions the review decides on: adding, editing, ranking, selecting,
owners confirming them, their status afterwards and their issue in the issue tracker.

Same contract as `reducer.py`: validate everything, then mutate, then return the changes.
Actions belong to the whole group, so anyone who may write in the phase may edit them (only
whoever added one, or the facilitator, deletes it); only
their owner confirms them, and their owner or the facilitator sets their status. Whoever may
set an action's status may also hand it to the issue tracker (`check_link_issue`, asked by the
server before it calls the tracker); the server then records the issue with `link_issue`, and
later sets the status from the tracker's state (`set_action_status` as the server).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import ops as o
from .ballot import not_on_a_secret_ballot, refund_item
from .errors import Rejected
from .limits import MAX_ACTIONS
from .model import SYSTEM, Action, Board, IssueLink
from .util import Change, Ctx, check_limit, check_may_delete, lookup, normalise_date

# --- actions ---------------------------------------------------------------------------------


def _action(board: Board, action_id: str) -> Action:
    return lookup(board.actions, action_id, "action")


def _check_owner(board: Board, owner_id: str | None) -> None:
    if owner_id:
        p = board.participants.get(owner_id)
        if p is None or p.role == "observer":
            raise Rejected("invalid", "an action's owner must be a participant of this board")


def _check_links(board: Board, links: list[str], actor: str) -> None:
    for link in links:
        s = board.stickies.get(link)
        known = link in board.themes or link in board.chains or (s is not None and not s.hidden)
        if not known:
            raise Rejected(
                "not_found", f"an action can link themes, stickies or chains; '{link}' is none"
            )


def _add_action(board: Board, op: o.AddAction, ctx: Ctx) -> list[Change]:
    check_limit(len(board.actions), MAX_ACTIONS, "actions")
    _check_owner(board, op.owner_id)
    _check_links(board, op.links, ctx.actor)
    due = normalise_date(op.due, "due date")
    board.actions[ctx.new_id] = Action(
        id=ctx.new_id,
        text=op.text,
        owner_id=op.owner_id or None,
        due=due,
        success=op.success,
        kind=op.kind,
        links=list(dict.fromkeys(op.links)),
        created_at=ctx.now,
        author=ctx.actor,
    )
    board.action_order.append(ctx.new_id)
    return [Change("action", ctx.new_id), Change("board", "")]


def _edit_action(board: Board, op: o.EditAction, ctx: Ctx) -> list[Change]:
    a = _action(board, op.action_id)
    _check_owner(board, op.owner_id)
    if op.links is not None:
        _check_links(board, op.links, ctx.actor)
    due = normalise_date(op.due, "due date") if op.due is not None else a.due
    if op.owner_id is not None and (op.owner_id or None) != a.owner_id:
        a.owner_id = op.owner_id or None
        a.confirmed = False  # a new owner has not said yes yet
    a.due = due
    for field in ("text", "success", "kind"):
        value = getattr(op, field)
        if value is not None:
            setattr(a, field, value)
    if op.links is not None:
        a.links = list(dict.fromkeys(op.links))
    return [Change("action", a.id)]


def _delete_action(board: Board, op: o.DeleteAction, ctx: Ctx) -> list[Change]:
    a = _action(board, op.action_id)
    check_may_delete(a.author, ctx, "action")
    not_on_a_secret_ballot(board, "actions", "action")
    del board.actions[a.id]
    board.action_order.remove(a.id)
    return [Change("action", a.id), Change("board", ""), *refund_item(board, a.id)]


def _rank_action(board: Board, op: o.RankAction, ctx: Ctx) -> list[Change]:
    a = _action(board, op.action_id)
    if op.index >= len(board.action_order):
        raise Rejected("invalid", f"rank {op.index} is outside 0..{len(board.action_order) - 1}")
    board.action_order.remove(a.id)
    board.action_order.insert(op.index, a.id)
    return [Change("board", "")]


def _select_action(board: Board, op: o.SelectAction, ctx: Ctx) -> list[Change]:
    a = _action(board, op.action_id)
    a.selected = op.selected
    return [Change("action", a.id)]


def _confirm_owner(board: Board, op: o.ConfirmOwner, ctx: Ctx) -> list[Change]:
    a = _action(board, op.action_id)
    if a.owner_id != ctx.actor:
        raise Rejected("forbidden", "only the action's owner can confirm it")
    a.confirmed = op.confirmed
    return [Change("action", a.id)]


def _set_action_status(board: Board, op: o.SetActionStatus, ctx: Ctx) -> list[Change]:
    a = _action(board, op.action_id)
    if a.owner_id != ctx.actor and ctx.role not in ("facilitator", SYSTEM):
        raise Rejected(
            "forbidden", "only the action's owner or the facilitator can change its status"
        )
    a.status = op.status
    return [Change("action", a.id)]


def _not_linked(a: Action) -> None:
    if a.issue is not None:
        raise Rejected("already_linked", f"this action already has an issue: {a.issue.key}")


def check_link_issue(board: Board, action_id: str, actor: str) -> Action:
    """The action `actor` asks to turn into an issue, if they may: its owner or the
    facilitator, an action the meeting committed to (selected), not linked yet. Else
    `Rejected`, before anything is sent to the tracker."""
    role = board.role_of(actor)
    if role is None:
        raise Rejected("unauthorized", "you are not a participant of this board")
    a = _action(board, action_id)
    if a.owner_id != actor and role != "facilitator":
        raise Rejected(
            "forbidden", "only the action's owner or the facilitator can create its issue"
        )
    if not a.selected:
        raise Rejected(
            "invalid", "only an action the meeting committed to (selected) can become an issue"
        )
    _not_linked(a)
    return a


def _link_issue(board: Board, op: o.LinkIssue, ctx: Ctx) -> list[Change]:
    a = _action(board, op.action_id)
    _not_linked(a)  # one issue per action: a second would split its follow-up in two
    a.issue = IssueLink(tracker=op.tracker, key=op.key, url=op.url)
    return [Change("action", a.id)]


ACTION_HANDLERS: dict[type[o.Op], Callable[[Board, Any, Ctx], list[Change]]] = {
    o.AddAction: _add_action,
    o.EditAction: _edit_action,
    o.DeleteAction: _delete_action,
    o.RankAction: _rank_action,
    o.SelectAction: _select_action,
    o.ConfirmOwner: _confirm_owner,
    o.SetActionStatus: _set_action_status,
    o.LinkIssue: _link_issue,
}
