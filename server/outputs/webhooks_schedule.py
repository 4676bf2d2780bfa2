"""What each hook is owed, from facts the server already has. Pure functions: no I/O, no clock.

Two sources. The incident log's triggers record `meeting.closed` and `action.status_changed`
as events (storage/outbox.py); `fan_out` queues each for the hooks that hear its kind from a
board with its tags. Reminders and digests depend on the date and on each hook's settings
(`due_days`, the digest's day and hour, tags), so `scheduled` works them out per hook from the
log's rows and the time, with keys that name the fact:

* `action.due_soon:<board>:<action>:<due>`: an unfinished action due within `due_days`;
* `action.overdue:<board>:<action>:<due>`: past its due date by 1 to `OVERDUE_WINDOW` days (an
  action long overdue when a hook is added is in the digest, not a burst of old reminders);
* `digest.weekly:<owner hash>:<ISO week>`: an owner's unfinished actions, once the hook's
  digest day and hour have come in that week.

Moving a due date makes a new key, so a new reminder; anything else asked again is the same
key, and the outbox keeps one message per (hook, key).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from typing import Any

from hindsight.server.outputs.webhooks_config import Hook
from hindsight.server.storage.log_rows import UNFINISHED, actions_of
from hindsight.server.storage.outbox import Event
from hindsight.server.storage.schema import LogRow, OutboxRow, OutboxWrites

OVERDUE_WINDOW = 7  # days after the due date an overdue reminder may still be sent
STALE_MS = 24 * 3600 * 1000  # an event older than this when fanned out is not sent (see fan_out)
GIVE_UP_MS = 24 * 3600 * 1000  # a message not delivered within this is marked failed
MAX_DELAY = 3600.0  # seconds: the longest wait between two attempts
_ACTION_FIELDS = ("id", "text", "owner", "due", "status", "kind", "success")


def _action(a: dict[str, Any]) -> dict[str, Any]:
    return {k: a.get(k, "") for k in _ACTION_FIELDS}


def _board(board_id: str, d: dict[str, Any], tags: list[str]) -> dict[str, Any]:
    return {
        "id": board_id,
        "title": d.get("title", ""),
        "severity": d.get("severity", ""),
        "status": d.get("status", ""),
        "tags": tags,
    }


def event_data(event: Event) -> dict[str, Any]:
    """A trigger's event as the message data the renderers and receivers see."""
    d: dict[str, Any] = json.loads(event.data)
    board = _board(event.board_id, d, json.loads(event.tags))
    if event.kind == "meeting.closed":
        actions = [_action(a) for a in d.get("actions", []) if a.get("selected", True)]
        return {"board": board, "actions": actions, "root_cause": d.get("root_cause", "")}
    return {"board": board, "action": _action(d.get("action", {})), "from": d.get("from", "")}


def fan_out(
    events: list[Event],
    hooks: tuple[Hook, ...],
    now_ms: int,
    skip: frozenset[str] = frozenset(),
) -> OutboxWrites:
    """Queue each event for every hook that wants it, and mark the events dispatched (in one
    transaction: a crash leaves both undone, and the next pass does them again, once).

    An event older than a day is dispatched to nobody: that is a server that ran without hooks
    (or was down) for a while, and its old news would arrive as a burst out of context. So is
    an event of a board in `skip` (restricted boards)."""
    rows = []
    for e in events:
        if now_ms - e.created_at > STALE_MS or e.board_id in skip:
            continue
        tags = json.loads(e.tags)
        data = json.dumps(event_data(e), ensure_ascii=False)
        rows += [
            OutboxRow(h.name, e.key, e.kind, e.board_id, data, now_ms)
            for h in hooks
            if h.wants(e.kind, tags)
        ]
    return OutboxWrites(enqueue=tuple(rows), dispatched=tuple(e.key for e in events))


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _reminders(row: LogRow, hook: Hook, today: dt.date, now_ms: int) -> list[OutboxRow]:
    out = []
    board = _board(row.board_id, {"title": row.title, "severity": row.severity}, list(row.tags))
    board["status"] = row.status
    for a in actions_of(row):
        due = _date(a.get("due", ""))
        if due is None or a.get("status") not in UNFINISHED:
            continue
        left = (due - today).days
        if "action.due_soon" in hook.events and 0 <= left <= hook.due_days:
            kind, days = "action.due_soon", left
        elif "action.overdue" in hook.events and 1 <= -left <= OVERDUE_WINDOW:
            kind, days = "action.overdue", -left
        else:
            continue
        data = {"board": board, "action": _action(a), "days": days}
        key = f"{kind}:{row.board_id}:{a['id']}:{due.isoformat()}"
        out.append(
            OutboxRow(
                hook.name, key, kind, row.board_id, json.dumps(data, ensure_ascii=False), now_ms
            )
        )
    return out


def digest_moment(now: dt.datetime, hook: Hook) -> dt.datetime:
    """When the digest of `now`'s ISO week is due for `hook` (UTC)."""
    monday = (now - dt.timedelta(days=now.isoweekday() - 1)).date()
    start = dt.datetime.combine(monday, dt.time(), tzinfo=dt.UTC)
    return start + dt.timedelta(days=hook.digest_weekday - 1, hours=hook.digest_hour)


def owner_key(owner: str) -> str:
    # Keys travel in HTTP headers (ASCII only) and must not spell out a name: a short hash.
    return hashlib.sha256(owner.encode()).hexdigest()[:16]


def _digests(rows: list[LogRow], hook: Hook, now: dt.datetime, now_ms: int) -> list[OutboxRow]:
    today = now.date()
    per_owner: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        for a in actions_of(row):
            if not a.get("owner") or a.get("status") not in UNFINISHED:
                continue
            due = _date(a.get("due", ""))
            item = {
                **_action(a),
                "overdue": due is not None and due < today,
                "board": {"id": row.board_id, "title": row.title},
            }
            per_owner.setdefault(a["owner"], []).append(item)
    year, week, _ = today.isocalendar()
    label = f"{year}-W{week:02d}"
    out = []
    for owner, items in sorted(per_owner.items()):
        items.sort(key=lambda i: (i["due"] == "", i["due"], i["board"]["title"], i["text"]))
        data = {"owner": owner, "week": label, "actions": items}
        key = f"digest.weekly:{owner_key(owner)}:{label}"
        out.append(
            OutboxRow(
                hook.name, key, "digest.weekly", "", json.dumps(data, ensure_ascii=False), now_ms
            )
        )
    return out


def scheduled(rows: list[LogRow], hook: Hook, now_ms: int) -> list[OutboxRow]:
    """The reminders and digests `hook` is owed at `now_ms`, given the log's rows."""
    now = dt.datetime.fromtimestamp(now_ms / 1000, dt.UTC)
    mine = [r for r in rows if not hook.tags or not hook.tags.isdisjoint(r.tags)]
    out = [m for r in mine for m in _reminders(r, hook, now.date(), now_ms)]
    if "digest.weekly" in hook.events and now >= digest_moment(now, hook):
        out += _digests(mine, hook, now, now_ms)
    return out


def backoff(attempts: int, base: float, rng: random.Random, retry_after: float = 0.0) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: doubling from `base` up to an
    hour, jittered down by up to a half (so many messages to one receiver that came back do
    not all retry at once); at least what the receiver asked for with `Retry-After`."""
    delay = min(MAX_DELAY, base * 2.0 ** max(0, attempts - 1))
    return max(min(retry_after, MAX_DELAY), delay * rng.uniform(0.5, 1.0))
