"""Timeline import: turn a CSV file, a chat export or a log into timeline entries.

Pure: each parser takes the file's text and returns `TimelineItem`s ready for one
`ImportTimeline` op, or raises `ImportProblem` listing every bad line. Nothing is sent for a
file with any problem, so an import is all or nothing, here and (one op) on the server.

Times become `YYYY-MM-DDTHH:MM:SSZ`, as the board keeps them. A time without a zone is taken
in `tz` (UTC unless told otherwise); a bare `HH:MM` needs `date`. Within a file of bare times
that runs past midnight, a time more than 12 hours earlier than the one before it is taken to
be on the next day (23:58, then 00:03), while small steps back (09:12, then 09:11) stay on the
same day, as in a log written slightly out of order.

- CSV: `time,text[,kind]` per row; a header row naming those columns is optional; kind is
  fact (the default), signal or decision.
- Chat JSON: a list of messages, or an object holding them in `messages` (Slack, Discord and
  Telegram exports, and most hand-made ones). A message needs a time (`ts` in Unix seconds as
  Slack writes it, or `timestamp`/`date`/`time`/`created_at` in ISO 8601 or Unix seconds)
  and a text (`text`, `content` or `message`). Join/leave and other system messages are
  skipped (a bot's message is kept: it is often the alert), as are messages with an empty
  text (file uploads, reactions). Authors are dropped unless
  `keep_authors`: a timeline records what happened, not who said it. Problems name the
  message by its position, counting from 1.
- Log lines: each entry starts with a time: `2026-08-14T09:12:00Z text`,
  `2026-08-14 09:12 text` or `09:12 text`, optionally in brackets and followed by a separator
  (`-`, `:` or `|`). A line that starts with a space or a tab continues the entry above it
  (a wrapped message); any other line without a time is a problem. Blank lines are ignored.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, datetime, time, timedelta, timezone, tzinfo
from datetime import date as Date
from typing import Any

from .ops import TimelineItem

MAX_ENTRIES = 500  # one ImportTimeline op (the server's limit)
MAX_TEXT = 2000  # one entry's text (the server's limit)
KINDS = ("fact", "signal", "decision")


class ImportProblem(ValueError):
    """The file cannot be imported; `problems` holds one readable line per thing wrong."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- times -----------------------------------------------------------------------------------

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?$")


def parse_tz(text: str) -> tzinfo:
    """`Z`, `UTC`, `+02:00`, `-0500` or `+2` -> a fixed-offset zone; ValueError otherwise."""
    raw = text.strip()
    if raw.upper() in ("Z", "UTC"):
        return UTC
    m = re.fullmatch(r"([+-])(\d{1,2})(?::?(\d{2}))?", raw)
    if not m or int(m.group(2)) > 23 or int(m.group(3) or 0) > 59:
        raise ValueError(f"time zone '{raw}' is not an offset such as +02:00, -0500 or Z")
    minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
    return timezone(timedelta(minutes=-minutes if m.group(1) == "-" else minutes))


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


class _Clock:
    """Reads the times of one file, remembering the last bare time for the midnight rule."""

    def __init__(self, day: Date | None, tz: tzinfo) -> None:
        self.day, self.tz = day, tz
        self.last: datetime | None = None

    def read(self, raw: str) -> str:
        """A time as the board keeps it; ValueError with a readable reason if it is not one."""
        raw = raw.strip()
        if not raw:
            raise ValueError("the time is empty")
        m = _CLOCK.match(raw)
        if m:
            return self._bare(raw, int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
        try:
            moment = datetime.fromisoformat(raw.replace("z", "Z"))
        except ValueError:
            raise ValueError(
                f"'{raw}' is not a time; use ISO 8601 such as 2026-08-14T09:12:00Z, "
                "or HH:MM with --date"
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.tz)
        try:
            return _utc(moment)
        except OverflowError:
            raise ValueError(f"'{raw}' is out of range") from None

    def _bare(self, raw: str, hh: int, mm: int, ss: int) -> str:
        if hh > 23 or mm > 59 or ss > 59:
            raise ValueError(f"'{raw}' is not a time of day")
        if self.day is None:
            raise ValueError(f"'{raw}' has no date; give one with --date YYYY-MM-DD")
        moment = datetime.combine(self.day, time(hh, mm, ss), tzinfo=self.tz)
        if self.last is not None:
            moment = datetime.combine(self.last.date(), moment.timetz())
            if moment < self.last - timedelta(hours=12):  # ran past midnight
                moment += timedelta(days=1)
        self.last = moment
        return _utc(moment)

    def epoch(self, seconds: float) -> str:
        try:
            return _utc(datetime.fromtimestamp(seconds, UTC))
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"'{seconds}' is out of range as Unix seconds") from None


def _text_problem(text: str) -> str | None:
    if not text:
        return "the text is empty"
    if len(text) > MAX_TEXT:
        return f"the text is {len(text)} characters long; an entry holds at most {MAX_TEXT}"
    return None


def _finish(items: list[TimelineItem], problems: list[str]) -> list[TimelineItem]:
    if not problems and not items:
        problems.append("no timeline entries found")
    if len(items) > MAX_ENTRIES:
        problems.append(
            f"{len(items)} entries; one import takes at most {MAX_ENTRIES}, so split the file"
        )
    if problems:
        raise ImportProblem(problems)
    return items


# A line with its ending, as a file opened with newline="" yields them (the csv module's
# requirement, so that a quoted field may hold a line break).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines_of(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text  # a BOM, as spreadsheets write it


# --- CSV -------------------------------------------------------------------------------------

_HEADER_TIME = ("time", "at", "timestamp", "when")


def parse_csv(text: str, *, date: Date | None = None, tz: tzinfo = UTC) -> list[TimelineItem]:
    """Rows of `time,text[,kind]`; see the module's docstring."""
    clock = _Clock(date, tz)
    items: list[TimelineItem] = []
    problems: list[str] = []
    reader = csv.reader(_LINE.findall(_lines_of(text)))
    start, first = 1, True
    try:
        for row in reader:
            line, start = start, reader.line_num + 1  # a quoted field may span several lines
            if not any(cell.strip() for cell in row):
                continue
            cells = [cell.strip() for cell in row]
            if first and cells[0].lower() in _HEADER_TIME and cells[1:2] == ["text"]:
                first = False
                continue
            first = False
            if len(cells) not in (2, 3):
                problems.append(
                    f"line {line}: expected 2 or 3 columns (time, text, kind); found {len(cells)}"
                )
                continue
            why = []
            try:
                at = clock.read(cells[0])
            except ValueError as e:
                why.append(str(e))
            kind = (cells[2] if len(cells) == 3 else "").lower() or "fact"
            if kind not in KINDS:
                why.append(f"kind '{cells[2]}' is not one of {', '.join(KINDS)}")
            if problem := _text_problem(cells[1]):
                why.append(problem)
            if why:
                problems.append(f"line {line}: " + "; ".join(why))
            else:
                items.append(TimelineItem(at=at, text=cells[1], kind=kind))  # type: ignore[arg-type]
    except csv.Error as e:
        problems.append(f"line {reader.line_num}: {e}")
    return _finish(items, problems)


# --- chat exports ----------------------------------------------------------------------------

_TIME_FIELDS = ("ts", "timestamp", "date", "time", "created_at")
_TEXT_FIELDS = ("text", "content", "message")
_KEPT_TYPES = {"", "message", "default", "reply"}  # Slack, Telegram, Discord: people talking
_KEPT_SUBTYPES = {"bot_message", "me_message", "thread_broadcast", "file_share"}  # alerts count


def _skipped(message: dict[str, Any]) -> bool:
    """Join/leave, topic changes, pins and other system messages say nothing about the
    incident. A bot's message stays: it is often the alert that started it all."""
    subtype = str(message.get("subtype") or "").lower()
    kind = str(message.get("type") or "").lower()
    return (bool(subtype) and subtype not in _KEPT_SUBTYPES) or kind not in _KEPT_TYPES


def _flatten(value: Any) -> str:
    """A message text: a string, or (Telegram) a list of strings and {"text": ...} parts."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(
            _flatten(part.get("text", "") if isinstance(part, dict) else part) for part in value
        )
    raise ValueError(f"the text is a {type(value).__name__}, not a string")


def _author(message: dict[str, Any]) -> str:
    profile = message.get("user_profile")
    if isinstance(profile, dict):
        name = profile.get("display_name") or profile.get("real_name")
        if name:
            return str(name)
    for key in ("user_name", "author", "from", "username", "user"):
        value = message.get(key)
        if isinstance(value, dict):  # Discord: {"name": ..., "nickname": ...}
            value = value.get("nickname") or value.get("name")
        if value:
            return str(value)
    return ""


def _message_time(clock: _Clock, message: dict[str, Any]) -> str:
    for key in _TIME_FIELDS:
        value = message.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            break
        if isinstance(value, (int, float)):
            # Unix seconds; a number this large can only be milliseconds.
            return clock.epoch(value / 1000 if value > 1e11 else value)
        if isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value.strip()):
            return clock.epoch(float(value))  # Slack's ts: "1786701120.000200"
        if isinstance(value, str):
            return clock.read(value)
        raise ValueError(f"'{key}' is a {type(value).__name__}, not a time")
    raise ValueError("no time (" + ", ".join(_TIME_FIELDS) + ")")


def parse_chat_json(
    text: str, *, keep_authors: bool = False, date: Date | None = None, tz: tzinfo = UTC
) -> list[TimelineItem]:
    """A channel export; see the module's docstring."""
    try:
        data = json.loads(_lines_of(text))
    except json.JSONDecodeError as e:
        raise ImportProblem(
            [f"line {e.lineno}: not valid JSON ({e.msg}, column {e.colno})"]
        ) from None
    messages = data.get("messages") if isinstance(data, dict) else data
    if not isinstance(messages, list):
        raise ImportProblem(['expected a list of messages, or an object with a "messages" list'])
    clock = _Clock(date, tz)
    items: list[TimelineItem] = []
    problems: list[str] = []
    for n, message in enumerate(messages, 1):
        if not isinstance(message, dict):
            problems.append(f"message {n}: expected an object, found {type(message).__name__}")
            continue
        if _skipped(message):
            continue
        why = []
        try:
            at = _message_time(clock, message)
        except ValueError as e:
            why.append(str(e))
        body = next((message[k] for k in _TEXT_FIELDS if k in message), None)
        if body is None:
            why.append("no text (" + ", ".join(_TEXT_FIELDS) + ")")
            content = ""
        else:
            try:
                content = _flatten(body).strip()
            except ValueError as e:
                why.append(str(e))
                content = ""
            if not content and not why:
                continue  # an upload or a reaction: nothing to put on a timeline
        if keep_authors and content and (name := _author(message)):
            content = f"{name}: {content}"
        if content and (problem := _text_problem(content)):
            why.append(problem)
        if why:
            problems.append(f"message {n}: " + "; ".join(why))
        else:
            items.append(TimelineItem(at=at, text=content))
    return _finish(items, problems)


# --- log lines -------------------------------------------------------------------------------

_STAMP = re.compile(
    r"^\[?(?P<stamp>\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
    r"(?:Z|z|[+-]\d{2}:?\d{2})?|\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\]?"
    r"(?:\s*[-:|\u2013\u2014])?\s+(?P<text>\S.*)$"
)


def parse_log_lines(text: str, *, date: Date | None = None, tz: tzinfo = UTC) -> list[TimelineItem]:
    """Lines that start with a time; see the module's docstring."""
    clock = _Clock(date, tz)
    entries: list[tuple[int, str, str]] = []  # (line, time, text): texts grow by continuations
    problems: list[tuple[int, str]] = []
    for n, line in enumerate(_lines_of(text).splitlines(), 1):
        if not line.strip():
            continue
        if line[0] in " \t":
            if entries:
                start, at, so_far = entries[-1]
                entries[-1] = (start, at, f"{so_far} {line.strip()}")
            else:
                problems.append((n, "continues an entry, but no entry came before it"))
            continue
        m = _STAMP.match(line.rstrip())
        if not m:
            problems.append(
                (
                    n,
                    "does not start with a time such as 2026-08-14T09:12:00Z, "
                    "2026-08-14 09:12 or 09:12",
                )
            )
            continue
        try:
            entries.append((n, clock.read(m.group("stamp").replace(",", ".")), m.group("text")))
        except ValueError as e:
            problems.append((n, str(e)))
    items = []
    for n, at, body in entries:
        if problem := _text_problem(body.strip()):
            problems.append((n, problem))
        else:
            items.append(TimelineItem(at=at, text=body.strip()))
    return _finish(items, [f"line {n}: {why}" for n, why in sorted(problems)])


FORMATS = {"csv": parse_csv, "chat": parse_chat_json, "log": parse_log_lines}


class BadOption(ValueError):
    """An import option that cannot be used: `option` is "date", "tz" or "keep_authors"."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


def parser_options(
    fmt: str, *, date: str = "", tz: str = "", keep_authors: bool = False
) -> dict[str, Any]:
    """The keyword options of `FORMATS[fmt]` from their written form (the CLI's flags, the
    page's fields); `BadOption` names the first that cannot be used."""
    options: dict[str, Any] = {}
    for name, text, read in (("date", date, Date.fromisoformat), ("tz", tz, parse_tz)):
        if text:
            try:
                options[name] = read(text)
            except ValueError as e:
                raise BadOption(name, str(e)) from None
    if keep_authors:
        if fmt != "chat":
            raise BadOption("keep_authors", "keeping authors applies to chat exports only")
        options["keep_authors"] = True
    return options


EXTENSIONS = {".csv": "csv", ".json": "chat", ".log": "log", ".txt": "log"}
