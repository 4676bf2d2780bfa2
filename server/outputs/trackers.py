"""Actions in the organisation's issue tracker: the HTTP side.

    GET  /api/tracker                                     which tracker is configured (or none)
    POST /api/boards/{id}/actions/{action_id}/issue       create the action's issue and link it
    GET  /api/actions.jira.csv                            the actions as a file Jira imports

The POST takes `Authorization: Bearer <credential>` of the action's owner or the facilitator
(the core's `check_link_issue`, asked before the tracker is called). The issue is created in
the tracker first (its clients in `tracker_clients.py`, run in a thread), then recorded on
the board with `link_issue` as the server; an action has one issue, and a second request, or
one made while the first is still under way, is refused with `already_linked` (409). Nothing
is linked when the tracker refuses or cannot be reached (502, `tracker_refused` or
`tracker_unavailable`, the message saying what to check). `tracker_sync.py` reads the issues'
states back.

The CSV holds every committed action (from the incident log's rows, like the actions page)
that has no issue yet, with the columns Jira's CSV importer maps by name.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from hindsight.board_state import SYSTEM, Board, Rejected
from hindsight.board_state import ops as o
from hindsight.board_state.action_items import check_link_issue
from hindsight.server.outputs.follow_up import log_rows, submit
from hindsight.server.outputs.tracker_clients import NewIssue, Tracker, create_issue
from hindsight.server.outputs.tracker_sync import Trackers
from hindsight.server.storage.log_rows import UNFINISHED, actions_of
from hindsight.server.web.common import authenticated, error

logger = logging.getLogger("hindsight.trackers")

# The codes these routes answer with a status of their own (the rest: the app's STATUS_OF).
_STATUS = {"already_linked": 409, "tracker_refused": 502, "tracker_unavailable": 502}


def trackers_of(request: Request) -> Trackers:
    t: Trackers = request.app.state.trackers
    return t


def _base_url(request: Request) -> str:
    """Where people reach this server: the public URL the operator set, else this request's."""
    public: str = request.app.state.settings.public_url
    return (public or str(request.base_url)).rstrip("/")


async def api_tracker(request: Request) -> Response:
    t = trackers_of(request).tracker
    return JSONResponse(
        {
            "tracker": t.kind if t else None,
            "name": t.name if t else None,
            "project": t.project if t else None,
        }
    )


# --- creating an action's issue ----------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    """What the issue says, read from the board once the core allowed the request."""

    text: str
    success: str
    due: str
    owner: str
    title: str


def _facts(board: Board, action_id: str, pid: str) -> _Facts:
    a = check_link_issue(board, action_id, pid)
    owner = board.participants.get(a.owner_id) if a.owner_id else None
    return _Facts(a.text, a.success, a.due, owner.name if owner else "", board.header.title)


def new_issue(f: _Facts, writeup_url: str) -> NewIssue:
    body = "\n".join(
        [
            f.text,
            "",
            f"Success criterion: {f.success or 'not set'}",
            f"Due: {f.due or 'not set'}",
            f"Owner: {f.owner or 'nobody yet'}",
            f"Post-mortem: {f.title or '(untitled)'}, {writeup_url}",
            "",
            "An action from a blameless post-mortem, created in Hindsight. When this issue is "
            "closed, Hindsight marks the action done.",
        ]
    )
    return NewIssue(title=" ".join(f.text.split()), body=body, due=f.due)


async def _create(request: Request, tracker: Tracker) -> Response:
    room, pid = await authenticated(request)
    action_id = request.path_params["action_id"]
    creating = trackers_of(request).creating
    if (room.board_id, action_id) in creating:
        raise Rejected("already_linked", "this action's issue is being created right now")
    # Marked before the board is asked: a request that finds no mark reads the board after
    # any earlier one's link is durable, so it sees that link (one issue per action).
    creating.add((room.board_id, action_id))
    try:
        facts = await room.consult(lambda b: _facts(b, action_id, pid))
        writeup = f"{_base_url(request)}/b/{room.board_id}/writeup"
        issue = await asyncio.to_thread(create_issue, tracker, new_issue(facts, writeup))
        link = o.LinkIssue(action_id=action_id, tracker=issue.tracker, key=issue.key, url=issue.url)
        try:
            seq = await submit(request, room, SYSTEM, link)
        except Rejected as e:  # the action went away meanwhile, or the board could not save
            logger.warning(
                "board %s: issue %s made but not linked: %s", room.board_id, issue.url, e
            )
            raise Rejected(
                e.code,
                f"{issue.key} was created in {tracker.name} ({issue.url}) but could not be "
                f"linked to the action: {e.message}",
            ) from None
    finally:
        creating.discard((room.board_id, action_id))
    body = {"tracker": issue.tracker, "key": issue.key, "url": issue.url}
    return JSONResponse(
        {"seq": seq, "board_id": room.board_id, "action_id": action_id, "issue": body},
        status_code=201,
    )


async def api_create_issue(request: Request) -> Response:
    tracker = trackers_of(request).tracker
    if tracker is None:
        raise Rejected("not_found", "no issue tracker is configured on this server")
    try:
        return await _create(request, tracker)
    except Rejected as e:
        if e.code in _STATUS:
            return error(_STATUS[e.code], e.code, e.message)
        raise


# --- the Jira CSV -----------------------------------------------------------------------------

# Jira's names for its statuses and resolutions out of the box; the importer maps other values.
_JIRA_STATUS = {"open": "To Do", "in_progress": "In Progress", "done": "Done", "dropped": "Done"}
_JIRA_RESOLUTION = {"done": "Done", "dropped": "Won't Do"}


JIRA_COLUMNS = ["Summary", "Description", "Issue Type", "Due Date", "Status", "Resolution", "Owner"]


def _cell(value: object) -> str:
    # A cell a spreadsheet would read as a formula ("=HYPERLINK(...)") is written as text, as
    # in the log's CSV: actions hold what anyone typed on a board.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _label(tag: str) -> str:
    return "-".join(tag.split())  # Jira labels cannot hold spaces


async def api_jira_csv(request: Request) -> Response:
    """`?board=<id>`: one post-mortem's actions only; `?open=1`: unfinished ones only."""
    only_board = request.query_params.get("board", "")
    only_open = request.query_params.get("open", "") in ("1", "true", "yes")
    base = _base_url(request)
    t = trackers_of(request).tracker
    issue_type = t.issue_type if t is not None and t.kind == "jira" else "Task"
    rows: list[tuple[list[str], list[str]]] = []  # (fields, labels)
    for row in await log_rows(request):
        if only_board and row.board_id != only_board:
            continue
        labels = ["postmortem", *(_label(tag) for tag in row.tags)]
        for a in actions_of(row):
            if a.get("issue") or (only_open and a["status"] not in UNFINISHED):
                continue  # an action with an issue is tracked there already
            description = "\n".join(
                [
                    f"Success criterion: {a['success'] or 'not set'}",
                    f"Owner: {a['owner'] or 'nobody yet'}",
                    f"Post-mortem: {row.title or '(untitled)'} ({row.date}), "
                    f"{base}/b/{row.board_id}/writeup",
                ]
            )
            status = a["status"]
            fields = [a["text"], description, issue_type, a["due"], _JIRA_STATUS[status]]
            rows.append(([*fields, _JIRA_RESOLUTION.get(status, ""), a["owner"]], labels))
    width = max([1, *(len(labels) for _, labels in rows)])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; the csv module quotes
    writer.writerow(JIRA_COLUMNS + ["Labels"] * width)  # Jira reads repeated columns as values
    for fields, labels in rows:
        writer.writerow([_cell(v) for v in (*fields, *labels, *[""] * (width - len(labels)))])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="actions-jira.csv"'},
    )


routes: list[BaseRoute] = [
    Route("/api/tracker", api_tracker),
    Route("/api/boards/{board_id}/actions/{action_id}/issue", api_create_issue, methods=["POST"]),
    Route("/api/actions.jira.csv", api_jira_csv),
]
