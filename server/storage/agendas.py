"""Saved agendas: an organisation's own agendas by name (table `agendas`, schema m006).

Writes go through a `WriteBatch` (`agendas`, `forget_agendas`) on the store's writer thread;
reads use the store's per-thread reader connections.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hindsight.server.storage.schema import AgendaRow, WriteBatch
from hindsight.server.storage.sql import Conn

if TYPE_CHECKING:
    from hindsight.server.storage.store import Store

_SQL_SAVE = (
    "INSERT INTO agendas (name, phases, created_at, updated_at) VALUES (?, ?, ?, ?) "
    # A new save under a taken name replaces the phases (and the name's spelling).
    "ON CONFLICT (name) DO UPDATE SET name = excluded.name, phases = excluded.phases, "
    "updated_at = excluded.updated_at"
)
_COLUMNS = "name, phases, created_at, updated_at"


def apply_agendas(conn: Conn, batch: WriteBatch) -> None:
    conn.executemany(
        _SQL_SAVE, [(a.name, a.phases, a.created_at, a.updated_at) for a in batch.agendas]
    )
    conn.executemany("DELETE FROM agendas WHERE name = ?", [(n,) for n in batch.forget_agendas])


def saved_agendas(store: Store) -> list[AgendaRow]:
    """Every saved agenda, by name (case-insensitively)."""
    rows = store.reader().execute(f"SELECT {_COLUMNS} FROM agendas ORDER BY name")
    return [AgendaRow(*row) for row in rows]


def saved_agenda(store: Store, name: str) -> AgendaRow | None:
    row = store.reader().execute(f"SELECT {_COLUMNS} FROM agendas WHERE name = ?", (name,))
    found = row.fetchone()
    return None if found is None else AgendaRow(*found)
