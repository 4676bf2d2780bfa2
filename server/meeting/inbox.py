"""What a room's inbox holds, and what one round of its worker gathers (see room.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from hindsight.board_state import Board, Entry
from hindsight.board_state import ops as o
from hindsight.server.meeting.frames import Peer
from hindsight.server.storage.store import CredentialRow


class Receipt(NamedTuple):
    """What a server-side submitter gets once its op is durable: its seq, and the ids of what
    it created, in order (`board_state.made_by`), so nobody has to look for them on the board."""

    seq: int
    made: tuple[str, ...]


@dataclass
class Submit:
    op: o.Op
    actor: str
    peer: Peer | None = None
    done: asyncio.Future[Receipt] | None = None  # server-side callers: a receipt or error
    new_id: str = ""
    credential: CredentialRow | None = None
    fresh: bool = False  # checked against a board caught up with the other nodes


@dataclass
class Hello:
    peer: Peer
    last_seq: int
    epoch: str


@dataclass
class Read:
    viewer: str
    done: asyncio.Future[Any]
    consult: Callable[[Board], Any] | None = None  # a read of the board itself (consult())


@dataclass
class Behind:
    """Another node committed this board up to `seq` (0: maybe, look): catch up first."""

    seq: int


@dataclass
class Round:
    entries: list[Entry] = field(default_factory=list)
    credentials: list[CredentialRow] = field(default_factory=list)
    acks: list[tuple[Peer, bytes]] = field(default_factory=list)  # sent first, after commit
    frames: list[tuple[Peer, bytes]] = field(default_factory=list)  # sent after the acks
    done: list[tuple[asyncio.Future[Receipt], Receipt]] = field(default_factory=list)
    seal: bool = False  # the meeting closed in this round: the board is sealed with it
    revoked: list[str] = field(default_factory=list)  # seats removed: told once it is durable
    handed_over: bool = False  # the facilitator changed: presence is addressed anew
    taken: list[Submit] = field(default_factory=list)  # not refused: redone after a conflict
    doubtful: list[Submit] = field(default_factory=list)  # refused on a board maybe behind
