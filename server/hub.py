"""The hub: one process, many boards, each with exactly one Room (its single writer).

Rooms are loaded from the store on first use and kept while the process runs. Board creation
is the one write that does not go through a room: the board does not exist yet, so its first
entry (`create_board`), its row and the facilitator's credential are written here in one batch.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import msgspec

from board_state import SYSTEM, Board, Entry, apply, encode_entry
from board_state import ops as o

from .room import Room, hash_secret, new_id, now_ms
from .store import BoardRow, CredentialRow, OpRow, Store, WriteBatch


class Hub:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.rooms: dict[str, Room] = {}
        self._loading: dict[str, list[Any]] = {}  # board id -> [lock, users]

    async def room(self, board_id: str) -> Room | None:
        room = self.rooms.get(board_id)
        if room is not None and not room.closed:
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
                    self.rooms[board_id] = room
                return room
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                del self._loading[board_id]

    async def create_board(self, create: o.CreateBoard) -> tuple[str, str, str]:
        """Make a board; return (board id, facilitator participant id, facilitator credential).
        Raises `Rejected` when the request breaks a rule (unknown template, ...)."""
        board_id = new_id(15)  # 120 random bits: unguessable, since knowing it lets you join
        pid, secret = new_id(), secrets.token_urlsafe(24)
        board, now = Board(id=board_id), now_ms()
        apply(board, create, actor=SYSTEM, now=now, new_id=pid)
        entry = Entry(seq=1, actor=SYSTEM, at=now, new_id=pid, op=create)
        meta = msgspec.json.encode({"title": create.title, "severity": create.severity}).decode()
        await self.store.write(WriteBatch(
            boards=(BoardRow(id=board_id, epoch=new_id(), created_at=now, meta=meta),),
            credentials=(CredentialRow(board_id=board_id, participant_id=pid,
                                       secret_hash=hash_secret(secret), role="facilitator"),),
            ops=(OpRow(board_id=board_id, seq=1, actor=SYSTEM, cid="", body=encode_entry(entry)),),
        ))
        return board_id, pid, f"{pid}.{secret}"

    async def close(self) -> None:
        await asyncio.gather(*(room.close() for room in self.rooms.values()))
        self.rooms.clear()
