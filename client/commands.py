"""What the newer `hindsight-client` commands do: import a timeline, export a write-up, read
the incident log, and move whole boards. `cli.py` parses the arguments and calls these; each
returns the process's exit code (0 done, 1 cannot reach the server, 2 refused or bad input).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from hindsight.board_state.importers import (
    EXTENSIONS,
    FORMATS,
    BadOption,
    ImportProblem,
    parser_options,
)
from hindsight.client.http import export_board, import_board, incident_log, writeup
from hindsight.client.sdk import BoardClient


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    return Path(path).read_text(encoding="utf-8-sig")


class LocalProblem(Exception):
    """Something wrong on this machine (a file that cannot be written), not on the server."""


def _write(data: bytes, output: str | None) -> None:
    if output and output != "-":
        try:
            Path(output).write_bytes(data)
        except OSError as e:
            raise LocalProblem(f"cannot write {output}: {e}") from None
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


# --- import-timeline -----------------------------------------------------------------------


def import_timeline(args: argparse.Namespace) -> int:
    fmt = args.format or EXTENSIONS.get(Path(args.file).suffix.lower())
    if fmt is None:
        return _fail(
            f"cannot tell the format of {args.file} from its name; pass --format csv, chat or log"
        )
    try:
        options = parser_options(
            fmt, date=args.date or "", tz=args.tz or "", keep_authors=args.keep_authors
        )
    except BadOption as e:
        if e.option == "keep_authors":
            return _fail("--keep-authors applies to chat exports (--format chat) only")
        return _fail(f"--date/--tz: {e}")
    try:
        text = _read(args.file)
    except (OSError, UnicodeDecodeError) as e:
        return _fail(f"cannot read {args.file}: {e}")
    try:
        items = FORMATS[fmt](text, **options)
    except ImportProblem as e:
        count = len(e.problems)
        print(
            f"{args.file}: {count} problem{'s' if count != 1 else ''}; nothing was imported",
            file=sys.stderr,
        )
        for problem in e.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    if args.dry_run:
        for item in items:
            print(f"{item.at}  {item.kind:<8}  {item.text}")
        print(f"{len(items)} entries read from {args.file}; nothing sent (--dry-run)")
        return 0

    async def send() -> int:
        async with BoardClient(args.server, args.board, args.credential) as c:
            ack = await c.import_timeline(items, timeout=30)
        return ack.seq

    seq = asyncio.run(send())
    print(
        f"imported {len(items)} timeline entries from {args.file} into board {args.board} "
        f"(seq {seq})"
    )
    return 0


# --- write-ups and the incident log ----------------------------------------------------------


def export_writeup(args: argparse.Namespace) -> int:
    _write(writeup(args.server, args.board, args.format, args.credential), args.output)
    if args.output and args.output != "-":
        print(
            f"wrote the {args.format} write-up of board {args.board} to {args.output}",
            file=sys.stderr,
        )
    return 0


LOG_FILTERS = ("q", "severity", "tag", "category", "from", "to")


def _actions_cell(completion: dict[str, Any]) -> str:
    if not completion.get("total"):
        return "-"
    cell = f"{completion.get('done', 0)}/{completion.get('counted', 0)} done"
    return cell + (f", {completion['overdue']} overdue" if completion.get("overdue") else "")


def log_table(data: dict[str, Any]) -> str:
    """The incident log (`GET /api/log`) as a plain-text table, one post-mortem per line, and
    the follow-up of their actions below it."""
    rows = data.get("post_mortems") or []
    if not rows:
        return "no post-mortems match"
    head = ("date", "sev", "status", "title", "tags", "actions", "board")
    lines = [head] + [
        (
            str(r.get("date", "")),
            str(r.get("severity", "")),
            str(r.get("status", "")),
            str(r.get("title") or "(untitled)")[:48],
            ",".join(r.get("tags") or []),
            _actions_cell(r.get("completion") or {}),
            str(r.get("board_id", "")),
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    c = data.get("completion") or {}
    summary = f"{len(rows)} post-mortem{'s' if len(rows) != 1 else ''}"
    if c.get("total"):
        percent = "" if c.get("percent") is None else f" ({c['percent']}%)"
        summary += (
            f"; actions: {c.get('done', 0)} of {c.get('counted', 0)} done{percent}, "
            f"{c.get('overdue', 0)} overdue"
        )
    return "\n".join(out + ["", summary])


def log(args: argparse.Namespace) -> int:
    filters = {k: getattr(args, k if k != "from" else "from_") or "" for k in LOG_FILTERS}
    body = incident_log(args.server, filters, csv=args.csv)
    if args.csv or args.json:
        _write(body, None)
        return 0
    print(log_table(json.loads(body)))
    return 0


# --- moving whole boards ---------------------------------------------------------------------


def export_whole_board(args: argparse.Namespace) -> int:
    data = export_board(args.server, args.board, args.credential)
    _write(data, args.output)
    if args.output and args.output != "-":
        board = json.loads(data)["board"]
        print(
            f"exported board {args.board} ({len(board['stickies'])} notes, "
            f"{len(board['timeline'])} timeline entries, {len(board['actions'])} actions) "
            f"to {args.output}",
            file=sys.stderr,
        )
    return 0


def import_whole_board(args: argparse.Namespace) -> int:
    try:
        document = _read(args.file).encode()
        json.loads(document)
    except (OSError, UnicodeDecodeError) as e:
        return _fail(f"cannot read {args.file}: {e}")
    except ValueError as e:
        return _fail(f"{args.file} is not JSON: {e}")
    made = import_board(args.server, document, args.name)
    if args.json:
        print(json.dumps(made, indent=2))
        return 0
    base = args.server.rstrip("/")
    print(f"imported board {made['board_id']}")
    print(f"facilitator link: {base}{made['facilitator_url']}")
    print(f"facilitator credential: {made['credential']}")
    if made.get("owners"):
        print("action owners, with their new credentials (hand each one theirs):")
        for p in made["owners"]:
            print(
                f"  {p['name']}: {p['credential']}  "
                f"({base}/b/{made['board_id']}#k={p['credential']})"
            )
    for note in made.get("notes", []):
        print(f"note: {note}")
    return 0
