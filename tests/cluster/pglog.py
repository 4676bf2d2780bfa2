"""The chaos checker's view of the PostgreSQL store: a board's op log and snapshot rows
(tests/server/chaos.py's `LogReader`), and each board's last seq."""

from __future__ import annotations

from typing import Any

import psycopg


class PgLog:
    def __init__(self, url: str) -> None:
        self.url = url

    def _rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            return list(conn.execute(sql, params).fetchall())

    def ops(self, board_id: str) -> list[tuple[int, str, str, bytes]]:
        rows = self._rows(
            "SELECT seq, actor, cid, body FROM ops WHERE board_id = %s ORDER BY seq", board_id
        )
        return [(int(s), str(a), str(c), bytes(b)) for s, a, c, b in rows]

    def snapshots(self, board_id: str) -> dict[int, bytes]:
        rows = self._rows("SELECT seq, state FROM snapshots WHERE board_id = %s", board_id)
        return {int(s): bytes(b) for s, b in rows}

    def last_seqs(self) -> dict[str, int]:
        rows = self._rows("SELECT board_id, MAX(seq) FROM ops GROUP BY board_id")
        return {str(b): int(s) for b, s in rows}
