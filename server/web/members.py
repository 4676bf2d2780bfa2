"""Who is signed in: the organisation's members, as the sign-in layer found them.

Theory of operation. Sign-in is off by default (a laptop trial: everyone who can reach the
server reads the log, and the landing page says so). An operator turns it on with one setting:
OpenID Connect, or a trusted header from an authenticating reverse proxy (auth.py and its
modules). Either way the sign-in layer, an ASGI middleware, puts the request's `Member` (or
None) into the ASGI scope under `SCOPE_KEY` before any route runs; everything else asks
`member_of(request)` and never looks at cookies or headers itself.

What needs a member, and what does not (joining a meeting needs only its join link), is one
table: `access.py`. Which boards a member may see there (restricted boards) is the log's
business: `outputs/incident_log.py` and friends filter rows with `may_see`.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from hindsight.server.storage.schema import WriteBatch

SCOPE_KEY = "hindsight.member"


@dataclass(frozen=True, slots=True)
class Member:
    """A signed-in person. `email` is lowercased; it is what boards name members by."""

    email: str
    name: str = ""
    groups: tuple[str, ...] = ()


def member_of(conn: HTTPConnection) -> Member | None:
    """The signed-in member of this request or websocket, or None (signed out, or sign-in off)."""
    found = conn.scope.get(SCOPE_KEY)
    return found if isinstance(found, Member) else None


def sign_in_on(conn: HTTPConnection) -> bool:
    """Whether this deployment asks people to sign in for the organisation's pages."""
    return str(getattr(conn.app.state.settings, "auth", "off")) != "off"


def reader_of(conn: HTTPConnection) -> str | None:
    """Whose eyes the log is filtered for: None with sign-in off (everyone reads everything);
    else the member's email, or "" for nobody in particular (no restricted board)."""
    if not sign_in_on(conn):
        return None
    member = member_of(conn)
    return member.email if member else ""


async def remember_reader(conn: HTTPConnection, board_id: str, seat: str) -> None:
    """A signed-in person who made or joined a board may read it if it becomes restricted,
    and finds it and their actions under "my boards" (storage: board_readers says only that
    they were there; seat_accounts which seat, until an anonymous board's seal drops it)."""
    member = member_of(conn) if sign_in_on(conn) else None
    if member is not None:
        store = conn.app.state.hub.store
        await store.write(
            WriteBatch(
                joined_readers=((board_id, member.email),),
                seat_accounts=((board_id, seat, member.email),),
            )
        )
