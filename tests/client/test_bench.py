"""The benchmark, run tiny against real servers: its JSON has what the README promises, and
the load it reports was really delivered (every op answered, every fan-out counted). Wall
times are never asserted: a busy machine may miss any latency target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hindsight.client.cli import main

pytestmark = pytest.mark.slow  # real server processes (the bench starts them)


def test_a_tiny_bench_answers_every_op_and_counts_every_fan_out(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    code = main(
        [
            "bench",
            "--shapes",
            "1x3",
            "--rates",
            "20,40",
            "--warmup",
            "0.3",
            "--duration",
            "1",
            "--drain",
            "5",
            "--no-pin",
            "--json",
            str(out),
        ]
    )
    assert code == 0
    results = json.loads(out.read_text())
    for key in ("floor_capacity", "hindsight_capacity", "ratio", "latency_ms", "shapes"):
        assert key in results
    for kind in ("ack", "fanout"):
        assert set(results["latency_ms"][kind]) >= {"p50", "p95", "p99", "max"}
    shape = results["shapes"][0]
    assert (shape["boards"], shape["people"], shape["connections"]) == (1, 3, 3)
    assert {s["server"] for s in shape["steps"]} == {"floor", "hindsight"}
    for step in shape["steps"]:
        assert step["sent"] > 0
        assert step["acked"] == step["sent"], step
        assert step["unacked"] == 0 and step["rejected"] == {}, step
        # Each op reaches the two other members of its board, exactly once each.
        assert step["fanout_expected"] == 2 * step["sent"]
        assert step["fanout_received"] == step["fanout_expected"], step
        assert step["ack_ms"]["n"] == step["acked"]
        assert step["server_rss_mb"] > 0 and "server_cpu_us_per_op" in step
    assert shape["floor_kb_per_connection"] is not None
    assert shape["hindsight_kb_per_connection"] is not None
