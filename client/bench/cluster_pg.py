"""The cluster benchmark's PostgreSQL (client/bench/cluster.py): a throwaway server from
Debian's binaries, as the tests start one (tests/pgserver.py; the client package may not
import the tests), and the CPU time of all its processes from /proc."""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from hindsight.client.bench.servers import free_port, pin
from hindsight.client.bench.stats import CLOCK_TICKS


def _proc_cpu(pid: int, children: bool = False) -> float:
    """CPU seconds of a process (with `children`: plus those of its children it reaped)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def _children(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == parent:
                found.append(int(entry))
    return found


class Postgres:
    """A throwaway PostgreSQL from Debian's binaries: a temporary folder, a free loopback
    port, run as the `postgres` user when this runs as root (it refuses root)."""

    def __init__(self, core: int | None) -> None:
        self.core = core
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="hindsight-bench-pg-"))
        self.data = self.dir / "data"
        self.as_postgres = os.geteuid() == 0

    def _run(self, *argv: str) -> str:
        cmd = (["runuser", "-u", "postgres", "--"] if self.as_postgres else []) + list(argv)
        core = self.core
        return subprocess.run(
            cmd,
            check=True,
            capture_output=True,
            text=True,
            preexec_fn=(lambda: pin(core)) if core is not None else None,
        ).stdout

    def start(self) -> Postgres:
        if self.as_postgres:
            subprocess.run(["chown", "postgres:postgres", str(self.dir)], check=True)
        self._run(_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust")
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.dir}'",
            "max_connections": "300",
            "shared_buffers": "128MB",
            "synchronous_commit": "on",
            "fsync": "on",
        }
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.writelines(f"{k} = {v}\n" for k, v in settings.items())
        log = str(self.dir / "log")
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-l", log, "-w", "start")
        return self

    def database(self, name: str) -> str:
        self._run(
            _pg_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "-d", "postgres", "-qAtc", f'CREATE DATABASE "{name}"',
        )  # fmt: skip
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def counters(self, name: str) -> tuple[int, int]:
        """Write transactions so far (the next transaction id: every transaction that writes
        takes one, exactly and at once, unlike the statistics' commit count, which backends
        report about once a second) and WAL bytes written so far."""
        out = self._run(
            _pg_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "-d", name, "-qAtc",
            "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint, "
            "pg_current_wal_lsn() - '0/0'",
        )  # fmt: skip
        xid, wal = out.strip().split("|")
        return int(xid), int(float(wal))

    def cpu_s(self) -> float:
        """The postmaster, the backends it reaped, and every process it runs now."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, IndexError, ValueError):
            return 0.0
        return _proc_cpu(pid, children=True) + sum(_proc_cpu(c) for c in _children(pid))

    def stop(self) -> None:
        subprocess.run(
            (["runuser", "-u", "postgres", "--"] if self.as_postgres else [])
            + [_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        subprocess.run(["rm", "-rf", str(self.dir)])


def _pg_bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        raise SystemExit(f"PostgreSQL's {name} is not installed (make pg-deps installs it)")
    return str(found[-1])


def commit_ceiling(url: str, writers: int, seconds: float, notify: str) -> dict[str, Any]:
    """Commits per second that `writers` connections reach committing back to back, each
    transaction one small insert (an op row's size). `notify`: "none"; "in", a `pg_notify` in
    the same transaction, as the store's commits carry it; "after", the `pg_notify` in a
    transaction of its own right after the commit. PostgreSQL serialises the commits of
    transactions that notify (one lock for the whole server, from before the commit's WAL
    flush to its end), so with "in" the writers queue behind each other's flushes: the
    ceiling on the cluster's commits. A transaction that only notifies writes no WAL to wait
    for, so "after" holds that lock for far less."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS ceiling (n bigint, body bytea)")
    stop = time.perf_counter() + seconds
    counts = [0] * writers
    body = b"x" * 600

    def writer(i: int) -> None:
        with psycopg.connect(url) as conn:
            while time.perf_counter() < stop:
                conn.execute("INSERT INTO ceiling VALUES (%s, %s)", (i, body))
                if notify == "in":
                    conn.execute("SELECT pg_notify('ceiling', %s)", (str(i),))
                conn.commit()
                if notify == "after":
                    conn.execute("SELECT pg_notify('ceiling', %s)", (str(i),))
                    conn.commit()
                counts[i] += 1

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"writers": writers, "notify": notify, "commits_per_s": round(sum(counts) / seconds)}
