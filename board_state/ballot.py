"""What a vote's ballot asks of the items on it: a deleted item's dots go back to their voters,
and, before the results are revealed, no item on the ballot may be deleted at all (its dots
would show in everyone's progress figures). Used by the content handlers and the reducer."""

from __future__ import annotations

from .errors import Rejected
from .model import Board
from .util import Change


def not_on_a_secret_ballot(board: Board, target: str, what: str) -> None:
    """Refuse to delete a kind of item while a vote on that kind is open or closed but not
    revealed: taking its dots away would change everyone's "N dots cast by M people" by exactly
    its total, before the reveal. (Refused whether or not it has dots: a refusal only for items
    with dots would say so.)"""
    for r in board.rounds.values():
        if r.target == target and r.state != "revealed":
            raise Rejected(
                "vote_pending",
                f"this {what} is on the ballot of a vote not revealed yet; "
                "delete it once the facilitator reveals the results",
            )


def refund_item(board: Board, item_id: str) -> list[Change]:
    """Take every dot off an item that is going away, and unlink it from actions."""
    changes = []
    for r in board.rounds.values():
        touched = False
        for voter in list(r.votes):
            if item_id in r.votes[voter]:
                del r.votes[voter][item_id]
                touched = True
                if not r.votes[voter]:
                    del r.votes[voter]
        if touched:
            changes.append(Change("round", r.id))
    for a in board.actions.values():
        if item_id in a.links:
            a.links.remove(item_id)
            changes.append(Change("action", a.id))
    return changes
