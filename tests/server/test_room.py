"""The Room, the single writer of a board, driven directly over a real SQLite store."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from hindsight.board_state import encode_board
from hindsight.board_state import ops as o
from hindsight.board_state.protocol import Ack, Event, decode_server
from hindsight.board_state.views import BoardMeta
from hindsight.server.meeting.batches import SNAPSHOT_EVERY
from hindsight.server.meeting.hub import Hub
from hindsight.server.meeting.ids import now_ms
from hindsight.server.meeting.room import Room
from hindsight.server.storage.store import Store


class Peer:
    """A connection stand-in that records frames: the room only needs send() and close()."""

    def __init__(self, participant_id: str) -> None:
        self.participant_id = participant_id
        self.frames: list[object] = []
        self.closed: tuple[int, str] | None = None

    def send(self, frame: bytes) -> None:
        self.frames.append(decode_server(frame))

    def send_all(self, frames: list[bytes]) -> None:
        for frame in frames:
            self.send(frame)

    def close(self, code: int, reason: str, *, flush: bool = False) -> None:
        self.closed = (code, reason)


async def _setup(tmp_path: Path) -> tuple[Store, Hub, Room, str]:
    store = Store(tmp_path / "room.db")
    store.open()
    hub = Hub(store)
    board_id, fac, _ = await hub.create_board(o.CreateBoard(title="Room"))
    room = await hub.room(board_id)
    assert room is not None
    return store, hub, room, fac


async def _until(predicate: object, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.005)


def test_a_reloaded_board_uses_its_snapshot_and_equals_the_live_one(tmp_path: Path) -> None:
    """After more ops than SNAPSHOT_EVERY, loading reads a snapshot plus a short tail."""

    async def run() -> None:
        store, hub, room, fac = await _setup(tmp_path)
        peer = Peer(fac)
        room.hello(peer, 0, "")
        start = room.seq  # the board's creation and its two join links
        for i in range(SNAPSHOT_EVERY + 120):
            room.submit(peer, o.AddTimelineEntry(cid=f"c{i}", at="2026-08-14T09:00Z", text=f"e{i}"))
        await _until(lambda: room.seq >= SNAPSHOT_EVERY + 120 + start)
        await _until(
            lambda: sum(1 for f in peer.frames if isinstance(f, Event)) >= room.seq - start
        )
        loaded = store.load(room.board.id)
        assert loaded is not None and loaded.snapshot is not None
        assert loaded.snapshot.seq >= SNAPSHOT_EVERY
        assert len(loaded.tail) < SNAPSHOT_EVERY
        again = await Room.load(store, room.board.id)
        assert again is not None and again.seq == room.seq
        assert encode_board(again.board) == encode_board(room.board)
        await again.close()
        await hub.close()
        store.close()

    asyncio.run(run())


def test_a_reloaded_board_still_answers_resends_from_before_and_after_its_snapshot(
    tmp_path: Path,
) -> None:
    """The dedupe table travels in the snapshot (plus the tail's cids); a snapshot written
    before it did (cids NULL) is completed from the op log. Either way a resend of an op from
    before the snapshot or from the tail is acked as a duplicate at its first seq."""

    async def run() -> None:
        store, hub, room, fac = await _setup(tmp_path)
        peer = Peer(fac)
        room.hello(peer, 0, "")
        n = SNAPSHOT_EVERY + 50
        for i in range(n):
            room.submit(peer, o.AddTimelineEntry(cid=f"c{i}", at="2026-08-14T09:00Z", text=f"e{i}"))
        await _until(lambda: room.seq >= n + 1)
        await _until(lambda: sum(1 for f in peer.frames if isinstance(f, Ack)) >= n)
        first_seq = {f.cid: f.seq for f in peer.frames if isinstance(f, Ack)}
        loaded = store.load(room.board.id)
        assert loaded is not None and loaded.snapshot is not None
        assert loaded.snapshot.cids is not None and len(loaded.tail) < 60
        for old_format in (False, True):
            if old_format:  # as a snapshot written before the table was kept in it
                with sqlite3.connect(tmp_path / "room.db") as conn:
                    conn.execute("UPDATE snapshots SET cids = NULL")
            again = await Room.load(store, room.board.id)
            assert again is not None
            again_peer = Peer(fac)
            again.hello(again_peer, 0, "")
            for cid in ("c3", f"c{SNAPSHOT_EVERY + 40}"):  # in the snapshot; in the tail
                again.submit(
                    again_peer, o.AddTimelineEntry(cid=cid, at="2026-08-14T09:00Z", text="resent")
                )
            fresh = f"new-{old_format}"
            again.submit(
                again_peer, o.AddTimelineEntry(cid=fresh, at="2026-08-14T09:00Z", text="new")
            )
            await _until(lambda: sum(1 for f in again_peer.frames if isinstance(f, Ack)) >= 3)
            acks = [f for f in again_peer.frames if isinstance(f, Ack)]
            assert [(a.cid, a.seq, a.duplicate) for a in acks[:2]] == [
                ("c3", first_seq["c3"], True),
                (
                    f"c{SNAPSHOT_EVERY + 40}",
                    first_seq[f"c{SNAPSHOT_EVERY + 40}"],
                    True,
                ),
            ]
            assert acks[2].cid == fresh and not acks[2].duplicate
            await again.close()
        await hub.close()
        store.close()

    asyncio.run(run())


def test_a_timebox_expiry_is_announced_by_the_shell_and_logged(tmp_path: Path) -> None:
    """The room arms the core's next deadline; when it passes, everyone gets `expired`."""

    async def run() -> None:
        store, hub, room, fac = await _setup(tmp_path)
        offset = [0]
        room.clock = lambda: now_ms() + offset[0]
        peer = Peer(fac)
        room.hello(peer, 0, "")
        room.submit(peer, o.AdvancePhase())  # "Set the room": 5 minutes, timer starts
        await _until(lambda: room.board.current is not None)
        offset[0] = 5 * 60_000 - 50  # 50 ms before its deadline
        room.submit(peer, o.ExtendTimer(minutes=1))
        room.submit(peer, o.PauseTimer())
        room.submit(peer, o.ResumeTimer())  # re-arms with the new deadline
        offset[0] = 6 * 60_000 - 50
        room.submit(peer, o.AddTimelineEntry(at="2026-08-14T09:00Z", text="re-arm"))

        def told() -> bool:  # events go out after the commit, so wait for the frame itself
            return any(
                isinstance(f, Event)
                and any(isinstance(c, BoardMeta) and c.agenda[0].expired for c in f.changes)
                for f in peer.frames
            )

        await _until(told, timeout=3)
        assert room.board.current == room.board.agenda[0].id  # expiry never advances
        rows = store.ops_since(room.board.id, 0)
        assert b"timebox_expired" in rows[-1].body
        await hub.close()
        store.close()

    asyncio.run(run())


def test_a_failed_commit_closes_the_room_and_the_board_reloads_from_disk(tmp_path: Path) -> None:
    """If the store cannot commit, nobody is acked, peers are closed with 1011, and the next
    visitor gets the board as it is on disk."""

    async def run() -> None:
        store, hub, room, fac = await _setup(tmp_path)
        peer = Peer(fac)
        room.hello(peer, 0, "")
        await _until(lambda: room.peers)
        seq_before = room.seq

        async def broken(batch: object) -> None:
            raise RuntimeError("disk full")

        original = room.store.write
        room.store.write = broken  # type: ignore[method-assign]
        room.submit(peer, o.AddTimelineEntry(cid="lost", at="2026-08-14T09:00Z", text="never"))
        await _until(lambda: room.closed)
        room.store.write = original  # type: ignore[method-assign]
        assert peer.closed is not None and peer.closed[0] == 1011
        assert not any(getattr(f, "cid", None) == "lost" for f in peer.frames)
        fresh = await hub.room(room.board.id)
        assert fresh is not None and fresh is not room
        assert fresh.seq == seq_before and not fresh.board.timeline
        await hub.close()
        store.close()

    asyncio.run(run())


def test_each_load_of_a_board_gets_a_new_epoch(tmp_path: Path) -> None:
    """After a restart no client may resume from events it kept: the epoch differs."""

    async def run() -> None:
        store, hub, room, _ = await _setup(tmp_path)
        again = await Room.load(store, room.board.id)
        assert again is not None and again.epoch != room.epoch and again.seq == room.seq
        await again.close()
        await hub.close()
        store.close()

    asyncio.run(run())
