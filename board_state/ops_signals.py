"""Ops that signal the room rather than change its content: hands, refocus, wrap-up feedback
and the spotlight. See `ops.py` for the wire format and the union of all ops.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from .model import SpotlightKind
from .ops_base import Id, Op

# --- signals: hands, refocus and wrap-up feedback ------------------------------------------------


class RaiseHand(Op, frozen=True, tag="raise_hand"):
    """Join the queue to speak (`raised=False` leaves it). The queue is in raising order."""

    raised: bool = True


class LowerHand(Op, frozen=True, tag="lower_hand"):
    """The facilitator takes someone's hand down (they were heard, or it was raised by mistake)."""

    participant_id: Id


class Refocus(Op, frozen=True, tag="refocus"):
    """Anyone may ask the room to come back to systems, not people. Nobody learns who asked."""


class SendFeedback(Op, frozen=True, tag="send_feedback"):
    """Wrap-up feedback: how safe it felt to speak up (1-5) and one thing to do differently.
    Sending again replaces your earlier answer. The facilitator sees only the aggregate."""

    safety: Annotated[int, Meta(ge=1, le=5)]
    change: Annotated[str, Meta(max_length=500)] = ""


class Spotlight(Op, frozen=True, tag="spotlight"):
    """Put one item in focus for everyone (the facilitator's). A null `kind` or `item_id`
    clears the spotlight; it also clears itself when the phase changes or the item goes."""

    kind: SpotlightKind | None = None
    item_id: Id | None = None
