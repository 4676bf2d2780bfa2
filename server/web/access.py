"""Who may reach which page or endpoint: the one table for the HTTP side.

Theory of operation. Every route of the app has a door in `DOORS`, by its path template, and a
test fails for a route without one. With sign-in off (the default) every door is open, as in a
laptop trial; the landing page says that everyone who can reach the server can read the log.
With sign-in on (members.py):

- `MEMBER`: the organisation's own pages: creating and importing boards, the incident log and
  its CSV, the actions pages, insights, write-ups, saved agendas. Signed-out, a page redirects
  to sign-in and an API call gets 401; neither says anything about any board.
- `SEAT`: the meeting itself. These need a board's id, which only its links carry, and then a
  join link's token or a seat's credential, which the endpoint checks: people join without an
  account. (What a member may see of a restricted board is the outputs' filter, `may_see`.)
- `OPERATOR`: the endpoint checks the operator's token itself.
- `OPEN`: health checks, static files, sign-in itself, and the tracker's name for the page.

The middleware runs after the sign-in layer has put the member into the scope.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Literal

from starlette.datastructures import URL
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from hindsight.server.web.members import member_of, sign_in_on

Door = Literal["MEMBER", "SEAT", "OPERATOR", "OPEN"]

DOORS: dict[str, Door] = {
    # the organisation's pages
    "/": "MEMBER",
    "/boards": "MEMBER",
    "/api/boards": "MEMBER",
    "/api/boards/import": "MEMBER",
    "/api/agendas": "MEMBER",
    "/log": "MEMBER",
    "/api/log": "MEMBER",
    "/api/log.csv": "MEMBER",
    "/actions": "MEMBER",
    "/api/actions": "MEMBER",
    "/api/actions.jira.csv": "MEMBER",
    "/insights": "MEMBER",
    "/api/insights": "MEMBER",
    "/me": "MEMBER",
    "/api/me": "MEMBER",
    "/api/me/actions/{board_id}/{action_id}/status": "MEMBER",
    "/b/{board_id}/writeup": "MEMBER",
    "/b/{board_id}/writeup.md": "MEMBER",
    "/api/boards/{board_id}/writeup": "MEMBER",
    # the meeting: a board's id, then a join link's token or a seat's credential
    "/b/{board_id}": "SEAT",
    "/b/{board_id}/join": "SEAT",
    "/ws": "SEAT",
    "/ws/{board_id}": "SEAT",
    "/api/boards/{board_id}": "SEAT",
    "/api/boards/{board_id}/join": "SEAT",
    "/api/boards/{board_id}/timeline/preview": "SEAT",
    "/api/boards/{board_id}/agenda/save": "SEAT",
    "/api/boards/{board_id}/tags": "SEAT",
    "/api/boards/{board_id}/viewer": "SEAT",
    "/api/boards/{board_id}/actions/{action_id}/status": "SEAT",
    "/api/boards/{board_id}/actions/{action_id}/issue": "SEAT",
    "/api/boards/{board_id}/review/load": "SEAT",
    "/api/boards/{board_id}/review/status": "SEAT",
    "/api/boards/{board_id}/review/candidates": "SEAT",
    "/api/boards/{board_id}/export": "SEAT",
    # the operator's, by token
    "/api/agendas/{name}": "OPERATOR",
    "/api/webhooks/deliveries": "OPERATOR",
    "/webhooks": "OPERATOR",
    # open
    "/healthz": "OPEN",
    "/readyz": "OPEN",
    "/static": "OPEN",
    "/api/tracker": "OPEN",
    "/signin": "OPEN",
    "/auth/callback": "OPEN",
    "/signout": "OPEN",
}

SIGN_IN_FIRST = "sign in first: this server's post-mortems are for its organisation's members"


def door_of(scope: Scope) -> Door:
    """The door of the route this request would reach; an unknown path is a 404 for the
    router, and stays closed to the signed-out (MEMBER) so a typo reveals nothing either."""
    for route in scope["app"].router.routes:
        match, _ = route.matches(scope)
        if match != Match.NONE:
            return DOORS.get(getattr(route, "path", ""), "MEMBER")
    return "MEMBER"


def refusal(conn: HTTPConnection) -> Response:
    """A signed-out person at a member's door: a page goes to sign-in, an API call gets 401."""
    wants_page = conn.scope["type"] == "http" and "text/html" in conn.headers.get("accept", "")
    if wants_page and conn.scope.get("method") in ("GET", "HEAD"):
        here = conn.url.path + (f"?{conn.url.query}" if conn.url.query else "")
        return RedirectResponse(str(URL("/signin").include_query_params(next=here)), 303)
    return JSONResponse({"error": {"code": "unauthorized", "message": SIGN_IN_FIRST}}, 401)


class AccessMiddleware:
    """Keeps the signed-out at the MEMBER doors when sign-in is on (see the table above)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # Not a coroutine of its own for a websocket (a SEAT door) or lifespan: the inner app's
        # is returned as is, so a connection that stays open for an hour does not keep a frame
        # of this layer alive all that time (the benchmark's memory per connection saw it).
        if scope["type"] != "http":
            return self.app(scope, receive, send)
        return self._http(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        conn = HTTPConnection(scope)
        if sign_in_on(conn) and member_of(conn) is None and door_of(scope) == "MEMBER":
            await refusal(conn)(scope, receive, send)
            return
        await self.app(scope, receive, send)
