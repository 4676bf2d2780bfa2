"""What the store keeps: the tables (as sqlite-utils migrations) and the row types.

Tables: `boards` (id, epoch, created_at, meta JSON), `credentials` (participant secrets, hashed),
`ops` (the log: board, seq, actor, client op id, encoded entry) and `snapshots` (encoded boards
at a seq, the latest two per board). The incident log adds `log` (one derived row per board,
rebuilt from the board's public projection) and `log_fts` (its full-text index). Webhooks add
`webhook_events` (facts the log rows' triggers record) and `webhook_outbox` (messages per hook,
with their delivery state). A schema change
is a new `@migrations()` function, never an edit of an applied one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

# Importing sqlite-utils costs more than the rest of the server together (it pulls in click
# and pluggy: about 0.3 s of a 0.5 s start, docs/performance.md), and a server starting on a
# current database has no migration to run. So the migrations are plain functions here; the
# sqlite-utils `Migrations` set is built, and sqlite-utils imported, only when one is pending.
MIGRATION_SET = "hindsight"


def m001_initial(db: Database) -> None:
    db.table("boards").create(
        {"id": str, "epoch": str, "created_at": int, "meta": str},
        pk="id",
        not_null=["epoch", "created_at", "meta"],
    )
    db.table("credentials").create(
        {"board_id": str, "participant_id": str, "secret_hash": str, "role": str},
        pk=("board_id", "participant_id"),
        not_null=["secret_hash", "role"],
    )
    ops = db.table("ops").create(
        {"board_id": str, "seq": int, "actor": str, "cid": str, "body": bytes},
        pk=("board_id", "seq"),
        not_null=["actor", "cid", "body"],
    )
    # Resume/dedupe looks up "did this actor already send this client op id?" (dropped by
    # m004: the dedupe table is loaded whole instead).
    ops.create_index(["board_id", "actor", "cid"])
    db.table("snapshots").create(
        {"board_id": str, "seq": int, "state": bytes},
        pk=("board_id", "seq"),
        not_null=["state"],
    )


def m002_incident_log(db: Database) -> None:
    # Derived data: everything here can be rebuilt from the op log, so it holds only what the
    # public projection of a board shows (no authors, no unrevealed private writing).
    db.table("log").create(
        {
            "board_id": str,
            "seq": int,
            "date": str,
            "created_at": int,
            "title": str,
            "severity": str,
            "status": str,
            "learning_question": str,
            "root_cause": str,
            "tags": str,
            "categories": str,
            "actions": str,
            "updated_at": int,
        },
        pk="board_id",
        not_null=[
            "seq",
            "date",
            "created_at",
            "title",
            "severity",
            "status",
            "learning_question",
            "root_cause",
            "tags",
            "categories",
            "actions",
            "updated_at",
        ],
    )
    db.table("log").create_index(["date", "created_at"])  # newest first is the only order
    # The FTS row shares the log row's rowid (upserts keep it), so replacing one board's text
    # is a lookup by rowid, not a scan of the index. Porter stemming: "timeouts" finds
    # "timeout".
    db.execute(
        "CREATE VIRTUAL TABLE log_fts USING fts5("
        "board_id UNINDEXED, body, tokenize = 'porter unicode61 remove_diacritics 2')"
    )


def m003_snapshot_cids(db: Database) -> None:
    # The dedupe table ({actor: {cid: seq}}) as of each snapshot, so loading a board reads one
    # blob instead of a row per op (10,000 rows were most of a big board's load time). NULL in
    # snapshots written before: their boards rebuild it from the op log, as before.
    db.execute("ALTER TABLE snapshots ADD COLUMN cids BLOB")


def m004_drop_cid_index(db: Database) -> None:
    # Dedupe no longer looks cids up one by one: the table comes with the snapshot (m003) or
    # from one pass over a board's ops in seq order. The index cost every insert a third
    # b-tree page to write, for each board in the transaction: about a third of the writer's
    # CPU per transaction (docs/performance.md).
    db.execute("DROP INDEX IF EXISTS idx_ops_board_id_actor_cid")


def m005_webhooks(db: Database) -> None:
    # Outgoing webhooks (server/outputs/webhooks.py, storage/outbox.py). `webhook_events` holds
    # facts the incident log's rows reveal when they change; the triggers below write them in
    # the same transaction as the row's update, so a change of a board and its event are
    # committed together or not at all. `webhook_outbox` holds one message per (hook, key): the
    # key is the event's idempotency key, so a fact can be queued for a hook only once,
    # whoever queues it and however often.
    db.execute(
        "CREATE TABLE webhook_events (key TEXT PRIMARY KEY, kind TEXT NOT NULL, "
        "board_id TEXT NOT NULL, tags TEXT NOT NULL, data TEXT NOT NULL, "
        "created_at INTEGER NOT NULL, dispatched INTEGER NOT NULL DEFAULT 0)"
    )
    db.execute(
        "CREATE INDEX webhook_events_pending ON webhook_events (created_at) WHERE dispatched = 0"
    )
    db.execute(
        "CREATE TABLE webhook_outbox (hook TEXT NOT NULL, key TEXT NOT NULL, "
        "kind TEXT NOT NULL, board_id TEXT NOT NULL, data TEXT NOT NULL, "
        "status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, "
        "next_try INTEGER NOT NULL, last_code INTEGER, last_error TEXT NOT NULL DEFAULT '', "
        "created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, delivered_at INTEGER, "
        "PRIMARY KEY (hook, key))"
    )
    db.execute(
        "CREATE INDEX webhook_outbox_due ON webhook_outbox (next_try) WHERE status = 'pending'"
    )
    db.execute("CREATE INDEX webhook_outbox_recent ON webhook_outbox (updated_at)")
    # A board's row going from open to closed: the meeting closed (once per board, ever).
    db.execute(
        "CREATE TRIGGER webhook_meeting_closed AFTER UPDATE OF status ON log "
        "WHEN old.status = 'open' AND new.status = 'closed' BEGIN "
        "INSERT OR IGNORE INTO webhook_events (key, kind, board_id, tags, data, created_at) "
        "VALUES ('meeting.closed:' || new.board_id, 'meeting.closed', new.board_id, new.tags, "
        "json_object('title', new.title, 'severity', new.severity, 'status', new.status, "
        "'date', new.date, 'root_cause', new.root_cause, 'actions', json(new.actions)), "
        "new.updated_at); END"
    )
    # A committed action whose status differs from the row it replaces. The key names the
    # replaced row's seq, so each change is one event, and a change back later is another.
    db.execute(
        "CREATE TRIGGER webhook_action_status AFTER UPDATE OF actions ON log "
        "WHEN old.actions <> new.actions BEGIN "
        "INSERT OR IGNORE INTO webhook_events (key, kind, board_id, tags, data, created_at) "
        "SELECT 'action.status_changed:' || new.board_id || ':' || json_extract(n.value, '$.id') "
        "|| ':' || old.seq || ':' || json_extract(n.value, '$.status'), "
        "'action.status_changed', new.board_id, new.tags, "
        "json_object('title', new.title, 'severity', new.severity, 'status', new.status, "
        "'action', json(n.value), 'from', json_extract(p.value, '$.status')), new.updated_at "
        "FROM json_each(new.actions) AS n JOIN json_each(old.actions) AS p "
        "ON json_extract(p.value, '$.id') = json_extract(n.value, '$.id') "
        "WHERE json_extract(n.value, '$.status') IS NOT json_extract(p.value, '$.status') "
        "AND coalesce(json_extract(n.value, '$.selected'), 1) "
        "AND coalesce(json_extract(p.value, '$.selected'), 1); END"
    )


def m006_saved_agendas(db: Database) -> None:
    # An organisation's own agendas, saved from a board and offered on the landing page.
    db.execute(
        "CREATE TABLE agendas (name TEXT PRIMARY KEY COLLATE NOCASE, phases TEXT NOT NULL, "
        "created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)"
    )


def m007_restricted_boards(db: Database) -> None:
    # A restricted board's log row says so, and who may read it: the members its facilitator
    # named ("named", rewritten with every row) and the people who joined it signed in
    # ("joined", added at the join). No seat is tied to an account here.
    db.execute("ALTER TABLE log ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0")
    db.execute(
        "CREATE TABLE board_readers (board_id TEXT NOT NULL, email TEXT NOT NULL, "
        "source TEXT NOT NULL, PRIMARY KEY (board_id, email, source))"
    )
    db.execute("CREATE INDEX board_readers_email ON board_readers (email)")


def m008_seat_accounts(db: Database) -> None:
    # Which seat a signed-in person took, for "my actions" (the owner's own seat changes an
    # action's status). Sealing an anonymous board keeps only the links of its facilitator and
    # of the seats that own an action (owners are named by design); the rest go with the seal.
    db.execute(
        "CREATE TABLE seat_accounts (board_id TEXT NOT NULL, participant_id TEXT NOT NULL, "
        "email TEXT NOT NULL, PRIMARY KEY (board_id, participant_id))"
    )
    db.execute("CREATE INDEX seat_accounts_email ON seat_accounts (email)")


def m009_action_owners(db: Database) -> None:
    # Which account owns which action once its anonymous board is sealed and no longer says
    # which seat was whose (see SealRow): "my actions" after the meeting, without the seat.
    db.execute(
        "CREATE TABLE action_owners (board_id TEXT NOT NULL, action_id TEXT NOT NULL, "
        "email TEXT NOT NULL, PRIMARY KEY (board_id, action_id, email))"
    )
    db.execute("CREATE INDEX action_owners_email ON action_owners (email)")


MIGRATIONS = (
    m001_initial,
    m002_incident_log,
    m003_snapshot_cids,
    m004_drop_cid_index,
    m005_webhooks,
    m006_saved_agendas,
    m007_restricted_boards,
    m008_seat_accounts,
    m009_action_owners,
)  # append only, in order


@cache
def migration_set() -> Migrations:
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for migration in MIGRATIONS:
        migrations()(migration)
    return migrations


def __getattr__(name: str) -> Any:
    if name == "migrations":  # `from server.schema import migrations`, as before
        return migration_set()
    raise AttributeError(name)


def is_current(conn: sqlite3.Connection) -> bool:
    """True when the file is in WAL mode and every migration is applied (plain sqlite3)."""
    try:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        applied = {
            row[0]
            for row in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,)
            )
        }
    except sqlite3.OperationalError:  # no migrations table yet: a new file
        return False
    return str(mode).lower() == "wal" and all(m.__name__ in applied for m in MIGRATIONS)


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
    cids: bytes | None = None  # the room's dedupe table at `seq`, encoded; None: not kept


@dataclass(frozen=True, slots=True)
class SealRow:
    """Replace a board's stored history up to `seq` by one sealed snapshot (`state`): its op
    rows and snapshots are deleted in the same transaction (see `board_state.seal`)."""

    board_id: str
    seq: int
    state: bytes
    cids: bytes = b"{}"  # the dedupe table kept: only the close itself (see Room._seal)
    # An anonymous board's seal forgets which account took which seat (seat_accounts); the
    # accounts that owned actions keep them, by action (action_owners). `owned`: (action, seat).
    forget_seats: bool = False
    owned: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class LogRow:
    """One post-mortem in the incident log. `actions` is JSON the store does not look into;
    `body` is the text the full-text index gets (written, never read back)."""

    board_id: str
    seq: int  # the board's seq the row was built from: an older row never wins
    date: str  # YYYY-MM-DD: when the incident started, else when the board was made
    created_at: int
    title: str
    severity: str
    status: str  # "open" | "closed"
    learning_question: str
    root_cause: str
    tags: tuple[str, ...]
    categories: tuple[str, ...]
    actions: str
    updated_at: int
    restricted: bool = False  # only its readers may see it (board_readers), when people sign in
    body: str = ""
    named: tuple[str, ...] = ()  # the readers the facilitator named (written, read apart)


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A webhook message to send to one hook: queued once per (hook, key), whoever queues it."""

    hook: str
    key: str  # the idempotency key: names the fact, e.g. "action.overdue:<board>:<action>:<due>"
    kind: str  # the event kind, e.g. "action.overdue"
    board_id: str  # "" for a digest
    data: str  # JSON: what the message says (rendered per the hook's format when sent)
    created_at: int  # ms


@dataclass(frozen=True, slots=True)
class OutboxResult:
    """What became of one attempt to send a queued message."""

    hook: str
    key: str
    status: str  # "delivered" | "pending" (to be tried again at next_try) | "failed" (given up)
    at: int  # ms
    next_try: int = 0
    code: int | None = None  # the receiver's HTTP status, if it answered
    error: str = ""


@dataclass(frozen=True, slots=True)
class OutboxWrites:
    """The webhook outbox's part of a batch (see storage/outbox.py)."""

    enqueue: tuple[OutboxRow, ...] = ()
    dispatched: tuple[str, ...] = ()  # webhook_events keys now fanned out to the hooks
    results: tuple[OutboxResult, ...] = ()
    prune_before: int = 0  # ms; finished messages and dispatched events older than this go


@dataclass(frozen=True, slots=True)
class AgendaRow:
    """A saved agenda: its phases as JSON (kind, title, prompt, minutes, private, sections),
    the store does not look into them. Names are unique whatever their case."""

    name: str
    phases: str
    created_at: int
    updated_at: int


@dataclass(frozen=True, slots=True)
class WriteBatch:
    boards: tuple[BoardRow, ...] = ()
    credentials: tuple[CredentialRow, ...] = ()
    ops: tuple[OpRow, ...] = ()
    snapshots: tuple[SnapshotRow, ...] = ()
    log_rows: tuple[LogRow, ...] = ()
    seals: tuple[SealRow, ...] = ()  # applied last: after this batch's own ops and snapshots
    outbox: OutboxWrites | None = None  # webhooks: applied after the log rows
    agendas: tuple[AgendaRow, ...] = ()  # saved agendas, written (or replaced) by name
    joined_readers: tuple[tuple[str, str], ...] = ()  # (board id, email): joined signed in
    seat_accounts: tuple[tuple[str, str, str], ...] = ()  # (board id, seat, email): ditto
    forget_agendas: tuple[str, ...] = ()  # saved agendas deleted, by name


@dataclass(frozen=True, slots=True)
class LoadedBoard:
    board: BoardRow
    snapshot: SnapshotRow | None
    tail: list[OpRow]  # ops after the snapshot (all ops when there is none), by seq
