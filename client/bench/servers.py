"""Local servers for the benchmark: `hindsight serve` and the floor relay, as subprocesses
pinned to one core, started on free ports and stopped afterwards.

The client package never imports the server (the layering rule); it starts it the way an
operator would, as a command (`python -m hindsight.server.cli serve`,
`python -m hindsight.server.floor`).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from hindsight.client.bench.stats import ProcSample, sample_process

# The benchmark squeezes many people into few sockets (the floor's capacity, ~40 ops/s per
# connection at 20 x 10, is far beyond what a person types), so the per-connection rate
# limit, an abuse guard, is lifted for it. Everything else is `hindsight serve` as shipped:
# synchronous=FULL, group commit, one process.
BENCH_ENV = {
    "HINDSIGHT_RATE": "1000000",
    "HINDSIGHT_BURST": "1000000",
    # A per-address connection cap (another abuse guard) would refuse 5,000 sockets from one
    # load generator on 127.0.0.1; set it out of the way whatever its default.
    "HINDSIGHT_MAX_CONNECTIONS_PER_ADDRESS": "1000000",
    "HINDSIGHT_JOIN_RATE": "0",  # the generator seats thousands of people from one address
    "HINDSIGHT_LINK_JOIN_RATE": "0",  # ... through one link per board
}


T = TypeVar("T")


def run_generator(main: Coroutine[Any, Any, T]) -> T:
    """Run the load generator's event loop: uvloop when it can be imported (the generator
    must out-run the servers on one core, and its own loop is not what is measured), else
    asyncio's."""
    try:
        import uvloop  # type: ignore[import-not-found]  # optional: only if installed
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)  # type: ignore[no-any-return]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pin(core: int | None) -> None:
    """Pin this process to one core (no-op where affinity is not supported or core is None)."""
    if core is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core % (os.cpu_count() or 1)})


class LocalServer:
    def __init__(
        self,
        kind: str,
        workdir: Path,
        *,
        core: int | None = 0,
        env: dict[str, str] | None = None,
        db: Path | None = None,
        extra_args: list[str] | None = None,
    ) -> None:
        assert kind in ("hindsight", "floor")
        self.kind, self.core = kind, core
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"{kind}-{self.port}.log"
        self.db = db or workdir / f"{kind}-{self.port}.db"
        # The servers run on the project's own environment: a PYTHONPATH given to the
        # generator (say, to find uvloop for itself) must not change what is measured.
        inherited = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        self.env = {**inherited, **BENCH_ENV, **(env or {})}
        self.extra_args = extra_args or []
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_in: float = 0.0  # seconds from spawn to answering /readyz

    @property
    def command(self) -> list[str]:
        if self.kind == "floor":
            return [
                sys.executable,
                "-m",
                "hindsight.server.floor",
                "--port",
                str(self.port),
                *self.extra_args,
            ]
        return [
            sys.executable,
            "-m",
            "hindsight.server.cli",
            "serve",
            "--port",
            str(self.port),
            "--db",
            str(self.db),
            *self.extra_args,
        ]

    def start(self, timeout: float = 30.0) -> None:
        core = self.core
        t0 = time.perf_counter()
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                self.command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=Path(__file__).resolve().parents[2],
                preexec_fn=(lambda: pin(core)) if core is not None else None,
            )
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.kind} exited with {self.proc.returncode}: "
                    + self.log.read_text()[-2000:]
                )
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=0.5) as r:
                    if r.status == 200:
                        self.started_in = time.perf_counter() - t0
                        return
            except OSError:
                time.sleep(0.005)
        raise RuntimeError(f"{self.kind} did not become ready: " + self.log.read_text()[-2000:])

    def sample(self) -> ProcSample | None:
        return sample_process(self.proc.pid) if self.proc else None

    def stop(self, kill: bool = False) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
