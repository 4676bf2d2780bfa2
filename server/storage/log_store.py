"""The incident log's SQL: writing a derived log row with its FTS5 row, and searching them.

Split from store.py so the store's core (the op log, group commit, snapshots) stays readable.
Writes run on the store's single writer thread (`apply_log_row` is called inside its
transaction); reads use the store's per-thread reader connections (`LogReads` is mixed into
`Store`). See schema.m002_incident_log for the tables.
"""

from __future__ import annotations

import json
from typing import Any

from hindsight.server.storage.schema import LogRow
from hindsight.server.storage.sql import Conn

_LOG_COLUMNS = (
    "board_id, seq, date, created_at, title, severity, status, learning_question, "
    "root_cause, tags, categories, actions, updated_at, restricted"
)
_SQL_LOG = (
    f"INSERT INTO log ({_LOG_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    # An upsert, not INSERT OR REPLACE: the row keeps its rowid, which its FTS row shares.
    "ON CONFLICT (board_id) DO UPDATE SET seq = excluded.seq, date = excluded.date, "
    "created_at = excluded.created_at, title = excluded.title, severity = excluded.severity, "
    "status = excluded.status, learning_question = excluded.learning_question, "
    "root_cause = excluded.root_cause, tags = excluded.tags, categories = excluded.categories, "
    "actions = excluded.actions, updated_at = excluded.updated_at, "
    "restricted = excluded.restricted"
)
# Who may read a restricted board: the people who joined it signed in, and those it names.
READABLE = (
    "(log.restricted = 0 OR log.board_id IN (SELECT board_id FROM board_readers WHERE email = ?))"
)


def log_values(row: LogRow) -> tuple[object, ...]:
    """A log row's columns in _LOG_COLUMNS order (tags and categories as JSON arrays)."""
    return (
        row.board_id,
        row.seq,
        row.date,
        row.created_at,
        row.title,
        row.severity,
        row.status,
        row.learning_question,
        row.root_cause,
        json.dumps(list(row.tags)),
        json.dumps(list(row.categories)),
        row.actions,
        row.updated_at,
        int(row.restricted),
    )


def apply_log_row(conn: Conn, row: LogRow) -> None:
    # Refreshes of one board may finish out of order (a debounced one and a backfill): the
    # row built from the later seq wins. Safe as check-then-write: only this thread writes.
    current = conn.execute("SELECT seq FROM log WHERE board_id = ?", (row.board_id,)).fetchone()
    if current is not None and current[0] > row.seq:
        return
    conn.execute(_SQL_LOG, log_values(row))
    conn.execute(
        "DELETE FROM board_readers WHERE board_id = ? AND source = 'named'", (row.board_id,)
    )
    conn.executemany(
        "INSERT OR IGNORE INTO board_readers (board_id, email, source) VALUES (?, ?, 'named')",
        [(row.board_id, email) for email in row.named],
    )
    (rowid,) = conn.execute("SELECT rowid FROM log WHERE board_id = ?", (row.board_id,)).fetchone()
    conn.execute("DELETE FROM log_fts WHERE rowid = ?", (rowid,))
    conn.execute(
        "INSERT INTO log_fts (rowid, board_id, body) VALUES (?, ?, ?)",
        (rowid, row.board_id, row.body),
    )


def fts_query(text: str) -> str:
    """A MATCH expression for what someone typed: every word must occur (implicit AND).

    Each word is quoted as an FTS5 string, so quotes, brackets, AND/OR/NOT/NEAR and column
    filters in user input are plain text, never syntax; a trailing '*' keeps its meaning as a
    prefix search. Words without a letter or digit are dropped: the tokenizer would make them
    empty phrases, which match nothing and would empty the whole result. Empty when there are
    no words.
    """
    terms = []
    for word in text.split():
        if not any(ch.isalnum() for ch in word):
            continue
        prefix = word.endswith("*") and len(word.rstrip("*")) > 0
        word = word.rstrip("*") if prefix else word
        terms.append('"' + word.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms)


def _log_row(values: tuple[Any, ...]) -> LogRow:
    # Columns in _LOG_COLUMNS order; tags (9) and categories (10) are stored as JSON arrays.
    row = list(values)
    row[9], row[10] = tuple(json.loads(row[9])), tuple(json.loads(row[10]))
    row[13] = bool(row[13])
    return LogRow(*row)


class LogReads:
    """Incident-log queries, mixed into `Store` (which provides `_reader()`). The conditions
    that are SQLite's own (FTS5, json_each) are attributes: pg_store.py has PostgreSQL's."""

    _MATCHES = "rowid IN (SELECT rowid FROM log_fts WHERE log_fts MATCH ?)"
    _HAS_TAG = "EXISTS (SELECT 1 FROM json_each(log.tags) WHERE value = ?)"
    _HAS_CATEGORY = "EXISTS (SELECT 1 FROM json_each(log.categories) WHERE value = ?)"
    _SQL_TAGS = "SELECT DISTINCT value FROM log, json_each(log.tags) ORDER BY value"

    @staticmethod
    def _text_query(text: str) -> str:
        return fts_query(text)

    def _reader(self) -> Conn:
        raise NotImplementedError

    def log_rows(self) -> list[LogRow]:
        """Every post-mortem in the log, newest incident first."""
        return self.search_log()

    def search_log(
        self,
        q: str = "",
        *,
        severity: str = "",
        tag: str = "",
        category: str = "",
        date_from: str = "",
        date_to: str = "",
        reader: str | None = None,
    ) -> list[LogRow]:
        """Log rows matching every filter given (an empty filter is no filter), newest first.

        `q` is full-text over titles, timelines, causes, notes (parked questions too) and
        actions; words are ANDed and never parsed as FTS syntax. Dates are YYYY-MM-DD and inclusive.
        With `reader` (an email: sign-in is on), restricted boards only that person may read.
        """
        given: list[tuple[str, str]] = [
            (value, condition)
            for value, condition in (
                (self._text_query(q), self._MATCHES),
                (severity, "severity = ?"),
                (tag.strip().lower(), self._HAS_TAG),  # tags are stored lowercased by the core
                (category, self._HAS_CATEGORY),
                (date_from, "date >= ?"),
                (date_to, "date <= ?"),
            )
            if value
        ]
        if reader is not None:  # "" too: a reader named by nothing reads no restricted board
            given.append((reader, READABLE))
        where = [condition for _, condition in given]
        args = [value for value, _ in given]
        sql = (
            f"SELECT {_LOG_COLUMNS} FROM log"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY date DESC, created_at DESC, board_id"
        )
        return [_log_row(r) for r in self._reader().execute(sql, args)]

    def readable(self, board_id: str, reader: str) -> bool:
        """Whether `reader` may read the board: it is not restricted, or they joined it signed
        in or are named. A board with no row yet is not restricted (rows come with boards)."""
        row = (
            self._reader()
            .execute(f"SELECT {READABLE} FROM log WHERE board_id = ?", (reader, board_id))
            .fetchone()
        )
        return row is None or bool(row[0])

    def boards_of(self, email: str) -> list[LogRow]:
        """The post-mortems `email` made or joined signed in, newest incident first."""
        sql = (
            f"SELECT {_LOG_COLUMNS} FROM log WHERE board_id IN (SELECT board_id FROM "
            "board_readers WHERE email = ? AND source = 'joined') "
            "ORDER BY date DESC, created_at DESC, board_id"
        )
        return [_log_row(r) for r in self._reader().execute(sql, (email,))]

    def seats_of(self, email: str) -> list[tuple[str, str]]:
        """(board id, seat) of every seat `email` took signed in that still says so."""
        rows = self._reader().execute(
            "SELECT board_id, participant_id FROM seat_accounts WHERE email = ? "
            "ORDER BY board_id, participant_id",
            (email,),
        )
        return [(b, p) for b, p in rows]

    def owned_actions_of(self, email: str) -> list[tuple[str, str]]:
        """(board id, action id) of the actions `email` owns on sealed anonymous boards."""
        rows = self._reader().execute(
            "SELECT board_id, action_id FROM action_owners WHERE email = ? "
            "ORDER BY board_id, action_id",
            (email,),
        )
        return [(b, a) for b, a in rows]

    def restricted_boards(self) -> set[str]:
        """The ids of the restricted boards (whose news goes to no shared channel)."""
        rows = self._reader().execute("SELECT board_id FROM log WHERE restricted <> 0")
        return {board_id for (board_id,) in rows}

    def log_tags(self) -> list[str]:
        """Every tag in use in the log, sorted (the search form offers them)."""
        rows = self._reader().execute(self._SQL_TAGS)
        return [row[0] for row in rows]

    def open_boards_last_op(self) -> list[tuple[str, int, bytes | None]]:
        """(board id, created_at, its latest op's encoded entry or None) of every board the
        incident log has as open: what the idle sweep looks at."""
        rows = self._reader().execute(
            "SELECT l.board_id, l.created_at, "
            "(SELECT body FROM ops o WHERE o.board_id = l.board_id "
            "ORDER BY o.seq DESC LIMIT 1) FROM log l WHERE l.status = 'open' ORDER BY l.board_id"
        )
        return [(row[0], int(row[1]), row[2]) for row in rows]

    def stale_log_boards(self) -> list[str]:
        """Boards whose log row is missing or older than their last op: created before the log
        existed, or changed just before a crash ate the debounced refresh."""
        rows = self._reader().execute(
            "SELECT b.id FROM boards b LEFT JOIN log l ON l.board_id = b.id "
            "WHERE l.board_id IS NULL "
            "OR l.seq < (SELECT COALESCE(MAX(seq), 0) FROM ops WHERE ops.board_id = b.id) "
            # A sealed board's history is one snapshot: its seq is the board's seq.
            "OR l.seq < (SELECT COALESCE(MAX(seq), 0) FROM snapshots s WHERE s.board_id = b.id) "
            "ORDER BY b.created_at, b.id"
        )
        return [row[0] for row in rows]
