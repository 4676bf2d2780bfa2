"""A real `hindsight serve` in a subprocess on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RealServer:
    def __init__(
        self,
        db: Path,
        port: int | None = None,
        env: dict[str, str] | None = None,
        *,
        db_url: str = "",
    ) -> None:
        self.db = db  # the SQLite file; with db_url (PostgreSQL), only where the log goes
        self.db_url = db_url
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = db.with_suffix(".log")

    def spawn(self) -> None:
        """Start the process without waiting (several servers start at once this way)."""
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "hindsight.server.cli",
                    "serve",
                    "--port",
                    str(self.port),
                    "--db",
                    self.db_url or str(self.db),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
            )

    def wait_ready(self, timeout: float = 15.0) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.proc.returncode}: " + self.log.read_text()[-2000:]
                )
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=0.5) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not become ready: " + self.log.read_text()[-2000:])

    def start(self, timeout: float = 15.0) -> None:
        self.spawn()
        self.wait_ready(timeout)

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flush; what was committed is all that survives."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
