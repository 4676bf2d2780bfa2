"""The webhook outbox's SQL: queueing messages, recording attempts, and reading what is due.

Two tables (schema.m005_webhooks). `webhook_events` is written by triggers on the incident
log: when a board's row goes from open to closed, or a committed action's status differs from
the row it replaces, the event is inserted in the same transaction as the row, so the change
and its event commit together. `webhook_outbox` holds one message per (hook, key), inserted
with INSERT OR IGNORE: the key names the fact (`meeting.closed:<board>`,
`action.overdue:<board>:<action>:<due>`, ...), so however often and by whomever a fact is
queued, a hook gets one message for it. A message stays `pending` until a receiver answered
2xx (`delivered`) or its retries ran out (`failed`).

Writes run on the store's writer thread, inside its transaction (`apply_outbox` is called
with a batch's `outbox` part); reads use the store's per-thread reader connections.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hindsight.server.storage.schema import OutboxWrites
from hindsight.server.storage.sql import Conn

if TYPE_CHECKING:
    from hindsight.server.storage.store import Store

STATUSES = ("pending", "delivered", "failed")

_SQL_ENQUEUE = (
    "INSERT OR IGNORE INTO webhook_outbox "
    "(hook, key, kind, board_id, data, next_try, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
# Only a pending message changes: a late result cannot undo a delivery or a give-up.
_SQL_RESULT = (
    "UPDATE webhook_outbox SET status = ?, attempts = attempts + 1, next_try = ?, "
    "last_code = ?, last_error = ?, updated_at = ?, "
    "delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END "
    "WHERE hook = ? AND key = ? AND status = 'pending'"
)
_DELIVERY_COLUMNS = (
    "hook, key, kind, board_id, data, status, attempts, next_try, last_code, last_error, "
    "created_at, updated_at, delivered_at"
)


def apply_outbox(conn: Conn, writes: OutboxWrites) -> None:
    """A batch's outbox part, inside the store writer's open transaction."""
    if writes.enqueue:
        conn.executemany(
            _SQL_ENQUEUE,
            [
                (
                    r.hook,
                    r.key,
                    r.kind,
                    r.board_id,
                    r.data,
                    r.created_at,
                    r.created_at,
                    r.created_at,
                )
                for r in writes.enqueue
            ],
        )
    if writes.dispatched:
        conn.executemany(
            "UPDATE webhook_events SET dispatched = 1 WHERE key = ?",
            [(key,) for key in writes.dispatched],
        )
    if writes.results:
        conn.executemany(
            _SQL_RESULT,
            [
                (r.status, r.next_try, r.code, r.error, r.at, r.status, r.at, r.hook, r.key)
                for r in writes.results
            ],
        )
    if writes.prune_before:
        conn.execute(
            "DELETE FROM webhook_outbox WHERE status <> 'pending' AND updated_at < ?",
            (writes.prune_before,),
        )
        conn.execute(
            "DELETE FROM webhook_events WHERE dispatched = 1 AND created_at < ?",
            (writes.prune_before,),
        )


@dataclass(frozen=True, slots=True)
class Event:
    """A fact recorded by a log trigger, not yet fanned out to the hooks."""

    key: str
    kind: str
    board_id: str
    tags: str  # JSON array
    data: str  # JSON object
    created_at: int


@dataclass(frozen=True, slots=True)
class Delivery:
    """A queued message and where its delivery stands."""

    hook: str
    key: str
    kind: str
    board_id: str
    data: str
    status: str
    attempts: int
    next_try: int
    last_code: int | None
    last_error: str
    created_at: int
    updated_at: int
    delivered_at: int | None


def _reader(store: Store) -> Conn:
    # The store's reader connection of this thread (query_only; WAL: committed data only).
    return store.reader()


def pending_events(store: Store, limit: int = 500) -> list[Event]:
    """Events the triggers recorded that were not fanned out yet, oldest first."""
    rows = _reader(store).execute(
        "SELECT key, kind, board_id, tags, data, created_at FROM webhook_events "
        "WHERE dispatched = 0 ORDER BY created_at, key LIMIT ?",
        (limit,),
    )
    return [Event(*row) for row in rows]


def due_deliveries(store: Store, now: int, limit: int = 100) -> list[Delivery]:
    """Pending messages whose next try has come, the longest waiting first."""
    rows = _reader(store).execute(
        f"SELECT {_DELIVERY_COLUMNS} FROM webhook_outbox "
        "WHERE status = 'pending' AND next_try <= ? ORDER BY next_try, created_at LIMIT ?",
        (now, limit),
    )
    return [Delivery(*row) for row in rows]


def next_try(store: Store) -> int | None:
    """When the earliest pending message is due (ms), or None when nothing is pending."""
    row = (
        _reader(store)
        .execute("SELECT MIN(next_try) FROM webhook_outbox WHERE status = 'pending'")
        .fetchone()
    )
    return None if row is None or row[0] is None else int(row[0])


def queued_keys(store: Store, hook: str, keys: list[str]) -> set[str]:
    """Which of `keys` are already queued for `hook` (in any status)."""
    found: set[str] = set()
    conn = _reader(store)
    for start in range(0, len(keys), 500):  # SQLite's limit on bound parameters
        chunk = keys[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found.update(
            row[0]
            for row in conn.execute(
                f"SELECT key FROM webhook_outbox WHERE hook = ? AND key IN ({marks})",
                (hook, *chunk),
            )
        )
    return found


def recent_deliveries(
    store: Store, *, status: str = "", hook: str = "", limit: int = 100
) -> list[Delivery]:
    """The delivery log: messages most recently changed first, optionally of one status/hook."""
    where, args = [], []
    if status:
        where.append("status = ?")
        args.append(status)
    if hook:
        where.append("hook = ?")
        args.append(hook)
    sql = (
        f"SELECT {_DELIVERY_COLUMNS} FROM webhook_outbox"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY updated_at DESC, created_at DESC, key LIMIT ?"
    )
    return [Delivery(*row) for row in _reader(store).execute(sql, (*args, limit))]


def delivery_counts(store: Store) -> dict[str, int]:
    """How many messages are in each status."""
    counts = dict.fromkeys(STATUSES, 0)
    for status, n in _reader(store).execute(
        "SELECT status, COUNT(*) FROM webhook_outbox GROUP BY status"
    ):
        counts[status] = int(n)
    return counts
