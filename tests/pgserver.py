"""A real, throwaway PostgreSQL server for tests: Debian's binaries, a temporary data folder,
a free loopback port, started with `initdb` and `pg_ctl` and removed afterwards.

PostgreSQL refuses to run as root, so when the tests run as root (CI does) the server runs as
the `postgres` user the package made, in a folder that user owns. It listens on 127.0.0.1 only
and trusts local connections: it holds nothing but test data and lives as long as the tests.

    with PgServer() as pg:
        url = pg.database("t1")   # a fresh database, as a postgresql:// URL
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from tests.realserver import free_port


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (make pg-deps installs it)")
    return found[-1]


def pg_available() -> bool:
    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


class PgServer:
    def __init__(self, *, settings: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="hindsight-pg-"))
        self.data = self.dir / "data"
        self.settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.dir}'",
            "max_connections": "300",
            "shared_buffers": "64MB",
            "synchronous_commit": "on",
            "fsync": "on",
            **(settings or {}),
        }
        self._as_postgres = os.geteuid() == 0
        self._created: list[str] = []

    def _run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = list(argv)
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True)

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> PgServer:
        if self._as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            pg_bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        with open(self.data / "postgresql.conf", "a") as conf:
            for key, value in self.settings.items():
                conf.write(f"{key} = {value}\n")
        self._run(
            pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "start"
        )
        deadline = time.monotonic() + 30
        while self._run(
            pg_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), check=False
        ).returncode:
            if time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not start: " + self.log_tail())
            time.sleep(0.1)
        return self

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return (self.dir / "log").read_text()[-chars:]
        except OSError:
            return ""

    def database(self, name: str) -> str:
        """Create an empty database `name` and return its URL."""
        self.psql("postgres", f'CREATE DATABASE "{name}"')
        self._created.append(name)
        return self.url(name)

    def psql(self, database: str, sql: str) -> str:
        got = self._run(
            pg_bin("psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-qAtc",
            sql,
        )
        return got.stdout

    def stop(self) -> None:
        if self.data.exists():
            self._run(
                pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False
            )
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


# --- one server for a whole test run ------------------------------------------------------------

TEST_STORE_ENV = "HINDSIGHT_TEST_STORE"  # "postgresql": the server tests run on PostgreSQL
_shared: PgServer | None = None
_databases: dict[str, str] = {}


def on_postgres() -> bool:
    return os.environ.get(TEST_STORE_ENV, "").lower() in ("postgresql", "postgres", "pg")


def fresh_database(key: str) -> str:
    """The database of `key` (a test's folder: an app made again on the same folder is a
    restart, and finds its data) on the run's one PostgreSQL server, started on first use and
    stopped when the run ends; new and empty the first time. Its URL."""
    global _shared
    if key in _databases:
        return _databases[key]
    if _shared is None:
        import atexit

        # The functional suite's server: no fsync (nothing here survives a power cut anyway;
        # the cluster test's servers keep it, as production must).
        _shared = PgServer(settings={"fsync": "off", "full_page_writes": "off"}).start()
        atexit.register(_shared.stop)
    name = f"t{os.getpid()}_{len(_databases)}"
    import psycopg

    with psycopg.connect(_shared.admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    _databases[key] = _shared.url(name)
    return _databases[key]
