"""The options of `hindsight-client bench`: the capacity ladder's, then the other benchmarks'
(--overload, --startup, --page) that run instead of it."""

from __future__ import annotations

import argparse


def parse_shapes(text: str) -> list[tuple[int, int]]:
    shapes = []
    for part in text.split(","):
        r, _, p = part.strip().lower().partition("x")
        shapes.append((int(r), int(p)))
    return shapes


def add_arguments(p: argparse.ArgumentParser) -> None:
    _add_ladder_arguments(p)
    _add_other_benchmarks(p)


def _add_ladder_arguments(p: argparse.ArgumentParser) -> None:
    """What the ladder measures (shapes, rates, step lengths), where, and how."""
    p.add_argument(
        "--quick",
        action="store_true",
        help="one shape (20x10), four rates, short steps: under a minute",
    )
    p.add_argument("--json", dest="json_path", metavar="PATH", help="write the results as JSON")
    p.add_argument(
        "--shapes",
        type=parse_shapes,
        help="boards x people, e.g. 20x10,50x20 (default 20x10,50x20,250x20)",
    )
    p.add_argument(
        "--rates",
        type=lambda s: [float(x) for x in s.split(",")],
        help="offered ops/s, comma-separated (default: a ladder per shape)",
    )
    p.add_argument("--duration", type=float, help="measured seconds per step (default 4)")
    p.add_argument("--warmup", type=float, help="unmeasured seconds before each step (default 1)")
    p.add_argument(
        "--drain",
        type=float,
        default=3.0,
        help="seconds to wait for late answers after a step (default 3)",
    )
    p.add_argument(
        "--target",
        help="an existing Hindsight server's URL: no floor, no local "
        "servers, load only (it creates boards there)",
    )
    p.add_argument("--server-core", type=int, default=0, help="core for local servers")
    p.add_argument("--generator-core", type=int, default=1, help="core for the load generator")
    p.add_argument(
        "--refine",
        type=int,
        default=2,
        help="bisection steps between a server's best rate and the first it missed (default 2)",
    )
    p.add_argument("--no-pin", action="store_true", help="pin nothing to any core")
    p.add_argument(
        "--no-batch",
        action="store_true",
        help="Hindsight clients ask for one message a frame (no `batch` frames)",
    )
    p.add_argument(
        "--server-env",
        action="append",
        metavar="NAME=VALUE",
        type=lambda s: tuple(s.split("=", 1)),
        help="environment for both local servers, e.g. PYTHONPATH=DIR to try "
        "uvloop (uvicorn uses it when it can import it); repeatable",
    )


def _add_other_benchmarks(p: argparse.ArgumentParser) -> None:
    """--overload, --startup and --page, each with its own options."""
    p.add_argument(
        "--overload",
        action="store_true",
        help="instead: offer twice --capacity "
        "for 30 s with stalled readers, then kill -9, restart and check every acked "
        "op is still there (client/bench_overload.py)",
    )
    p.add_argument(
        "--capacity",
        type=float,
        default=1000.0,
        help="for --overload: the capacity measured before (ops/s)",
    )
    p.add_argument(
        "--startup",
        action="store_true",
        help="instead: time start-up with 1,000 "
        "stored boards and loading a board of 10,000 ops (client/bench_startup.py)",
    )
    p.add_argument(
        "--page",
        action="store_true",
        help="instead: the board page in Chromium: "
        "its JS and CSS bytes, navigation to a live board, and rendering one incoming "
        "change on a board of 200 items (client/bench_page.py)",
    )
    p.add_argument(
        "--navigations",
        type=int,
        default=10,
        help="for --page: timed loads of the board, a fresh context each (default 10)",
    )
    p.add_argument(
        "--items",
        type=int,
        default=200,
        help="for --page: items on the board the change lands on (default 200)",
    )
    p.add_argument(
        "--changes", type=int, default=20, help="for --page: incoming changes timed (default 20)"
    )
    p.add_argument(
        "--chromium",
        default="/usr/bin/chromium",
        help="for --page: the Chromium to drive (default %(default)s)",
    )
