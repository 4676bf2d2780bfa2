"""Cross-site request forgery: a page on another site must not make a visitor's browser send
one of our forms (or, signed in, any state-changing request).

Two checks, both on every form post (`csrf_refusal`, called by the form handlers):

1. Where the request comes from, as the browser says: `Sec-Fetch-Site` (every current browser
   sends it) must be `same-origin` (or `none`: typed by the person); without it, an `Origin`
   or else a `Referer` must name this site (the request's `Host`, `--public-url`, or an
   `--allowed-origin`). Our pages send no Referer and `Origin: null` (their Referrer-Policy is
   `no-referrer`), so a null Origin proves nothing either way, and a request that says nothing
   at all (curl, the Python client) passes: it carries no browser's cookies.
2. With sign-in on, a token: each session has a random one, every form carries it in a hidden
   field (`csrf_field()` in the templates), and a post without the session's token is refused.
   With sign-in off there is no session and no cookie, so nothing a forged post could borrow;
   check 1 alone keeps other sites from posting into a server on your network.

The session cookie is `SameSite=Lax` besides, so browsers do not send it on another site's
posts at all. JSON calls with a Bearer credential carry no cookie's authority and need none
of this; signed-in JSON calls get check 1 in the sign-in middleware (`auth.py`).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import Scope

from hindsight.server.config import Settings
from hindsight.server.web.common import LazyTemplates
from hindsight.server.web.members import member_of

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

FIELD = "csrf"  # the hidden field's name, and the session's key for the token
CROSS_SITE = (
    "This form was sent from another site, so it was refused: Hindsight takes its forms only "
    "from its own pages. Open the page on this server and send the form from there."
)
STALE = (
    "This form's security token is missing or out of date (it was opened before you signed "
    "in or out, or it did not come from this server's page). Reload the page and send it again."
)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def _ours(scope: Scope, url: str, settings: Settings) -> bool:
    origin = _origin(url)
    host = Headers(scope=scope).get("host", "").lower()
    if origin and urlsplit(origin).netloc == host:
        return True
    listed = {_origin(settings.public_url), *(o.lower() for o in settings.allowed_origins)}
    return bool(origin) and origin in listed


def cross_site(scope: Scope, settings: Settings) -> bool:
    """Whether the browser says this request was sent by a page of another site."""
    headers = Headers(scope=scope)
    site = headers.get("sec-fetch-site")
    origin = headers.get("origin", "")
    if site is not None:
        if site in ("same-origin", "none"):
            return False
        return not (origin and origin != "null" and _ours(scope, origin, settings))
    if origin and origin != "null":
        return not _ours(scope, origin, settings)
    referer = headers.get("referer", "")
    return bool(referer) and not _ours(scope, referer, settings)


def csrf_token(scope: Scope) -> str | None:
    """This session's form token (made on first use); None without sessions (sign-in off)."""
    session = scope.get("session")
    if session is None:
        return None
    token = session.get(FIELD)
    if not isinstance(token, str):
        token = session[FIELD] = secrets.token_urlsafe(32)
    return token


async def csrf_refusal(request: Request) -> str | None:
    """Why this form post is refused (a sentence for the page), or None if it may proceed."""
    if cross_site(request.scope, request.app.state.settings):
        return CROSS_SITE
    session = request.scope.get("session")
    if session is None:  # sign-in off (see the module's docstring)
        return None
    expected = session.get(FIELD)
    sent = ""
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raw = await request.body()
        fields = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        sent = fields.get(FIELD, "")
    if not isinstance(expected, str) or not secrets.compare_digest(sent, expected):
        return STALE
    return None


# --- what the templates call -----------------------------------------------------------------


def csrf_field(context: Any) -> Any:
    """`{{ csrf_field() }}`: the hidden field a form sends its token in ("" with sign-in off)."""
    from markupsafe import Markup

    request = context.get("request")
    token = csrf_token(request.scope) if request is not None else None
    if token is None:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, token)


def sign_in_control(context: Any) -> dict[str, Any]:
    """What the header's sign-in control shows: the mode, the member (or None), whether a Sign
    out button makes sense, and the page to come back to after signing in."""
    request = context.get("request")
    if request is None:
        return {"mode": "off", "member": None, "signout": False, "next": "/"}
    conf = getattr(request.app.state, "sign_in", None)
    mode = conf.mode if conf is not None else "off"
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.url.path in ("/signin", "/signout", "/auth/callback"):
        here = "/"  # sign-in's own pages are nowhere to come back to
    return {
        "mode": mode,
        "member": member_of(request),
        "signout": mode == "oidc" or bool(conf and conf.signout_url),
        "next": here,
    }


class FormTemplates(LazyTemplates):
    """The app's templates, with `csrf_field()` and `sign_in_control()` for every page."""

    def get(self) -> Jinja2Templates:
        templates = super().get()
        env_globals = templates.env.globals
        if "csrf_field" not in env_globals:
            from jinja2 import pass_context

            env_globals["sign_in_control"] = pass_context(sign_in_control)
            env_globals["csrf_field"] = pass_context(csrf_field)
        return templates
