"""Reading (and, for tests that stage an old state, changing) the tables of the store a test's
app runs on: the SQLite file in its folder, or, when the run is on PostgreSQL
(HINDSIGHT_TEST_STORE=postgresql), that folder's database. One SQL text for both, as the
store's own (server/storage/sql.py translates it)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from hindsight.server.storage.sql import to_postgres
from tests.pgserver import fresh_database, on_postgres


def stored(folder: Path, sql: str, params: Sequence[Any] = (), *, db: str = "t.db") -> list[Any]:
    """The rows of `sql` on the test's store (committed data), as tuples."""
    if on_postgres():
        import psycopg

        with psycopg.connect(fresh_database(str(folder)), autocommit=True) as conn:
            cursor = conn.execute(to_postgres(sql), tuple(params))
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []
    with closing(sqlite3.connect(folder / db)) as conn, conn:
        return conn.execute(sql, tuple(params)).fetchall()


def sqlite_only(why: str) -> Any:
    """Mark a test about the SQLite file itself (its bytes, its WAL, migrating an old file):
    skipped when the run is on PostgreSQL, saying why."""
    import pytest

    return pytest.mark.skipif(on_postgres(), reason=f"SQLite's own: {why}")


def store_files(folder: Path) -> list[tuple[Path, bytes]]:
    """Every file the test's store keeps its data in, with its bytes: the SQLite file and its
    WAL, or the whole data folder of the run's PostgreSQL server (tables, WAL, everything), after
    a CHECKPOINT has written the tables' pages out. A running PostgreSQL removes some files of
    its own (its relation cache, `pg_internal.init`) at any moment; one gone between listing and
    reading holds nothing any more, so it is left out rather than failing the run."""
    found: list[tuple[Path, bytes]] = []
    for path in _store_paths(folder):
        try:
            found.append((path, path.read_bytes()))
        except FileNotFoundError:
            continue
    return found


def _store_paths(folder: Path) -> list[Path]:
    if on_postgres():
        import psycopg

        from tests import pgserver

        with psycopg.connect(fresh_database(str(folder)), autocommit=True) as conn:
            conn.execute("CHECKPOINT")
        assert pgserver._shared is not None
        return [p for p in pgserver._shared.data.rglob("*") if p.is_file()]
    return list(folder.glob("t.db*"))


def real_server(db: Path) -> Any:
    """A `RealServer` on the test's store: the SQLite file `db`, or, on a PostgreSQL run, the
    database of `db`'s folder (a restart of the server finds the same data either way)."""
    from tests.realserver import RealServer

    url = fresh_database(str(db.parent)) if on_postgres() else ""
    return RealServer(db, db_url=url)


def integrity(folder: Path, db: str) -> str:
    """SQLite's integrity check of the file (PostgreSQL checks its own pages: "ok")."""
    if on_postgres():
        return "ok"
    return str(stored(folder, "PRAGMA integrity_check", db=db)[0][0])
