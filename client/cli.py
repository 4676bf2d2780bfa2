"""`hindsight-client`: take part in a board from a terminal, or script one.

    hindsight-client create --title "DNS outage"            # prints the facilitator credential
    hindsight-client join BOARD --name Ann                    # prints a participant credential
    hindsight-client watch BOARD --credential CRED            # prints every change live
    hindsight-client add-sticky BOARD --credential CRED --section went_well "The kill switch worked"
    hindsight-client add-timeline BOARD --credential CRED --at 2026-08-14T09:12Z "Alert fired"
    hindsight-client send BOARD --credential CRED '{"type": "advance_phase"}'

The server defaults to http://127.0.0.1:8000 (or HINDSIGHT_SERVER); a credential may also come
from HINDSIGHT_CREDENTIAL, so it need not appear in your shell history.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Any

import msgspec

from board_state import ops as o
from board_state.errors import Rejected
from board_state.protocol import Event, Presence

from .http import create_board, join_board
from .sdk import BoardClient


def _describe(message: Any) -> str | None:
    if isinstance(message, Event):
        parts = []
        for v in message.changes:
            data = msgspec.to_builtins(v)
            kind = data.pop("type")
            text = data.get("text") or data.get("name") or data.get("problem") or data.get("id", "")
            parts.append(f"{kind} {text}" if kind != "board" else "board updated")
        return f"#{message.seq}: " + "; ".join(parts)
    if isinstance(message, Presence):
        return f"{message.online} online" + (f": {', '.join(message.names)}" if message.names else "")
    return None


async def _with_client(args: argparse.Namespace, op: o.Op | None) -> int:
    watch = op is None
    printer = (lambda m: (line := _describe(m)) and print(line, flush=True)) if watch else None
    async with BoardClient(args.server, args.board, args.credential, on_frame=printer) as c:
        if watch:
            print(f"watching board {args.board} as {c.role}; Ctrl-C to stop", flush=True)
            await asyncio.Event().wait()
            return 0
        assert op is not None
        ack = await c.submit(op, timeout=15)
        print(json.dumps({"seq": ack.seq, "cid": ack.cid, "duplicate": ack.duplicate}))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hindsight-client", description=(
        "Take part in a Hindsight post-mortem board from the terminal."))
    p.add_argument("--server", default=os.environ.get("HINDSIGHT_SERVER", "http://127.0.0.1:8000"),
                   help="the server's base URL (default %(default)s)")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("create", help="create a board and print its facilitator credential")
    c.add_argument("--title", default="", help="incident title")
    c.add_argument("--severity", default="sev2", choices=["sev1", "sev2", "sev3", "sev4"])
    c.add_argument("--template", default="blameless-90",
                   help="blameless-90 (default), incident-60 or reflection-4")
    c.add_argument("--question", default="", help="the meeting's one learning question")
    c.add_argument("--name", default="Facilitator", help="your display name")
    c.add_argument("--named", action="store_true", help="show authors (default: anonymous)")

    j = sub.add_parser("join", help="join a board and print your participant credential")
    j.add_argument("board")
    j.add_argument("--name", default="", help="display name (empty: an anonymous guest)")
    j.add_argument("--observer", action="store_true", help="join read-only")

    def board_cmd(name: str, help: str) -> argparse.ArgumentParser:
        s = sub.add_parser(name, help=help)
        s.add_argument("board")
        s.add_argument("--credential", default=os.environ.get("HINDSIGHT_CREDENTIAL"),
                       required="HINDSIGHT_CREDENTIAL" not in os.environ,
                       help="your credential (or HINDSIGHT_CREDENTIAL)")
        return s

    board_cmd("watch", "print the board's changes live")
    s = board_cmd("add-sticky", "add a sticky note")
    s.add_argument("--section", required=True, choices=[
        "went_well", "went_badly", "lessons", "future", "ongoing", "contributing"])
    s.add_argument("--category", choices=[
        "monitoring", "testing", "process", "knowledge", "tooling", "change", "communication",
        "other"])
    s.add_argument("text")
    t = board_cmd("add-timeline", "add a timeline entry")
    t.add_argument("--at", required=True, help="ISO 8601 date and time, UTC unless an offset is given")
    t.add_argument("--kind", default="fact", choices=["fact", "signal", "decision"])
    t.add_argument("text")
    g = board_cmd("send", "send any op as JSON (see docs/protocol.md)")
    g.add_argument("op", help='e.g. \'{"type": "advance_phase"}\'')
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "create":
            result = create_board(args.server, title=args.title, severity=args.severity,
                                  template=args.template, learning_question=args.question,
                                  facilitator_name=args.name,
                                  anonymity="named" if args.named else "anonymous")
            print(json.dumps(result, indent=2))
            return 0
        if args.command == "join":
            result = join_board(args.server, args.board, args.name,
                                "observer" if args.observer else "participant")
            print(json.dumps(result, indent=2))
            return 0
        op: o.Op | None = None
        if args.command == "add-sticky":
            op = o.AddSticky(section=args.section, text=args.text, category=args.category)
        elif args.command == "add-timeline":
            op = o.AddTimelineEntry(at=args.at, text=args.text, kind=args.kind)
        elif args.command == "send":
            op = msgspec.json.decode(args.op, type=o.AnyOp)
        return asyncio.run(_with_client(args, op))
    except Rejected as e:
        print(f"refused ({e.code}): {e.message}", file=sys.stderr)
        return 2
    except msgspec.ValidationError as e:
        print(f"invalid op: {e}", file=sys.stderr)
        return 2
    except (OSError, TimeoutError) as e:
        print(f"cannot reach {args.server}: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
