"""How a `WriteBatch` becomes SQL inside the store's open transaction: the statements, the
one check made before anything is queued, and the seal (delete a board's history, write its
sealed state). The store's writer thread calls these; nothing else does."""

from __future__ import annotations

from collections.abc import Callable

from hindsight.server.storage.agendas import apply_agendas
from hindsight.server.storage.crashpoints import crash_point
from hindsight.server.storage.log_store import apply_log_row
from hindsight.server.storage.outbox import apply_outbox
from hindsight.server.storage.schema import LogRow, WriteBatch
from hindsight.server.storage.sql import Conn

_SQL_BOARD = (
    "INSERT INTO boards (id, epoch, created_at, meta) VALUES (?, ?, ?, ?) "
    # Upsert so epoch/meta can change later; created_at stays the original.
    "ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch, meta = excluded.meta"
)
_SQL_CREDENTIAL = (
    "INSERT INTO credentials (board_id, participant_id, secret_hash, role) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (board_id, participant_id) DO UPDATE "
    "SET secret_hash = excluded.secret_hash, role = excluded.role"
)
# Plain INSERT on purpose: a duplicate (board_id, seq) is a sequencing bug and must fail.
SQL_OP = "INSERT INTO ops (board_id, seq, actor, cid, body) VALUES (?, ?, ?, ?, ?)"
_SQL_SNAPSHOT = "INSERT OR REPLACE INTO snapshots (board_id, seq, state, cids) VALUES (?, ?, ?, ?)"
_SQL_PRUNE = (
    "DELETE FROM snapshots WHERE board_id = ? AND seq NOT IN "
    "(SELECT seq FROM snapshots WHERE board_id = ? ORDER BY seq DESC LIMIT 2)"
)


def check_batch(batch: WriteBatch) -> None:
    # SQLite would happily store a str as TEXT and hand it back as str; catch that at the caller.
    if (
        any(not isinstance(op.body, bytes) for op in batch.ops)
        or any(
            not isinstance(s.state, bytes) or not isinstance(s.cids, (bytes, type(None)))
            for s in batch.snapshots
        )
        or any(not isinstance(s.state, bytes) or not isinstance(s.cids, bytes) for s in batch.seals)
    ):
        raise TypeError("op bodies and snapshot states must be bytes")


# A seal forgets the board's ops up to its seq. SQLite deletes them (secure_delete zeroes the
# rows). A store shared by several nodes keeps each row's key with nothing in it instead
# (pg_store.SQL_FORGET_OPS): a seq, once taken, must stay taken.
SQL_FORGET_OPS = "DELETE FROM ops WHERE board_id = ? AND seq <= ?"


def apply_batch(
    conn: Conn,
    batch: WriteBatch,
    log_row: Callable[[Conn, LogRow], None] = apply_log_row,
    forget_ops: str = SQL_FORGET_OPS,
) -> None:
    """Everything of `batch` but its ops (a transaction inserts all its jobs' ops at once).
    Most batches are one room's round, ops and nothing else; an empty executemany still costs
    a statement lookup, so only what the batch holds is executed."""
    if batch.boards:
        conn.executemany(_SQL_BOARD, [(b.id, b.epoch, b.created_at, b.meta) for b in batch.boards])
    if batch.credentials:
        conn.executemany(
            _SQL_CREDENTIAL,
            [(c.board_id, c.participant_id, c.secret_hash, c.role) for c in batch.credentials],
        )
    if batch.snapshots:
        conn.executemany(
            _SQL_SNAPSHOT, [(s.board_id, s.seq, s.state, s.cids) for s in batch.snapshots]
        )
        for board_id in {s.board_id for s in batch.snapshots}:
            crash_point("during_snapshot")  # testing only: see crashpoints.py
            conn.execute(_SQL_PRUNE, (board_id, board_id))
    for row in batch.log_rows:
        log_row(conn, row)
    if batch.outbox is not None:
        apply_outbox(conn, batch.outbox)
    if batch.agendas or batch.forget_agendas:
        apply_agendas(conn, batch)
    if batch.seat_accounts:
        conn.executemany(
            "INSERT OR REPLACE INTO seat_accounts (board_id, participant_id, email) "
            "VALUES (?, ?, ?)",
            batch.seat_accounts,
        )
    if batch.joined_readers:
        conn.executemany(
            "INSERT OR IGNORE INTO board_readers (board_id, email, source) VALUES (?, ?, 'joined')",
            batch.joined_readers,
        )
    for seal in batch.seals:
        conn.execute(forget_ops, (seal.board_id, seal.seq))
        conn.execute("DELETE FROM snapshots WHERE board_id = ?", (seal.board_id,))
        crash_point("during_seal")  # testing only: see crashpoints.py
        conn.execute(_SQL_SNAPSHOT, (seal.board_id, seal.seq, seal.state, seal.cids))
        if seal.forget_seats:  # an anonymous board: who sat where goes with it
            conn.executemany(
                "INSERT OR IGNORE INTO action_owners (board_id, action_id, email) "
                "SELECT board_id, ?, email FROM seat_accounts "
                "WHERE board_id = ? AND participant_id = ?",
                [(action_id, seal.board_id, seat) for action_id, seat in seal.owned],
            )
            conn.execute("DELETE FROM seat_accounts WHERE board_id = ?", (seal.board_id,))
