"""The durable op log: boards, credentials, ops and snapshots in one SQLite file.

Theory of operation
-------------------
SQLite allows one writer at a time, and with WAL + ``synchronous=FULL`` every COMMIT is an
fsync (a few hundred microseconds to milliseconds). So all writes go through ONE writer thread
that owns its own connection, fed by a FIFO queue:

* Rooms call ``await store.write(batch)``; the event loop only enqueues, it never touches the
  disk (an fsync on the loop would stall every board in the process).
* Group commit: the writer takes the first job, keeps collecting jobs for ``group_window``
  seconds (plus whatever is already queued, up to ``MAX_GROUP``), writes them all in one
  transaction and commits once. One fsync then covers many ops, which is where the throughput
  comes from (about 4.5k tx/s one-per-op versus tens of thousands of ops/s grouped). The price
  is latency: a caller that awaits each write before sending the next pays the window every
  time (about 360 writes/s with 2 ms), so a Room should keep sequencing while a write is in flight.
* Durability: ``write`` returns only after the COMMIT of the transaction holding the batch has
  returned. With ``FULL`` that means the WAL was fsynced: the batch survives a process kill and
  a power cut. ``NORMAL`` survives a process kill but may lose the last commits on power loss;
  ``OFF`` leaves it to the OS. Callers ack/broadcast only after ``write`` returns.
* Isolation of failures: if a grouped transaction fails (say a duplicate ``(board_id, seq)``),
  it is rolled back and each job is retried in its own transaction, so only the bad batch fails
  (``StoreError``); jobs still commit in FIFO order.
* Sealing (``WriteBatch.seals``): a board's op rows and snapshots up to a seq are deleted and
  one sealed snapshot written, in the same transaction as the batch, so a crash leaves the
  board either sealed or exactly as before. The writer runs with ``secure_delete`` (deleted
  rows are overwritten with zeros, in their pages and in freed pages), and after a commit that
  sealed it checkpoints the WAL with TRUNCATE, so no earlier frame holding those rows survives
  in the WAL file either.
* Reads use one connection per calling thread (WAL lets readers run beside the writer and see
  only committed data). They are blocking; async callers wrap them in ``asyncio.to_thread``.

The store keeps bytes opaque: it knows nothing about the board model or the wire protocol.
The incident log's rows (``log_rows`` of a batch) are built by the hub from a board's public
projection; the store only upserts them with their full-text body and answers searches.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from hindsight.server.storage.batch_sql import SQL_OP, apply_batch, check_batch
from hindsight.server.storage.board_reads import BoardReads
from hindsight.server.storage.crashpoints import crash_point
from hindsight.server.storage.log_store import LogReads, fts_query
from hindsight.server.storage.schema import (
    BoardRow,
    CredentialRow,
    LoadedBoard,
    LogRow,
    OpRow,
    SealRow,
    SnapshotRow,
    WriteBatch,
    is_current,
    migration_set,
)
from hindsight.server.storage.sql import Conn

__all__ = [
    "BoardRow",
    "CredentialRow",
    "LoadedBoard",
    "LogRow",
    "OpRow",
    "SealRow",
    "SnapshotRow",
    "Store",
    "SeqConflict",
    "StoreError",
    "WriteBatch",
    "fts_query",
]

log = logging.getLogger("hindsight.store")

MAX_GROUP = 500
SYNCHRONOUS_MODES = ("FULL", "NORMAL", "OFF")


class StoreError(Exception):
    """A write that did not commit, or a store used while not open."""


class SeqConflict(StoreError):
    """The batch did not commit because another node committed one of its seqs (or one of
    its client op ids) first: only a store shared by several nodes raises it. The room
    catches up from the log and tries again (meeting/catch_up.py)."""


@dataclass(slots=True)
class _Job:
    batch: WriteBatch
    loop: asyncio.AbstractEventLoop | None = None
    future: asyncio.Future[None] | None = None
    event: threading.Event | None = None  # set for write_sync callers
    error: StoreError | None = None


_STOP = object()  # queued by close(); everything queued before it is still written

_Settlement = tuple["asyncio.Future[None]", "StoreError | None"]


def _settle_all(items: list[_Settlement]) -> None:
    for future, error in items:
        if future.done():  # the awaiting task was cancelled; the write stands regardless
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)


class Store(BoardReads, LogReads):
    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: str = "FULL",
        group_window: float = 0.002,
        busy_timeout: float = 5.0,
    ) -> None:
        if synchronous.upper() not in SYNCHRONOUS_MODES:
            raise ValueError(f"synchronous must be one of {SYNCHRONOUS_MODES}, not {synchronous!r}")
        if group_window < 0:
            raise ValueError("group_window must be >= 0")
        self.path = Path(path)
        self.synchronous = synchronous.upper()
        self.group_window = group_window
        self.busy_timeout = busy_timeout
        self.transactions = 0  # committed write transactions (group-commit figure)
        self.groups = 0  # groups taken off the queue
        self.synchronous_applied: int | None = None  # PRAGMA synchronous read back by the writer
        self._queue: queue.SimpleQueue[_Job | list[_Job] | object] = queue.SimpleQueue()
        self._handover: dict[asyncio.AbstractEventLoop, list[_Job]] = {}  # see write()
        self._lock = threading.Lock()  # orders "is it open?" with queue puts and close()
        self._state = "new"  # new -> open -> closed
        self._writer: threading.Thread | None = None
        self._local = threading.local()
        # Each reader connection with the thread it belongs to (see close()).
        self._readers: list[tuple[int, Conn]] = []

    # -- lifecycle ---------------------------------------------------------------------------

    def _connect(self) -> Conn:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, the driver adds nothing.
        conn = sqlite3.connect(
            self.path, isolation_level=None, timeout=self.busy_timeout, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        return conn

    def open(self) -> None:
        with self._lock:
            if self._state != "new":
                raise StoreError(f"store is {self._state}; open() runs once")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self.busy_timeout)
            try:
                if not is_current(conn):  # sqlite-utils is imported only when there is work
                    from sqlite_utils import Database

                    db = Database(conn, execute_plugins=False)
                    db.enable_wal()  # persistent in the file: every later connection is WAL
                    migration_set().apply(db)
            finally:
                conn.close()
            # Made here so open() reports errors; from now on only the writer thread uses it.
            writer = self._connect()
            writer.execute(f"PRAGMA synchronous = {self.synchronous}")  # per connection
            writer.execute("PRAGMA secure_delete = ON")  # sealing must not leave rows behind
            self.synchronous_applied = writer.execute("PRAGMA synchronous").fetchone()[0]
            self._writer = threading.Thread(
                target=self._run, args=(writer,), name="hindsight-store", daemon=True
            )
            self._writer.start()
            self._state = "open"

    def close(self) -> None:
        """Drain queued writes, stop the writer, close every connection. Idempotent.

        Blocks until the last commit; async callers use ``asyncio.to_thread(store.close)``.
        """
        with self._lock:
            if self._state == "closed":
                return
            was_open, self._state = self._state == "open", "closed"
            if was_open:
                for jobs in self._handover.values():  # accepted writes not yet handed over
                    self._queue.put(jobs)
                self._handover.clear()
                self._queue.put(_STOP)  # under the lock: no job can be queued after it
        if was_open and self._writer is not None:
            self._writer.join()
        with self._lock:
            readers, self._readers = self._readers, []
        # A reader of another thread that is still alive may be inside a query (a task
        # cancelled while its `to_thread` read runs on): closing the connection under it can
        # crash the process (the sqlite3 module reads the connection after a step). Those
        # are left to that thread's local storage, which drops them with this store; a read
        # that comes later is refused (the store is closed), so none is used again.
        here = threading.get_ident()
        alive = {t.ident for t in threading.enumerate()}
        for ident, conn in readers:
            if ident == here or ident not in alive:
                conn.close()

    # -- writing -----------------------------------------------------------------------------

    def _submit(self, job: _Job) -> None:
        check_batch(job.batch)
        with self._lock:
            if self._state != "open":
                raise StoreError(f"store is not open (it is {self._state})")
            self._queue.put(job)

    async def write(self, batch: WriteBatch) -> None:
        """Return once the transaction holding ``batch`` has committed; StoreError if it failed.

        Cancelling the awaiting task does not retract the write.
        """
        check_batch(batch)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        # Hand-over in bulk: every write made during one turn of the event loop (each room's
        # round is one) goes to the writer thread as one queue item, at the end of the turn.
        # The thread then wakes, takes the GIL and runs statements once per turn instead of
        # once per room: that per-job work, contended with a busy loop, was a good part of
        # the writer's CPU (docs/performance.md).
        with self._lock:  # close() may run on another thread and hand these over itself
            if self._state != "open":
                raise StoreError(f"store is not open (it is {self._state})")
            pending = self._handover.get(loop)
            if pending is None:
                pending = self._handover[loop] = []
                loop.call_soon(self._hand_over, loop)
            pending.append(_Job(batch, loop=loop, future=future))
        await future

    def _hand_over(self, loop: asyncio.AbstractEventLoop) -> None:
        with self._lock:
            jobs = self._handover.pop(loop, None)
            if jobs:  # (close() may have handed them over already)
                self._queue.put(jobs)

    def write_sync(self, batch: WriteBatch) -> None:
        """Blocking ``write`` for the CLI and tests; never call it on an event loop."""
        done = threading.Event()
        job = _Job(batch, event=done)
        self._submit(job)
        done.wait()
        if job.error is not None:
            raise job.error

    def _run(self, conn: Conn) -> None:
        try:
            stopping = False
            while not stopping:
                first = self._queue.get()
                if first is _STOP:
                    break
                assert isinstance(first, (_Job, list))
                group, stopping = self._collect(first)
                self.groups += 1
                self._commit_group(conn, group)
                if any(job.batch.seals and job.error is None for job in group):
                    self._scrub_wal(conn)
                crash_point("after_commit_before_ack")  # testing only: see crashpoints.py
                self._settle(group)
        finally:
            conn.close()

    def _collect(self, first: _Job | list[_Job]) -> tuple[list[_Job], bool]:
        group = list(first) if isinstance(first, list) else [first]
        deadline = time.monotonic() + self.group_window
        while len(group) < MAX_GROUP:
            try:  # timeout 0 once the window is over: still take what is already queued
                item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if item is _STOP:
                return group, True
            if isinstance(item, list):
                group.extend(item)
            else:
                assert isinstance(item, _Job)
                group.append(item)
        return group, False

    def _transaction(self, conn: Conn, jobs: list[_Job]) -> None:
        # IMMEDIATE takes the write lock up front, so a busy DB fails at BEGIN, not mid-way.
        conn.execute("BEGIN IMMEDIATE")
        try:
            # All the group's ops in one statement call (most jobs are one room's round).
            conn.executemany(
                SQL_OP,
                [
                    (o.board_id, o.seq, o.actor, o.cid, o.body)
                    for job in jobs
                    for o in job.batch.ops
                ],
            )
            for job in jobs:
                apply_batch(conn, job.batch)
            crash_point("after_insert_before_commit")  # testing only: see crashpoints.py
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        self.transactions += 1

    def _commit_group(self, conn: Conn, group: list[_Job]) -> None:
        try:
            self._transaction(conn, group)
            return
        except Exception as exc:
            if len(group) == 1:
                group[0].error = self._error(exc)
                return
        # Some batch spoiled the group: retry one by one, in order, to isolate it.
        for job in group:
            try:
                self._transaction(conn, [job])
            except Exception as exc:
                job.error = self._error(exc)

    def _error(self, exc: Exception) -> StoreError:
        """What a failed write tells its caller (the PostgreSQL store tells a seq taken by
        another node apart, see SeqConflict)."""
        error = StoreError(f"write failed: {exc}")
        error.__cause__ = exc
        return error

    def _scrub_wal(self, conn: Conn) -> None:
        """Copy the WAL into the database and truncate it to zero bytes, so the frames that
        held a sealed board's rows (written before secure_delete zeroed them) are gone. It
        waits for readers (busy_timeout); if one still holds an old snapshot, the next seal or
        `scrub()` finishes the job."""
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            log.warning(
                "the WAL could not be truncated after a seal (a reader was busy); "
                "the next seal or checkpoint truncates it"
            )

    def _settle(self, group: list[_Job]) -> None:
        # One call_soon_threadsafe per loop per group (not per job): fewer wake-ups, FIFO kept.
        per_loop: dict[asyncio.AbstractEventLoop, list[_Settlement]] = {}
        for job in group:
            if job.event is not None:
                job.event.set()
            elif job.loop is not None and job.future is not None:
                per_loop.setdefault(job.loop, []).append((job.future, job.error))
        for loop, items in per_loop.items():
            try:
                loop.call_soon_threadsafe(_settle_all, items)
            except RuntimeError:  # that loop is closed: nobody is waiting any more
                pass

    # -- reading -----------------------------------------------------------------------------

    def reader(self) -> Conn:
        """This thread's read-only connection (WAL: committed data only), for the storage
        modules that read tables of their own (outbox.py, agendas.py)."""
        return self._reader()

    def _reader(self) -> Conn:
        if self._state != "open":
            raise StoreError(f"store is not open (it is {self._state})")
        conn: Conn | None = getattr(self._local, "conn", None)
        if conn is None or self._broken(conn):
            conn = self._open_reader()
            with self._lock:
                self._readers.append((threading.get_ident(), conn))
            self._local.conn = conn
        return conn

    def leads(self, task: str) -> bool:
        """Whether this process should run `task` (webhook delivery, tracker polling): on
        SQLite it is the only one; several nodes on PostgreSQL elect one (pg_store.py)."""
        return True

    def _open_reader(self) -> Conn:
        conn = self._connect()
        conn.execute("PRAGMA query_only = ON")  # readers never write by accident
        return conn

    def _broken(self, conn: Conn) -> bool:
        return False  # a file does not go away; a server connection may (pg_store.py)
