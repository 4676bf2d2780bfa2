"""Every `hindsight-client` command, run as a process against a real server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from hindsight.client.cli import build_parser
from hindsight.client.http import fetch_view
from hindsight.server.outputs import incident_log, writeup
from tests.realserver import RealServer

COMMANDS = (
    "create",
    "join",
    "watch",
    "add-sticky",
    "add-timeline",
    "import-timeline",
    "export",
    "log",
    "export-board",
    "import-board",
    "send",
    "bench",
)


def cli(
    server: RealServer, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hindsight.client.cli", "--server", server.url, *args],
        capture_output=True,
        text=True,
        timeout=60,
        input=stdin,
        env={**os.environ, **(env or {})},
    )


def ok(server: RealServer, *args: str, **kw: Any) -> str:
    r = cli(server, *args, **kw)
    assert r.returncode == 0, f"exit {r.returncode}: {r.stderr}"
    return r.stdout


@pytest.fixture(scope="module")
def board(server: RealServer) -> dict[str, str]:
    made = json.loads(
        ok(server, "create", "--title", "CLI commands", "--severity", "sev1", "--name", "Fay")
    )
    ann = json.loads(ok(server, "join", made["join_url"], "--name", "Ann"))
    return {
        "id": made["board_id"],
        "fac": made["credential"],
        "ann": ann["credential"],
        "observer_url": made["observer_url"],
    }


def timeline(server: RealServer, board: dict[str, str]) -> list[tuple[str, str, str]]:
    view = fetch_view(server.url, board["id"], board["fac"])["view"]
    return [(e["at"], e["text"], e["kind"]) for e in view["timeline"]]


def test_every_command_has_help_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sorted(sub.choices or ()) == sorted(COMMANDS)
    for cmd in COMMANDS:
        with pytest.raises(SystemExit) as e:
            parser.parse_args([cmd, "--help"])
        out = capsys.readouterr().out
        assert e.value.code == 0 and "usage:" in out and "\nexample" in out, cmd
        assert f"hindsight-client {cmd}" in out.split("example", 1)[1], cmd


def test_add_sticky_add_timeline_and_send(server: RealServer, board: dict[str, str]) -> None:
    out = ok(
        server,
        "add-timeline",
        board["id"],
        "--at",
        "2026-08-14T08:00Z",
        "Deploy starts",
        env={"HINDSIGHT_CREDENTIAL": board["ann"]},
    )
    assert json.loads(out)["seq"] > 0
    ok(
        server,
        "send",
        board["id"],
        "--credential",
        board["fac"],
        '{"type": "go_to_phase", "phase_id": "p5", "start_timer": false}',
    )
    out = ok(
        server,
        "add-sticky",
        board["id"],
        "--credential",
        board["ann"],
        "--section",
        "contributing",
        "--category",
        "tooling",
        "No config linting",
    )
    view = fetch_view(server.url, board["id"], board["fac"])["view"]
    assert [(s["text"], s["category"]) for s in view["stickies"]] == [
        ("No config linting", "tooling")
    ]
    ok(
        server,
        "send",
        board["id"],
        "--credential",
        board["fac"],
        '{"type": "go_to_phase", "phase_id": "p3", "start_timer": false}',
    )
    r = cli(server, "send", board["id"], "--credential", board["fac"], "{not json")
    assert (r.returncode, r.stderr) == (
        2,
        "not JSON: Expecting property name enclosed in double quotes (character 2)\n",
    )
    r = cli(
        server,
        "send",
        board["id"],
        "--credential",
        board["fac"],
        '{"type": "add_sticky", "section": "nowhere", "text": "x"}',
    )
    assert r.returncode == 2 and r.stderr.startswith("invalid op: Invalid enum value 'nowhere'")


@pytest.mark.parametrize(
    "name, content, extra, expected",
    [
        (
            "events.csv",
            "time,text,kind\n2026-08-14T09:12Z,Alert fired,signal\n09:20,Rollback,decision\n",
            ["--date", "2026-08-14"],
            [
                ("2026-08-14T09:12:00Z", "Alert fired", "signal"),
                ("2026-08-14T09:20:00Z", "Rollback", "decision"),
            ],
        ),
        (
            "channel.json",
            json.dumps(
                {
                    "messages": [
                        {
                            "type": "message",
                            "ts": "1786698900",
                            "user_name": "ann",
                            "text": "DNS is failing",
                        },
                        {
                            "type": "message",
                            "subtype": "channel_join",
                            "ts": "1786698000",
                            "text": "joined",
                        },
                    ]
                }
            ),
            ["--keep-authors"],
            [("2026-08-14T09:15:00Z", "ann: DNS is failing", "fact")],
        ),
        (
            "incident.log",
            "09:30 resolver restarted\n  by hand\n09:31 traffic back\n",
            ["--date", "2026-08-14", "--tz", "+02:00"],
            [
                ("2026-08-14T07:30:00Z", "resolver restarted by hand", "fact"),
                ("2026-08-14T07:31:00Z", "traffic back", "fact"),
            ],
        ),
    ],
)
def test_import_timeline_in_each_format(
    server: RealServer,
    board: dict[str, str],
    tmp_path: Path,
    name: str,
    content: str,
    extra: list[str],
    expected: list[tuple[str, str, str]],
) -> None:
    path = tmp_path / name
    path.write_text(content)
    before = timeline(server, board)
    out = ok(
        server, "import-timeline", board["id"], str(path), "--credential", board["ann"], *extra
    )
    assert out.startswith(f"imported {len(expected)} timeline entries from {path} into board")
    assert sorted(set(timeline(server, board)) - set(before)) == expected


def test_import_timeline_reports_every_bad_line_and_sends_nothing(
    server: RealServer, board: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "bad.log"
    path.write_text("2026-08-14T10:00Z fine\nnot a time\n10:05 no date\n")
    before = timeline(server, board)
    r = cli(server, "import-timeline", board["id"], str(path), "--credential", board["ann"])
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == (
        f"{path}: 2 problems; nothing was imported\n"
        "  line 2: does not start with a time such as 2026-08-14T09:12:00Z, 2026-08-14 09:12 or 09:12\n"
        "  line 3: '10:05' has no date; give one with --date YYYY-MM-DD\n"
    )
    assert timeline(server, board) == before


def test_import_timeline_from_stdin_dry_run_and_refusals(
    server: RealServer, board: dict[str, str], tmp_path: Path
) -> None:
    before = timeline(server, board)
    out = ok(
        server,
        "import-timeline",
        board["id"],
        "-",
        "--format",
        "csv",
        "--dry-run",
        "--credential",
        board["ann"],
        stdin="2026-08-14T11:00Z,Checked,signal\n",
    )
    assert out == (
        "2026-08-14T11:00:00Z  signal    Checked\n1 entries read from -; nothing sent (--dry-run)\n"
    )
    r = cli(
        server,
        "import-timeline",
        board["id"],
        str(tmp_path / "notes.xlsx"),
        "--credential",
        board["ann"],
    )
    assert r.returncode == 2 and "pass --format csv, chat or log" in r.stderr
    observer = json.loads(ok(server, "join", board["observer_url"], "--observer"))["credential"]
    path = tmp_path / "one.csv"
    path.write_text("2026-08-14T11:00Z,Checked\n")
    r = cli(server, "import-timeline", board["id"], str(path), "--credential", observer)
    assert r.returncode == 2
    assert (
        r.stderr == "refused (forbidden): observers watch; they may not import timeline entries\n"
    )
    assert timeline(server, board) == before


@pytest.mark.skipif(not writeup.routes, reason="server/writeup.py has no routes yet")
@pytest.mark.parametrize(
    "fmt, check",
    [
        ("md", lambda text: text.startswith("#") and "CLI commands" in text),
        ("html", lambda text: "<html" in text.lower() and "CLI commands" in text),
        ("json", lambda text: json.loads(text) and "CLI commands" in text),
    ],
)
def test_export_the_writeup(
    server: RealServer, board: dict[str, str], tmp_path: Path, fmt: str, check: Any
) -> None:
    assert check(ok(server, "export", board["id"], "--format", fmt))
    out = tmp_path / f"writeup.{fmt}"
    r = cli(server, "export", board["id"], "--format", fmt, "-o", str(out))
    assert r.returncode == 0 and r.stdout == "" and str(out) in r.stderr
    assert check(out.read_text())
    r = cli(server, "export", "nosuchboard", "--format", fmt)
    assert r.returncode == 2 and r.stderr.startswith("refused")


@pytest.mark.skipif(not incident_log.routes, reason="server/incident_log.py has no routes yet")
def test_log_lists_the_incident_log(server: RealServer, board: dict[str, str]) -> None:
    deadline = time.monotonic() + 10
    while True:  # the log row of a board is refreshed shortly after its last change
        out = ok(server, "log", "--severity", "sev1")
        if "CLI commands" in out or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    head, rule, *rows, blank, summary = out.splitlines()
    assert head.split() == ["date", "sev", "status", "title", "tags", "actions", "board"]
    assert set(rule) <= {"-", " "} and blank == ""
    assert any("CLI commands" in row and board["id"] in row and " sev1 " in row for row in rows)
    assert summary.startswith(f"{len(rows)} post-mortem")
    assert (
        ok(server, "log", "--severity", "sev4", "--q", "no such words") == "no post-mortems match\n"
    )
    as_csv = ok(server, "log", "--csv", "--severity", "sev1")
    assert as_csv.startswith("date,title,severity,") and "CLI commands" in as_csv
    assert board["id"] in {
        e["board_id"] for e in json.loads(ok(server, "log", "--json"))["post_mortems"]
    }
    r = cli(server, "log", "--from", "yesterday")
    assert (
        r.returncode == 2
        and r.stderr == "refused (invalid): 'from' must be a date written YYYY-MM-DD\n"
    )


def test_watch_prints_changes_live(server: RealServer, board: dict[str, str]) -> None:
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hindsight.client.cli",
            "--server",
            server.url,
            "watch",
            board["id"],
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "HINDSIGHT_CREDENTIAL": board["fac"]},
    )
    try:
        assert watcher.stdout is not None
        assert watcher.stdout.readline().startswith("watching board ")  # the first line
        ok(
            server,
            "add-timeline",
            board["id"],
            "--credential",
            board["ann"],
            "--at",
            "2026-08-14T12:00Z",
            "Watched entry",
        )
        deadline, line = time.monotonic() + 10, ""
        while time.monotonic() < deadline and "Watched entry" not in line:
            line = watcher.stdout.readline()
        assert "timeline Watched entry" in line
    finally:
        watcher.terminate()
        watcher.wait(5)


def test_export_board_and_import_board(
    server: RealServer, board: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "board.json"
    r = cli(server, "export-board", board["id"], "--credential", board["fac"], "-o", str(path))
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith(f"exported board {board['id']} (1 notes, ")
    doc = json.loads(path.read_text())
    assert doc["format"] == "hindsight-board" and doc["board"]["board"]["id"] == board["id"]
    r = cli(server, "export-board", board["id"], "--credential", board["ann"])
    assert r.returncode == 2
    assert r.stderr == "refused (forbidden): only the facilitator may export the whole board\n"

    out = ok(server, "import-board", str(path), "--name", "Gus")
    lines = out.splitlines()
    new_id = lines[0].removeprefix("imported board ")
    assert lines[1].startswith(f"facilitator link: {server.url}/b/{new_id}#k=")
    credential = lines[2].removeprefix("facilitator credential: ")
    view = fetch_view(server.url, new_id, credential)["view"]
    assert view["board"]["header"]["title"] == "CLI commands"
    assert {p["name"] for p in view["participants"] if p["role"] == "facilitator"} == {"Gus"}
    assert sorted(e["text"] for e in view["timeline"]) == sorted(
        e[1] for e in timeline(server, board)
    )
    assert any(line.startswith("note: ") for line in lines)

    made = json.loads(ok(server, "import-board", "-", "--json", stdin=path.read_text()))
    assert made["board_id"] not in (board["id"], new_id)
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"format": "hindsight-board", "version": 1, "board": {"board": {}, '
        '"stickies": [{"id": "s", "section": "went_well"}]}}'
    )
    r = cli(server, "import-board", str(bad))
    assert r.returncode == 2
    assert r.stderr == (
        "refused (bad_message): Object missing required field `text` - at `$.board.stickies[0]`\n"
    )
    bad.write_text("{oops")
    r = cli(server, "import-board", str(bad))
    assert r.returncode == 2 and r.stderr.startswith(f"{bad} is not JSON")


def test_an_unreachable_server_exits_1(tmp_path: Path) -> None:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "hindsight.client.cli",
            "--server",
            "http://127.0.0.1:9",
            "export-board",
            "b",
            "--credential",
            "x",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert r.returncode == 1 and r.stderr.startswith("cannot reach http://127.0.0.1:9")


def test_a_saved_html_writeup_carries_its_own_stylesheet(
    server: RealServer, board: dict[str, str], tmp_path: Path
) -> None:
    """Opened from disk, away from the server, the saved page still prints styled."""
    out = tmp_path / "writeup.html"
    assert cli(server, "export", board["id"], "--format", "html", "-o", str(out)).returncode == 0
    html = out.read_text()
    assert "/static/writeup.css" not in html and "<style>" in html and "@page" in html
