"""Small pure helpers shared by the reducer modules: the handlers' context, change records,
look-ups and limits, and time parsing."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import NamedTuple, TypeVar

from .errors import Rejected


class Change(NamedTuple):
    """An entity an op touched. `audience` limits who may learn of a removal (private writing)."""

    kind: str  # board, participant, sticky, timeline, chain, theme, round, action
    id: str
    audience: str | None = None


class Ctx(NamedTuple):
    """What a handler knows besides the board and the op: who sent it (and their role), the
    server's clock and the random id drawn for whatever the op creates."""

    actor: str
    now: int
    new_id: str
    role: str


T = TypeVar("T")


def lookup(items: dict[str, T], key: str, what: str) -> T:
    """`items[key]`, or a `not_found` refusal naming `what` ("theme", "voting round", ...)."""
    found = items.get(key)
    if found is None:
        raise Rejected("not_found", f"there is no such {what}")
    return found


def check_limit(count: int, most: int, what: str) -> None:
    """A `limit` refusal when a board already holds `most` of `what` ("stickies", ...)."""
    if count >= most:
        raise Rejected("limit", f"a board holds at most {most} {what}")


def added_by(author: str, viewer: str) -> bool:
    """Whether `viewer` added a chain or action: "" (boards from before authors were kept on
    them) is nobody, never the outsider, whose viewer id is "" too."""
    return bool(author) and author == viewer


def check_may_delete(author: str, ctx: Ctx, what: str) -> None:
    """What the group builds (chains, actions) anyone in the phase may refine, but deleting a
    whole one takes whoever added it or the facilitator: one slip must not wipe others' work."""
    if author != ctx.actor and ctx.role != "facilitator":
        raise Rejected(
            "forbidden", f"only whoever added this {what}, or the facilitator, may delete it"
        )


_HHMM = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")


def normalise_time(text: str, what: str = "time") -> str:
    """ISO 8601 date-time in any offset (naive means UTC) -> `YYYY-MM-DDTHH:MM:SSZ`."""
    raw = text.strip()
    if _HHMM.match(raw):
        raise Rejected("invalid", f"{what} '{raw}' needs a date as well, e.g. 2026-08-14T{raw}Z")
    try:
        parsed = datetime.fromisoformat(raw.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise Rejected(
            "invalid",
            f"{what} '{raw}' is not a date and time; use ISO 8601 such as 2026-08-14T09:12:00Z",
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        utc = parsed.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:59-05:00 lands in year 10000
        raise Rejected("invalid", f"{what} '{raw}' is out of range") from None
    # isoformat, not strftime("%Y"): the latter drops leading zeros of years before 1000.
    return utc.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def normalise_date(text: str, what: str = "date") -> str:
    raw = text.strip()
    if not raw:
        return ""
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise Rejected("invalid", f"{what} '{raw}' is not a date; use YYYY-MM-DD") from None
