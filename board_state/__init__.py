"""Hindsight's board engine: pure, deterministic, no I/O.

`apply(board, op, actor=, now=, new_id=)` is the one way a board changes; `view_for` and
`project` are the only ways board data is shaped for a viewer; `protocol` defines the frames.
"""

from __future__ import annotations

from .errors import Rejected
from .model import ANONYMOUS, SYSTEM, Board, decode_board, encode_board
from .ops import Entry, Op, decode_entry, encode_entry
from .projection import project, view_for, viewer_key
from .reducer import Applied, apply, made_by
from .timebox import next_deadline, on_deadline


def replay(board_id: str, entries: list[Entry], board: Board | None = None) -> Board:
    """Apply logged entries in order to `board` (or a fresh one). Entries were accepted once,
    so a rejection here means the log and the engine disagree: that is a bug, and it raises."""
    board = board if board is not None else Board(id=board_id)
    for e in entries:
        apply(board, e.op, actor=e.actor, now=e.at, new_id=e.new_id)
    return board


__all__ = [
    "ANONYMOUS",
    "SYSTEM",
    "Applied",
    "Board",
    "Entry",
    "Op",
    "Rejected",
    "apply",
    "decode_board",
    "decode_entry",
    "encode_board",
    "encode_entry",
    "made_by",
    "next_deadline",
    "on_deadline",
    "project",
    "replay",
    "view_for",
    "viewer_key",
]
