"""What the sign-in session holds, and sign-in's pages: light enough for every request (the
OpenID Connect machinery in auth_oidc.py is imported only when that mode is on).

The session is Starlette's signed cookie (auth.py installs it). Signed in, it holds the member
(email, name, groups) and when they signed in: the sign-in lasts `HINDSIGHT_SESSION_HOURS`
from then, however often the person comes back. It also holds the forms' token (auth_csrf.py)
and, between `/signin` and `/auth/callback`, Authlib's state, nonce and PKCE verifier.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from hindsight.server.web.auth_settings import SignIn
from hindsight.server.web.common import page
from hindsight.server.web.members import Member

NEXT = "signin_next"  # the session's key for the page to return to
SKEW = 60  # seconds: a sign-in time this far in the future is still believed (clock steps)


def local_path(value: str | None) -> str:
    """`next` if it is a path on this site, else "/": never a way to send someone elsewhere."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or any(c in value for c in "\r\n\\"):
        return "/"
    return value


def signin_page(
    request: Request, status: int, heading: str, message: str, **extra: Any
) -> Response:
    """signin.html: `detail` a second paragraph, `retry` where its button goes ("": none)."""
    extra.setdefault("detail", "")
    extra.setdefault("retry", "")
    return page(
        request, "signin.html", status, status=status, heading=heading, message=message, **extra
    )


def remember(session: dict[str, Any], member: Member, now: float) -> None:
    """Sign the session in (a fresh session: nothing from before the sign-in is kept)."""
    session.clear()
    session["member"] = {"email": member.email, "name": member.name, "groups": list(member.groups)}
    session["at"] = now


def remembered(session: dict[str, Any], conf: SignIn, now: float) -> Member | None:
    """The session's member while its sign-in is younger than the lifetime setting."""
    data, at = session.get("member"), session.get("at")
    if not isinstance(data, dict) or not isinstance(at, int | float):
        return None
    if not at - SKEW <= now <= at + conf.lifetime:
        session.pop("member", None)
        session.pop("at", None)
        return None
    groups = data.get("groups")
    return Member(
        email=str(data.get("email", "")),
        name=str(data.get("name", "")),
        groups=tuple(str(g) for g in groups) if isinstance(groups, list) else (),
    )
