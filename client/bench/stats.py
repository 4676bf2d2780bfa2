"""Figures for the benchmark: percentiles, a process's CPU time and memory from /proc, and the
machine's CPU pressure."""

from __future__ import annotations

import os
from dataclasses import dataclass

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def percentiles(samples: list[float]) -> dict[str, float | None]:
    """p50/p95/p99/max in milliseconds, from samples in seconds (nearest rank)."""
    if not samples:
        return {"p50": None, "p95": None, "p99": None, "max": None, "n": 0}
    ordered = sorted(samples)
    n = len(ordered)

    def rank(q: float) -> float:
        return round(ordered[min(n - 1, max(0, int(q * n + 0.999999) - 1))] * 1000, 3)

    return {
        "p50": rank(0.50),
        "p95": rank(0.95),
        "p99": rank(0.99),
        "max": round(ordered[-1] * 1000, 3),
        "n": n,
    }


@dataclass(frozen=True)
class ProcSample:
    cpu_s: float  # user + system CPU seconds, all threads
    rss: int  # resident set size, bytes


def sample_process(pid: int) -> ProcSample | None:
    """CPU seconds and RSS of a (local, Linux) process; None when it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
        with open(f"/proc/{pid}/statm", "rb") as f:
            statm = f.read()
    except OSError:
        return None
    # The command name (field 2) may hold spaces: split after its closing parenthesis.
    fields = stat[stat.rindex(b")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])
    return ProcSample(cpu_s=(utime + stime) / CLOCK_TICKS, rss=int(statm.split()[1]) * PAGE)


def self_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def cpu_pressure() -> float | None:
    """Linux PSI: % of the last 10 s in which some runnable task waited for a CPU. Other
    work on the machine shows here; the figures of a step with a high value are suspect."""
    try:
        with open("/proc/pressure/cpu") as f:
            return float(f.readline().split()[1].split("=")[1])
    except (OSError, IndexError, ValueError):
        return None
