"""What `hindsight-client` says when something is wrong, word for word (issue 13's list): one
clear line on standard error, exit code 2 for bad input or a refusal, nothing sent."""

from __future__ import annotations

import os
import subprocess
import sys

from hindsight.board_state.rules import RULES, SERVER
from tests.realserver import RealServer

from .test_cli import cli, cli_json


def bare(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI without the test's own --server in front."""
    return subprocess.run(
        [sys.executable, "-m", "hindsight.client.cli", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **(env or {})},
    )


def test_create_and_join_print_whole_urls(server: RealServer) -> None:
    made = cli_json(server, "create", "--title", "Links")
    base = f"{server.url}/b/{made['board_id']}"
    assert made["facilitator_url"] == f"{base}#k={made['credential']}"
    assert made["join_url"] == f"{base}/join#t={made['join_token']}"
    assert made["observer_url"] == f"{base}/join?role=observer#t={made['observer_token']}"
    joined = cli_json(server, "join", made["join_url"], "--name", "Ann")
    assert joined["board_url"] == f"{base}#k={joined['credential']}"


def test_global_options_are_accepted_after_the_command_too(server: RealServer) -> None:
    made = cli_json(server, "create", "--title", "Anywhere")
    after = bare("export", made["board_id"], "--format", "json", "--server", server.url)
    assert after.returncode == 0, after.stderr
    logged = bare("log", "--json", "--server", server.url)
    assert logged.returncode == 0 and '"post_mortems"' in logged.stdout


def test_a_wrong_credential_says_so_once(server: RealServer) -> None:
    made = cli_json(server, "create", "--title", "Wrong")
    r = cli(server, "send", made["board_id"], "--credential", "abc.def", '{"type": "refocus"}')
    assert (r.returncode, r.stderr) == (
        2,
        "refused (unauthorized): no board with that id opens with this credential\n",
    )


def test_an_unknown_board_is_not_found_from_every_command(server: RealServer) -> None:
    export = cli(server, "export", "nosuchboard", "--format", "md")
    assert (export.returncode, export.stderr) == (
        2,
        "refused (not_found): there is no board with that id\n",
    )
    join = cli(server, "join", f"{server.url}/b/nosuchboard/join#t=x")
    assert (join.returncode, join.stderr) == (
        2,
        "refused (not_found): there is no board with that id\n",
    )


def test_send_says_not_json_and_lists_the_op_types(server: RealServer) -> None:
    made = cli_json(server, "create", "--title", "Send")
    cred = made["credential"]
    broken = cli(server, "send", made["board_id"], "--credential", cred, '{"type": "advance_')
    assert (broken.returncode, broken.stderr) == (
        2,
        "not JSON: Unterminated string starting at (character 10)\n",
    )
    unknown = cli(server, "send", made["board_id"], "--credential", cred, '{"type": "fly"}')
    names = sorted(str(t.__struct_config__.tag) for t, r in RULES.items() if r.who != SERVER)
    assert (unknown.returncode, unknown.stderr) == (
        2,
        f"unknown op type 'fly'; the op types are: {', '.join(names)}\n",
    )
    assert "create_board" not in unknown.stderr and "advance_phase" in unknown.stderr


def test_the_credential_may_come_from_the_environment_and_help_does_not_call_it_required(
    server: RealServer,
) -> None:
    usage = bare("add-sticky", "--help").stdout
    assert "[--credential CREDENTIAL]" in usage and "or HINDSIGHT_CREDENTIAL" in usage
    made = cli_json(server, "create", "--title", "Env")
    missing = bare(
        "--server",
        server.url,
        "send",
        made["board_id"],
        '{"type": "refocus"}',
        env={"HINDSIGHT_CREDENTIAL": ""},
    )
    assert (missing.returncode, missing.stderr) == (
        2,
        "this command needs a credential: pass --credential or set HINDSIGHT_CREDENTIAL\n",
    )
    from_env = bare(
        "--server",
        server.url,
        "send",
        made["board_id"],
        '{"type": "refocus"}',
        env={"HINDSIGHT_CREDENTIAL": made["credential"]},
    )
    assert from_env.returncode == 0, from_env.stderr


def test_a_server_without_a_scheme_is_refused_with_what_to_write(server: RealServer) -> None:
    address = server.url.removeprefix("http://")
    r = bare("--server", address, "create", "--title", "x")
    assert (r.returncode, r.stderr) == (
        2,
        f"the server must be a URL such as http://127.0.0.1:8000, not '{address}'\n",
    )


def test_watch_prints_its_banner_first_and_names_phase_and_timer_changes(
    server: RealServer,
) -> None:
    made = cli_json(server, "create", "--title", "Watch")
    board, cred = made["board_id"], made["credential"]
    watcher = subprocess.Popen(
        [sys.executable, "-m", "hindsight.client.cli", "--server", server.url, "watch", board],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "HINDSIGHT_CREDENTIAL": cred},
    )
    try:
        assert watcher.stdout is not None
        assert watcher.stdout.readline() == (
            f"watching board {board} as facilitator; Ctrl-C to stop\n"
        )
        assert watcher.stdout.readline() == "1 online\n"  # presence follows the welcome
        for op in ('{"type": "advance_phase"}', '{"type": "pause_timer"}'):
            assert cli(server, "send", board, "--credential", cred, op).returncode == 0
        lines = [watcher.stdout.readline() for _ in range(2)]
    finally:
        watcher.terminate()
        watcher.wait(5)
    # (the sends' own short visits printed no "1 online" lines in between)
    assert lines == ["#4: phase 1 of 9: Set the room\n", "#5: timer paused: Set the room\n"]
