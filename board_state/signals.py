"""Handlers for signals people send the room: raised hands, "refocus", wrap-up feedback.

Same contract as `reducer.py`: validate, then mutate, then return the changes.

- Hands form one queue in raising order. Raising a hand is a request to speak, so the queue
  names who is waiting (on anonymous boards too: the facilitator has to call on someone).
- "Let's refocus on systems" may be sent by anyone and never records who sent it: the board
  keeps only when it last happened and how often. One request a minute per board is enough to
  put the banner up; more would be noise, so they are refused as `too_soon`
  (not `rate_limited`, which tells a client to send the same op again later).
- Feedback is kept per participant (sending again replaces the answer) but is projected only
  as an aggregate, and only once enough people answered that no single answer stands out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import ops as o
from .errors import Rejected
from .model import Board, Feedback
from .util import Change, Ctx

REFOCUS_COOLDOWN_MS = 60_000
BOARD = Change("board", "")
FEEDBACK = Change("feedback", "")


def _raise_hand(board: Board, op: o.RaiseHand, ctx: Ctx) -> list[Change]:
    queued = ctx.actor in board.hands
    if op.raised == queued:
        return []  # already so: nothing changes, and a resent op stays harmless
    if op.raised:
        board.hands.append(ctx.actor)
    else:
        board.hands.remove(ctx.actor)
    return [BOARD]


def _lower_hand(board: Board, op: o.LowerHand, ctx: Ctx) -> list[Change]:
    if op.participant_id not in board.hands:
        raise Rejected("not_found", "that hand is not raised")
    board.hands.remove(op.participant_id)
    return [BOARD]


def _refocus(board: Board, op: o.Refocus, ctx: Ctx) -> list[Change]:
    if board.refocus_at is not None and ctx.now - board.refocus_at < REFOCUS_COOLDOWN_MS:
        raise Rejected(
            "too_soon",
            "the room was asked to refocus less than a minute ago; the banner is already showing",
        )
    board.refocus_at = ctx.now
    board.refocus_count += 1
    return [BOARD]


def _send_feedback(board: Board, op: o.SendFeedback, ctx: Ctx) -> list[Change]:
    board.feedback[ctx.actor] = Feedback(safety=op.safety, change=op.change.strip())
    return [FEEDBACK]


SIGNAL_HANDLERS: dict[type[o.Op], Callable[[Board, Any, Ctx], list[Change]]] = {
    o.RaiseHand: _raise_hand,
    o.LowerHand: _lower_hand,
    o.Refocus: _refocus,
    o.SendFeedback: _send_feedback,
}
