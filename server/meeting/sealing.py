"""Sealing a room's board when its meeting closes (board_state/seal.py says what is kept).

A mixin of `Room`: sealing replaces the room's own board, dedupe table, replay window and
epoch, so it works on the room's state; it lives apart because it is one concern with its own
reasons, not because anything else calls it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

from hindsight.board_state import Board, Entry, encode_board
from hindsight.board_state import ops as o
from hindsight.board_state.seal import seal
from hindsight.board_state.util import Change
from hindsight.server.meeting.frames import tally_nudges
from hindsight.server.meeting.loading import CID_ENCODER, CidTable
from hindsight.server.storage.store import SealRow, Store, WriteBatch


class Sealing:
    # The Room's state this works on (see room.py).
    store: Store
    board: Board
    seq: int
    epoch: str
    closed: bool
    _cids: CidTable
    _recent: deque[tuple[int, int, tuple[Change, ...]]]
    _snapshot_seq: int
    _fresh_epoch: Callable[[], str]  # catch_up.py (an annotation: no stub to shadow it)

    async def seal_closed(self) -> None:
        """Seal a board that was closed before closing sealed (a lazy migration, run by the
        hub when it loads the board, before anyone else gets the room)."""
        if self.board.closed_at is None or self.board.sealed:
            return
        nudges = await asyncio.to_thread(tally_nudges, self.store, self.board.id, [])
        try:
            await self.store.write(WriteBatch(seals=self._seal(nudges, [])))
        except Exception:
            self.closed = True  # the board in memory is ahead of the disk: reload next time
            raise

    def _seal(self, nudges: tuple[int, int] | None, entries: list[Entry]) -> tuple[SealRow, ...]:
        """Seal the board as this round leaves it (the meeting was closed): the stored
        history up to now is replaced by the sealed board in the round's own transaction, the
        replay window and the dedupe table go (both say who sent what), and a new epoch makes
        every client take a fresh snapshot instead of resuming.

        The dedupe table keeps one row: the close itself. Only the facilitator may close, so it
        says nothing new about anyone, and a facilitator whose ack was lost (a dropped
        connection, a crash after the commit) resends it and is told it was applied, instead of
        being refused because the meeting is closed."""
        self.board = seal(self.board, nudges)
        self._cids = {
            e.actor: {e.op.cid: e.seq}
            for e in entries
            if isinstance(e.op, o.CloseMeeting) and e.op.cid
        }
        self._recent.clear()
        self.epoch = self._fresh_epoch()  # the same on every node of a shared store
        self._snapshot_seq = self.seq
        board = self.board
        return (
            SealRow(
                board_id=board.id,
                seq=self.seq,
                state=encode_board(board),
                cids=CID_ENCODER.encode(self._cids),
                # An anonymous board forgets which account sat in which seat; an account that
                # owned actions keeps owning them (by action, not by seat: "my actions").
                forget_seats=board.settings.anonymity != "named",
                owned=tuple(
                    sorted((a.id, a.owner_id) for a in board.actions.values() if a.owner_id)
                ),
            ),
        )
