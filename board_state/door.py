"""The door: who gets a seat on a board, with which link, and how a seat is given back.

Same contract as `reducer.py`: validate, then mutate, then return the changes.

Theory of operation. A board's id may be listed (the incident log shows it); it opens nothing.
Joining needs the token of one of the board's two join links, one for people who write and one
for observers; the facilitator sees both and can replace either (`rotate_link`), which stops
the old one at once while everyone already seated keeps their seat (a seat is a credential,
not a link). The observer link seats observers only; the participant link may seat either, so
someone sent the writing link can still choose to watch.

Boards made before join links have none: their logged joins replay without a token, and the
server gives such a board both links the first time it loads it (a lazy migration), before it
takes any join. From then on a join without the current token is refused as `join_link`.

Observers have places of their own, so a flood of read-only joins cannot lock out the people
who write. The facilitator can free seats nobody uses (`remove_seat`): the person leaves the
participants list and their credential stops working (the shell drops it); what they wrote
stays, with no way back to them. A seat that owns an action is in use and is not removed.

Outside the meeting, when the organisation signs in (server/web/access.py), a board may be
restricted (`set_access`): then only the people who joined it signed in and the members the
facilitator names may read it in the log, the write-up and the rest. Who joined signed in is
the server's record (no seat is tied to an account there); the core keeps the named ones.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from . import ops as o
from .errors import Rejected
from .limits import MAX_OBSERVERS, MAX_PARTICIPANTS
from .model import Board, Participant
from .util import Change, Ctx

BOARD = Change("board", "")


def _set_access(board: Board, op: o.SetAccess, ctx: Ctx) -> list[Change]:
    """Who may read the board outside its meeting, when the organisation signs in."""
    if op.restricted is not None:
        board.access.restricted = op.restricted
    if op.members is not None:
        board.access.members = sorted({m.strip().lower() for m in op.members})
    return [BOARD]


STALE_LINK = (
    "this join link is out of date or incomplete; ask the facilitator for the "
    "board's current join link"
)


def _check_token(board: Board, op: o.Join) -> None:
    if not board.links:  # a board from before join links, replaying its old joins
        return
    given = op.token.encode()
    ok = [
        hmac.compare_digest(given, board.links.get(role, "").encode())
        for role in ("participant", "observer")
    ]
    if not (ok[0] or (op.role == "observer" and ok[1])):
        raise Rejected("join_link", STALE_LINK)


def _join(board: Board, op: o.Join, ctx: Ctx) -> list[Change]:
    if op.role == "facilitator":
        raise Rejected(
            "invalid",
            "join as a participant or an observer; the facilitator "
            "role is handed over on the board",
        )
    _check_token(board, op)
    watching = op.role == "observer"
    taken = sum((p.role == "observer") == watching for p in board.participants.values())
    if taken >= (MAX_OBSERVERS if watching else MAX_PARTICIPANTS):
        raise Rejected(
            "limit",
            f"this board already has {taken} {'observers' if watching else 'people writing'}",
        )
    if ctx.new_id in board.participants:
        raise Rejected("invalid", "this participant id is taken")
    name = op.name.strip() or f"Guest {len(board.participants) + 1}"
    board.participants[ctx.new_id] = Participant(
        id=ctx.new_id, name=name, role=op.role, joined_at=ctx.now
    )
    return [Change("participant", ctx.new_id)]


def _rotate_link(board: Board, op: o.RotateLink, ctx: Ctx) -> list[Change]:
    board.links[op.role] = ctx.new_id  # the shell draws a long one for links: it is a secret
    return [BOARD]


def _remove_seat(board: Board, op: o.RemoveSeat, ctx: Ctx) -> list[Change]:
    p = board.participants.get(op.participant_id)
    if p is None:
        raise Rejected("not_found", "there is no such seat on this board")
    if p.id == board.facilitator:
        raise Rejected(
            "invalid", "the facilitator's seat cannot be removed; hand the role over first"
        )
    if any(a.owner_id == p.id for a in board.actions.values()):
        raise Rejected("invalid", f"{p.name} owns an action: give it another owner first")
    del board.participants[p.id]
    if p.id in board.hands:
        board.hands.remove(p.id)
    return [Change("participant", p.id), BOARD]


DOOR_HANDLERS: dict[type[o.Op], Callable[[Board, Any, Ctx], list[Change]]] = {
    o.Join: _join,
    o.RotateLink: _rotate_link,
    o.RemoveSeat: _remove_seat,
    o.SetAccess: _set_access,
}
