"""The spotlight: one item the facilitator puts in focus for everyone.

Same contract as `reducer.py`: validate, then mutate, then return the changes. The spotlight
names an item by kind and id and carries no person, so every viewer gets the same `board` view
of it. Only what everyone can see may be spotlighted: a sticky still hidden as private writing
is refused exactly like a sticky that does not exist, so the refusal tells nothing.

It lives only as long as it makes sense: `settle` runs after every accepted op and clears it
when the phase changed, the meeting closed, the item is gone (or no longer visible to all), or
a spotlighted sticky moved to another section.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import ops as o
from .errors import Rejected
from .model import Board, SpotlightRef
from .util import Change, Ctx

BOARD = Change("board", "")

_WHAT = {
    "sticky": "sticky",
    "timeline": "timeline entry",
    "chain": "five-whys chain",
    "theme": "theme",
    "action": "action",
}


def visible_to_all(board: Board, kind: str, item_id: str) -> bool:
    """Whether everyone on the board can see the item `kind`/`item_id`."""
    if kind == "sticky":
        s = board.stickies.get(item_id)
        return s is not None and not s.hidden
    items: dict[str, dict[str, Any]] = {
        "timeline": board.timeline,
        "chain": board.chains,
        "theme": board.themes,
        "action": board.actions,
    }
    return item_id in items[kind]


def _spotlight(board: Board, op: o.Spotlight, ctx: Ctx) -> list[Change]:
    if op.kind is None or op.item_id is None:
        if board.spotlight is None:
            return []  # nothing to clear: a resent op stays harmless
        board.spotlight = None
        return [BOARD]
    if not visible_to_all(board, op.kind, op.item_id):
        extra = " (private writing can be spotlighted once revealed)" if op.kind == "sticky" else ""
        raise Rejected("not_found", f"there is no such {_WHAT[op.kind]} visible to everyone{extra}")
    # Spotlighting the same item again refreshes `at`: clients bring it back into view.
    board.spotlight = SpotlightRef(kind=op.kind, id=op.item_id, at=ctx.now)
    return [BOARD]


def settle(board: Board, op: o.Op, current_before: str | None) -> list[Change]:
    """After an accepted op: clear a spotlight that no longer makes sense."""
    ref = board.spotlight
    if ref is None:
        return []
    moved = isinstance(op, o.MoveSticky) and ref.kind == "sticky" and op.sticky_id == ref.id
    if (
        board.current != current_before
        or board.closed_at is not None
        or moved
        or not visible_to_all(board, ref.kind, ref.id)
    ):
        board.spotlight = None
        return [BOARD]
    return []


SPOTLIGHT_HANDLERS: dict[type[o.Op], Callable[[Board, Any, Ctx], list[Change]]] = {
    o.Spotlight: _spotlight,
}
