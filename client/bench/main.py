"""`hindsight-client bench`: Hindsight against a floor relay, A B A B, on a ladder of rates.

    hindsight-client bench --quick --json results.json     # one shape, a few rates, < 1 min
    hindsight-client bench --json docs/bench-results.json  # 20x10, 50x20, 250x20
    hindsight-client bench --target http://host:8000 --shapes 20x10 --rates 200,400
                                                           # load only, against your server
    hindsight-client bench --page --json page.json         # the board page in Chromium

This module picks what to run from the options (options.py): the capacity ladder over each
shape (ladder.py, whose docstring says how a shape is measured), or one of the benchmarks that
run instead of it (overload.py, startup.py, page.py); then it prints the table and writes the
JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
from pathlib import Path
from typing import Any

from hindsight.client.bench.ladder import P99_LIMIT_MS, Runner
from hindsight.client.bench.report import print_table
from hindsight.client.bench.servers import run_generator

SHAPES = [(20, 10), (50, 20), (250, 20)]
LADDERS = {  # offered ops/s; the floor's fan-out cost grows with P, so the ladder moves with it
    10: [250, 500, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000],
    20: [125, 250, 500, 750, 1000, 1250, 1500, 2000, 2500, 3000, 4000],
}
QUICK = dict(shapes=[(20, 10)], rates=[500, 1000, 2000, 4000], warmup=0.5, duration=2.0)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # 2 x 5,000 sockets at 250 x 20
    runner = Runner(args)
    shapes = []
    for boards, people in args.shapes:
        rates = args.rates or LADDERS.get(people) or LADDERS[20]
        shapes.append(await runner.shape(boards, people, [float(r) for r in rates]))
    first = shapes[0]
    # The headline percentiles: Hindsight at the design load, or (no floor capacity to take a
    # quarter of) at the lowest rate it ran.
    shown = first.get("design") or next(s for s in first["steps"] if s["server"] == "hindsight")
    return {
        "settings": {
            "p99_limit_ms": P99_LIMIT_MS,
            "warmup_s": args.warmup,
            "duration_s": args.duration,
            "synchronous": "FULL",
            "server_core": args.server_core,
            "generator_core": args.generator_core,
            "target": args.target,
        },
        "floor_capacity": first.get("floor_capacity"),
        "hindsight_capacity": first["hindsight_capacity"],
        "ratio": first.get("ratio"),
        "latency_ms": {
            "offered": shown["offered"],
            "ack": shown["ack_ms"],
            "fanout": shown["fanout_ms"],
        },
        "shapes": shapes,
    }


def main(args: argparse.Namespace) -> int:
    if args.page:
        from hindsight.client.bench.page import main as page

        results = page(
            navigations=args.navigations,
            items=args.items,
            n_changes=args.changes,
            chromium=args.chromium,
        )
        return _write(results, args.json_path)
    if args.startup:
        from hindsight.client.bench.startup import main as startup

        results = startup(core=None if args.no_pin else args.server_core)
        return _write(results, args.json_path)
    if args.overload:
        from hindsight.client.bench.overload import main as overload

        boards, people = (args.shapes or [(20, 10)])[0]
        results = overload(
            boards,
            people,
            args.capacity,
            seconds=args.duration or 30.0,
            core=None if args.no_pin else args.server_core,
        )
        return _write(results, args.json_path)
    if args.quick:
        args.shapes = args.shapes or QUICK["shapes"]
        args.rates = args.rates or QUICK["rates"]
        args.warmup = QUICK["warmup"] if args.warmup is None else args.warmup
        args.duration = QUICK["duration"] if args.duration is None else args.duration
        args.drain = min(args.drain, 2.0)
        args.refine = min(args.refine, 1)
    args.shapes = args.shapes or SHAPES
    args.warmup = 1.0 if args.warmup is None else args.warmup
    args.duration = 4.0 if args.duration is None else args.duration
    results = run_generator(run(args))
    print_table(results)
    return _write(results, args.json_path)


def _write(results: dict[str, Any], path: str | None) -> int:
    if path:
        Path(path).write_text(json.dumps(results, indent=2) + "\n")
        print(f"results written to {path}")
    return 0
