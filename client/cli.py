"""`hindsight-client`: take part in a board from a terminal, or script one.

    hindsight-client create --title "DNS outage"            # prints the facilitator credential
    hindsight-client join 'URL#t=TOKEN' --name Ann            # prints a participant credential
    hindsight-client watch BOARD --credential CRED            # prints every change live
    hindsight-client add-sticky BOARD --credential CRED --section went_well "The kill switch worked"
    hindsight-client add-timeline BOARD --credential CRED --at 2026-08-14T09:12Z "Alert fired"
    hindsight-client import-timeline BOARD incident.log --date 2026-08-14 --credential CRED
    hindsight-client export BOARD --format md -o postmortem.md
    hindsight-client log --severity sev1 --tag dns
    hindsight-client export-board BOARD --credential FAC -o board.json
    hindsight-client import-board board.json
    hindsight-client send BOARD --credential CRED '{"type": "advance_phase"}'

The server defaults to http://127.0.0.1:8000 (or HINDSIGHT_SERVER); a credential may also come
from HINDSIGHT_CREDENTIAL, so it need not appear in your shell history. Exit codes: 0 done,
1 the server cannot be reached, 2 refused or bad input (nothing was changed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import urllib.parse
from typing import Any, get_args

import msgspec

from hindsight.board_state import ops as o
from hindsight.board_state.errors import Rejected
from hindsight.board_state.model import Category, Section, Severity, TimelineKind
from hindsight.board_state.protocol import Presence, Welcome
from hindsight.board_state.rules import RULES, SERVER
from hindsight.client import commands
from hindsight.client.http import check_server, create_board, join_board, parse_join_link
from hindsight.client.importers import FORMATS
from hindsight.client.sdk import BoardClient
from hindsight.client.watch import Describer

SERVER_HELP = "the server's base URL (default %(default)s, or HINDSIGHT_SERVER)"
# From the core's types, so the CLI offers exactly what the server accepts.
SECTIONS = [s for s in get_args(Section) if s != "parking_lot"]  # parking: `send` park_question
CATEGORIES = list(get_args(Category))
SEVERITIES = list(get_args(Severity))
TIMELINE_KINDS = list(get_args(TimelineKind))


async def _with_client(args: argparse.Namespace, op: o.Op | None) -> int:
    if op is None:
        return await _watch(args)
    async with BoardClient(args.server, args.board, args.credential) as c:
        ack = await c.submit(op, timeout=15)
        print(json.dumps({"seq": ack.seq, "cid": ack.cid, "duplicate": ack.duplicate}))
    return 0


async def _watch(args: argparse.Namespace) -> int:
    describe, started, held = Describer(), False, []

    def printer(message: Any) -> None:
        if isinstance(message, Welcome):
            describe.seen(message.snapshot.board if message.snapshot else None)
            return
        if not started:  # nothing before the banner: the first presence goes into it
            held.append(message)
            return
        if (line := describe.line(message)) is not None:
            print(line, flush=True)

    async with BoardClient(args.server, args.board, args.credential, on_frame=printer) as c:
        last = next((m for m in reversed(held) if isinstance(m, Presence)), None)
        here = f", {last.online} online" if last is not None else ""
        if last is not None:
            describe.line(last)  # said in the banner
        print(f"watching board {args.board} as {c.role}{here}; Ctrl-C to stop", flush=True)
        started = True
        for message in held:
            if not isinstance(message, Presence) and (line := describe.line(message)):
                print(line, flush=True)
        await asyncio.Event().wait()
    return 0


class _Help(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples in each command's epilog on their own lines."""


def build_parser() -> argparse.ArgumentParser:
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
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, example: str) -> argparse.ArgumentParser:
        label = "examples" if example.count("hindsight-client") > 1 else "example"
        s = sub.add_parser(
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

    def credential(s: argparse.ArgumentParser, required: bool = True, what: str = "your") -> None:
        # Not argparse-required: HINDSIGHT_CREDENTIAL works as well, and main() says so.
        s.add_argument(
            "--credential",
            default=os.environ.get("HINDSIGHT_CREDENTIAL"),
            help=f"{what} credential ({'needed' if required else 'optional'}; "
            "or HINDSIGHT_CREDENTIAL)",
        )
        s.set_defaults(needs_credential=required)

    def board_cmd(name: str, help: str, example: str) -> argparse.ArgumentParser:
        s = command(name, help, example)
        s.add_argument("board", help="the board's id")
        credential(s)
        return s

    c = command(
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

    j = command(
        "join",
        "join a board with its join link and print your participant credential",
        "hindsight-client join 'http://host/b/BOARD/join#t=TOKEN' --name Ann",
    )
    j.add_argument("link", help="the join link the facilitator shared (quote it: it has a #)")
    j.add_argument("--name", default="", help="display name (empty: an anonymous guest)")
    j.add_argument("--observer", action="store_true", help="join read-only")

    board_cmd(
        "watch",
        "print the board's changes live",
        "HINDSIGHT_CREDENTIAL=CRED hindsight-client watch BOARD",
    )
    s = board_cmd(
        "add-sticky",
        "add a sticky note",
        'hindsight-client add-sticky BOARD --section went_well "The kill switch worked"',
    )
    s.add_argument("--section", required=True, choices=SECTIONS)
    s.add_argument("--category", choices=CATEGORIES, help="for contributing factors")
    s.add_argument("text")
    t = board_cmd(
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

    i = board_cmd(
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

    e = command(
        "export",
        "print or save the meeting's write-up (Markdown, HTML or JSON)",
        "hindsight-client export BOARD --format md -o postmortem.md",
    )
    e.add_argument("board", help="the board's id")
    e.add_argument("--format", required=True, choices=["md", "html", "json"])
    e.add_argument("-o", "--output", help="write to this file (default: standard output)")
    credential(e, required=False)

    lg = command(
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

    x = board_cmd(
        "export-board",
        "save a whole board as JSON (a backup, or to move it to another server); facilitator only",
        "hindsight-client export-board BOARD --credential FAC -o board.json",
    )
    x.add_argument("-o", "--output", help="write to this file (default: standard output)")

    m = command(
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

    g = board_cmd(
        "send",
        "send any op as JSON (see docs/protocol.md)",
        'hindsight-client send BOARD \'{"type": "advance_phase"}\'',
    )
    g.add_argument("op", help='e.g. \'{"type": "advance_phase"}\'')

    bench = command(
        "bench",
        "measure Hindsight against a bare relay (the floor), or load "
        "your own server; see docs/performance.md",
        "hindsight-client bench --quick --json results.json"
        "\n  hindsight-client bench --target http://127.0.0.1:8000 --shapes 20x10 "
        "--rates 100,200",
    )
    from hindsight.client.bench.main import add_arguments as add_bench_arguments

    add_bench_arguments(bench)
    return p


RUNNERS = {
    "import-timeline": commands.import_timeline,
    "export": commands.export_writeup,
    "log": commands.log,
    "export-board": commands.export_whole_board,
    "import-board": commands.import_whole_board,
}


URL_FIELDS = ("facilitator_url", "join_url", "observer_url", "board_url")


def _whole_urls(server: str, result: dict[str, Any]) -> dict[str, Any]:
    """The server answers with paths; a terminal wants links one can open."""
    return {
        k: server + v if k in URL_FIELDS and v.startswith("/") else v for k, v in result.items()
    }


def _op(text: str) -> o.Op:
    """The `send` command's op, with a message that says what is wrong with it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise BadInput(f"not JSON: {e.msg} (character {e.pos + 1})") from None
    kind = data.get("type") if isinstance(data, dict) else None
    # The ones a client may send: the server issues the rest itself.
    names = sorted(str(t.__struct_config__.tag) for t, rule in RULES.items() if rule.who != SERVER)
    if kind not in names:
        what = 'no "type"' if kind is None else f"unknown op type {kind!r}"
        raise BadInput(f"{what}; the op types are: {', '.join(names)}")
    op: o.Op = msgspec.convert(data, type=o.AnyOp)
    return op


class BadInput(Exception):
    """Input this command cannot use; nothing was sent."""


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # The SDK logs what the server refused; here the refusal is printed once, below.
    logging.getLogger("hindsight.client").setLevel(logging.CRITICAL)
    try:
        try:
            args.server = check_server(args.server)
        except ValueError as e:
            raise BadInput(str(e)) from None
        if getattr(args, "needs_credential", False) and not args.credential:
            raise BadInput(
                "this command needs a credential: pass --credential or set HINDSIGHT_CREDENTIAL"
            )
        if args.command == "create":
            result = create_board(
                args.server,
                title=args.title,
                severity=args.severity,
                template=args.template,
                learning_question=args.question,
                facilitator_name=args.name,
                anonymity="named" if args.named else "anonymous",
            )
            print(json.dumps(_whole_urls(args.server, result), indent=2))
            return 0
        if args.command == "join":
            try:
                board_id, role, token = parse_join_link(args.link)
            except ValueError as e:
                raise commands.LocalProblem(str(e)) from None
            parts = urllib.parse.urlsplit(args.link)
            if parts.scheme and parts.netloc:  # a whole link names its server
                args.server = f"{parts.scheme}://{parts.netloc}"
            result = join_board(
                args.server, board_id, args.name, "observer" if args.observer else role, token
            )
            print(json.dumps(_whole_urls(args.server, result), indent=2))
            return 0
        if args.command == "bench":
            from hindsight.client.bench.main import main as bench_main

            return bench_main(args)
        if args.command in RUNNERS:
            return RUNNERS[args.command](args)
        op: o.Op | None = None
        if args.command == "add-sticky":
            op = o.AddSticky(section=args.section, text=args.text, category=args.category)
        elif args.command == "add-timeline":
            op = o.AddTimelineEntry(at=args.at, text=args.text, kind=args.kind)
        elif args.command == "send":
            op = _op(args.op)
        return asyncio.run(_with_client(args, op))
    except BadInput as e:
        print(e, file=sys.stderr)
        return 2
    except Rejected as e:
        print(f"refused ({e.code}): {e.message}", file=sys.stderr)
        return 2
    except msgspec.DecodeError as e:  # includes ValidationError
        print(f"invalid op: {e}", file=sys.stderr)
        return 2
    except commands.LocalProblem as e:
        print(e, file=sys.stderr)
        return 2
    except (OSError, TimeoutError) as e:
        print(f"cannot reach {args.server}: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
