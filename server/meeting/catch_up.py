"""Catching up with other nodes: a room on a store several nodes share (PostgreSQL).

A mixin of `Room`. On SQLite a room is its board's only writer and none of this runs. On a
shared store any node may take any board's ops, so a room is the only writer *on its node*:

* **Commits of other nodes.** When a node commits ops, PostgreSQL tells every node
  (LISTEN/NOTIFY, pg_store.py) and the hub hints the board's room here. The room reads the
  rows after its seq from the log at the start of its next round, applies them through the
  core exactly as it applies its own ops (the core is deterministic: the same entries give
  the same board on every node) and sends their events to its own connections, so the
  board's people on different nodes see one board. A hello from a client that has seen a
  later seq than the room (it was on another node) makes the room catch up first too.
* **Two nodes at once.** If another node committed a seq first, this round's batch fails
  with `SeqConflict` and nothing of it was written. The room rewinds to the board it had
  committed, catches up, and runs the round's ops again through the core, which re-checks
  each against the newer board (a vote beyond the budget, an edit of a note deleted
  meanwhile are refused now), then writes again with the next seqs. A resend of an op the
  other node took is a duplicate by then (its client op id came with the rows).
* **Timers.** Every node that has the room arms the board's deadline; the first to commit
  the expiry wins the seq, and the others' expiry is refused by the core after catching up
  (the phase has expired): one `timebox_expired` per deadline, whichever nodes are up.
* **A sealed history** (another node closed the board) cannot be stepped through: its rows
  are emptied. The room reloads the sealed board and sends its people a fresh snapshot, as
  the sealing node does. Anything else is stepped through, event by event, from a snapshot at
  or before the room's seq (another node's later snapshot is passed over): a welcome in the
  middle of a connection makes clients resend their outboxes, so it is kept for seals.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from hindsight.board_state import Board, Entry, apply, decode_board, decode_entry, replay
from hindsight.board_state import ops as o
from hindsight.board_state.util import Change
from hindsight.server.meeting.frames import Peer, event_frames
from hindsight.server.meeting.ids import new_id
from hindsight.server.meeting.inbox import Behind, Round, Submit
from hindsight.server.meeting.loading import cid_table
from hindsight.server.storage.store import LoadedBoard, SeqConflict, Store, WriteBatch

log = logging.getLogger("hindsight.room")

# Rounds of catch-up and retry before the room gives up: it then shuts like a room whose commit
# failed (connections close with 1011, clients reconnect, the next visitor reloads the board).
MAX_ATTEMPTS = 50


class CatchUp:
    # The Room's state and methods this uses (see room.py).
    store: Store
    board: Board
    seq: int
    epoch: str
    peers: set[Peer]
    shared: bool
    after_commit: Callable[[Any], None] | None
    _cids: dict[str, dict[str, int]]
    _secrets: dict[str, str]
    _recent: deque[tuple[int, int, tuple[Change, ...]]]
    _snapshot_seq: int
    _hinted: int
    _board_epoch: str
    closed: bool

    def _seats_changed(self, op: o.Op, r: Round) -> None:
        raise NotImplementedError

    def _disconnect_removed(self, pids: list[str]) -> None:
        raise NotImplementedError

    def _send_presence(self) -> None:
        raise NotImplementedError

    def _welcome_frame(self, viewer: str, *, snapshot: bool) -> bytes:
        raise NotImplementedError

    def _arm_deadline(self) -> None:
        raise NotImplementedError

    def _enqueue(self, item: Behind) -> None:
        raise NotImplementedError

    def authenticate(self, credential: str) -> str | None:
        raise NotImplementedError

    def _fresh_epoch(self) -> str:
        """On a shared store, the same on every node: the board's stored epoch, and another
        once the board is sealed (nobody resumes across a seal); else a new one."""
        if not self.shared:
            return new_id()
        return f"{self._board_epoch}.{self.seq}" if self.board.sealed else self._board_epoch

    def hint(self, seq: int) -> None:
        """Another node committed this board up to `seq` (0: it may have): catch up."""
        if not self.closed and (seq == 0 or seq > max(self.seq, self._hinted)):
            self._hinted = max(self._hinted, seq)
            self._enqueue(Behind(seq))

    async def authenticate_now(self, credential: str) -> str | None:
        """`authenticate`, after reading the seats again when the credential is unknown and
        other nodes seat people too (someone who joined through another node)."""
        pid = self.authenticate(credential)
        if pid is None and self.shared:
            self._secrets_stale = True
            await self._refresh_secrets()
            pid = self.authenticate(credential)
        return pid

    # --- catching up between rounds ----------------------------------------------------------

    async def _catch_up(self, want: int) -> None:
        """Apply what other nodes committed after our seq (the board is committed state);
        `want`: a seq someone has seen (0: none known), so a gap can be told from nothing new."""
        hinted, self._hinted = max(self._hinted, want), 0
        rows = await asyncio.to_thread(self.store.ops_since, self.board.id, self.seq)
        # Contiguous from our seq and not emptied by a seal (catch up), or else reload.
        if rows and rows[0].seq == self.seq + 1 and all(row.body for row in rows):
            self._apply_foreign([decode_entry(row.body) for row in rows])
        elif rows or hinted > self.seq:  # emptied by a seal (or a seq we cannot find): reload
            await self._reload()
            return
        if rows:
            self._board_moved()

    async def _rewind(self, base_seq: int) -> None:
        """After a SeqConflict: back to the board as committed at `base_seq` (the round's
        ops are undone), then forward through what other nodes committed since."""
        # From a snapshot at or before `base_seq` (another node may have written a later one):
        # the ops after it are all in the log, unless a seal emptied them.
        loaded, secrets = await asyncio.to_thread(self._read_board, base_seq)
        if loaded is None or not all(row.body for row in loaded.tail):
            await self._reload()
            return
        snapshot = loaded.snapshot
        board = decode_board(snapshot.state) if snapshot else Board(id=self.board.id)
        entries = [decode_entry(row.body) for row in loaded.tail]
        replay(self.board.id, [e for e in entries if e.seq <= base_seq], board)
        self.board, self.seq = board, base_seq
        self._cids, self._secrets = cid_table(loaded), secrets
        self._snapshot_seq = snapshot.seq if snapshot else 0
        while self._recent and self._recent[-1][0] > base_seq:
            self._recent.pop()
        self.epoch = self._fresh_epoch()  # a failed seal had moved it on
        self._apply_foreign([e for e in entries if e.seq > base_seq])
        self._board_moved()

    async def _reload(self) -> None:
        """The board whole from the log, and a fresh snapshot for everyone connected (after
        another node sealed it: the history we would step through is gone)."""
        from hindsight.server.meeting.loading import restore

        loaded, secrets = await asyncio.to_thread(self._read_board)
        if loaded is None:
            raise RuntimeError(f"board {self.board.id} is gone from the store")
        self.board, self.seq = restore(self.board.id, loaded)
        self._cids, self._secrets = cid_table(loaded), secrets
        self._snapshot_seq = loaded.snapshot.seq if loaded.snapshot else 0
        self._recent.clear()
        self.epoch = self._fresh_epoch()
        for peer in list(self.peers):
            peer.send(self._welcome_frame(peer.participant_id, snapshot=True))
        self._board_moved()

    def _read_board(self, at_most: int | None = None) -> tuple[LoadedBoard | None, dict[str, str]]:
        loaded = self.store.load(self.board.id, at_most)
        creds = self.store.credentials(self.board.id)
        return loaded, {c.participant_id: c.secret_hash for c in creds}

    def _apply_foreign(self, entries: list[Entry]) -> None:
        """Entries another node committed, applied and sent as our own are."""
        joined = False
        for e in entries:
            applied = apply(self.board, e.op, actor=e.actor, now=e.at, new_id=e.new_id)
            self.seq = e.seq
            if e.op.cid:
                self._cids.setdefault(e.actor, {})[e.op.cid] = e.seq
            joined = joined or isinstance(e.op, o.Join)
            r = Round()
            self._seats_changed(e.op, r)
            self._recent.append((e.seq, e.at, applied.changes))
            per_peer = event_frames(self.peers, self.board, e.seq, e.at, applied.changes)
            for peer, frame in per_peer:
                peer.send(frame)
            if r.revoked:
                self._disconnect_removed(r.revoked)
            elif r.handed_over:
                self._send_presence()
        if joined:  # the newcomers' credentials were written with their joins
            self._secrets_stale = True

    def _board_moved(self) -> None:
        """The board has new committed ops (ours or another node's): its deadline may have
        moved, and the hub keeps the incident log fresh."""
        self._arm_deadline()
        if self.after_commit is not None:
            try:
                self.after_commit(self)
            except Exception:
                log.exception("board %s: after-commit hook failed", self.board.id)

    # --- writing a round, again if another node was first -------------------------------------

    async def _write_round(
        self,
        r: Round,
        build: Callable[[Round], Awaitable[WriteBatch]],
        redo: Callable[[list[Submit]], Round],
    ) -> Round:
        """Write the round's batch; on a SeqConflict rewind, catch up and redo the round's
        ops (`redo` runs them through the core again) until it commits."""
        for attempt in range(MAX_ATTEMPTS):
            if not r.entries:
                return r
            base_seq = r.entries[0].seq - 1
            try:
                await self.store.write(await build(r))
                return r
            except SeqConflict:
                if not self.shared or attempt == MAX_ATTEMPTS - 1:
                    raise
                self.conflicts += 1
                log.info("board %s: seq %d was taken by another node", self.board.id, base_seq + 1)
                await self._rewind(base_seq)
                r = redo([*r.taken, *r.doubtful])  # caught up: the doubtful are fresh now
        raise AssertionError("unreachable")

    _secrets_stale = False
    conflicts = 0  # rounds that lost a seq to another node and were redone (tests, figures)

    async def _refresh_secrets(self) -> None:
        if self._secrets_stale:
            self._secrets_stale = False
            creds = await asyncio.to_thread(self.store.credentials, self.board.id)
            self._secrets = {c.participant_id: c.secret_hash for c in creds}
