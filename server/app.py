"""The Starlette application factory: `create_app(settings)`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hindsight.board_state import Rejected
from hindsight.server.config import Settings
from hindsight.server.meeting.hub import Hub
from hindsight.server.meeting.ids import new_id
from hindsight.server.meeting.ws import WebSocketEndpoint
from hindsight.server.nudge_model import install as install_nudge_model
from hindsight.server.outputs import incident_log, transfer, webhooks_page, writeup
from hindsight.server.outputs.tracker_sync import Trackers
from hindsight.server.outputs.trackers import routes as tracker_routes
from hindsight.server.outputs.webhooks import Notifier
from hindsight.server.outputs.webhooks_config import load_config, public_base
from hindsight.server.outputs.writeup_nudges import NudgeTallies
from hindsight.server.storage.choose import make_store
from hindsight.server.storage.pg_store import PgStore
from hindsight.server.storage.store import Store
from hindsight.server.web import auth
from hindsight.server.web.access import AccessMiddleware
from hindsight.server.web.auth_csrf import FormTemplates
from hindsight.server.web.common import error, rejected_response
from hindsight.server.web.http import routes

HERE = Path(__file__).resolve().parent
STATIC = HERE.parent / "static"

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # A websocket gets the inner app's coroutine as is: no frame of this layer is kept
        # alive for as long as the connection stays open (memory per connection).
        if scope["type"] != "http":
            return self.app(scope, receive, send)
        return self._http(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _nested_too_deeply(request: Request, exc: Exception) -> Response:
    """A JSON body nested thousands of levels deep fits well within the size limit and makes
    the decoder recurse too far, in whichever handler reads it: answered like any bad body,
    with the documented error shape (the websocket says the same, `bad_message`)."""
    return error(422, "bad_message", "the body is nested too deeply")


class StaticModules(StaticFiles):
    """The browser client's files, each with `Cache-Control: no-cache`: a browser keeps its
    copy and asks again with the ETag, getting `304 Not Modified` until a deploy changes the
    file. The modules have no content hash in their names (no build step), so a longer max-age
    could pair a new page with old modules. Compressed by the GZipMiddleware around this (the
    modules and CSS shrink to about a quarter)."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["cache-control"] = "no-cache"
        return response


async def _start_hub(app: Starlette, settings: Settings) -> tuple[Store, list[asyncio.Task[None]]]:
    """The store, opened, and the hub, with their background sweeps; on PostgreSQL also the
    other nodes' commits and people reaching this node's rooms."""
    store = make_store(settings.db, synchronous=settings.synchronous, node=new_id())
    await asyncio.to_thread(store.open)
    app.state.store = store
    hub = app.state.hub = Hub(store, idle_close_days=settings.idle_close_days)
    loop = asyncio.get_running_loop()
    sweeps = [loop.create_task(hub.sweep_idle())]
    if isinstance(store, PgStore):
        hub.share_presence(store.node, store.announce)
        sweeps.append(loop.create_task(hub.sweep_rooms()))
        store.listen(loop, hub.hint, hub.heard)
    return store, sweeps


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    make_store(settings.db)  # a --db naming no store we know stops the server at start
    trackers = Trackers(settings)  # a wrong tracker setting stops the server at start
    # Webhooks: read now, so a mistake in the file or the public URL stops the server at start.
    hooks = load_config(settings.webhooks)
    base_url = public_base(settings.public_url, settings.host, settings.port)
    install_nudge_model()  # the blame and vague-action models (issue 14, rounds seven and eight)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store, sweeps = await _start_hub(app, settings)
        trackers.start(app.state.hub)  # reads linked issues' states back, now and then
        notifier = Notifier(
            app.state.hub,
            hooks,
            base_url=base_url,
            clock=lambda: float(app.state.webhook_clock()),
            tick=settings.webhook_tick,
            retry=settings.webhook_retry,
        )
        notifier.start()
        app.state.notifier = notifier
        app.state.ready = True
        # Off the start-up path, but before the first page is asked for (usually).
        warm = asyncio.get_running_loop().run_in_executor(None, app.state.templates.get)
        try:
            yield
        finally:
            await warm
            app.state.ready = False
            for task in sweeps:
                task.cancel()
            await asyncio.gather(*sweeps, return_exceptions=True)
            await trackers.stop()
            await notifier.stop()
            await app.state.hub.close()
            await asyncio.to_thread(store.close)

    app = Starlette(
        routes=[
            *routes,
            *auth.routes,
            *writeup.routes,
            *incident_log.routes,
            *transfer.routes,
            *tracker_routes,
            *webhooks_page.routes,
            WebSocketRoute("/ws", WebSocketEndpoint()),
            # The board in the path too, so a proxy can send a board's people to one node.
            WebSocketRoute("/ws/{board_id}", WebSocketEndpoint()),
            Mount("/static", app=GZipMiddleware(StaticModules(directory=STATIC)), name="static"),
        ],
        lifespan=lifespan,
        exception_handlers={RecursionError: _nested_too_deeply, Rejected: rejected_response},
    )
    app.state.settings = settings
    app.state.rate_clock = time.monotonic  # the rate limits' clock (tests set their own)
    app.state.nudge_tallies = NudgeTallies()
    app.state.trackers = trackers
    app.state.webhooks = hooks
    app.state.webhook_clock = time.time  # the reminders' and retries' clock (tests set their own)
    app.state.templates = FormTemplates(HERE / "web" / "templates")  # with csrf_field()
    # Who may reach which page (web/access.py). It reads the member the sign-in layer put
    # into the scope, so the sign-in middleware must be added after this line (outside it).
    app.add_middleware(AccessMiddleware)
    auth.install(app, settings)  # the sign-in layer (web/auth.py); ValueError for a bad setting
    app.add_middleware(SecurityHeaders)
    # Outermost: a request naming another host never reaches the app (HTTP 400; a websocket
    # handshake is refused the same way).
    app.add_middleware(
        TrustedHostMiddleware, allowed_hosts=settings.host_names(), www_redirect=False
    )
    return app
