"""A Room: the single writer of one board.

Theory of operation. Everything that changes a board goes through its room's inbox and is
handled by one worker task, in arrival order, in rounds:

1. Take everything waiting in the inbox (ops from connections, joins, deadline expiries,
   newcomers who said hello). Welcome the newcomers first, from the committed board.
2. Apply each op through the core (`board_state.apply`). A refused op is answered with `reject`
   at once; it changed nothing. An accepted op gets the next `seq`, and is projected for every
   viewer right away, while the board is exactly as that op left it.
3. Write the accepted entries (plus any credentials and a periodic snapshot) to the store as one
   batch and wait for the commit.
4. Only then send `ack`s to the senders and the projected events to everyone.

Nothing is acknowledged or broadcast before it is durable, and nothing a client sees was
computed from a state that is not yet durable. While a batch commits, new arrivals wait in the
inbox and form the next batch: that is group commit within a board, and the store groups
batches of different boards into one transaction as well.

If a commit fails, the in-memory board is ahead of the disk: the room shuts (connections close
with 1011, clients reconnect) and the next visitor reloads it from the store.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar, cast

import msgspec

from hindsight.board_state import (
    ANONYMOUS,
    SYSTEM,
    Board,
    Entry,
    Rejected,
    apply,
    made_by,
    project,
    view_for,
)
from hindsight.board_state import ops as o
from hindsight.board_state.protocol import Ack, Event, Reject, encode
from hindsight.board_state.util import Change
from hindsight.server.meeting.batches import Batches
from hindsight.server.meeting.catch_up import CatchUp
from hindsight.server.meeting.deadline import DeadlineTimer
from hindsight.server.meeting.frames import (
    Peer,
    event_frames,
    welcome_frame,
)
from hindsight.server.meeting.ids import new_id, now_ms
from hindsight.server.meeting.inbox import Behind, Hello, Read, Receipt, Round, Submit
from hindsight.server.meeting.loading import CidTable, load_board
from hindsight.server.meeting.presence_share import Presence
from hindsight.server.meeting.sealing import Sealing
from hindsight.server.meeting.seats import Seats
from hindsight.server.storage.crashpoints import crash_point_after_flush, selected
from hindsight.server.storage.store import (
    CredentialRow,
    Store,
)

log = logging.getLogger("hindsight.room")

# Seqs of changes kept for resume; an older gap gets a snapshot. Kept well under half of a
# connection's send queue, so a replay can never overflow it and get the client dropped.
REPLAY_WINDOW = 400
LINK_TOKEN_BYTES = 20  # a join link's token: 160 random bits, 32 characters
# Testing only (the cluster test's negative control): HINDSIGHT_UNSAFE=no-dedupe turns off the
# room's client-op-id dedupe, so that test can show its checker catches the double applies.
DEDUPE = os.environ.get("HINDSIGHT_UNSAFE", "") != "no-dedupe"


T = TypeVar("T")


class RoomClosed(Exception):
    pass


class Room(
    Presence, Seats, Sealing, CatchUp, Batches
):  # Presence first: the others name its method
    def __init__(
        self,
        store: Store,
        board: Board,
        seq: int,
        epoch: str,
        secrets_by_id: dict[str, str],
        cids: CidTable,
        snapshot_seq: int,
        clock: Callable[[], int] = now_ms,
        board_epoch: str = "",
    ) -> None:
        self.store = store
        self.board = board
        self.seq = seq
        # A store several nodes share (PostgreSQL): other nodes commit this board too, and a
        # client may resume on any of them, so the epoch is the board's stored one.
        self.shared: bool = getattr(store, "shared", False)
        self._board_epoch = board_epoch
        self._hinted = 0  # the latest seq another node told us of (catch_up.py)
        self.epoch = self._fresh_epoch() if self.shared else epoch
        self.clock = clock
        self.peers: set[Peer] = set()
        self.closed = False
        self._secrets = secrets_by_id  # participant id -> sha256 of their secret
        self._cids = cids  # actor -> cid -> seq, committed or in flight
        self._snapshot_seq = snapshot_seq
        self._recent: deque[tuple[int, int, tuple[Change, ...]]] = deque(maxlen=REPLAY_WINDOW)
        # A list and a wake-up future, not an asyncio.Queue: every op passes through here, and
        # the worker takes everything waiting at once anyway (see Connection for the figures).
        self._inbox: list[Submit | Hello | Read | Behind | None] = []
        self._inbox_wakeup: asyncio.Future[None] | None = None
        # Lambdas: the board is replaced when sealed, and tests set the clock.
        self._deadline = DeadlineTimer(lambda: self.board, lambda: self.clock(), self._on_expiry)
        # Told after every round that committed something (the hub keeps the incident log
        # fresh with it). Must not block; its failures are logged and never close the room.
        self.after_commit: Callable[[Room], None] | None = None
        # Several nodes: who is connected through each other node, and the hub's hook to tell
        # them who is connected here when that changes (meeting/presence_share.py).
        self.elsewhere: dict[str, frozenset[str]] = {}
        self.on_presence: Callable[[Room], None] | None = None
        self._announced: frozenset[str] = frozenset()
        self._worker = asyncio.get_running_loop().create_task(self._run(), name=f"room-{board.id}")
        self._arm_deadline()

    # --- loading -----------------------------------------------------------------------------

    @classmethod
    async def load(cls, store: Store, board_id: str) -> Room | None:
        got = await load_board(store, board_id)
        if got is None:
            return None
        # A new epoch per load: after a restart (or a restored backup, where seqs may be reused
        # for different ops) no client may resume from events it kept; it gets a snapshot.
        # (On a shared store the epoch is the board's own: see _fresh_epoch.)
        return cls(
            store,
            got.board,
            got.seq,
            new_id(),
            got.secrets,
            got.cids,
            got.snapshot_seq,
            board_epoch=got.epoch,
        )

    # --- the public surface --------------------------------------------------------------------

    def submit(self, peer: Peer, op: o.Op) -> None:
        self._put(Submit(op=op, actor=peer.participant_id, peer=peer))

    def hello(self, peer: Peer, last_seq: int, epoch: str) -> None:
        self._put(Hello(peer=peer, last_seq=last_seq, epoch=epoch))

    async def read(self, viewer: str) -> tuple[int, Any]:
        """(seq, the board as `viewer` sees it), from committed state only."""
        done: asyncio.Future[tuple[int, Any]] = asyncio.get_running_loop().create_future()
        self._put(Read(viewer=viewer, done=done))
        return await done

    @property
    def board_id(self) -> str:
        return self.board.id

    async def consult(self, fn: Callable[[Board], T]) -> T:
        """`fn(board)` run by the room between rounds, on committed state only: the one way
        for other modules to look at the board itself (`fn` must not change it)."""
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._put(Read(viewer="", done=done, consult=fn))
        return await done

    def leave(self, peer: Peer) -> None:
        if peer in self.peers:
            self.peers.discard(peer)
            self._send_presence()

    async def submit_as(self, actor: str, op: o.Op) -> Receipt:
        """Apply an op on behalf of an authenticated participant from outside a websocket (an
        HTTP endpoint, an import); return its receipt once durable, or raise `Rejected`."""
        done: asyncio.Future[Receipt] = asyncio.get_running_loop().create_future()
        self._put(Submit(op=op, actor=actor, done=done))
        return await done

    async def _submit_system(
        self, op: o.Op, *, new_id: str = "", credential: CredentialRow | None = None
    ) -> Receipt:
        done: asyncio.Future[Receipt] = asyncio.get_running_loop().create_future()
        self._put(Submit(op=op, actor=SYSTEM, done=done, new_id=new_id, credential=credential))
        return await done

    def _put(self, item: Submit | Hello | Read) -> None:
        if self.closed:
            raise RoomClosed(self.board.id)
        self._enqueue(item)

    def _enqueue(self, item: Submit | Hello | Read | Behind | None) -> None:
        self._inbox.append(item)
        wakeup, self._inbox_wakeup = self._inbox_wakeup, None
        if wakeup is not None and not wakeup.done():
            wakeup.set_result(None)

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._enqueue(None)
        self._deadline.cancel()
        await asyncio.gather(self._worker, return_exceptions=True)

    # --- the worker ----------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            if not self._inbox:
                self._inbox_wakeup = asyncio.get_running_loop().create_future()
                await self._inbox_wakeup
            items, self._inbox = self._inbox, []
            stop = None in items
            try:
                await self._round([i for i in items if i is not None])
            except Exception:
                log.exception("board %s: commit failed; closing the room", self.board.id)
                self._fail(items)
                return
            if stop:
                return

    async def _round(self, items: list[Submit | Hello | Read | Behind]) -> None:
        if self.shared:  # other nodes' commits first (catch_up.py)
            ahead = [i.last_seq for i in items if isinstance(i, Hello) and i.epoch == self.epoch]
            behind = [i.seq for i in items if isinstance(i, Behind)]
            if behind or any(seq > self.seq for seq in ahead):
                await self._catch_up(max([*ahead, *behind, 0]))
            await self._refresh_secrets()
        r = Round()
        # Newcomers first: the board is fully committed between rounds, so their snapshot is
        # durable state, and they then get this round's events like everyone else.
        for item in items:
            if isinstance(item, Hello):
                self._welcome(item)
            elif isinstance(item, Read) and not item.done.done():
                if item.consult is not None:
                    try:
                        item.done.set_result(item.consult(self.board))
                    except Exception as e:  # the asker's to handle (a Rejected, say)
                        item.done.set_exception(e)
                else:
                    item.done.set_result((self.seq, view_for(self.board, item.viewer)))
        r = self._sequence([item for item in items if isinstance(item, Submit)])
        r = await self._write_round(r, self._batch, self._sequence)
        sends = r.acks + r.frames  # the acks first
        if r.acks and selected("after_ack_before_broadcast"):  # testing only: crashpoints.py
            for peer, frame in r.acks:
                peer.send(frame)
            await crash_point_after_flush("after_ack_before_broadcast")
            sends = r.frames
        # Everything of this round for one connection in one call: it goes out in one batch
        # frame to a client that reads them (the sender's ack with its own event, say).
        per_peer: dict[Peer, list[bytes]] = {}
        for peer, frame in sends:
            per_peer.setdefault(peer, []).append(frame)
        for peer, frames in per_peer.items():
            peer.send_all(frames)
        if r.revoked:
            self._disconnect_removed(r.revoked)  # presence goes out with it
        elif r.handed_over:
            self._send_presence()  # the new facilitator's copy lists the seats in use
        if r.seal:  # everyone's view becomes the sealed board's: no more `mine` on anything
            for peer in list(self.peers):
                peer.send(self._welcome_frame(peer.participant_id, snapshot=True))
        for fut, receipt in r.done:
            if not fut.done():
                fut.set_result(receipt)
        if r.doubtful:  # first the other nodes' news, then these again (see _accept)
            self._inbox[0:0] = [Behind(0), *r.doubtful]
        if r.entries:
            self._board_moved()  # the deadline re-armed, the hub told (catch_up.py)

    def _sequence(self, submits: list[Submit]) -> Round:
        r = Round()
        for item in submits:
            self._accept(item, r)
        return r

    def _accept(self, item: Submit, r: Round) -> None:
        op, actor = item.op, item.actor
        first = self._cids.get(actor, {}).get(op.cid) if op.cid and DEDUPE else None
        r.taken.append(item)
        if first is not None:
            # A resend (the client did not see our ack): answer with the original seq, once.
            if item.peer:
                r.acks.append((item.peer, encode(Ack(cid=op.cid, seq=first, duplicate=True))))
            return
        now = self.clock()
        nid = item.new_id or new_id(LINK_TOKEN_BYTES if isinstance(op, o.RotateLink) else 10)
        was_open = self.board.closed_at is None
        try:
            applied = apply(self.board, op, actor=actor, now=now, new_id=nid)
        except Rejected as e:
            r.taken.pop()
            if self.shared and not item.fresh:
                # Maybe refused only because this node has not read another's commits yet (a
                # resend of an op applied there, say): asked again once caught up (_round).
                item.fresh = True
                r.doubtful.append(item)
                return
            if item.peer:
                item.peer.send(encode(Reject(cid=op.cid, code=e.code, message=e.message)))
            if item.done and not item.done.done():
                item.done.set_exception(e)
            return
        self.seq += 1
        ack_cid = op.cid
        if was_open and self.board.closed_at is not None:
            r.seal = True
        if isinstance(op, o.Refocus):
            # Checked as its sender, stored as nobody's: no log row, snapshot or dedupe table
            # keeps who asked the room to refocus (a lost ack then cannot be matched to a
            # resend; the one-minute cooldown refuses the repeat).
            op, actor = msgspec.structs.replace(op, cid=""), ANONYMOUS
        if op.cid:
            self._cids.setdefault(actor, {})[op.cid] = self.seq
        # Every Op subclass is a member of AnyOp (ops.py builds OP_TYPES from it; the reducer
        # asserts a handler for each), so the log's union type holds.
        r.entries.append(Entry(seq=self.seq, actor=actor, at=now, new_id=nid, op=cast(o.AnyOp, op)))
        if item.credential:
            r.credentials.append(item.credential)
            self._secrets[item.credential.participant_id] = item.credential.secret_hash
        self._seats_changed(op, r)
        self._recent.append((self.seq, now, applied.changes))
        if item.peer:
            r.acks.append((item.peer, encode(Ack(cid=ack_cid, seq=self.seq))))
        r.frames.extend(event_frames(self.peers, self.board, self.seq, now, applied.changes))
        if item.done:
            r.done.append((item.done, Receipt(self.seq, made_by(self.board, item.op, nid))))

    def _welcome_frame(self, viewer: str, *, snapshot: bool) -> bytes:
        return welcome_frame(
            self.board, viewer, seq=self.seq, epoch=self.epoch, now=self.clock(), snapshot=snapshot
        )

    def _welcome(self, h: Hello) -> None:
        viewer = h.peer.participant_id
        oldest = self._recent[0][0] if self._recent else self.seq + 1
        resumable = (
            h.epoch == self.epoch and h.last_seq > 0 and oldest - 1 <= h.last_seq <= self.seq
        )
        h.peer.send(self._welcome_frame(viewer, snapshot=not resumable))
        if resumable:
            for seq, at, changes in self._recent:
                if seq > h.last_seq:
                    h.peer.send(
                        encode(Event(seq=seq, at=at, changes=project(changes, self.board, viewer)))
                    )
        self.peers.add(h.peer)
        self._send_presence()

    def _fail(self, items: list[Any]) -> None:
        self.closed = True
        for item in items:
            fut = item.done if isinstance(item, (Submit, Read)) else None
            if fut is not None and not fut.done():
                fut.set_exception(RoomClosed(self.board.id))
        for peer in list(self.peers):
            peer.close(1011, "the board could not be saved; reconnect")
        self.peers.clear()

    # --- timeboxes -----------------------------------------------------------------------------

    def _arm_deadline(self) -> None:
        self._deadline.arm(closed=self.closed)

    def _on_expiry(self, op: o.Op) -> None:
        if not self.closed:
            task = asyncio.get_running_loop().create_task(self._expire(op))
            task.add_done_callback(lambda t: t.cancelled() or t.exception())

    async def _expire(self, op: o.Op) -> None:
        try:
            await self._submit_system(op)
        except Rejected:
            pass  # the facilitator moved on or extended in the meantime
