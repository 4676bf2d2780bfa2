"""Chaos in CI: about twenty clients, a server SIGKILLed at twenty random moments.

The workload, the faults and the checker are in `tests/server/chaos.py`; the long run is
`python -m tests.server.chaos --kills 200`. Run with `pytest -s` to see the figures. A failure
prints its seed: `HINDSIGHT_CHAOS_SEED=<seed>` repeats the run's random choices (the timing of
a real server and real sockets still varies).
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

from tests.server.chaos import ChaosConfig, run, seed_from_env, summary


def test_random_sigkills_lose_no_acked_op_double_none_and_leave_every_client_on_the_log(
        tmp_path: Path) -> None:
    """Twenty kill cycles under twenty clients: every acked op is in the log once at its seq,
    seqs have no gaps, indeterminate ops appear at most once, every frame a client saw is the
    log's, every board equals the replayed log, and integrity_check is ok after each restart."""
    seed = seed_from_env(random.randrange(1 << 31))
    cfg = ChaosConfig(kills=20, clients=20, boards=2, seed=seed)
    print(f"\nchaos seed {seed}", flush=True)
    figures, setup = asyncio.run(run(cfg, tmp_path))
    print(summary(figures, setup, cfg))
    assert figures.kills == 20
    acked = sum(r.status == "acked" for c in setup.clients for r in c.history.values())
    in_doubt = sum(r.in_doubt for c in setup.clients for r in c.history.values())
    # The faults must have bitten: ops were in doubt at drops, and the checker saw real traffic.
    assert acked > 0 and in_doubt > 0
    assert figures.checked["live_events"] > 0 and figures.checked["welcome_snapshots"] > 0
