"""The webhooks file: which hooks exist, where they post, what they hear. Read once at start.

    [[hook]]
    name = "team-chat"                          # unique; names the hook in the delivery log
    url = "https://hooks.slack.com/services/..."
    format = "slack"                            # "slack" (also Mattermost, Rocket.Chat) or "json"
    events = ["meeting.closed", "action.overdue"]   # default: every kind
    tags = ["payments"]                         # only boards with one of these tags; default all
    due_days = 3                                # action.due_soon: this many days ahead
    digest_weekday = "monday"                   # digest.weekly: from this day (UTC) ...
    digest_hour = 9                             # ... and hour of the ISO week

    [[hook]]
    name = "automation"
    url = "https://automation.example.com/hindsight"
    format = "json"
    secret_env = "HINDSIGHT_AUTOMATION_SECRET"  # or secret = "..."; required for "json"

Every mistake is refused at start with a message naming the file, the hook and the key: a
webhook that silently never fires is worse than a server that says why it will not start.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

KINDS = (
    "meeting.closed",
    "action.due_soon",
    "action.overdue",
    "action.status_changed",
    "digest.weekly",
)
FORMATS = ("slack", "json")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_DUE_DAYS = 30
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
_KEYS = {
    "name",
    "url",
    "format",
    "secret",
    "secret_env",
    "events",
    "tags",
    "due_days",
    "digest_weekday",
    "digest_hour",
}


class WebhookConfigError(ValueError):
    """The webhooks file (or the public URL) cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Hook:
    name: str
    url: str
    format: str
    secret: str = ""
    events: frozenset[str] = frozenset(KINDS)
    tags: frozenset[str] = frozenset()  # empty: every board
    due_days: int = 3
    digest_weekday: int = 1  # ISO: 1 is Monday
    digest_hour: int = 9  # UTC

    def __repr__(self) -> str:  # never the URL (a chat hook's URL is its secret) nor the secret
        return f"Hook({self.name!r}, {self.format})"

    def wants(self, kind: str, tags: tuple[str, ...] | list[str]) -> bool:
        """Whether this hook hears `kind` from a board with `tags`."""
        return kind in self.events and (not self.tags or not self.tags.isdisjoint(tags))

    @property
    def host(self) -> str:
        """The URL's host, for the operator's page (the rest of a chat hook's URL is secret)."""
        return urlsplit(self.url).hostname or ""


@dataclass(frozen=True)
class WebhookConfig:
    hooks: tuple[Hook, ...] = ()
    source: str = ""  # the file they came from


def check_url(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise WebhookConfigError(f"{where} must be an http:// or https:// URL")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookConfigError(f"{where} must be an http:// or https:// URL with a host")
    return value.strip()


def public_base(public_url: str, host: str, port: int) -> str:
    """The base of links in messages: the configured public URL, else the listening address."""
    if public_url:
        return check_url(public_url, "the public URL (--public-url, HINDSIGHT_PUBLIC_URL)").rstrip(
            "/"
        )
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}"


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise WebhookConfigError(f"{where} must be a list of non-empty strings")
    return [v.strip() for v in value]


def _whole(value: object, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise WebhookConfigError(f"{where} must be a whole number from {low} to {high}")
    return value


def _secret(table: Mapping[str, Any], where: str, env: Mapping[str, str]) -> str:
    if "secret" in table and "secret_env" in table:
        raise WebhookConfigError(f"{where}: give 'secret' or 'secret_env', not both")
    if "secret_env" in table:
        var = table["secret_env"]
        if not isinstance(var, str) or not var:
            raise WebhookConfigError(f"{where}: 'secret_env' must name an environment variable")
        secret = env.get(var, "")
        if not secret:
            raise WebhookConfigError(f"{where}: 'secret_env': the variable {var} is not set")
        return secret
    secret = table.get("secret", "")
    if not isinstance(secret, str):
        raise WebhookConfigError(f"{where}: 'secret' must be a string")
    return secret


def _weekday(value: object, where: str) -> int:
    if isinstance(value, str) and value.strip().lower() in WEEKDAYS:
        return WEEKDAYS.index(value.strip().lower()) + 1
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 7:
        return value
    raise WebhookConfigError(f"{where} must be a day name (monday ... sunday) or 1 to 7")


def parse_hook(table: object, index: int, env: Mapping[str, str]) -> Hook:
    """One `[[hook]]` table; `index` counts from 1, as a person reading the file would."""
    if not isinstance(table, dict):
        raise WebhookConfigError(f"hook {index} must be a table ([[hook]])")
    name = table.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise WebhookConfigError(
            f"hook {index}: 'name' is required: 1 to 40 letters, digits, '.', '_' or '-'"
        )
    where = f"hook {index} ({name})"
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise WebhookConfigError(f"{where}: unknown key {unknown[0]!r}; known: {sorted(_KEYS)}")
    url = check_url(table.get("url"), f"{where}: 'url'")
    fmt = table.get("format")
    if fmt not in FORMATS:
        raise WebhookConfigError(f"{where}: 'format' must be one of {list(FORMATS)}")
    secret = _secret(table, where, env)
    if fmt == "json" and not secret:
        raise WebhookConfigError(
            f"{where}: a json hook needs 'secret' or 'secret_env' (its messages are signed)"
        )
    events = _strings(table.get("events", list(KINDS)), f"{where}: 'events'")
    bad = [e for e in events if e not in KINDS]
    if bad or not events:
        raise WebhookConfigError(
            f"{where}: 'events' has {bad[0]!r}, which is not an event; known: {list(KINDS)}"
            if bad
            else f"{where}: 'events' is empty; leave it out to hear every event"
        )
    return Hook(
        name=name,
        url=url,
        format=fmt,
        secret=secret,
        events=frozenset(events),
        tags=frozenset(t.lower() for t in _strings(table.get("tags", []), f"{where}: 'tags'")),
        due_days=_whole(table.get("due_days", 3), f"{where}: 'due_days'", 0, MAX_DUE_DAYS),
        digest_weekday=_weekday(
            table.get("digest_weekday", "monday"), f"{where}: 'digest_weekday'"
        ),
        digest_hour=_whole(table.get("digest_hour", 9), f"{where}: 'digest_hour'", 0, 23),
    )


def parse_config(text: str, source: str, env: Mapping[str, str]) -> WebhookConfig:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise WebhookConfigError(f"{source}: not valid TOML: {e}") from None
    try:
        unknown = sorted(set(doc) - {"hook"})
        if unknown:
            raise WebhookConfigError(
                f"unknown key {unknown[0]!r} at the top; hooks are [[hook]] tables"
            )
        tables = doc.get("hook", [])
        if not isinstance(tables, list):
            raise WebhookConfigError("'hook' must be an array of tables: write [[hook]]")
        hooks = tuple(parse_hook(t, i, env) for i, t in enumerate(tables, 1))
        names = [h.name for h in hooks]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise WebhookConfigError(f"two hooks are named {twice[0]!r}; names must be unique")
    except WebhookConfigError as e:
        raise WebhookConfigError(f"{source}: {e}") from None
    return WebhookConfig(hooks=hooks, source=source)


def load_config(path: str, env: Mapping[str, str] | None = None) -> WebhookConfig:
    """The hooks of the webhooks file at `path` ("" : none). `WebhookConfigError` otherwise."""
    if not path:
        return WebhookConfig()
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise WebhookConfigError(f"webhooks file {path}: {e.strerror or e}") from None
    return parse_config(text, f"webhooks file {path}", os.environ if env is None else env)
