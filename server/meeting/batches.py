"""What a room's round writes: its entries, the credentials of its joins, a snapshot now and
then, and the seal when the meeting closed in it. A mixin of `Room` (room.py)."""

from __future__ import annotations

import asyncio

from hindsight.board_state import Board, Entry, encode_board, encode_entry
from hindsight.server.meeting.frames import tally_nudges
from hindsight.server.meeting.inbox import Round
from hindsight.server.meeting.loading import CID_ENCODER, CidTable
from hindsight.server.storage.store import OpRow, SealRow, SnapshotRow, Store, WriteBatch

SNAPSHOT_EVERY = 500  # ops between snapshots: loading replays at most this many

__all__ = ["SNAPSHOT_EVERY", "Batches"]


class Batches:
    # The Room's state this uses (see room.py).
    store: Store
    board: Board
    seq: int
    _cids: CidTable
    _snapshot_seq: int

    def _seal(self, nudges: tuple[int, int] | None, entries: list[Entry]) -> tuple[SealRow, ...]:
        raise NotImplementedError

    async def _batch(self, r: Round) -> WriteBatch:
        nudges = (
            await asyncio.to_thread(tally_nudges, self.store, self.board.id, r.entries)
            if r.seal
            else None
        )
        return WriteBatch(
            ops=tuple(
                OpRow(
                    board_id=self.board.id,
                    seq=e.seq,
                    actor=e.actor,
                    cid=e.op.cid,
                    body=encode_entry(e),
                )
                for e in r.entries
            ),
            credentials=tuple(r.credentials),
            snapshots=() if r.seal else self._maybe_snapshot(),
            seals=self._seal(nudges, r.entries) if r.seal else (),
        )

    def _maybe_snapshot(self) -> tuple[SnapshotRow, ...]:
        # Called after every accepted op of the round is applied: the board is exactly at seq.
        if self.seq - self._snapshot_seq < SNAPSHOT_EVERY:
            return ()
        self._snapshot_seq = self.seq
        return (
            SnapshotRow(
                board_id=self.board.id,
                seq=self.seq,
                state=encode_board(self.board),
                cids=CID_ENCODER.encode(self._cids),
            ),
        )
