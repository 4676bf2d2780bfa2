"""Where an import's ops go: a rehearsal on a board in memory first (so a document that would
be refused half-way is refused before anything exists), then the real room. Either way the
rebuild learns the ids of what it created from the ops' receipts (`board_state.made_by`) and
looks at the board only through `look`, never at a live board's state directly."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol, TypeVar

from hindsight.board_state import SYSTEM, Board, Rejected, apply, made_by
from hindsight.board_state import ops as o
from hindsight.board_state.model import Role
from hindsight.server.meeting.room import Room

Labelled = list[tuple[str, o.Op]]  # ops in order, each with what it rebuilds (for errors)
Made = list[tuple[str, ...]]  # per op, in order: the ids of what it created
T = TypeVar("T")


class Target(Protocol):
    """A board being rebuilt: the real room, or a rehearsal in memory."""

    facilitator: str

    async def submit(self, actor: str, ops: Labelled) -> Made: ...
    async def join(self, people: list[tuple[str, Role]]) -> list[tuple[str, str]]: ...
    async def look(self, fn: Callable[[Board], T]) -> T: ...


class Rehearsal:
    """The core alone, on an empty board: proves every op passes before anything is stored."""

    def __init__(self, create: o.CreateBoard) -> None:
        self._board = Board(id="rehearsal")
        self._n = 0
        apply(self._board, create, actor=SYSTEM, now=0, new_id=self._id())
        self.facilitator = self._board.facilitator

    def _id(self) -> str:
        self._n += 1
        return f"r{self._n}"

    async def submit(self, actor: str, ops: Labelled) -> Made:
        made = []
        for label, op in ops:
            nid = self._id()
            try:
                apply(self._board, op, actor=actor, now=0, new_id=nid)
            except Rejected as e:
                raise Rejected(e.code, f"{label}: {e.message}") from None
            made.append(made_by(self._board, op, nid))
        return made

    async def join(self, people: list[tuple[str, Role]]) -> list[tuple[str, str]]:
        made = []
        for name, role in people:
            pid = self._id()
            apply(self._board, o.Join(name=name, role=role), actor=SYSTEM, now=0, new_id=pid)
            made.append((pid, ""))
        return made

    async def look(self, fn: Callable[[Board], T]) -> T:
        return fn(self._board)


class Live:
    """The new board's room. Ops of one batch are put in its inbox together, in order, so the
    room applies them in that order and commits them as one transaction (a large board would
    otherwise cost one disk sync per op)."""

    def __init__(self, room: Room, facilitator: str) -> None:
        self.room, self.facilitator = room, facilitator

    async def submit(self, actor: str, ops: Labelled) -> Made:
        # Tasks start in creation order, and each puts its op in the inbox before it awaits.
        results = await asyncio.gather(
            *(self.room.submit_as(actor, op) for _, op in ops), return_exceptions=True
        )
        made = []
        for (label, _), result in zip(ops, results):
            if isinstance(result, Rejected):
                raise Rejected(result.code, f"{label}: {result.message}")
            if isinstance(result, BaseException):
                raise result
            made.append(result.made)
        return made

    async def join(self, people: list[tuple[str, Role]]) -> list[tuple[str, str]]:
        return list(await asyncio.gather(*(self.room.join(n, r) for n, r in people)))

    async def look(self, fn: Callable[[Board], T]) -> T:
        return await self.room.consult(fn)
