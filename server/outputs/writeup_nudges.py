"""Nudges raised and resolved over a meeting, for the write-up's "how this meeting ran".

The count comes from the op log (`board_state.nudges.NudgeTally`). A tally is kept per board
and brought up to date from the seq it reached, so opening the write-up again costs only the
ops written since; the few most recently read boards are kept.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from hindsight.board_state import decode_entry
from hindsight.board_state.nudges import NudgeTally
from hindsight.server.meeting.room import Room

KEEP = 32  # boards whose tallies stay in memory


class NudgeTallies:
    def __init__(self) -> None:
        self._tallies: OrderedDict[str, NudgeTally] = OrderedDict()
        self._locks: dict[str, asyncio.Lock] = {}

    async def of(self, room: Room) -> tuple[int, int]:
        """(raised, resolved) for the board, up to its latest committed op."""
        board_id = room.board_id
        sealed = await room.consult(lambda board: board.sealed_nudges)
        if sealed is not None:  # the log they came from was sealed away
            raised, resolved = sealed
            return raised, resolved
        lock = self._locks.setdefault(board_id, asyncio.Lock())
        async with lock:
            tally = self._tallies.pop(board_id, None) or NudgeTally(board_id)

            def catch_up() -> None:
                for row in room.store.ops_since(board_id, tally.seq):
                    if row.body:  # (sealed meanwhile, on PostgreSQL: emptied rows)
                        tally.feed(decode_entry(row.body))

            await asyncio.to_thread(catch_up)
            self._tallies[board_id] = tally
            while len(self._tallies) > KEEP:
                old, _ = self._tallies.popitem(last=False)
                self._locks.pop(old, None)
            return tally.raised, tally.resolved
