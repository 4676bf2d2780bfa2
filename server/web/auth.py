"""The sign-in layer: one ASGI middleware that puts the request's `Member`, or None, into the
scope (`members.SCOPE_KEY`) for every HTTP request and websocket, before any route runs.

Theory of operation. The operator picks one mode (`HINDSIGHT_AUTH`, checked at start by
auth_settings.py):

- `off` (the default): nobody is signed in and nothing is read: no layer is installed at all
  (`member_of` finds no member in the scope; tests may put one there from outside).
- `oidc`: people sign in with the organisation's OpenID provider (auth_oidc.py); the signed
  session cookie then says who they are, for `HINDSIGHT_SESSION_HOURS` after signing in.
- `header`: an authenticating reverse proxy names them in a header, believed only from the
  trusted proxies' addresses (auth_header.py).

Either way `auth_policy.admit` decides who is a member (email domains, groups). The session is
Starlette's signed cookie (itsdangerous): `HttpOnly`, `SameSite=Lax`, `Secure` (and named
`__Host-hindsight`) when the public URL is https; in header mode it holds only the forms'
token. A signed-in request that changes something and that a browser says came from another
site is refused here (auth_csrf.py); forms also carry the session's token.

Routes: `GET /signin` (`next`: a local path to return to), `GET /auth/callback` (OIDC),
`POST /signout`. What each page needs is access.py's business, not this module's.
"""

from __future__ import annotations

import os
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from hindsight.server.config import Settings
from hindsight.server.web.auth_csrf import CROSS_SITE, cross_site, csrf_refusal
from hindsight.server.web.auth_header import header_member
from hindsight.server.web.auth_session import local_path, remembered, signin_page
from hindsight.server.web.auth_settings import SignIn, session_secret, sign_in_config
from hindsight.server.web.common import error, error_page
from hindsight.server.web.members import SCOPE_KEY, Member, member_of

REFUSED_KEY = "hindsight.signin_refused"  # why the proxy's person is not a member (header mode)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class SignInMiddleware:
    """Sign-in on: the member from the session (oidc) or the trusted proxy's header (header)."""

    def __init__(self, app: ASGIApp, conf: SignIn) -> None:
        self.app = app
        self.conf = conf

    def member(self, scope: Scope) -> Member | None:
        if self.conf.mode == "header":
            found = header_member(self.conf, scope)
            if isinstance(found, str):
                scope[REFUSED_KEY] = found
                return None
            return found
        return remembered(scope["session"], self.conf, time.time())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        member = scope[SCOPE_KEY] = self.member(scope)
        if (
            member is not None
            and scope["type"] == "http"
            and scope["method"] not in SAFE_METHODS
            and cross_site(scope, scope["app"].state.settings)
        ):
            await _cross_site_refusal(scope)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _cross_site_refusal(scope: Scope) -> Response:
    request = Request(scope)
    if "text/html" in request.headers.get("accept", ""):
        return error_page(request, 403, CROSS_SITE)
    return error(403, "forbidden", CROSS_SITE)


# --- routes ------------------------------------------------------------------------------


def _conf(request: Request) -> SignIn:
    conf: SignIn = request.app.state.sign_in
    return conf


async def signin(request: Request) -> Response:
    conf = _conf(request)
    back = local_path(request.query_params.get("next"))
    if conf.mode == "oidc":
        from hindsight.server.web import auth_oidc

        return await auth_oidc.start(request, conf)
    if conf.mode == "off" or member_of(request) is not None:
        return RedirectResponse(back, status_code=303)
    refused = request.scope.get(REFUSED_KEY)
    if refused:
        return signin_page(
            request,
            403,
            "This server is for its organisation's members",
            refused[0].upper() + refused[1:] + ".",
            detail="If you should have access, ask the people who run this server.",
        )
    return signin_page(
        request,
        401,
        "Sign in through your organisation",
        "This server's post-mortems are for its organisation's members, who reach it through "
        "the organisation's sign-in (an authenticating proxy). This request did not come "
        "through it. Joining a meeting needs only its join link.",
        retry=back,
        retry_label="Try again",
    )


async def callback(request: Request) -> Response:
    conf = _conf(request)
    if conf.mode != "oidc":
        return error_page(request, 404, "This server does not use OpenID Connect sign-in.")
    from hindsight.server.web import auth_oidc

    return await auth_oidc.callback(request, conf)


async def signout(request: Request) -> Response:
    refused = await csrf_refusal(request)
    if refused:
        return error_page(request, 403, refused)
    session = request.scope.get("session")
    if session is not None:
        session.clear()
    conf = _conf(request)
    if conf.mode == "header" and conf.signout_url:
        return RedirectResponse(conf.signout_url, status_code=303)
    return signin_page(
        request,
        200,
        "You are signed out of Hindsight",
        "This browser no longer holds your sign-in here.",
        detail="Your organisation's sign-in service may still remember you: on a shared "
        "computer, sign out there too.",
        retry="/signin" if conf.mode == "oidc" else "",
        retry_label="Sign in again",
    )


routes = [
    Route("/signin", signin),
    Route("/auth/callback", callback),
    Route("/signout", signout, methods=["POST"]),
]


# --- installing it ---------------------------------------------------------------------------


def install(app: Starlette, settings: Settings) -> None:
    """Add the sign-in layer around what is already there (call it after AccessMiddleware);
    ValueError, naming the setting, for a setting it cannot use."""
    conf = sign_in_config(settings)
    app.state.sign_in = conf
    app.state.oidc = None
    if conf.mode == "off":  # no layer at all: member_of() finds no member in the scope
        return
    if conf.mode == "header":
        # The X-Forwarded-For handling `hindsight serve` turned off (uvicorn_options), inside
        # the sign-in layer, which has seen the real peer by then (auth_header.py).
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        trusted = os.environ.get("FORWARDED_ALLOW_IPS") or ",".join(
            ["127.0.0.1", "::1", *(str(n) for n in conf.proxies)]
        )
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)
    else:  # Authlib and its HTTP client are imported only in this mode (~0.3 s)
        from hindsight.server.web import auth_oidc

        app.state.oidc = auth_oidc.oidc_client(conf, settings.oidc_client_secret)
    app.add_middleware(SignInMiddleware, conf=conf)
    from starlette.middleware.sessions import SessionMiddleware  # itsdangerous: only when on

    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings),
        session_cookie="__Host-hindsight" if conf.secure_cookie else "hindsight_session",
        max_age=int(conf.lifetime),
        same_site="lax",
        https_only=conf.secure_cookie,
    )


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """What `hindsight serve` changes in uvicorn for sign-in: in header mode, no X-Forwarded-For
    handling before the app (install() applies it after the sign-in layer)."""
    return {"proxy_headers": False} if settings.auth.strip().lower() == "header" else {}
