"""Several nodes on one PostgreSQL, nginx in front, nodes SIGKILLed mid-meeting (issue 17).

A throwaway PostgreSQL (tests/pgserver.py) holds one database per test; three real `hindsight
serve --db postgresql://...` nodes start on it at once (their migrations race) and Debian's
nginx fronts them, hashing on the board id (affinity) or round-robin (a board's people spread
over the nodes). The workload and the checker are the single server's chaos run
(tests/server/chaos.py) with votes and lost-ack resends added (tests/cluster/workload.py).

Negative controls show the checker can see what the database's constraints prevent: without
the log's primary key, or without op-id uniqueness (the unique index dropped and the nodes'
own dedupe switched off), the same workload fails the checker.

Skipped only when PostgreSQL's or nginx's binaries are missing (`make pg-deps`,
`make proxy-deps`; `make test` runs both). A failure prints its seed; HINDSIGHT_CHAOS_SEED
repeats its random choices (the timing of real processes still varies).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from pathlib import Path

import pytest

from hindsight.board_state import ops as o
from tests.cluster.harness import Cluster
from tests.cluster.interleave import BUDGET, interleave
from tests.cluster.pglog import PgLog
from tests.cluster.workload import ClusterConfig, ClusterFigures, run, summary
from tests.pgserver import PgServer
from tests.server.chaos import ChaosConfig, Setup, seed_from_env, verify

pytestmark = pytest.mark.slow  # PostgreSQL, nginx and node processes
CI_SEED = 20261205
RESUME_LIMIT_S = 3.0


def chaos_config(seed: int, **changes: object) -> ClusterConfig:
    chaos = ChaosConfig(clients=20, boards=4, seed=seed, drops_per_second=0.5, abandon=0.2)
    return replace(ClusterConfig(chaos=chaos), **changes)  # type: ignore[arg-type]


def show(capsys: pytest.CaptureFixture[str], text: str) -> None:
    with capsys.disabled():  # the figures belong in CI's log, passing or not
        print("\n" + text, flush=True)


def assert_survived(figures: ClusterFigures, setup: Setup, kills: int) -> None:
    records = [r for c in setup.clients for r in c.history.values()]
    acked = [r for r in records if r.status == "acked"]
    assert figures.kills == kills
    # The faults bit: clients lost connections to dead nodes and came back, acked ops were
    # resent (answered at their first seq), votes were cast, the checker saw real traffic.
    assert figures.resume_s, "no client was connected to a node that was killed"
    assert max(figures.resume_s) < RESUME_LIMIT_S, sorted(figures.resume_s)[-5:]
    assert sum(c.extra_acks for c in setup.clients) > 0
    assert any(isinstance(r.op, o.CastVote) for r in acked)
    assert figures.checked["live_events"] > 0 and figures.checked["final_boards"] == 20
    assert figures.nodes_compared == 3 * len(setup.clients)


@pytest.mark.parametrize("affinity", [True, False], ids=["affinity", "round-robin"])
def test_nodes_killed_mid_meeting_lose_no_acked_op_double_none_and_clients_resume_fast(
    pg: PgServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], affinity: bool
) -> None:
    """Twenty clients on four boards write and vote through nginx while one node after
    another is SIGKILLed and restarted: every acked op is in the PostgreSQL log once at its
    seq, seqs have no gaps, every frame a client saw is the log's projection for it, every
    client and every node ends on the board the log replays to, and every client a kill
    disconnected is welcomed again within 3 s."""
    seed = seed_from_env(CI_SEED)
    cfg = chaos_config(seed, kills=5)
    name = "affinity" if affinity else "round-robin"
    with Cluster(pg, name.replace("-", "_"), tmp_path, affinity=affinity) as cluster:
        figures, setup = asyncio.run(run(cluster, cfg))
    show(capsys, summary(figures, setup, name))
    assert_survived(figures, setup, kills=5)


def control(
    pg: PgServer, tmp_path: Path, name: str, sql: str, env: dict[str, str]
) -> tuple[str, str]:
    """Run the workload on a damaged cluster (round-robin, connections cut three times a
    second, so resends and concurrent appends are many). Returns the checker's complaint,
    and its complaint about the log alone (what clients noticed on the wire set aside)."""
    seed = seed_from_env(CI_SEED)
    chaos = ChaosConfig(
        clients=20, boards=2, seed=seed, drops_per_second=3.0, abandon=0.0, settle_timeout=10.0
    )
    cfg = chaos_config(seed, kills=0, run_for=5.0, chaos=chaos)
    cluster = Cluster(pg, name, tmp_path, affinity=False, env=env)
    try:
        cluster.start(after_first=sql)
        _, setup = asyncio.run(run(cluster, cfg, control=True))
    finally:
        cluster.stop()
    log = PgLog(cluster.db_url)
    with pytest.raises(AssertionError) as everything:
        verify(log, setup)
    for c in setup.clients:
        c.violations.clear()
    with pytest.raises(AssertionError) as in_the_log:
        verify(log, setup)
    return str(everything.value), str(in_the_log.value)


def test_without_the_primary_key_on_the_log_the_checker_catches_doubled_seqs(
    pg: PgServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Negative control: with `ops_pkey` dropped, two nodes appending to one board can both
    commit a seq, and the checker must say so, from the log alone too."""
    complaint, log = control(
        pg, tmp_path, "no_pkey", "ALTER TABLE ops DROP CONSTRAINT ops_pkey", {}
    )
    show(capsys, "negative control, no primary key: " + _first_lines(complaint, log))
    assert "a gap or a repeat" in complaint  # clients were sent two events with one seq
    assert "seqs are not 1.." in log, log


def test_without_op_id_uniqueness_the_checker_catches_double_applies(
    pg: PgServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Negative control: with the unique index on client op ids dropped and the nodes'
    in-memory dedupe off, a resent op is applied again, and the checker must say so, from
    the log alone too."""
    complaint, log = control(
        pg, tmp_path, "no_dedupe", "DROP INDEX ops_client_op", {"HINDSIGHT_UNSAFE": "no-dedupe"}
    )
    show(capsys, "negative control, no op-id uniqueness: " + _first_lines(complaint, log))
    assert "for an op that was acked" in complaint  # a resend acked at a second seq
    assert re.search(r"acked \S+ at \d+, logged at \[\d+, \d+", log), log


def _first_lines(complaint: str, log: str) -> str:
    return "\n".join(
        [complaint.splitlines()[0], *complaint.splitlines()[1:4], "  from the log alone:"]
        + log.splitlines()[:5]
    )


def test_two_nodes_taking_one_boards_ops_at_once_keep_dot_budgets_and_edit_rights(
    pg: PgServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Everyone holds a connection to each of two nodes and sends through both at once:
    more votes than the budget, a hand-over racing a delete only the facilitator may make,
    edits of other people's notes. The log replays with every entry accepted at its place,
    nobody's dots exceed the budget, and no note carries another person's edit."""
    with Cluster(pg, "interleave", tmp_path, nodes=2, nginx=False) as cluster:
        board, outcome, _ = asyncio.run(interleave(cluster))
    (ballot,) = board.rounds.values()
    dots = {voter: sum(items.values()) for voter, items in ballot.votes.items()}
    seqs = sorted((s, n) for n, acked in enumerate(outcome.acked_by_node) for s in acked)
    switches = sum(a[1] != b[1] for a, b in zip(seqs, seqs[1:]))
    show(
        capsys,
        f"interleaving: {len(seqs)} ops acked (node 0: {len(outcome.acked_by_node[0])}, "
        f"node 1: {len(outcome.acked_by_node[1])}, {switches} switches between nodes in seq "
        f"order), refused: {outcome.refused}, dots per person {sorted(dots.values())} of "
        f"{BUDGET}; {outcome.handovers} hand-overs, each racing a delete by the one handing "
        f"over: {outcome.deletes_by_facilitator} sequenced first and accepted, "
        f"{outcome.deletes_refused} sequenced after and refused",
    )
    assert all(n <= BUDGET for n in dots.values()), dots
    assert {v: n for v, n in dots.items() if n} == outcome.acked_votes
    assert outcome.refused.get("budget_exceeded", 0) > 0  # budgets were tried from both nodes
    assert outcome.refused.get("forbidden", 0) > 0  # so were other people's notes
    edited = [n for n in board.stickies.values() if n.text.startswith("edited by ")]
    assert edited, "no author's own edit landed"
    for note in edited:
        assert note.text == f"edited by {note.author}", note
    assert switches >= 4, "the two nodes' ops did not interleave"
