"""Where an import's ops go: a rehearsal on a board in memory first (so a document that would
be refused half-way is refused before anything exists), then the real room."""

from __future__ import annotations

import asyncio
from typing import Protocol

from hindsight.board_state import SYSTEM, Board, Rejected, apply
from hindsight.board_state import ops as o
from hindsight.board_state.model import Role
from hindsight.server.meeting.room import Room

# --- import: where the ops go ----------------------------------------------------------------

Labelled = list[tuple[str, o.Op]]  # ops in order, each with what it rebuilds (for errors)


class Target(Protocol):
    """A board being rebuilt: the real room, or a rehearsal in memory."""

    @property
    def board(self) -> Board: ...
    async def submit(self, actor: str, ops: Labelled) -> None: ...
    async def join(self, people: list[tuple[str, Role]]) -> list[tuple[str, str]]: ...


class Rehearsal:
    """The core alone, on an empty board: proves every op passes before anything is stored."""

    def __init__(self, create: o.CreateBoard) -> None:
        self.board = Board(id="rehearsal")
        self._n = 0
        apply(self.board, create, actor=SYSTEM, now=0, new_id=self._id())

    def _id(self) -> str:
        self._n += 1
        return f"r{self._n}"

    async def submit(self, actor: str, ops: Labelled) -> None:
        for label, op in ops:
            try:
                apply(self.board, op, actor=actor, now=0, new_id=self._id())
            except Rejected as e:
                raise Rejected(e.code, f"{label}: {e.message}") from None

    async def join(self, people: list[tuple[str, Role]]) -> list[tuple[str, str]]:
        made = []
        for name, role in people:
            pid = self._id()
            apply(self.board, o.Join(name=name, role=role), actor=SYSTEM, now=0, new_id=pid)
            made.append((pid, ""))
        return made


class Live:
    """The new board's room. Ops of one batch are put in its inbox together, in order, so the
    room applies them in that order and commits them as one transaction (a large board would
    otherwise cost one disk sync per op)."""

    def __init__(self, room: Room) -> None:
        self.room = room

    @property
    def board(self) -> Board:
        return self.room.board

    async def submit(self, actor: str, ops: Labelled) -> None:
        # Tasks start in creation order, and each puts its op in the inbox before it awaits.
        results = await asyncio.gather(
            *(self.room.submit_as(actor, op) for _, op in ops), return_exceptions=True
        )
        for (label, _), result in zip(ops, results):
            if isinstance(result, Rejected):
                raise Rejected(result.code, f"{label}: {result.message}")
            if isinstance(result, BaseException):
                raise result

    async def join(self, people: list[tuple[str, Role]]) -> list[tuple[str, str]]:
        return list(await asyncio.gather(*(self.room.join(n, r) for n, r in people)))
