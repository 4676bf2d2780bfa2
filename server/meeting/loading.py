"""Bringing a board back from the store: its committed state (`restore`, also used by reads
that need no room) and what a Room needs besides (`load_board`: the seats' secrets and the
dedupe table of client op ids)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import msgspec

from hindsight.board_state import Board, decode_board, decode_entry, replay
from hindsight.server.storage.store import CredentialRow, LoadedBoard, Store

log = logging.getLogger("hindsight.room")

CidTable = dict[str, dict[str, int]]  # actor -> client op id -> the seq it was applied at
CID_ENCODER = msgspec.json.Encoder()
_decode_cids = msgspec.json.Decoder(CidTable).decode


def restore(board_id: str, loaded: LoadedBoard) -> tuple[Board, int]:
    """A board's committed state and its seq, from what the store loaded: the latest snapshot
    (a sealed board's only one) with the ops after it replayed. The one way a board comes back
    from disk, for a room and for a read that needs no room."""
    snapshot = loaded.snapshot
    board = decode_board(snapshot.state) if snapshot else Board(id=board_id)
    replay(board_id, [decode_entry(row.body) for row in loaded.tail], board)
    seq = loaded.tail[-1].seq if loaded.tail else (snapshot.seq if snapshot else 0)
    return board, seq


def cid_table(loaded: LoadedBoard) -> CidTable:
    """The dedupe table as of the loaded board's last op: the snapshot's, with the tail's cids
    (a shared store's snapshots always carry theirs: see load_board for older SQLite files)."""
    snapshot = loaded.snapshot
    cids: CidTable = {}
    if snapshot is not None and snapshot.cids is not None:
        cids = _decode_cids(snapshot.cids)
    for row in loaded.tail:
        if row.cid:
            cids.setdefault(row.actor, {})[row.cid] = row.seq
    return cids


@dataclass
class LoadedRoom:
    board: Board
    seq: int
    epoch: str  # the board's stored epoch (a shared store's rooms resume by it)
    secrets: dict[str, str]  # participant id -> sha256 of their secret
    cids: CidTable
    snapshot_seq: int


async def load_board(store: Store, board_id: str) -> LoadedRoom | None:
    def read() -> tuple[LoadedBoard | None, list[CredentialRow], CidTable]:
        loaded = store.load(board_id)
        old_snapshot = (
            loaded is not None and loaded.snapshot is not None and loaded.snapshot.cids is None
        )
        # The dedupe table comes with the snapshot (and the tail); only a snapshot written
        # before it was kept there needs the op log's cids, a row per op.
        return (
            loaded,
            store.credentials(board_id),
            (store.cid_seqs(board_id) if old_snapshot else {}),
        )

    loaded, creds, cids = await asyncio.to_thread(read)
    if loaded is None:
        return None
    snapshot = loaded.snapshot
    board, seq = restore(board_id, loaded)
    if snapshot is not None and snapshot.cids is not None:
        try:
            cids = _decode_cids(snapshot.cids)
        except msgspec.DecodeError:  # not ours to read: the op log has the same facts
            log.warning(
                "board %s: unreadable dedupe table in snapshot %d; rebuilding it from the op log",
                board_id,
                snapshot.seq,
            )
            cids = await asyncio.to_thread(store.cid_seqs, board_id)
    for row in loaded.tail:
        if row.cid:
            cids.setdefault(row.actor, {})[row.cid] = row.seq
    return LoadedRoom(
        board,
        seq,
        loaded.board.epoch,
        {c.participant_id: c.secret_hash for c in creds},
        cids,
        snapshot.seq if snapshot else 0,
    )
