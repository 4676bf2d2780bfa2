"""The PostgreSQL store's own parts: the SQL it translates, its search query, and how it tells
a seq another node took from any other failed write."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from hindsight.server.storage.choose import make_store, shown
from hindsight.server.storage.pg_store import PgStore, ts_query
from hindsight.server.storage.sql import to_postgres
from hindsight.server.storage.store import (
    BoardRow,
    CredentialRow,
    OpRow,
    SeqConflict,
    Store,
    StoreError,
    WriteBatch,
)
from tests.pgserver import PgServer, pg_available

needs_pg = pytest.mark.skipif(not pg_available(), reason="PostgreSQL is not installed")


def test_placeholders_and_sqlites_inserts_become_postgresql() -> None:
    assert to_postgres("SELECT a FROM t WHERE b = ? AND c LIKE 'x%'") == (
        "SELECT a FROM t WHERE b = %s AND c LIKE 'x%%'"
    )
    assert to_postgres("INSERT OR IGNORE INTO t (a, b) VALUES (?, ?)") == (
        "INSERT INTO t (a, b) VALUES (%s, %s) ON CONFLICT DO NOTHING"
    )
    assert to_postgres(
        "INSERT OR REPLACE INTO snapshots (board_id, seq, state, cids) VALUES (?, ?, ?, ?)"
    ) == (
        "INSERT INTO snapshots (board_id, seq, state, cids) VALUES (%s, %s, %s, %s) "
        "ON CONFLICT (board_id, seq) DO UPDATE SET state = excluded.state, cids = excluded.cids"
    )
    assert to_postgres("BEGIN") == "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"


def test_what_someone_types_reaches_the_search_as_words_never_as_syntax() -> None:
    assert ts_query("db timeout") == "'db' & 'timeout'"
    assert ts_query("time*") == "'time':*"
    assert ts_query("a'b) | !c") == "'a' & 'b' & 'c'"
    assert ts_query("  ** ") == ""


def test_the_db_setting_names_the_store_and_a_password_is_never_shown() -> None:
    assert type(make_store("data/x.db")) is Store
    assert type(make_store("sqlite:///data/x.db")) is Store
    assert type(make_store("postgresql://u@h/db")) is PgStore
    with pytest.raises(ValueError, match="mysql"):
        make_store("mysql://u@h/db")
    assert shown("postgresql://u:secret@h:5433/db") == "postgresql://u:***@h:5433/db"
    assert "secret" not in shown("postgres://u:secret@h/db")


@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    if not pg_available():
        pytest.skip("PostgreSQL is not installed")
    with PgServer(settings={"fsync": "off"}) as server:
        yield server


@contextmanager
def two_nodes(url: str) -> Iterator[tuple[PgStore, PgStore]]:
    """Two nodes' stores on one database, open, closed at the end (closing twice is fine)."""
    one, two = PgStore(url, node="one"), PgStore(url, node="two")
    one.open()
    two.open()
    try:
        yield one, two
    finally:
        one.close()
        two.close()


def _op(seq: int, cid: str = "", actor: str = "ann") -> OpRow:
    return OpRow(board_id="b1", seq=seq, actor=actor, cid=cid, body=b"{}")


@needs_pg
def test_a_seq_or_client_op_id_another_node_committed_is_a_conflict_and_nothing_else_is(
    pg: PgServer,
) -> None:
    with two_nodes(pg.database("conflicts")) as (one, two):
        one.write_sync(
            WriteBatch(boards=(BoardRow("b1", "e", 0, "{}"),), ops=(_op(1, "c1"), _op(2)))
        )
        with pytest.raises(SeqConflict):
            two.write_sync(WriteBatch(ops=(_op(2, "c2"),)))  # seq 2 is taken
        with pytest.raises(SeqConflict):
            two.write_sync(WriteBatch(ops=(_op(3, "c1"),)))  # Ann's op c1 is in the log
        two.write_sync(WriteBatch(ops=(_op(3, "c1", actor="bob"),)))  # Bob's c1 is his own
        with pytest.raises(StoreError) as other:  # not a conflict: a broken row
            two.write_sync(
                WriteBatch(credentials=(CredentialRow("b1", "p", None, "x"),))  # type: ignore[arg-type]
            )
        assert not isinstance(other.value, SeqConflict)
        assert [r.seq for r in one.ops_since("b1", 0)] == [1, 2, 3]
        assert one.last_seq("b1") == 3


@needs_pg
def test_one_node_runs_each_background_task_and_another_takes_over_when_it_stops(
    pg: PgServer,
) -> None:
    with two_nodes(pg.database("leads")) as (one, two):
        assert one.leads("webhooks") and one.leads("webhooks")  # asked again: still one's
        assert not two.leads("webhooks")
        assert two.leads("trackers") and not one.leads("trackers")  # each task on its own
        one.close()  # a deploy, a crash: its session and its locks end
        assert two.leads("webhooks")


def test_postgresql_migrations_only_add_so_older_nodes_keep_working_during_an_upgrade() -> None:
    """docs/operators.md, Upgrading node by node: a release's migrations add tables, columns
    and indexes; removing or renaming anything would break the nodes not yet upgraded."""
    from hindsight.server.storage.pg_schema import MIGRATIONS

    for name, sql in MIGRATIONS:
        words = sql.upper()
        for forbidden in ("DROP TABLE", "DROP COLUMN", "RENAME", "ALTER COLUMN", "DROP INDEX"):
            assert forbidden not in words, f"{name} says {forbidden}"


def test_a_db_setting_of_another_database_stops_the_app_before_it_starts() -> None:
    from hindsight.server.app import create_app
    from hindsight.server.config import Settings

    with pytest.raises(ValueError, match="--db must be a SQLite file"):
        create_app(Settings(db="mysql://u@h/db"))


@needs_pg
def test_every_node_signs_sessions_with_the_one_secret_kept_in_the_database(
    pg: PgServer,
) -> None:
    from hindsight.server.config import Settings
    from hindsight.server.web.auth_settings import session_secret

    url = pg.database("secret")
    first = session_secret(Settings(db=url))  # the first node to ask makes it
    assert len(first) >= 32
    assert session_secret(Settings(db=url)) == first  # every later node reads the same
    assert session_secret(Settings(db=url, session_secret="x" * 40)) == "x" * 40  # set: used
