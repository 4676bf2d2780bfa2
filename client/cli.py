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

This module runs the commands; their options, help texts and examples are in cli_parser.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import urllib.parse
from typing import Any

import msgspec

from hindsight.board_state import ops as o
from hindsight.board_state.errors import Rejected
from hindsight.board_state.protocol import Welcome
from hindsight.board_state.rules import RULES, SERVER
from hindsight.client import commands
from hindsight.client.cli_parser import command_parser
from hindsight.client.http import check_server, create_board, join_board, parse_join_link
from hindsight.client.sdk import BoardClient
from hindsight.client.watch import Describer


def build_parser() -> argparse.ArgumentParser:
    # Only this module may reach into client.bench, and lazily (tests/test_layering.py).
    from hindsight.client.bench.options import add_arguments as add_bench_arguments

    return command_parser(add_bench_arguments)


async def _with_client(args: argparse.Namespace, op: o.Op | None) -> int:
    if op is None:
        return await _watch(args)
    async with BoardClient(args.server, args.board, args.credential) as c:
        ack = await c.submit(op, timeout=15)
        print(json.dumps({"seq": ack.seq, "cid": ack.cid, "duplicate": ack.duplicate}))
    return 0


async def _watch(args: argparse.Namespace) -> int:
    """The banner first, then one line per change; who is online is a line of its own, printed
    when it changes (the first one arrives just after the welcome)."""
    describe, started, held = Describer(), False, []

    def printer(message: Any) -> None:
        if isinstance(message, Welcome):
            describe.seen(message.snapshot.board if message.snapshot else None)
            return
        if not started:  # nothing before the banner
            held.append(message)
            return
        if (line := describe.line(message)) is not None:
            print(line, flush=True)

    async with BoardClient(args.server, args.board, args.credential, on_frame=printer) as c:
        print(f"watching board {args.board} as {c.role}; Ctrl-C to stop", flush=True)
        started = True
        for message in held:
            if (line := describe.line(message)) is not None:
                print(line, flush=True)
        await asyncio.Event().wait()
    return 0


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
