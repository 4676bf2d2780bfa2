"""Hindsight on one, two and three nodes over PostgreSQL against one process on SQLite:
capacity at p99 < 50 ms and CPU per op (issue 17). Prints figures; not a test.

    python -m hindsight.client.bench.cluster                      # all four: a few minutes
    python -m hindsight.client.bench.cluster --configs sqlite,pg3 --rates 250,500,1000
    python -m hindsight.client.bench.cluster --json cluster.json --no-pin

Theory of operation. The shape and the op mix are `hindsight-client bench`'s (load.py,
op_mix.py: R boards x P people, notes added, edited, moved, deleted, dots cast and taken back,
the facilitator's timer ops, open loop, latency from the intended send). Each configuration
gets fresh servers: `sqlite` is one `hindsight serve` on a SQLite file; `pgN` is N nodes on
one database of a throwaway PostgreSQL (Debian's binaries, as the tests start it: initdb in a
temporary folder, loopback only, `synchronous_commit = on`). Boards are made through the
first node; each board's people connect to one node (board i to node i mod N), as nginx's
`hash $board consistent` would place them, so the figures are the nodes' and PostgreSQL's,
not a proxy's. The rates are climbed until two in a row miss (a miss runs once more first:
one stall on a shared machine must not end a ladder); *capacity* is the highest rate with
ack and fan-out p99 under 50 ms, every op answered and every fan-out delivered.

CPU per op is the CPU time of every server-side process (the nodes, and PostgreSQL's
postmaster with all its backends, the WAL writer and checkpointer included) over the step,
divided by the ops acked in it, split into the nodes' share and PostgreSQL's. By default all
server-side processes share core 0 and the generator has core 1, so the capacities compare
one core's worth of work; CPU per op is what predicts a bigger machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import msgspec

from hindsight.client.bench.cluster_pg import Postgres, commit_ceiling
from hindsight.client.bench.ladder import passes
from hindsight.client.bench.load import Load, Seat
from hindsight.client.bench.options import parse_shapes
from hindsight.client.bench.records import BoardPlan, summarize
from hindsight.client.bench.servers import LocalServer, pin, run_generator
from hindsight.client.bench.setup import hindsight_plans, prepare
from hindsight.client.bench.stats import cpu_pressure, self_cpu_s
from hindsight.client.bench.wire import connect

CONFIGS = {"sqlite": 0, "pg1": 1, "pg2": 2, "pg3": 3}  # name -> nodes on PostgreSQL (0: SQLite)
RATES = [250, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000]


class Node(LocalServer):
    """`hindsight serve --db <url>`, the benchmark's environment and pinning."""

    def __init__(self, workdir: Path, db_url: str, core: int | None) -> None:
        super().__init__("hindsight", workdir, core=core)
        self.db_url = db_url

    @property
    def command(self) -> list[str]:
        port = str(self.port)
        return [sys.executable, "-m", "hindsight.server.cli", "serve", "--port", port]  + [
            "--db", self.db_url,
        ]  # fmt: skip


class RoutedLoad(Load):
    """The load generator, each board's seats on the node that made the board."""

    def __init__(self, port_of: dict[str, int], plans: list[BoardPlan], people: int) -> None:
        super().__init__("hindsight", "127.0.0.1", next(iter(port_of.values())), plans, people)
        self.port_of = port_of

    async def _connect(self, seat: Seat) -> None:
        plan = seat.board.plan
        client = await connect(
            self.host, self.port_of[plan.board_id], self._on_message, self._on_closed
        )
        client.seat = seat
        seat.client = client
        hello = {
            "type": "hello",
            "board": plan.board_id,
            "credential": seat.credential,
            "last_seq": seat.seq,
            "epoch": seat.epoch,
            "batch": self.batch,
        }
        client.send_text(msgspec.json.encode(hello))


class Config:
    """One configuration's servers: SQLite (nodes=0) or N nodes on a fresh database."""

    def __init__(self, name: str, nodes: int, pg: Postgres | None, args: argparse.Namespace):
        self.name, self.pg = name, pg
        self.workdir = Path(tempfile.mkdtemp(prefix=f"hindsight-bench-{name}-"))
        core = None if args.no_pin else args.server_core
        if nodes == 0:
            self.nodes = [LocalServer("hindsight", self.workdir, core=core)]
        else:
            assert pg is not None
            url = pg.database(name)
            self.nodes = [Node(self.workdir, url, core) for _ in range(nodes)]

    def start(self) -> None:
        self.nodes[0].start()  # the first migrates the database; the others find it done
        for node in self.nodes[1:]:
            node.start()

    def cpu(self) -> tuple[list[float], float]:
        """CPU seconds so far: each node's, PostgreSQL's."""
        nodes = [s.cpu_s if (s := n.sample()) is not None else 0.0 for n in self.nodes]
        return nodes, self.pg.cpu_s() if self.pg is not None else 0.0

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


async def step(
    load: Load, config: Config, rate: float, args: argparse.Namespace, n: int
) -> dict[str, Any]:
    c0 = config.pg.counters(config.name) if config.pg else (0, 0)
    (each0, p0), g0, t0 = config.cpu(), self_cpu_s(), time.perf_counter()
    stats = await load.run(rate, args.warmup, args.duration, args.drain, n)
    (each1, p1), g1, t1 = config.cpu(), self_cpu_s(), time.perf_counter()
    c1 = config.pg.counters(config.name) if config.pg else (0, 0)
    n0, n1 = sum(each0), sum(each1)
    result = summarize(stats, rate, args.duration)
    acked = max(1, stats.acked + int(rate * args.warmup))  # CPU covers the warm-up too
    result.update(
        config=config.name,
        each_node_cpu_util=[round((b - a) / (t1 - t0), 3) for a, b in zip(each0, each1)],
        machine_cpu_pressure=cpu_pressure(),
        nodes_cpu_util=round((n1 - n0) / (t1 - t0), 3),
        pg_cpu_util=round((p1 - p0) / (t1 - t0), 3),
        nodes_us_per_op=round((n1 - n0) / acked * 1e6, 1),
        pg_us_per_op=round((p1 - p0) / acked * 1e6, 1),
        cpu_us_per_op=round((n1 - n0 + p1 - p0) / acked * 1e6, 1),
        generator_cpu_util=round((g1 - g0) / (t1 - t0), 3),
        pg_commits_per_op=round((c1[0] - c0[0]) / acked, 3),
        pg_wal_bytes_per_op=round((c1[1] - c0[1]) / acked),
    )
    result["passed"] = passes(result)
    return result


async def make_boards(
    config: Config, boards: int, people: int, on_first: bool
) -> tuple[list[BoardPlan], dict[str, int]]:
    """Board i is made and set up through node i mod N, where its people then connect, as
    nginx's hash on the board would place them all (`on_first`: every board is made through
    the first node, which then keeps every board's room and follows its commits too)."""
    plans: list[BoardPlan] = []
    port_of: dict[str, int] = {}
    for i, node in enumerate(config.nodes):
        share = boards // len(config.nodes) + (i < boards % len(config.nodes))
        maker = config.nodes[0] if on_first else node
        made = await asyncio.to_thread(hindsight_plans, maker.url, share, people)
        await prepare(maker.url, made)
        plans += made
        port_of.update({p.board_id: node.port for p in made})
    return plans, port_of


async def climb(config: Config, args: argparse.Namespace) -> dict[str, Any]:
    boards, people = args.shape
    config.start()
    plans, port_of = await make_boards(config, boards, people, args.made_on_first)
    load = RoutedLoad(port_of, plans, people)
    steps: list[dict[str, Any]] = []
    best, misses, n = 0.0, 0, 0
    try:
        await load.connect_all()
        await asyncio.sleep(1.0)
        for rate in args.rates:
            for _attempt in (1, 2):  # a miss runs once more: one stall is not the limit
                result = await step(load, config, rate, args, n)
                n += 1
                steps.append(result)
                _progress(result)
                if result["passed"]:
                    break
            misses = 0 if result["passed"] else misses + 1
            best = rate if result["passed"] else best
            if misses >= 2:
                break
    finally:
        await load.close()
        config.stop()
    at_best = [s for s in steps if s["passed"] and s["offered"] == best]
    return {
        "config": config.name,
        "nodes": len(config.nodes),
        "store": "postgresql" if config.pg else "sqlite",
        "capacity": best,
        "at_capacity": at_best[-1] if at_best else None,
        "lowest": next((s for s in steps if s["passed"]), None),
        "steps": steps,
    }


def _progress(r: dict[str, Any]) -> None:
    print(
        f"  {r['config']:6} {r['offered']:6.0f}/s  ack p99 {r['ack_ms']['p99']} ms  "
        f"fan-out p99 {r['fanout_ms']['p99']} ms  errors {r['errors']}  "
        f"CPU/op {r['cpu_us_per_op']} us (nodes {r['nodes_us_per_op']}, PostgreSQL "
        f"{r['pg_us_per_op']}; nodes' CPU {r['each_node_cpu_util']}, PostgreSQL's "
        f"{r['pg_cpu_util']}; {r['pg_commits_per_op']} commits and "
        f"{r['pg_wal_bytes_per_op']} WAL bytes per op; pressure {r['machine_cpu_pressure']}%)  "
        f"{'ok' if r['passed'] else 'over'}",
        flush=True,
    )


def print_report(results: list[dict[str, Any]]) -> None:
    print()
    print(
        "| config | capacity ops/s (p99 < 50 ms) | ack p50 / p99 ms at capacity | CPU us/op "
        "at capacity: total (nodes + PostgreSQL) | CPU us/op at the lowest rate | nodes CPU "
        "| PostgreSQL CPU |"
    )
    print("| --- | ---: | --- | --- | --- | ---: | ---: |")
    for r in results:
        c, low = r["at_capacity"], r["lowest"]

        def cpu(s: dict[str, Any] | None) -> str:
            if s is None:
                return "-"
            return f"{s['cpu_us_per_op']} ({s['nodes_us_per_op']} + {s['pg_us_per_op']})"

        print(
            f"| {r['config']} | {r['capacity']:.0f} | "
            f"{c['ack_ms']['p50'] if c else '-'} / {c['ack_ms']['p99'] if c else '-'} | "
            f"{cpu(c)} | {cpu(low)} @ {low['offered'] if low else '-'}/s | "
            f"{c['nodes_cpu_util'] if c else '-'} | {c['pg_cpu_util'] if c else '-'} |"
        )
    print()


async def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    server_core = None if args.no_pin else args.server_core
    needs_pg = any(CONFIGS[c] for c in args.configs)
    pg = Postgres(server_core).start() if needs_pg else None
    pin(None if args.no_pin else args.generator_core)
    results = []
    try:
        for name in args.configs:
            nodes = CONFIGS[name]
            what = f"{nodes} node(s) on PostgreSQL" if nodes else "SQLite, one process"
            print(f"{name}: {what}", flush=True)
            results.append(await climb(Config(name, nodes, pg if nodes else None, args), args))
    finally:
        if pg is not None:
            pg.stop()
    return results


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m hindsight.client.bench.cluster",
        description="Capacity at p99 < 50 ms and CPU per op: SQLite, and 1-3 nodes on PostgreSQL.",
    )
    p.add_argument("--configs", default="sqlite,pg1,pg2,pg3", type=lambda s: s.split(","))
    p.add_argument("--shape", default=(20, 10), type=lambda s: parse_shapes(s)[0])
    p.add_argument("--rates", default=RATES, type=lambda s: [float(x) for x in s.split(",")])
    p.add_argument("--duration", type=float, default=2.0, help="measured seconds per step")
    p.add_argument("--warmup", type=float, default=0.5)
    p.add_argument("--drain", type=float, default=1.5)
    p.add_argument("--server-core", type=int, default=0)
    p.add_argument("--generator-core", type=int, default=1)
    p.add_argument("--no-pin", action="store_true")
    p.add_argument(
        "--commit-ceiling",
        action="store_true",
        help="instead: PostgreSQL's commits/s without NOTIFY, with it in the commit, with it "
        "after the commit (1, 3, 12 writers)",
    )
    p.add_argument(
        "--made-on-first",
        action="store_true",
        help="make every board through the first node (which then follows them all)",
    )
    p.add_argument("--json", dest="json_path")
    args = p.parse_args(argv)
    unknown = [c for c in args.configs if c not in CONFIGS]
    if unknown:
        p.error(f"unknown configs {unknown}; choose from {', '.join(CONFIGS)}")
    return args


def ceilings(args: argparse.Namespace) -> list[dict[str, Any]]:
    """--commit-ceiling: PostgreSQL's commits per second with and without NOTIFY, for as many
    writers as a cluster has nodes (each node commits from one writer thread)."""
    pg = Postgres(None if args.no_pin else args.server_core).start()
    try:
        url = pg.database("ceiling")
        out = [
            commit_ceiling(url, writers, 3.0, notify)
            for writers in (1, 3, 12)
            for notify in ("none", "in", "after")
        ]
    finally:
        pg.stop()
    for row in out:
        print(row, flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.commit_ceiling:
        results = ceilings(args)
        if args.json_path:
            Path(args.json_path).write_text(json.dumps(results, indent=2) + "\n")
        return 0
    results = run_generator(run(args))
    print_report(results)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
