"""The hub: one process, many boards, each with exactly one Room (its single writer).

Rooms are loaded from the store on first use and kept while the process runs. Board creation
is the one write that does not go through a room: the board does not exist yet, so its first
entry (`create_board`), its row and the facilitator's credential are written here in one batch.

The hub also keeps the incident log (derived rows, see `log_rows.py`) fresh. Every room it
hands out reports its commits through `Room.after_commit`; the hub then rebuilds that board's
row `log_delay` seconds after the last commit (a busy meeting commits many times a second, the
log needs one row), from the committed, public view. `sync_log` catches up any row that is
missing or behind the op log (boards from before the log, a crash inside the delay) and runs
before the log is read. Log refreshes never fail a room: errors are logged.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from typing import Any, cast

import msgspec

from hindsight.board_state import (
    SYSTEM,
    Board,
    Entry,
    Rejected,
    apply,
    decode_entry,
    encode_entry,
    next_deadline,
    view_for,
)
from hindsight.board_state import ops as o
from hindsight.board_state.views import BoardView
from hindsight.server.meeting.ids import hash_secret, new_id, now_ms
from hindsight.server.meeting.loading import restore
from hindsight.server.meeting.presence_share import PresenceShare
from hindsight.server.meeting.room import LINK_TOKEN_BYTES, Room, RoomClosed
from hindsight.server.storage.log_rows import build_row
from hindsight.server.storage.store import BoardRow, CredentialRow, LogRow, OpRow, Store, WriteBatch

logger = logging.getLogger("hindsight.hub")

IDLE_ROOM = 120.0  # seconds a room with nobody connected stays loaded on a shared store


class Hub:
    def __init__(
        self, store: Store, *, log_delay: float = 1.0, idle_close_days: float = 0.0
    ) -> None:
        self.store = store
        self.idle_close_ms = int(idle_close_days * 86_400_000)  # 0: boards never close by idling
        self.rooms: dict[str, Room] = {}
        self._loading: dict[str, list[Any]] = {}  # board id -> [lock, users]
        self.log_delay = log_delay  # seconds of quiet on a board before its log row is rebuilt
        self._log_timers: dict[str, asyncio.TimerHandle] = {}
        self._log_due: dict[str, float] = {}  # board id -> loop time its row is due for rebuild
        self._log_tasks: set[asyncio.Task[None]] = set()
        self._closing = False
        self.presence: PresenceShare | None = None  # several nodes: who is online elsewhere
        self._used: dict[str, float] = {}  # board id -> loop time its room was last asked for

    async def room(self, board_id: str) -> Room | None:
        room = self.rooms.get(board_id)
        if room is not None and not room.closed:
            self._used[board_id] = asyncio.get_running_loop().time()
            return room
        # One load per board at a time (two loads would make two writers). A lock lives only
        # while someone holds or awaits it, so asking for random ids cannot grow memory.
        entry = self._loading.setdefault(board_id, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:
                room = self.rooms.get(board_id)
                if room is None or room.closed:
                    room = await Room.load(self.store, board_id)
                    if room is None:
                        return None
                    room.after_commit = self._on_commit
                    if self.presence is not None:
                        room.on_presence = self.presence.changed
                    # Lazy migrations, before anyone else gets the room (no join may come
                    # in before the links; nobody may read a closed board unsealed).
                    if len(room.board.links) < 2:
                        await room.ensure_links()
                    await room.seal_closed()
                    self.rooms[board_id] = room
                    self._used[board_id] = asyncio.get_running_loop().time()
                    self._schedule_log(board_id)  # rows may predate this version's format
                return room
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                del self._loading[board_id]

    def share_presence(self, node: str, publish: Callable[[str], None]) -> None:
        """Count the people of other nodes and tell them ours (several nodes: see
        presence_share.py); `publish` sends a notice to every node."""
        loop = asyncio.get_running_loop()
        self.presence = PresenceShare(node, lambda: self.rooms, publish, loop.time)
        self.presence.start()
        for room in self.rooms.values():
            room.on_presence = self.presence.changed

    async def unload_idle(self, idle: float = IDLE_ROOM) -> list[str]:
        """Drop the rooms nobody is connected to and nobody asked for in `idle` seconds, and
        whose board has no timer running; return their ids. On a shared store a loaded room
        follows every commit other nodes make to its board, so a node that once served a page
        of a board would otherwise keep doing that work for good; the next visitor reloads it."""
        now = asyncio.get_running_loop().time()
        dropped = []
        for board_id, room in list(self.rooms.items()):
            if room.peers or now - self._used.get(board_id, now) < idle:
                continue
            if not room.closed and next_deadline(room.board) is not None:
                continue  # its timer must fire: keep it (any node's will do)
            del self.rooms[board_id]
            self._used.pop(board_id, None)
            await room.close()
            dropped.append(board_id)
        return dropped

    async def sweep_rooms(self, every: float = 30.0) -> None:
        """`unload_idle` now and then, for as long as the server runs (a shared store)."""
        while True:
            await asyncio.sleep(every)
            try:
                await self.unload_idle()
            except Exception:
                logger.exception("unloading idle rooms failed; again in %.0f s", every)

    def heard(self, payload: str) -> None:
        if self.presence is not None:
            self.presence.heard(payload)

    def hint(self, board_id: str, seq: int) -> None:
        """Another node committed `board_id` up to `seq` (a shared store's LISTEN/NOTIFY);
        ("", 0): the hints may have had a gap, every room looks."""
        rooms = [self.rooms.get(board_id)] if board_id else list(self.rooms.values())
        for room in rooms:
            if room is not None and not room.closed:
                room.hint(seq)

    async def create_board(self, create: o.CreateBoard) -> tuple[str, str, str]:
        """Make a board with its two join links; return (board id, facilitator participant id,
        facilitator credential).
        Raises `Rejected` when the request breaks a rule (unknown template, ...)."""
        board_id = new_id(15)  # 120 random bits; still, it is listed, and joins need a link
        pid, secret = new_id(), secrets.token_urlsafe(24)
        board, now = Board(id=board_id), now_ms()
        first: list[tuple[o.Op, str]] = [
            (create, pid),
            *(
                (o.RotateLink(role=role), new_id(LINK_TOKEN_BYTES))
                for role in ("participant", "observer")
            ),
        ]
        entries = []
        for seq, (op, nid) in enumerate(first, 1):
            apply(board, op, actor=SYSTEM, now=now, new_id=nid)
            entries.append(
                Entry(seq=seq, actor=SYSTEM, at=now, new_id=nid, op=cast(o.AnyOp, op))
            )  # see Room._accept
        meta = msgspec.json.encode({"title": create.title, "severity": create.severity}).decode()
        await self.store.write(
            WriteBatch(
                boards=(BoardRow(id=board_id, epoch=new_id(), created_at=now, meta=meta),),
                credentials=(
                    CredentialRow(
                        board_id=board_id,
                        participant_id=pid,
                        secret_hash=hash_secret(secret),
                        role="facilitator",
                    ),
                ),
                ops=tuple(
                    OpRow(board_id=board_id, seq=e.seq, actor=SYSTEM, cid="", body=encode_entry(e))
                    for e in entries
                ),
                # In the same transaction: a board is in the log from the moment it exists.
                log_rows=(build_row(len(entries), view_for(board, ""), now),),
            )
        )
        return board_id, pid, f"{pid}.{secret}"

    # --- boards left open ------------------------------------------------------------------

    async def close_idle(self, now: int | None = None) -> list[str]:
        """Close (and so seal) every open board whose last change is older than the idle
        period; return their ids. A meeting nobody touched for that long is over, and an open
        board is one whose history still says who wrote what."""
        if self.idle_close_ms <= 0:
            return []
        now = now_ms() if now is None else now
        await self.sync_log()  # the log's open/closed status is what we go by
        closed = []
        for board_id, created_at, body in await asyncio.to_thread(self.store.open_boards_last_op):
            last = decode_entry(body).at if body is not None else created_at
            if now - last < self.idle_close_ms:
                continue
            room = await self.room(board_id)
            if room is None or room.board.closed_at is not None:
                continue
            try:
                await room.submit_as(SYSTEM, o.CloseMeeting())
            except (Rejected, RoomClosed):
                continue  # closed meanwhile, or the room shut: the next sweep sees it
            logger.info(
                "board %s: closed and sealed after %.1f idle days",
                board_id,
                (now - last) / 86_400_000,
            )
            closed.append(board_id)
        return closed

    async def sweep_idle(self) -> None:
        """Run `close_idle` now and then, for as long as the server runs."""
        every = max(1.0, min(self.idle_close_ms / 4000, 3600.0))
        while True:
            try:
                if await asyncio.to_thread(self.store.leads, "idle-close"):  # one node sweeps
                    await self.close_idle()
            except Exception:
                logger.exception("the idle sweep failed; it runs again in %.0f s", every)
            await asyncio.sleep(every)

    # --- the incident log ------------------------------------------------------------------

    async def refresh_log(self, board_id: str) -> LogRow | None:
        """Rebuild and store a board's log row from its committed public view, now."""
        got = await self._public_view(board_id)
        if got is None:
            return None
        row = build_row(got[0], got[1], now_ms(), got[2])
        await self.store.write(WriteBatch(log_rows=(row,)))
        return row

    async def sync_log(self) -> None:
        """Bring every missing or stale log row up to date (call before reading the log)."""
        for board_id in await asyncio.to_thread(self.store.stale_log_boards):
            await self._refresh_quietly(board_id)

    async def _public_view(self, board_id: str) -> tuple[int, BoardView, tuple[str, ...]] | None:
        """(seq, the board as an outsider sees it, the readers its facilitator named)."""
        room = self.rooms.get(board_id)
        if room is not None and not room.closed:
            try:
                seq, view = await room.read("")  # "": an outsider, who sees no private writing
                named = await room.consult(lambda b: tuple(b.access.members))
                return seq, view, named
            except RoomClosed:
                pass  # it shut meanwhile: its committed state is in the store
        # Not loaded: rebuild the committed board without making a room (a room is a writer
        # and stays in memory; the log only needs to read it once).
        loaded = await asyncio.to_thread(self.store.load, board_id)
        if loaded is None:
            return None
        board, seq = restore(board_id, loaded)
        return seq, view_for(board, ""), tuple(board.access.members)

    def _on_commit(self, room: Room) -> None:
        self._schedule_log(room.board.id)

    def _schedule_log(self, board_id: str) -> None:
        # Debounce: every commit pushes the rebuild back, so a burst of ops costs one rebuild.
        # A commit only moves the due time; the one timer per board checks it when it fires
        # (cancelling and re-arming a timer on every commit cost the event loop more).
        if self._closing:
            return
        loop = asyncio.get_running_loop()
        self._log_due[board_id] = loop.time() + self.log_delay
        if board_id not in self._log_timers:
            self._log_timers[board_id] = loop.call_later(self.log_delay, self._log_timer, board_id)

    def _log_timer(self, board_id: str) -> None:
        loop = asyncio.get_running_loop()
        wait = self._log_due.get(board_id, 0.0) - loop.time()
        if wait > 0:  # committed again since the timer was set: wait out the rest
            self._log_timers[board_id] = loop.call_later(wait, self._log_timer, board_id)
            return
        self._log_due.pop(board_id, None)
        self._start_refresh(board_id)

    def _start_refresh(self, board_id: str) -> None:
        self._log_timers.pop(board_id, None)
        task = asyncio.get_running_loop().create_task(self._refresh_quietly(board_id))
        self._log_tasks.add(task)
        task.add_done_callback(self._log_tasks.discard)

    async def _refresh_quietly(self, board_id: str) -> None:
        try:
            await self.refresh_log(board_id)
        except Exception:
            # The log is derived: a failed refresh is retried by the next commit or sync_log.
            logger.exception("board %s: incident log refresh failed", board_id)

    async def close(self) -> None:
        # Write the refreshes still waiting out their delay while the rooms can answer reads.
        self._closing = True
        pending = list(self._log_timers)
        for timer in self._log_timers.values():
            timer.cancel()
        self._log_timers.clear()
        self._log_due.clear()
        await asyncio.gather(*(self._refresh_quietly(b) for b in pending), *self._log_tasks)
        if self.presence is not None:
            await self.presence.stop()
        await asyncio.gather(*(room.close() for room in self.rooms.values()))
        self.rooms.clear()
