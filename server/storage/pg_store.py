"""The store on PostgreSQL: the same op log, shared by several nodes.

Theory of operation. `PgStore` is `Store` (store.py) with a PostgreSQL connection under it: the
same single writer thread per node with group commit, the same batches, the same reads (their
SQL is translated by sql.py; the few that are SQLite's own are attributes overridden here).
What a shared database adds:

* Several nodes write the same boards. The `(board_id, seq)` primary key lets only one of them
  commit a seq; the loser's batch fails with `SeqConflict` (so does a client op id already in
  the log, by the unique index on `(board_id, actor, cid)`), and its room catches up from the
  log and tries again (meeting/catch_up.py). Nothing here decides which op wins: the database
  does, by its keys.
* Every transaction that commits ops also says `NOTIFY hindsight, '<board> <seq> <node>'`;
  PostgreSQL delivers it to every listening node when (and only if) the transaction commits.
  `listen()` runs a thread that waits for them and hands them to the event loop: a hint that
  a board moved on, after which a room reads the rows themselves.
* `synchronous_commit` is on for the writer's session: COMMIT returns once the WAL is flushed,
  so an acknowledged op survives a crash of the node and of PostgreSQL.
* Sealing empties the board's op rows in the seal's transaction (SQLite deletes them): the
  keys stay, so no node can commit a seq of the sealed history later. PostgreSQL frees the
  old row versions at its next VACUUM (autovacuum), and its WAL and backups keep them until
  they are recycled: docs/operators.md says what that means for an operator.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Callable
from typing import Any

from hindsight.server.storage.batch_sql import SQL_OP, apply_batch
from hindsight.server.storage.crashpoints import crash_point
from hindsight.server.storage.log_store import log_values
from hindsight.server.storage.pg_schema import MIGRATION_LOCK, migrate
from hindsight.server.storage.schema import LogRow
from hindsight.server.storage.sql import Conn, PgConnection
from hindsight.server.storage.store import SeqConflict, Store, StoreError, _Job

log = logging.getLogger("hindsight.store")


class _SeqConflictNoise(logging.Filter):
    """psycopg warns "error ignored terminating Pipeline" when a batch's insert fails inside
    its pipeline: on a seq another node took, which the store reports itself (SeqConflict)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith("error ignored terminating") and "Pipeline" in message)


logging.getLogger("psycopg").addFilter(_SeqConflictNoise())

CHANNEL = "hindsight"
PRESENCE = "hindsight_presence"  # who is connected where (meeting/presence_share.py)
# A seal empties the board's op rows but keeps their keys: deleted, a seq could be taken again
# by a node that had not heard of the close yet, committed after the seal and so never read.
SQL_FORGET_OPS = (
    "UPDATE ops SET actor = '', cid = '', body = ''::bytea WHERE board_id = ? AND seq <= ?"
)
_SEQ_KEYS = ("ops_pkey", "ops_client_op")  # the constraints that say "another node was first"

_SQL_LOG = (
    "INSERT INTO log (board_id, seq, date, created_at, title, severity, status, "
    "learning_question, root_cause, tags, categories, actions, updated_at, restricted, body) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, to_tsvector('english', ?)) "
    "ON CONFLICT (board_id) DO UPDATE SET seq = excluded.seq, date = excluded.date, "
    "created_at = excluded.created_at, title = excluded.title, severity = excluded.severity, "
    "status = excluded.status, learning_question = excluded.learning_question, "
    "root_cause = excluded.root_cause, tags = excluded.tags, categories = excluded.categories, "
    "actions = excluded.actions, updated_at = excluded.updated_at, "
    "restricted = excluded.restricted, body = excluded.body "
    # Refreshes of one board may finish out of order, on several nodes: the later seq wins.
    "WHERE log.seq <= excluded.seq RETURNING board_id"
)


def pg_log_row(conn: Conn, row: LogRow) -> None:
    """A log row and its search text, inside the writer's transaction (log_store's
    `apply_log_row` for PostgreSQL: the text is a tsvector column of the row itself)."""
    written = conn.execute(_SQL_LOG, (*log_values(row), row.body)).fetchone()
    if written is None:  # a later row is there already
        return
    conn.execute(
        "DELETE FROM board_readers WHERE board_id = ? AND source = 'named'", (row.board_id,)
    )
    conn.executemany(
        "INSERT OR IGNORE INTO board_readers (board_id, email, source) VALUES (?, ?, 'named')",
        [(row.board_id, email) for email in row.named],
    )


def ts_query(text: str) -> str:
    """A tsquery for what someone typed: every word must occur (AND); a trailing '*' is a
    prefix search, as in log_store.fts_query. Only letters and digits reach the query, so
    nothing typed is tsquery syntax. Empty when there are no words."""
    terms = []
    for word in text.split():
        parts = re.findall(r"\w+", word)
        if not parts:
            continue
        prefix = word.endswith("*")
        for i, part in enumerate(parts):
            star = ":*" if prefix and i == len(parts) - 1 else ""
            terms.append(f"'{part}'{star}")
    return " & ".join(terms)


def shared_secret(url: str, name: str, proposed: str) -> str:
    """A secret every node shares, kept in the database (table `settings`): the first node to
    ask stores `proposed`, every later ask gets that one. Used before the store opens (the
    sign-in layer is set up with the app), so it migrates the database itself if need be."""
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        migrate(conn)
        conn.execute(
            "INSERT INTO settings (name, value) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (name, proposed),
        )
        row = conn.execute("SELECT value FROM settings WHERE name = %s", (name,)).fetchone()
    assert row is not None
    return str(row[0])


class PgStore(Store):
    shared = True  # several nodes may write it: rooms catch up on SeqConflict

    _SQL_LAST_SEQ = (
        "SELECT GREATEST((SELECT COALESCE(MAX(seq), 0) FROM ops WHERE board_id = ?), "
        "(SELECT COALESCE(MAX(seq), 0) FROM snapshots WHERE board_id = ?))"
    )
    _MATCHES = "log.body @@ to_tsquery('english', ?)"
    _HAS_TAG = "EXISTS (SELECT 1 FROM jsonb_array_elements_text(log.tags::jsonb) t WHERE t = ?)"
    _HAS_CATEGORY = (
        "EXISTS (SELECT 1 FROM jsonb_array_elements_text(log.categories::jsonb) t WHERE t = ?)"
    )
    _SQL_TAGS = (
        "SELECT DISTINCT t FROM log, jsonb_array_elements_text(log.tags::jsonb) t ORDER BY t"
    )

    def __init__(self, url: str, *, node: str = "", group_window: float = 0.002, **kw: Any) -> None:
        super().__init__(url, group_window=group_window, **kw)
        self.url = url
        self.node = node  # named in NOTIFY payloads, so a node can skip its own
        self._listener: threading.Thread | None = None
        self._listen_conn: Any = None
        self._side_lock = threading.Lock()
        self._side_conn: Any = None  # its own session: the task locks and presence notices
        self._leading: set[str] = set()

    @staticmethod
    def _text_query(text: str) -> str:
        return ts_query(text)

    # -- connections --------------------------------------------------------------------------

    def _raw(self, **options: Any) -> Any:
        import psycopg

        return psycopg.connect(self.url, autocommit=True, connect_timeout=10, **options)

    def _connect(self) -> Conn:
        conn = PgConnection(self._raw())
        sync = "off" if self.synchronous == "OFF" else "on"
        conn.execute(f"SET synchronous_commit = {sync}")
        return conn

    def _open_reader(self) -> Conn:
        conn = PgConnection(self._raw())
        conn.execute("SET default_transaction_read_only = on")  # readers never write
        return conn

    def _broken(self, conn: Conn) -> bool:
        return isinstance(conn, PgConnection) and (conn.raw.broken or conn.raw.closed)

    def open(self) -> None:
        with self._lock:
            if self._state != "new":
                raise StoreError(f"store is {self._state}; open() runs once")
            raw = self._raw()
            try:
                applied = migrate(raw)
                if applied:
                    log.info("PostgreSQL: applied %s", ", ".join(applied))
            finally:
                raw.close()
            writer = self._connect()
            self.synchronous_applied = 2 if self.synchronous != "OFF" else 0
            self._writer = threading.Thread(
                target=self._run, args=(writer,), name="hindsight-store", daemon=True
            )
            self._writer.start()
            self._state = "open"

    def close(self) -> None:
        with self._side_lock:
            lead, self._side_conn = self._side_conn, None
            self._leading.clear()
        if lead is not None:
            lead.close()  # the locks go with the session: another node takes over
        listen, self._listen_conn = self._listen_conn, None
        if listen is not None:
            try:
                listen.close()  # ends the listener's wait
            except Exception:
                pass
        super().close()

    # -- writing ------------------------------------------------------------------------------

    def _transaction(self, conn: Conn, jobs: list[_Job]) -> None:
        assert isinstance(conn, PgConnection)
        if conn.raw.broken or conn.raw.closed:  # PostgreSQL restarted: a new session
            conn.raw = self._connect().raw  # type: ignore[union-attr]
        conn.raw.execute("BEGIN")  # read-write (sql.py turns a plain BEGIN into a read's)
        try:
            ops = [(o.board_id, o.seq, o.actor, o.cid, o.body) for j in jobs for o in j.batch.ops]
            conn.executemany(SQL_OP, ops)
            for job in jobs:
                apply_batch(conn, job.batch, log_row=pg_log_row, forget_ops=SQL_FORGET_OPS)
            last: dict[str, int] = {}
            for board_id, seq, *_ in ops:
                last[board_id] = max(seq, last.get(board_id, 0))
            for seal in (s for j in jobs for s in j.batch.seals):
                last[seal.board_id] = max(seal.seq, last.get(seal.board_id, 0))
            if last:  # one statement for every board of the group: one round trip
                conn.execute(
                    "SELECT pg_notify(?, note) FROM unnest(?::text[]) AS note",
                    (CHANNEL, [f"{board} {seq} {self.node}" for board, seq in last.items()]),
                )
            crash_point("after_insert_before_commit")  # testing only: see crashpoints.py
            conn.execute("COMMIT")
        except BaseException:
            if not conn.raw.closed and conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        self.transactions += 1

    def _error(self, exc: Exception) -> StoreError:
        import psycopg.errors

        if isinstance(exc, psycopg.errors.UniqueViolation) and (
            exc.diag.constraint_name in _SEQ_KEYS
        ):
            error: StoreError = SeqConflict(f"another node was first: {exc}")
        else:
            error = StoreError(f"write failed: {exc}")
        error.__cause__ = exc
        return error

    def _scrub_wal(self, conn: Conn) -> None:
        pass  # no WAL file of ours: PostgreSQL's own (see the module's docstring)

    # -- reading ------------------------------------------------------------------------------

    def integrity_check(self) -> str:
        # PostgreSQL checks its own pages (data checksums, amcheck); this says it answers.
        self._reader().execute("SELECT 1").fetchone()
        return "ok"

    # -- one node for the background tasks ------------------------------------------------------

    def leads(self, task: str) -> bool:
        """Whether this node runs `task` now. Webhook delivery and tracker polling would be
        done once per node otherwise (every message posted by each). One node holds a session
        advisory lock per task on a connection of its own; when it dies or stops, its session
        ends, the lock with it, and the next node to ask takes the task over."""
        import zlib

        import psycopg

        with self._side_lock:
            if self._state != "open":
                return False
            try:
                if self._side_conn is None or self._side_conn.broken or self._side_conn.closed:
                    self._side_conn, self._leading = self._raw(), set()
                if task in self._leading:
                    self._side_conn.execute("SELECT 1")  # still our session, so still ours
                    return True
                key = zlib.crc32(task.encode()) & 0x7FFFFFFF
                row = self._side_conn.execute(
                    "SELECT pg_try_advisory_lock(%s, %s)", (MIGRATION_LOCK, key)
                ).fetchone()
            except psycopg.Error as exc:
                log.warning("PostgreSQL: could not ask who runs %s (%s)", task, exc)
                self._side_conn = None
                return False
            if row is not None and row[0]:
                self._leading.add(task)
                return True
            return False

    # -- hints from other nodes -----------------------------------------------------------------

    def listen(
        self,
        loop: asyncio.AbstractEventLoop,
        hint: Callable[[str, int], None],
        presence: Callable[[str], None] | None = None,
    ) -> None:
        """Call `hint(board_id, seq)` on `loop` for every commit another node makes, and
        `hint("", 0)` after the listening connection was lost and made again (anything may have
        been missed in between); `presence(payload)` for every presence notice (see
        meeting/presence_share.py). Runs until the store closes."""
        self._listener = threading.Thread(
            target=self._listen, args=(loop, hint, presence), name="hindsight-listen", daemon=True
        )
        self._listener.start()

    def announce(self, payload: str) -> None:
        """Tell every node `payload` on the presence channel (a blocking call: use a thread)."""
        import psycopg

        with self._side_lock:
            if self._state != "open":
                return
            try:
                if self._side_conn is None or self._side_conn.broken or self._side_conn.closed:
                    self._side_conn, self._leading = self._raw(), set()
                self._side_conn.execute("SELECT pg_notify(%s, %s)", (PRESENCE, payload))
            except psycopg.Error as exc:
                log.warning("PostgreSQL: could not tell the other nodes who is here (%s)", exc)
                self._side_conn = None

    def _listen(
        self,
        loop: asyncio.AbstractEventLoop,
        hint: Callable[[str, int], None],
        presence: Callable[[str], None] | None,
    ) -> None:
        import time

        first = True
        while self._state == "open":
            try:
                conn = self._raw()
                self._listen_conn = conn
                conn.execute(f"LISTEN {CHANNEL}")
                conn.execute(f"LISTEN {PRESENCE}")
                if not first:
                    loop.call_soon_threadsafe(hint, "", 0)
                first = False
                for note in conn.notifies():
                    if note.channel == PRESENCE:
                        if presence is not None:
                            loop.call_soon_threadsafe(presence, note.payload)
                        continue
                    board_id, seq, node = (note.payload.split(" ") + ["", "", ""])[:3]
                    if node != self.node or not self.node:
                        loop.call_soon_threadsafe(hint, board_id, int(seq or 0))
            except Exception as exc:
                if self._state != "open":
                    return
                log.warning("PostgreSQL: listening for other nodes failed (%s); again in 1 s", exc)
                time.sleep(1.0)
