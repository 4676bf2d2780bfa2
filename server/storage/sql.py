"""One SQL text for both stores: a PostgreSQL connection that takes the store's SQLite SQL.

The store's statements are written once, in the SQL both databases share; the few that are
SQLite's own are rewritten here when they run on PostgreSQL, so a query lives in one place:

* `?` placeholders become psycopg's `%s` (and a literal `%` becomes `%%`);
* `INSERT OR IGNORE` becomes `INSERT ... ON CONFLICT DO NOTHING`;
* `INSERT OR REPLACE` becomes an upsert on the table's primary key (the tables it is used
  on are listed in `_KEYS`);
* `BEGIN` (a read's snapshot) becomes a REPEATABLE READ transaction, SQLite's WAL readers' view.

What cannot be rewritten this simply (full-text search, JSON arrays, the webhook triggers) is
written for PostgreSQL in `pg_store.py` and `pg_schema.py`. Statements are translated once and
cached: the hot ones run thousands of times a second.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    import psycopg

# The primary key of each table `INSERT OR REPLACE` is used on.
_KEYS = {
    "snapshots": ("board_id", "seq"),
    "seat_accounts": ("board_id", "participant_id"),
}
_REPLACE = re.compile(r"^\s*INSERT OR REPLACE INTO (\w+) \(([^)]*)\)", re.IGNORECASE)
_IGNORE = re.compile(r"^\s*INSERT OR IGNORE INTO", re.IGNORECASE)


@lru_cache(maxsize=512)
def to_postgres(sql: str) -> str:
    """The PostgreSQL text of one of the store's statements."""
    text = sql.strip()
    if text.upper() == "BEGIN":
        return "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
    replace = _REPLACE.match(text)
    if replace is not None:
        table = replace.group(1)
        keys = _KEYS[table]
        columns = [c.strip() for c in replace.group(2).split(",")]
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
        text = (
            f"INSERT INTO {table} ({replace.group(2)})"
            + text[replace.end() :]
            + f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
        )
    elif _IGNORE.match(text):
        text = _IGNORE.sub("INSERT INTO", text, count=1) + " ON CONFLICT DO NOTHING"
    return text.replace("%", "%%").replace("?", "%s")


class PgRows:
    """The rows of one statement, read like an sqlite3 cursor's."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description is not None else None

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall() if self._cursor.description is not None else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PgConnection:
    """A psycopg connection in autocommit mode (the store says BEGIN and COMMIT itself, as
    it does to SQLite), with the sqlite3 calls the store makes."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> PgRows:
        cursor = self.raw.cursor()
        # Always a tuple, even empty: psycopg then reads `%%` as `%` in every statement.
        cursor.execute(to_postgres(sql), tuple(parameters))
        return PgRows(cursor)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> None:
        rows = list(rows)
        if rows:
            with self.raw.cursor() as cursor:
                cursor.executemany(to_postgres(sql), rows)

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


# What the storage modules' SQL runs on: either store's connection.
Conn = Union[sqlite3.Connection, PgConnection]
