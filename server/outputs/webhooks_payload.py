"""What a webhook message looks like on the wire: a chat message or a signed JSON document.

`slack`: Slack's incoming-webhook body, `{"text": ..., "blocks": [...]}`: `text` is the whole
message (the notification, and what Mattermost and Rocket.Chat show: both take Slack's
`<url|label>` links), `blocks` one `section` of mrkdwn with a `context` line under it. Text
people wrote (titles, actions, names) is escaped: `&`, `<` and `>` are markup to Slack
(`<!channel>` would ping everyone), and an `@` gets an invisible word joiner after it, so
`@all` in an action's text mentions nobody in Mattermost either.

`json`: the event as a JSON object, signed. Headers: `Hindsight-Event` (the kind),
`Hindsight-Delivery` and `Idempotency-Key` (the same key for every attempt of one message:
receivers drop a repeat), `Hindsight-Timestamp` (unix seconds of this attempt) and
`Hindsight-Signature: sha256=<hex>`, the HMAC-SHA256 with the hook's secret of
`<timestamp>.<raw body>`, so a captured request cannot be replayed later with a new timestamp.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

from hindsight.server.outputs.webhooks_config import Hook
from hindsight.server.storage.outbox import Delivery

USER_AGENT = "Hindsight-Webhooks/1"
MAX_TEXT = 300  # characters of one piece of people's text in a chat message
MAX_LINES = 20  # actions listed in one chat message (a digest); the rest are counted
STATUS_WORDS = {"open": "open", "in_progress": "in progress", "done": "done", "dropped": "dropped"}


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`Hindsight-Signature`'s value for `body` sent at `timestamp` (unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def iso(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat(timespec="seconds")


def with_links(data: dict[str, Any], base: str) -> dict[str, Any]:
    """The event's data with whole links: each board's write-up, and the actions page."""

    def board(b: dict[str, Any]) -> dict[str, Any]:
        return {**b, "writeup_url": f"{base}/b/{b['id']}/writeup"}

    out = {**data, "actions_url": f"{base}/actions"}
    if "board" in data:
        out["board"] = board(data["board"])
    if data.get("owner") is not None and "actions" in data:  # a digest: actions of many boards
        out["actions"] = [{**a, "board": board(a["board"])} for a in data["actions"]]
    return out


def json_body(delivery: Delivery, hook: Hook, base: str) -> bytes:
    doc = {
        "id": delivery.key,
        "event": delivery.kind,
        "hook": hook.name,
        "created_at": iso(delivery.created_at),
        **with_links(json.loads(delivery.data), base),
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def escape(text: str, limit: int = MAX_TEXT) -> str:
    """People's text made inert for Slack mrkdwn (and Mattermost): no markup, no mentions."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("@", "@\u2060")


def link(url: str, label: str) -> str:
    return f"<{url}|{escape(label)}>"


def _action_line(a: dict[str, Any]) -> str:
    owner = f" (owner: {escape(a['owner'])})" if a.get("owner") else " (no owner)"
    due = f", due {a['due']}" if a.get("due") else ""
    return f"“{escape(a['text'])}”{owner}{due}"


def _title(board: dict[str, Any]) -> str:
    return str(board.get("title") or "Untitled incident")


def _headline(kind: str, d: dict[str, Any]) -> str:
    """The message's first line, by kind."""
    if kind == "meeting.closed":
        b = d["board"]
        sev = f" ({escape(b['severity'])})" if b.get("severity") else ""
        n = len(d.get("actions", []))
        return (
            f"Post-mortem closed: *{escape(_title(b))}*{sev}, "
            f"{n} action{'' if n == 1 else 's'} committed. "
            f"{link(b['writeup_url'], 'Read the write-up')}"
        )
    if kind == "action.due_soon":
        days = int(d.get("days", 0))
        when = "today" if days == 0 else ("tomorrow" if days == 1 else f"in {days} days")
        return f"Action due {when}: {_action_line(d['action'])}"
    if kind == "action.overdue":
        days = int(d.get("days", 0))
        return (
            f"Action overdue by {days} day{'' if days == 1 else 's'}: {_action_line(d['action'])}"
        )
    if kind == "action.status_changed":
        a = d["action"]
        old = STATUS_WORDS.get(str(d.get("from")), str(d.get("from")))
        new = STATUS_WORDS.get(a["status"], a["status"])
        return f"Action {escape(old)} → *{escape(new)}*: {_action_line(a)}"
    if kind == "digest.weekly":
        actions = d["actions"]
        late = sum(1 for a in actions if a.get("overdue"))
        return f"Weekly actions for *{escape(d['owner'])}* ({d['week']}): {len(actions)} open" + (
            f", {late} overdue" if late else ""
        )
    return escape(kind)


def _digest_lines(d: dict[str, Any]) -> list[str]:
    lines = []
    for a in d["actions"][:MAX_LINES]:
        due = f", due {a['due']}" if a.get("due") else ""
        late = " *overdue*" if a.get("overdue") else ""
        lines.append(
            f"• “{escape(a['text'])}”{due}{late} · "
            f"{link(a['board']['writeup_url'], _title(a['board']))}"
        )
    more = len(d["actions"]) - MAX_LINES
    if more > 0:
        lines.append(f"… and {more} more")
    return lines


def slack_body(delivery: Delivery, base: str) -> bytes:
    d = with_links(json.loads(delivery.data), base)
    lines = [_headline(delivery.kind, d)]
    if delivery.kind == "digest.weekly":
        lines += _digest_lines(d)
    if "board" in d and delivery.kind != "meeting.closed":
        lines.append(f"From {link(d['board']['writeup_url'], _title(d['board']))}")
    context = f"{link(d['actions_url'], 'All actions')} · Hindsight"
    text = "\n".join(lines)
    doc = {
        "text": f"{text}\n{context}",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]},
        ],
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def render(delivery: Delivery, hook: Hook, base: str, now_s: int) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one attempt to send `delivery` to `hook` at `now_s`."""
    body = json_body(delivery, hook, base) if hook.format == "json" else slack_body(delivery, base)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Hindsight-Event": delivery.kind,
        "Hindsight-Delivery": delivery.key,
        "Idempotency-Key": delivery.key,
    }
    if hook.secret:
        headers["Hindsight-Timestamp"] = str(now_s)
        headers["Hindsight-Signature"] = sign(hook.secret, now_s, body)
    return body, headers
