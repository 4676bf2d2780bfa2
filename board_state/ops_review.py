"""Ops of the review of earlier open actions (the `action_review` phase). See `ops.py` for the
wire format and the union of all ops, and `review.py` for what they do."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from .limits import MAX_REVIEW_ITEMS
from .model import ActionStatus
from .ops_base import Id, Name, Op, Text, Title

Day = Annotated[str, Meta(max_length=10)]  # YYYY-MM-DD, or "" for none


class ReviewItemInput(msgspec.Struct, frozen=True, kw_only=True):
    """An action of an earlier post-mortem as its incident log row shows it."""

    board_id: Id
    board_title: Title
    board_date: Day
    action_id: Id
    text: Text
    owner: Name = ""
    due: Day = ""
    status: ActionStatus = "open"


class LoadReview(Op, frozen=True, tag="load_review"):
    """Issued by the server: the actions under review, read from the incident log (the open
    actions of earlier post-mortems that share a tag with this one or that the facilitator
    picked, and those this meeting already changed)."""

    items: Annotated[list[ReviewItemInput], Meta(max_length=MAX_REVIEW_ITEMS)]


class PickReviewBoard(Op, frozen=True, tag="pick_review_board"):
    """The facilitator adds an earlier post-mortem to the review (or takes it out)."""

    board_id: Id
    picked: bool = True


class ReviewAction(Op, frozen=True, tag="review_action"):
    """The meeting sets the status of an action under review. The server applies it to the
    earlier board first (as `set_action_status`), then here, where the write-up records it."""

    board_id: Id
    action_id: Id
    status: ActionStatus
