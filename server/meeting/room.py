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
import hmac
import logging
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import msgspec

from hindsight.board_state import (
    ANONYMOUS,
    SYSTEM,
    Board,
    Entry,
    Rejected,
    apply,
    decode_board,
    decode_entry,
    encode_board,
    encode_entry,
    next_deadline,
    on_deadline,
    project,
    replay,
    view_for,
)
from hindsight.board_state import ops as o
from hindsight.board_state.model import Role
from hindsight.board_state.protocol import Ack, Error, Event, Reject, encode
from hindsight.board_state.seal import seal
from hindsight.board_state.util import Change
from hindsight.server.meeting.frames import (
    Peer,
    event_frames,
    presence_frames,
    tally_nudges,
    welcome_frame,
)
from hindsight.server.meeting.ids import hash_secret, new_id, now_ms
from hindsight.server.storage.crashpoints import crash_point_after_flush, selected
from hindsight.server.storage.store import (
    CredentialRow,
    LoadedBoard,
    OpRow,
    SealRow,
    SnapshotRow,
    Store,
    WriteBatch,
)

log = logging.getLogger("hindsight.room")

SNAPSHOT_EVERY = 500  # ops between snapshots: loading replays at most this many
# Seqs of changes kept for resume; an older gap gets a snapshot. Kept well under half of a
# connection's send queue, so a replay can never overflow it and get the client dropped.
REPLAY_WINDOW = 400
LINK_TOKEN_BYTES = 20  # a join link's token: 160 random bits, 32 characters
REVOKED = "revoked"  # a removed seat's secret hash: no secret hashes to it


T = TypeVar("T")
CidTable = dict[str, dict[str, int]]  # actor -> client op id -> the seq it was applied at
_CID_ENCODER = msgspec.json.Encoder()
_decode_cids = msgspec.json.Decoder(CidTable).decode


@dataclass
class _Submit:
    op: o.Op
    actor: str
    peer: Peer | None = None
    done: asyncio.Future[int] | None = None  # for server-side callers (joins): seq or error
    new_id: str = ""
    credential: CredentialRow | None = None


@dataclass
class _Hello:
    peer: Peer
    last_seq: int
    epoch: str


@dataclass
class _Read:
    viewer: str
    done: asyncio.Future[Any]
    consult: Callable[[Board], Any] | None = None  # a read of the board itself (consult())


@dataclass
class _Round:
    entries: list[Entry] = field(default_factory=list)
    credentials: list[CredentialRow] = field(default_factory=list)
    acks: list[tuple[Peer, bytes]] = field(default_factory=list)  # sent first, after commit
    frames: list[tuple[Peer, bytes]] = field(default_factory=list)  # sent after the acks
    done: list[tuple[asyncio.Future[int], int]] = field(default_factory=list)
    seal: bool = False  # the meeting closed in this round: the board is sealed with it
    revoked: list[str] = field(default_factory=list)  # seats removed: told once it is durable
    handed_over: bool = False  # the facilitator changed: presence is addressed anew


def restore(board_id: str, loaded: LoadedBoard) -> tuple[Board, int]:
    """A board's committed state and its seq, from what the store loaded: the latest snapshot
    (a sealed board's only one) with the ops after it replayed. The one way a board comes back
    from disk, for a room and for a read that needs no room."""
    snapshot = loaded.snapshot
    board = decode_board(snapshot.state) if snapshot else Board(id=board_id)
    replay(board_id, [decode_entry(row.body) for row in loaded.tail], board)
    seq = loaded.tail[-1].seq if loaded.tail else (snapshot.seq if snapshot else 0)
    return board, seq


class RoomClosed(Exception):
    pass


class Room:
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
    ) -> None:
        self.store = store
        self.board = board
        self.seq = seq
        self.epoch = epoch
        self.clock = clock
        self.peers: set[Peer] = set()
        self.closed = False
        self._secrets = secrets_by_id  # participant id -> sha256 of their secret
        self._cids = cids  # actor -> cid -> seq, committed or in flight
        self._snapshot_seq = snapshot_seq
        self._recent: deque[tuple[int, int, tuple[Change, ...]]] = deque(maxlen=REPLAY_WINDOW)
        # A list and a wake-up future, not an asyncio.Queue: every op passes through here, and
        # the worker takes everything waiting at once anyway (see Connection for the figures).
        self._inbox: list[_Submit | _Hello | _Read | None] = []
        self._inbox_wakeup: asyncio.Future[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._timer_due: int | None = None  # the deadline self._timer is armed for
        # Told after every round that committed something (the hub keeps the incident log
        # fresh with it). Must not block; its failures are logged and never close the room.
        self.after_commit: Callable[[Room], None] | None = None
        self._worker = asyncio.get_running_loop().create_task(self._run(), name=f"room-{board.id}")
        self._arm_deadline()

    # --- loading -----------------------------------------------------------------------------

    @classmethod
    async def load(cls, store: Store, board_id: str) -> Room | None:
        def read() -> tuple[LoadedBoard | None, list[CredentialRow], CidTable]:
            loaded = store.load(board_id)
            old_snapshot = (
                loaded is not None
                and loaded.snapshot is not None
                and (loaded.snapshot.cids is None)
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
                    "board %s: unreadable dedupe table in snapshot %d; rebuilding it "
                    "from the op log",
                    board_id,
                    snapshot.seq,
                )
                cids = await asyncio.to_thread(store.cid_seqs, board_id)
        for row in loaded.tail:
            if row.cid:
                cids.setdefault(row.actor, {})[row.cid] = row.seq
        # A new epoch per load: after a restart (or a restored backup, where seqs may be reused
        # for different ops) no client may resume from events it kept; it gets a snapshot.
        return cls(
            store,
            board,
            seq,
            new_id(),
            {c.participant_id: c.secret_hash for c in creds},
            cids,
            snapshot.seq if snapshot else 0,
        )

    # --- the public surface --------------------------------------------------------------------

    def authenticate(self, credential: str) -> str | None:
        """The participant id a credential (`<participant id>.<secret>`) opens, or None."""
        pid, _, secret = credential.partition(".")
        expected = self._secrets.get(pid)
        # compare_digest on the hashes: constant time whatever the input.
        given = hash_secret(secret)
        if expected is None:
            hmac.compare_digest(given, given)
            return None
        return pid if hmac.compare_digest(given, expected) else None

    def submit(self, peer: Peer, op: o.Op) -> None:
        self._put(_Submit(op=op, actor=peer.participant_id, peer=peer))

    def hello(self, peer: Peer, last_seq: int, epoch: str) -> None:
        self._put(_Hello(peer=peer, last_seq=last_seq, epoch=epoch))

    async def read(self, viewer: str) -> tuple[int, Any]:
        """(seq, the board as `viewer` sees it), from committed state only."""
        done: asyncio.Future[tuple[int, Any]] = asyncio.get_running_loop().create_future()
        self._put(_Read(viewer=viewer, done=done))
        return await done

    @property
    def board_id(self) -> str:
        return self.board.id

    async def consult(self, fn: Callable[[Board], T]) -> T:
        """`fn(board)` run by the room between rounds, on committed state only: the one way
        for other modules to look at the board itself (`fn` must not change it)."""
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._put(_Read(viewer="", done=done, consult=fn))
        return await done

    def leave(self, peer: Peer) -> None:
        if peer in self.peers:
            self.peers.discard(peer)
            self._send_presence()

    async def submit_as(self, actor: str, op: o.Op) -> int:
        """Apply an op on behalf of an authenticated participant from outside a websocket (an
        HTTP endpoint); return its seq once durable, or raise `Rejected`."""
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._put(_Submit(op=op, actor=actor, done=done))
        return await done

    async def join(self, name: str, role: Role, token: str | None = None) -> tuple[str, str]:
        """Add a participant; return (participant id, credential) once it is durable. `token`
        is the join link's, as the person brought it (the core checks it); None seats someone
        the server itself vouches for (an import re-seating a board's people)."""
        if token is None:
            token = self.board.links.get(role, "")
        pid, secret = new_id(), secrets.token_urlsafe(24)
        cred = CredentialRow(
            board_id=self.board.id, participant_id=pid, secret_hash=hash_secret(secret), role=role
        )
        await self._submit_system(
            o.Join(name=name, role=role, token=token), new_id=pid, credential=cred
        )
        return pid, f"{pid}.{secret}"

    async def ensure_links(self) -> None:
        """Give a board made before join links its two links (the lazy migration: door.py)."""
        for role in ("participant", "observer"):
            if role not in self.board.links:
                await self._submit_system(o.RotateLink(role=role))

    async def _submit_system(
        self, op: o.Op, *, new_id: str = "", credential: CredentialRow | None = None
    ) -> int:
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._put(_Submit(op=op, actor=SYSTEM, done=done, new_id=new_id, credential=credential))
        return await done

    def _put(self, item: _Submit | _Hello | _Read) -> None:
        if self.closed:
            raise RoomClosed(self.board.id)
        self._enqueue(item)

    def _enqueue(self, item: _Submit | _Hello | _Read | None) -> None:
        self._inbox.append(item)
        wakeup, self._inbox_wakeup = self._inbox_wakeup, None
        if wakeup is not None and not wakeup.done():
            wakeup.set_result(None)

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._enqueue(None)
        if self._timer:
            self._timer.cancel()
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

    async def _round(self, items: list[_Submit | _Hello | _Read]) -> None:
        r = _Round()
        # Newcomers first: the board is fully committed between rounds, so their snapshot is
        # durable state, and they then get this round's events like everyone else.
        for item in items:
            if isinstance(item, _Hello):
                self._welcome(item)
            elif isinstance(item, _Read) and not item.done.done():
                if item.consult is not None:
                    try:
                        item.done.set_result(item.consult(self.board))
                    except Exception as e:  # the asker's to handle (a Rejected, say)
                        item.done.set_exception(e)
                else:
                    item.done.set_result((self.seq, view_for(self.board, item.viewer)))
        for item in items:
            if isinstance(item, _Submit):
                self._accept(item, r)
        nudges = (
            await asyncio.to_thread(tally_nudges, self.store, self.board.id, r.entries)
            if r.seal
            else None
        )
        if r.entries:
            batch = WriteBatch(
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
            await self.store.write(batch)
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
        for fut, seq in r.done:
            if not fut.done():
                fut.set_result(seq)
        if r.entries:
            self._arm_deadline()
            if self.after_commit is not None:
                try:
                    self.after_commit(self)
                except Exception:
                    log.exception("board %s: after-commit hook failed", self.board.id)

    def _accept(self, item: _Submit, r: _Round) -> None:
        op, actor = item.op, item.actor
        first = self._cids.get(actor, {}).get(op.cid) if op.cid else None
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
        if isinstance(op, o.HandOver):
            r.handed_over = True
        if isinstance(op, o.RemoveSeat):
            self._secrets.pop(op.participant_id, None)  # from this round on, for new hellos
            r.credentials.append(
                CredentialRow(
                    board_id=self.board.id,
                    participant_id=op.participant_id,
                    secret_hash=REVOKED,
                    role="removed",
                )
            )
            r.revoked.append(op.participant_id)
        self._recent.append((self.seq, now, applied.changes))
        if item.peer:
            r.acks.append((item.peer, encode(Ack(cid=ack_cid, seq=self.seq))))
        r.frames.extend(event_frames(self.peers, self.board, self.seq, now, applied.changes))
        if item.done:
            r.done.append((item.done, self.seq))

    def _disconnect_removed(self, pids: list[str]) -> None:
        """A removed seat's holder is told and disconnected (4001: do not retry; a new hello
        with that credential is refused, now and after a restart)."""
        frame = encode(
            Error(code="unauthorized", message="the facilitator removed your seat on this board")
        )
        for peer in [p for p in self.peers if p.participant_id in pids]:
            self.peers.discard(peer)
            peer.send(frame)
            peer.close(4001, "seat removed", flush=True)
        self._send_presence()

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
                cids=_CID_ENCODER.encode(self._cids),
            ),
        )

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
        self.epoch = new_id()
        self._snapshot_seq = self.seq
        return (
            SealRow(
                board_id=self.board.id,
                seq=self.seq,
                state=encode_board(self.board),
                cids=_CID_ENCODER.encode(self._cids),
            ),
        )

    def _welcome_frame(self, viewer: str, *, snapshot: bool) -> bytes:
        return welcome_frame(
            self.board, viewer, seq=self.seq, epoch=self.epoch, now=self.clock(), snapshot=snapshot
        )

    def _welcome(self, h: _Hello) -> None:
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

    def _send_presence(self) -> None:
        for peer, frame in presence_frames(list(self.peers), self.board):
            peer.send(frame)

    def _fail(self, items: list[Any]) -> None:
        self.closed = True
        for item in items:
            fut = item.done if isinstance(item, (_Submit, _Read)) else None
            if fut is not None and not fut.done():
                fut.set_exception(RoomClosed(self.board.id))
        for peer in list(self.peers):
            peer.close(1011, "the board could not be saved; reconnect")
        self.peers.clear()

    # --- timeboxes -----------------------------------------------------------------------------

    def _arm_deadline(self) -> None:
        due = next_deadline(self.board)
        if self._timer is not None and due == self._timer_due and not self.closed:
            return  # most rounds leave the deadline where it was: keep the timer
        if self._timer:
            self._timer.cancel()
            self._timer = None
        if due is None or self.closed:
            return
        self._timer_due = due
        loop = asyncio.get_running_loop()
        delay = max(0.0, (due - self.clock()) / 1000)
        self._timer = loop.call_later(delay, self._on_deadline)

    def _on_deadline(self) -> None:
        self._timer = None
        op = on_deadline(self.board, self.clock())
        if op is None:
            self._arm_deadline()  # woke a little early: try again at the deadline
            return
        if not self.closed:
            task = asyncio.get_running_loop().create_task(self._expire(op))
            task.add_done_callback(lambda t: t.cancelled() or t.exception())

    async def _expire(self, op: o.Op) -> None:
        try:
            await self._submit_system(op)
        except Rejected:
            pass  # the facilitator moved on or extended in the meantime
