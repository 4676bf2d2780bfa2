"""Reads of boards, credentials and the op log, mixed into `Store` (which provides
`_reader()`: a per-thread connection that sees only committed data)."""

from __future__ import annotations

from hindsight.server.storage.schema import BoardRow, CredentialRow, LoadedBoard, OpRow, SnapshotRow
from hindsight.server.storage.sql import Conn

_OP_COLUMNS = "board_id, seq, actor, cid, body"


class BoardReads:
    # A sealed board may have no ops left, only its snapshot (PostgreSQL says GREATEST).
    _SQL_LAST_SEQ = (
        "SELECT MAX((SELECT COALESCE(MAX(seq), 0) FROM ops WHERE board_id = ?), "
        "(SELECT COALESCE(MAX(seq), 0) FROM snapshots WHERE board_id = ?))"
    )

    def _reader(self) -> Conn:
        raise NotImplementedError

    def load(self, board_id: str, at_most: int | None = None) -> LoadedBoard | None:
        """The board's row, its latest snapshot (with `at_most`: the latest at or before that
        seq, else none) and every op after it, read in one snapshot of the database."""
        conn = self._reader()
        conn.execute("BEGIN")  # one read snapshot for board, snapshot and tail
        try:
            board = conn.execute(
                "SELECT id, epoch, created_at, meta FROM boards WHERE id = ?", (board_id,)
            ).fetchone()
            if board is None:
                return None
            snap = conn.execute(
                "SELECT board_id, seq, state, cids FROM snapshots WHERE board_id = ? "
                "AND seq <= ? ORDER BY seq DESC LIMIT 1",
                (board_id, (1 << 62) if at_most is None else at_most),
            ).fetchone()
            snapshot = SnapshotRow(*snap) if snap is not None else None
            tail = self._ops_since(conn, board_id, snapshot.seq if snapshot else 0)
            return LoadedBoard(BoardRow(*board), snapshot, tail)
        finally:
            conn.execute("COMMIT")

    @staticmethod
    def _ops_since(conn: Conn, board_id: str, after_seq: int) -> list[OpRow]:
        rows = conn.execute(
            f"SELECT {_OP_COLUMNS} FROM ops WHERE board_id = ? AND seq > ? ORDER BY seq",
            (board_id, after_seq),
        )
        return [OpRow(*row) for row in rows]

    def ops_since(self, board_id: str, after_seq: int) -> list[OpRow]:
        return self._ops_since(self._reader(), board_id, after_seq)

    def op_by_cid(self, board_id: str, actor: str, cid: str) -> OpRow | None:
        """The op an actor sent with client op id ``cid``: a scan of the board's ops (tools and
        tests; rooms keep their dedupe table in memory)."""
        row = (
            self._reader()
            .execute(
                f"SELECT {_OP_COLUMNS} FROM ops WHERE board_id = ? AND actor = ? AND cid = ? "
                "ORDER BY seq LIMIT 1",
                (board_id, actor, cid),
            )
            .fetchone()
        )
        return OpRow(*row) if row is not None else None

    def credential(self, board_id: str, participant_id: str) -> CredentialRow | None:
        row = (
            self._reader()
            .execute(
                "SELECT board_id, participant_id, secret_hash, role FROM credentials "
                "WHERE board_id = ? AND participant_id = ?",
                (board_id, participant_id),
            )
            .fetchone()
        )
        return CredentialRow(*row) if row is not None else None

    def credentials(self, board_id: str) -> list[CredentialRow]:
        rows = self._reader().execute(
            "SELECT board_id, participant_id, secret_hash, role FROM credentials "
            "WHERE board_id = ?",
            (board_id,),
        )
        return [CredentialRow(*row) for row in rows]

    def cid_seqs(self, board_id: str) -> dict[str, dict[str, int]]:
        """{actor: {cid: seq}} for every op of a board that had a cid: the dedupe table a Room
        rebuilds when its latest snapshot does not carry one, so a resend after a restart is
        still applied only once."""
        rows = self._reader().execute(
            # ORDER BY seq walks the primary key in order.
            "SELECT actor, cid, seq FROM ops WHERE board_id = ? AND cid != '' ORDER BY seq",
            (board_id,),
        )
        table: dict[str, dict[str, int]] = {}
        for actor, cid, seq in rows:
            table.setdefault(actor, {})[cid] = seq
        return table

    def board_ids(self) -> list[str]:
        rows = self._reader().execute("SELECT id FROM boards ORDER BY created_at, id")
        return [row[0] for row in rows]

    def last_seq(self, board_id: str) -> int:
        row = self._reader().execute(self._SQL_LAST_SEQ, (board_id, board_id)).fetchone()
        return int(row[0])

    def integrity_check(self) -> str:
        rows = self._reader().execute("PRAGMA integrity_check").fetchall()
        return "\n".join(str(row[0]) for row in rows)
