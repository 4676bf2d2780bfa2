"""What the store keeps: the tables (as sqlite-utils migrations) and the row types.

Tables: `boards` (id, epoch, created_at, meta JSON), `credentials` (participant secrets, hashed),
`ops` (the log: board, seq, actor, client op id, encoded entry) and `snapshots` (encoded boards
at a seq, the latest two per board). A schema change is a new `@migrations()` function, never an
edit of an applied one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("hindsight")


@migrations()
def m001_initial(db: Database) -> None:
    db.table("boards").create(
        {"id": str, "epoch": str, "created_at": int, "meta": str},
        pk="id", not_null=["epoch", "created_at", "meta"],
    )
    db.table("credentials").create(
        {"board_id": str, "participant_id": str, "secret_hash": str, "role": str},
        pk=("board_id", "participant_id"), not_null=["secret_hash", "role"],
    )
    ops = db.table("ops").create(
        {"board_id": str, "seq": int, "actor": str, "cid": str, "body": bytes},
        pk=("board_id", "seq"), not_null=["actor", "cid", "body"],
    )
    # Resume/dedupe looks up "did this actor already send this client op id?".
    ops.create_index(["board_id", "actor", "cid"])
    db.table("snapshots").create(
        {"board_id": str, "seq": int, "state": bytes},
        pk=("board_id", "seq"), not_null=["state"],
    )


@dataclass(frozen=True, slots=True)
class OpRow:
    board_id: str
    seq: int
    actor: str
    cid: str
    body: bytes


@dataclass(frozen=True, slots=True)
class CredentialRow:
    board_id: str
    participant_id: str
    secret_hash: str
    role: str


@dataclass(frozen=True, slots=True)
class BoardRow:
    id: str
    epoch: str
    created_at: int
    meta: str


@dataclass(frozen=True, slots=True)
class SnapshotRow:
    board_id: str
    seq: int
    state: bytes


@dataclass(frozen=True, slots=True)
class WriteBatch:
    boards: tuple[BoardRow, ...] = ()
    credentials: tuple[CredentialRow, ...] = ()
    ops: tuple[OpRow, ...] = ()
    snapshots: tuple[SnapshotRow, ...] = ()


@dataclass(frozen=True, slots=True)
class LoadedBoard:
    board: BoardRow
    snapshot: SnapshotRow | None
    tail: list[OpRow]  # ops after the snapshot (all ops when there is none), by seq
