"""`hindsight-client` from a terminal, against a real server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from tests.realserver import RealServer


def cli(server: RealServer, *args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hindsight.client.cli", "--server", server.url, *args],
        capture_output=True,
        text=True,
        timeout=30,
        **kw,
    )  # type: ignore[call-overload]


def cli_json(server: RealServer, *args: str) -> dict[str, str]:
    r = cli(server, *args)
    assert r.returncode == 0, f"exit {r.returncode}: {r.stderr}"
    result: dict[str, str] = json.loads(r.stdout)
    return result


def test_create_join_add_and_watch_from_two_terminals(server: RealServer) -> None:
    made = cli_json(server, "create", "--title", "CLI drill", "--name", "Fay")
    board, fac = made["board_id"], made["credential"]
    assert made["facilitator_url"].endswith(f"#k={fac}")
    assert made["join_url"].startswith(f"{server.url}/b/{board}/join#t=")
    ann = cli_json(server, "join", made["join_url"], "--name", "Ann")["credential"]

    watcher = subprocess.Popen(
        [sys.executable, "-m", "hindsight.client.cli", "--server", server.url, "watch", board],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "HINDSIGHT_CREDENTIAL": fac},
    )
    try:
        assert watcher.stdout is not None
        assert watcher.stdout.readline().startswith("watching board ")  # the first line
        added = cli(
            server,
            "add-timeline",
            board,
            "--credential",
            ann,
            "--at",
            "2026-08-14T09:12Z",
            "--kind",
            "signal",
            "Wrong-match rate climbs",
        )
        assert added.returncode == 0, added.stderr
        seq = json.loads(added.stdout)["seq"]
        deadline = time.monotonic() + 10
        line = ""
        while time.monotonic() < deadline and "Wrong-match" not in line:
            line = watcher.stdout.readline()
        assert line.startswith(f"#{seq}:") and "Wrong-match rate climbs" in line
    finally:
        watcher.terminate()
        watcher.wait(5)


def test_refusals_print_the_reason_and_exit_nonzero(server: RealServer) -> None:
    made = cli_json(server, "create", "--title", "Refusals")
    r = cli(server, "join", made["board_id"])  # a board id is not a join link
    assert r.returncode == 2 and "not a join link" in r.stderr and "Traceback" not in r.stderr
    ann = cli_json(server, "join", made["join_url"])["credential"]
    r = cli(server, "send", made["board_id"], "--credential", ann, '{"type": "advance_phase"}')
    assert r.returncode == 2 and "only the facilitator" in r.stderr
    r = cli(server, "add-timeline", made["board_id"], "--credential", ann, "--at", "09:12", "x")
    assert r.returncode == 2 and "needs a date" in r.stderr


def test_every_command_has_help() -> None:
    for cmd in ("create", "join", "watch", "add-sticky", "add-timeline", "send"):
        r = subprocess.run(
            [sys.executable, "-m", "hindsight.client.cli", cmd, "--help"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert r.returncode == 0 and "usage:" in r.stdout
