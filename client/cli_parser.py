"""The command line of `hindsight-client`: every command, its options, help and examples.

`command_parser` adds the commands group by group, in the order `--help` lists them: making
and joining a board, taking part in its meeting, its outputs and the incident log, moving a
whole board between servers, any op as JSON, and the benchmark. The benchmark's own options come
from client.bench, which only cli.py may import (tests/test_layering.py): cli.build_parser
passes them in. Running the commands is cli.main's work.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import get_args

from hindsight.board_state.importers import FORMATS
from hindsight.board_state.model import Category, Section, Severity, TimelineKind

SERVER_HELP = "the server's base URL (default %(default)s, or HINDSIGHT_SERVER)"
# From the core's types, so the CLI offers exactly what the server accepts.
SECTIONS = [s for s in get_args(Section) if s != "parking_lot"]  # parking: `send` park_question
CATEGORIES = list(get_args(Category))
SEVERITIES = list(get_args(Severity))
TIMELINE_KINDS = list(get_args(TimelineKind))


class _Help(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples in each command's epilog on their own lines."""


class _Commands:
    """Adds commands to the top-level parser, each with its description, example and
    `--server` option; a board command also takes the board's id and a credential."""

    def __init__(self, sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        self.sub = sub

    def command(self, name: str, help: str, example: str) -> argparse.ArgumentParser:
        label = "examples" if example.count("hindsight-client") > 1 else "example"
        s = self.sub.add_parser(
            name,
            help=help,
            description=help[0].upper() + help[1:] + ".",
            epilog=f"{label}:\n  {example}",
            formatter_class=_Help,
        )
        # Also after the command (`hindsight-client log --server URL`); SUPPRESS keeps the
        # value given before it when this one is not given.
        s.add_argument(
            "--server",
            default=argparse.SUPPRESS,
            help=SERVER_HELP.replace(
                "(default %(default)s, or HINDSIGHT_SERVER)", "(also accepted before the command)"
            ),
        )
        return s

    def board_cmd(self, name: str, help: str, example: str) -> argparse.ArgumentParser:
        s = self.command(name, help, example)
        s.add_argument("board", help="the board's id")
        credential(s)
        return s


def credential(s: argparse.ArgumentParser, required: bool = True, what: str = "your") -> None:
    # Not argparse-required: HINDSIGHT_CREDENTIAL works as well, and main() says so.
    s.add_argument(
        "--credential",
        default=os.environ.get("HINDSIGHT_CREDENTIAL"),
        help=f"{what} credential ({'needed' if required else 'optional'}; or HINDSIGHT_CREDENTIAL)",
    )
    s.set_defaults(needs_credential=required)


def command_parser(
    add_bench_arguments: Callable[[argparse.ArgumentParser], None],
) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hindsight-client",
        formatter_class=_Help,
        description=("Take part in a Hindsight post-mortem board from the terminal."),
        epilog="Run 'hindsight-client COMMAND --help' for a command's options and examples.",
    )
    p.add_argument(
        "--server",
        default=os.environ.get("HINDSIGHT_SERVER", "http://127.0.0.1:8000"),
        help=SERVER_HELP,
    )
    cmds = _Commands(p.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    _add_board_setup(cmds)
    _add_meeting(cmds)
    _add_outputs(cmds)
    _add_transfer(cmds)
    _add_send(cmds)
    _add_bench(cmds, add_bench_arguments)
    return p


def _add_board_setup(cmds: _Commands) -> None:
    """create and join."""
    c = cmds.command(
        "create",
        "create a board and print its facilitator credential",
        'hindsight-client create --title "DNS outage" --severity sev1 --name Fay',
    )
    c.add_argument("--title", default="", help="incident title")
    c.add_argument("--severity", default="sev2", choices=SEVERITIES)
    c.add_argument(
        "--template",
        default="blameless-90",
        help="blameless-90 (default), incident-60 or reflection-4",
    )
    c.add_argument("--question", default="", help="the meeting's one learning question")
    c.add_argument("--name", default="Facilitator", help="your display name")
    c.add_argument("--named", action="store_true", help="show authors (default: anonymous)")

    j = cmds.command(
        "join",
        "join a board with its join link and print your participant credential",
        "hindsight-client join 'http://host/b/BOARD/join#t=TOKEN' --name Ann",
    )
    j.add_argument("link", help="the join link the facilitator shared (quote it: it has a #)")
    j.add_argument("--name", default="", help="display name (empty: an anonymous guest)")
    j.add_argument("--observer", action="store_true", help="join read-only")


def _add_meeting(cmds: _Commands) -> None:
    """watch, add-sticky, add-timeline and import-timeline."""
    cmds.board_cmd(
        "watch",
        "print the board's changes live",
        "HINDSIGHT_CREDENTIAL=CRED hindsight-client watch BOARD",
    )
    s = cmds.board_cmd(
        "add-sticky",
        "add a sticky note",
        'hindsight-client add-sticky BOARD --section went_well "The kill switch worked"',
    )
    s.add_argument("--section", required=True, choices=SECTIONS)
    s.add_argument("--category", choices=CATEGORIES, help="for contributing factors")
    s.add_argument("text")
    t = cmds.board_cmd(
        "add-timeline",
        "add a timeline entry",
        "hindsight-client add-timeline BOARD --at 2026-08-14T09:12Z --kind signal "
        '"Error rate climbs"',
    )
    t.add_argument(
        "--at", required=True, help="ISO 8601 date and time, UTC unless an offset is given"
    )
    t.add_argument("--kind", default="fact", choices=TIMELINE_KINDS)
    t.add_argument("text")
    _add_import_timeline(cmds)


def _add_import_timeline(cmds: _Commands) -> None:
    i = cmds.board_cmd(
        "import-timeline",
        "import timeline entries from a CSV file, a chat export or a log, all or nothing",
        "hindsight-client import-timeline BOARD incident.log --date 2026-08-14 --tz +02:00"
        "\n  hindsight-client import-timeline BOARD channel.json --keep-authors"
        "\n  hindsight-client import-timeline BOARD events.csv --dry-run"
        "\n\nformats:\n"
        "  csv   rows of time,text[,kind]; a header row is optional; kind is fact\n"
        "        (default), signal or decision\n"
        "  chat  a channel export in JSON (Slack, Discord, Telegram, or a list of\n"
        "        {timestamp, user, text}); system messages are skipped\n"
        "  log   lines starting with 2026-08-14T09:12:00Z, 2026-08-14 09:12 or 09:12;\n"
        "        an indented line continues the entry above it\n"
        "Every bad line is reported with its number, and then nothing is sent.",
    )
    i.add_argument("file", help="the file to import ('-' reads standard input; needs --format)")
    i.add_argument(
        "--format",
        choices=sorted(FORMATS),
        help="csv, chat or log (default: from the extension: .csv, .json, .log/.txt)",
    )
    i.add_argument("--date", help="the day of bare HH:MM times, YYYY-MM-DD")
    i.add_argument(
        "--tz", help="the offset of times written without one, e.g. +02:00 (default UTC)"
    )
    i.add_argument(
        "--keep-authors",
        action="store_true",
        help="chat exports: keep each message's author ('Ann: text')",
    )
    i.add_argument("--dry-run", action="store_true", help="read and check the file; send nothing")


def _add_outputs(cmds: _Commands) -> None:
    """export (the write-up) and log (the incident log)."""
    e = cmds.command(
        "export",
        "print or save the meeting's write-up (Markdown, HTML or JSON)",
        "hindsight-client export BOARD --format md -o postmortem.md",
    )
    e.add_argument("board", help="the board's id")
    e.add_argument("--format", required=True, choices=["md", "html", "json"])
    e.add_argument("-o", "--output", help="write to this file (default: standard output)")
    credential(e, required=False)

    lg = cmds.command(
        "log",
        "list past post-mortems from the incident log",
        'hindsight-client log --q "dns" --severity sev1 --from 2026-01-01 --csv',
    )
    lg.add_argument("--q", help="full-text search (titles, timelines, causes, actions)")
    lg.add_argument("--severity", choices=SEVERITIES)
    lg.add_argument("--tag", help="only post-mortems with this tag")
    lg.add_argument("--category", choices=CATEGORIES, help="contributing-factor category")
    lg.add_argument("--from", dest="from_", metavar="YYYY-MM-DD", help="on or after this date")
    lg.add_argument("--to", metavar="YYYY-MM-DD", help="on or before this date")
    form = lg.add_mutually_exclusive_group()
    form.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    form.add_argument("--json", action="store_true", help="print the server's JSON")


def _add_transfer(cmds: _Commands) -> None:
    """export-board and import-board: a whole board out of one server and into another."""
    x = cmds.board_cmd(
        "export-board",
        "save a whole board as JSON (a backup, or to move it to another server); facilitator only",
        "hindsight-client export-board BOARD --credential FAC -o board.json",
    )
    x.add_argument("-o", "--output", help="write to this file (default: standard output)")

    m = cmds.command(
        "import-board",
        "make a fresh board from an export-board file; prints its "
        "facilitator link and new credentials for the action owners",
        "hindsight-client import-board board.json --name Fay   "
        "# with --server (or HINDSIGHT_SERVER) naming the new server",
    )
    m.add_argument("file", help="the exported JSON ('-' reads standard input)")
    m.add_argument(
        "--name",
        help="your display name as the new board's facilitator "
        "(default: the exported facilitator's)",
    )
    m.add_argument("--json", action="store_true", help="print the server's JSON answer")


def _add_send(cmds: _Commands) -> None:
    g = cmds.board_cmd(
        "send",
        "send any op as JSON (see docs/protocol.md)",
        'hindsight-client send BOARD \'{"type": "advance_phase"}\'',
    )
    g.add_argument("op", help='e.g. \'{"type": "advance_phase"}\'')


def _add_bench(
    cmds: _Commands, add_bench_arguments: Callable[[argparse.ArgumentParser], None]
) -> None:
    bench = cmds.command(
        "bench",
        "measure Hindsight against a bare relay (the floor), or load "
        "your own server; see docs/performance.md",
        "hindsight-client bench --quick --json results.json"
        "\n  hindsight-client bench --target http://127.0.0.1:8000 --shapes 20x10 "
        "--rates 100,200",
    )
    add_bench_arguments(bench)
