"""The incident log's rows and the follow-up figures, derived from a board's public view.

A row is built only from `view_for(board, "")`, the board as an outsider sees it: the core's
projection already leaves out unrevealed private writing and, on anonymous boards, every
author. Nothing here looks at the raw board, so the log can never say more than the board
would show a stranger. Action owners are the one name the log carries: an action has an owner
by design, and the board shows it to everyone.

Pure functions (no I/O): the hub builds rows, the routes compute figures for the rows shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import msgspec

from hindsight.board_state.views import BoardView
from hindsight.server.storage.schema import LogRow

WARN_BELOW = 0.8  # completion rate under which we suggest fewer, higher-impact actions (source 000)
MAX_OPEN = 7  # more open actions than this on one post-mortem spreads attention (source 002)
UNFINISHED = ("open", "in_progress")


def incident_date(view: BoardView) -> tuple[str, str]:
    """(YYYY-MM-DD, where it came from): the header's start time, else the earliest timeline
    entry, else the day the board was made. The write-up and the log date an incident alike."""
    started = view.board.header.started_at
    if started:
        return started[:10], ""  # normalised ISO 8601 by the core: the date is its first 10 chars
    if view.timeline:
        return min(e.at for e in view.timeline)[:10], "first timeline entry"
    day = dt.datetime.fromtimestamp(view.board.created_at / 1000, dt.UTC).date().isoformat()
    return day, "board created"


def _actions(view: BoardView) -> list[dict[str, Any]]:
    names = {p.id: p.name for p in view.participants}
    rank = {aid: i for i, aid in enumerate(view.board.action_order)}
    ordered = sorted(view.actions, key=lambda a: (rank.get(a.id, len(rank)), a.id))
    # The owner by name only: participant ids have no use outside the board.
    return [
        {
            "id": a.id,
            "text": a.text,
            "owner": (names.get(a.owner_id) or "Guest") if a.owner_id else "",
            "due": a.due,
            "status": a.status,
            "kind": a.kind,
            "selected": a.selected,
            "success": a.success,
            # Its issue in the tracker ({tracker, key, url}) or None: the actions API shows it,
            # and the tracker poll reads its state back (outputs/tracker_sync.py).
            "issue": msgspec.structs.asdict(a.issue) if a.issue else None,
        }
        for a in ordered
    ]


def build_row(seq: int, view: BoardView, now_ms: int, named: tuple[str, ...] = ()) -> LogRow:
    """The log row of a board at `seq`; `view` must be the outsider's view (viewer ""), and
    `named` the readers its facilitator named (not in that view: only the facilitator's)."""
    header = view.board.header
    contributing = [s for s in view.stickies if s.section == "contributing"]
    categories = sorted({s.category for s in contributing if s.category})
    causes = [c.root_cause for c in view.chains if c.root_cause]
    # Only the actions the meeting committed to (selected): proposals it did not take are in
    # the write-up's "considered" list, never in the log's counts.
    actions = [a for a in _actions(view) if a["selected"]]
    # What full-text search looks through: titles, timelines, causes, what went well and
    # badly, lessons, parked questions and actions (the public view: revealed writing only).
    body = [header.title, header.learning_question, header.summary]
    body += [e.text for e in view.timeline]
    for c in view.chains:
        body += [c.problem, c.root_cause]
        body += [part for step in c.steps for part in (step.why, step.answer)]
    body += [s.text for s in view.stickies]  # every section, the parking lot included
    body += [part for a in actions for part in (a["text"], a["success"])]
    return LogRow(
        board_id=view.board.id,
        seq=seq,
        date=incident_date(view)[0],
        created_at=view.board.created_at,
        title=header.title,
        severity=header.severity,
        status="closed" if view.board.closed_at is not None else "open",
        learning_question=header.learning_question,
        root_cause="; ".join(causes),
        tags=tuple(header.tags),
        categories=tuple(categories),
        actions=msgspec.json.encode(actions).decode(),
        updated_at=now_ms,
        restricted=view.board.restricted,
        body="\n".join(part for part in body if part),
        named=named,
    )


# --- follow-up figures ---------------------------------------------------------------------


def actions_of(row: LogRow) -> list[dict[str, Any]]:
    """The committed actions of a row. Rows written before the log kept only selected actions
    carry the proposals too (with `selected: false`); they are left out here all the same."""
    items: list[dict[str, Any]] = msgspec.json.decode(row.actions)
    return [a for a in items if a.get("selected", True)]


def is_overdue(action: dict[str, Any], today: str) -> bool:
    """Past its due date (the server's date, UTC) and not finished: done and dropped never are."""
    return bool(action["due"]) and action["due"] < today and action["status"] in UNFINISHED


def today_utc() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


@dataclass(frozen=True)
class Completion:
    """Follow-through on committed actions. The rate is over the actions that are *due*: done
    (whenever it happened) or past their due date and not finished. An action whose date has
    not come yet does not count against it, so a meeting closed minutes ago has no rate, not 0%
    and a warning; dropped actions never count."""

    total: int  # every committed action, dropped ones included
    counted: int  # every action except dropped ones
    done: int
    open: int  # open or in progress, overdue ones included
    overdue: int

    @property
    def due(self) -> int:
        """The rate's denominator: done, or past the due date and unfinished."""
        return self.done + self.overdue

    @property
    def not_due(self) -> int:
        """Unfinished and not past due (no due date, or a date still to come)."""
        return self.open - self.overdue

    @property
    def rate(self) -> float | None:
        """done / due; None when nothing is due yet (no due actions is not 100%)."""
        return self.done / self.due if self.due else None

    @property
    def percent(self) -> int | None:
        # Floor, not round: 79.6% must not read as "80%" next to a warning about 80%.
        return None if self.rate is None else int(self.done * 100 // self.due)

    @property
    def warn(self) -> bool:
        return self.rate is not None and self.rate < WARN_BELOW

    @property
    def too_many_open(self) -> bool:
        return self.open > MAX_OPEN

    def as_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "counted": self.counted,
            "done": self.done,
            "open": self.open,
            "overdue": self.overdue,
            "due": self.due,
            "not_due": self.not_due,
            "rate": self.rate,
            "percent": self.percent,
            "warning": self.warn,
        }


def completion(actions: list[dict[str, Any]], today: str) -> Completion:
    statuses = [a["status"] for a in actions]
    return Completion(
        total=len(actions),
        counted=sum(1 for s in statuses if s != "dropped"),
        done=statuses.count("done"),
        open=sum(1 for s in statuses if s in UNFINISHED),
        overdue=sum(1 for a in actions if is_overdue(a, today)),
    )
