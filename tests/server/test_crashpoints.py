"""Deterministic crash points (`HINDSIGHT_CRASH_AT`, see server/crashpoints.py), one test each.

Each test starts a real server with the variable set, lets a handful of clients write until the
server kills itself at that point, restarts it without the variable, lets the clients resume
and resend their outboxes, and then runs the chaos checker (tests/server/chaos.py): every acked
op is in the log exactly once at its seq, unanswered ones at most once, seqs have no gaps,
every frame a client saw is the log's, every client's board equals the server's and the
replayed log, and integrity_check is ok. On top, each test checks what is particular to its
point, so a hook that moved (or stopped firing) fails here.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hindsight.board_state import ops as o
from hindsight.server.storage.crashpoints import POINTS, parse
from tests.realserver import RealServer
from tests.server.chaos import CRASH_ENV, ChaosConfig, Figures, OpRecord, Setup, run, summary
from tests.server.test_seal_crash import assert_sealed, stored_rows, voted_meeting

# Few clients on one board, none forgetting an op in doubt and no extra connection cuts: every
# op unanswered at the crash is resent, so its fate after the restart tells where it was.
CONFIG = ChaosConfig(
    clients=6, boards=1, abandon=0.0, drops_per_second=0.0, pace=(0.01, 0.05), seed=11
)


def _crash(
    tmp_path: Path, point: str, *, clients: int = 6, until_seq: int = 0
) -> tuple[Figures, Setup, list[OpRecord]]:
    cfg = ChaosConfig(**{**CONFIG.__dict__, "clients": clients})
    figures, setup = asyncio.run(run(cfg, tmp_path, crash_point=point, until_seq=until_seq))
    print("\n" + summary(figures, setup, cfg))
    assert figures.kills == 1 and len(figures.crashes) == 1
    records = [r for c in setup.clients for r in c.history.values()]
    assert all(r.status == "acked" for r in records), "with no abandoning, every op gets an ack"
    return figures, setup, records


def test_parse_reads_a_point_and_an_optional_count_and_refuses_unknown_names() -> None:
    assert parse("") == ("", 0)
    assert parse("after_commit_before_ack") == ("after_commit_before_ack", 1)
    assert parse(" during_snapshot:3 ") == ("during_snapshot", 3)
    assert {
        "after_insert_before_commit",
        "after_commit_before_ack",
        "after_ack_before_broadcast",
        "during_snapshot",
        "during_seal",
    } == POINTS
    for bad in ("after_comit_before_ack", "during_snapshot:0", "during_snapshot:x"):
        with pytest.raises(ValueError):
            parse(bad)


def test_a_server_with_a_misspelt_crash_point_refuses_to_start(tmp_path: Path) -> None:
    """A typo must not give a crash test that never crashes."""
    server = RealServer(tmp_path / "typo.db", env={CRASH_ENV: "after_comit_before_ack"})
    with pytest.raises(RuntimeError, match="unknown crash point"):
        server.start()


def test_crash_after_insert_before_commit_leaves_no_trace_and_resent_ops_apply_once(
    tmp_path: Path,
) -> None:
    """The crashed transaction's rows vanish: the ops in it were never acked, and when their
    clients resend them they are applied anew, after the last seq the file kept."""
    figures, _, records = _crash(tmp_path, "after_insert_before_commit:5")
    durable = max(figures.crashes[0]["last_seq"].values())
    assert any(r.in_doubt and not r.duplicate and r.seq > durable for r in records)


def test_crash_after_commit_before_ack_keeps_the_ops_that_nobody_was_told_about(
    tmp_path: Path,
) -> None:
    """Committed but not acked: the ops survive, and their resends are answered as duplicates
    with the original seq (at or below the last seq of the crashed file), applied once."""
    figures, _, records = _crash(tmp_path, "after_commit_before_ack:5")
    durable = max(figures.crashes[0]["last_seq"].values())
    lost_acks = [r for r in records if r.in_doubt and r.duplicate]
    assert lost_acks and all(r.seq <= durable for r in lost_acks)


def test_crash_after_ack_before_broadcast_keeps_acked_ops_whose_event_nobody_saw(
    tmp_path: Path,
) -> None:
    """Acks went out, events did not: clients hold acks for seqs they never received as
    events; after the restart those ops are in the log at their seqs and on every board."""
    figures, _, _ = _crash(tmp_path, "after_ack_before_broadcast:5")
    assert figures.crashes[0]["acked_not_seen"] > 0


def test_crash_during_a_snapshot_loads_from_the_previous_snapshot_and_the_log(
    tmp_path: Path,
) -> None:
    """The second snapshot's transaction dies before COMMIT: the file keeps only the first one,
    the restarted server loads it plus the log, and writes a correct snapshot again."""
    figures, _, _ = _crash(tmp_path, "during_snapshot:2", clients=8, until_seq=1100)
    crashed_with = figures.crashes[0]["snapshot_seqs"]
    assert len(crashed_with) == 1, crashed_with  # the first snapshot only
    assert figures.checked["snapshot_rows"] >= 2  # and every row equals the replayed log


def test_a_crash_during_the_seal_leaves_the_board_unsealed_and_the_close_is_resent(
    tmp_path: Path,
) -> None:
    """The close's transaction dies with the old rows deleted and the sealed state not yet
    written: the restarted server has the board exactly as before (open, every op there), and
    the facilitator's client, which never got its ack, resends the close, which seals it."""
    db = tmp_path / "seal.db"
    crashing = RealServer(db, env={CRASH_ENV: "during_seal"})
    crashing.start()

    async def scenario() -> None:
        board_id, fac, people, dots = await voted_meeting(crashing)
        before, _ = stored_rows(db, board_id)
        close = asyncio.create_task(fac.submit(o.CloseMeeting()))
        await asyncio.to_thread(crashing.proc.wait, 10)  # type: ignore[union-attr]
        assert "crash point during_seal reached" in crashing.log.read_text()
        after, snaps = stored_rows(db, board_id)
        assert after == before and snaps == [], "the half-done seal left a trace"
        assert not close.done(), "the close was acknowledged although it never committed"
        restarted = RealServer(db, port=crashing.port)
        restarted.start()
        try:
            await asyncio.wait_for(close, 20)  # the outbox resent it to the new process
            assert_sealed(db, board_id, dots)
            for c in [fac, *people]:
                await c.wait_for_seq(fac.seq, timeout=20)
                assert c.epoch == fac.epoch and not any(s.mine for s in c.local.of("sticky"))
                await c.close()
        finally:
            restarted.stop()

    try:
        asyncio.run(scenario())
    finally:
        crashing.stop()
