"""What every HTTP handler shares: the hub and the room a request is about, the Bearer
credential, the one error shape, and the one map from a core refusal to an HTTP status.

A handler that meets a refusal raises (or lets through) `Rejected`; the app's exception
handler (`rejected_response`) answers it in the documented shape with the status below. Only
the HTML forms catch it themselves, to answer with a page.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hindsight.board_state import Rejected
from hindsight.server.meeting.hub import Hub
from hindsight.server.meeting.room import Room

if TYPE_CHECKING:
    import jinja2
    from starlette.templating import Jinja2Templates

# A core refusal's code -> the HTTP status that answers it; anything else is 422.
STATUS_OF: dict[str, int] = {
    "unauthorized": 401,
    "forbidden": 403,
    "join_link": 403,
    "not_found": 404,
    "limit": 409,
    "name_taken": 409,
    "closed": 409,
    "too_large": 413,
    "rate_limited": 429,
    "unavailable": 503,
}


def error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


async def rejected_response(request: Request, exc: Exception) -> Response:
    """The app's handler for `Rejected`: the error shape, with its status."""
    assert isinstance(exc, Rejected)
    return error(STATUS_OF.get(exc.code, 422), exc.code, exc.message)


def hub_of(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


async def room_of(request: Request) -> Room | None:
    return await hub_of(request).room(request.path_params["board_id"])


def bearer(request: Request) -> str:
    """The credential of an `Authorization: Bearer <credential>` header, or ""."""
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    return credential.strip() if scheme.lower() == "bearer" else ""


async def authenticated(request: Request) -> tuple[Room, str]:
    """The board's room and the participant the Bearer credential opens; `Rejected`
    (not_found, unauthorized) otherwise."""
    room = await room_of(request)
    if room is None:
        raise Rejected("not_found", "there is no board with that id")
    pid = room.authenticate(bearer(request))
    if pid is None:
        raise Rejected("unauthorized", "no board with that id opens with this credential")
    return room, pid


class LazyTemplates:
    """The app's Jinja2 templates, made on first use. Importing Jinja2 (with Starlette's
    templating) was about a sixth of the server's start-up, and the start-up is what keeps
    every board waiting after a restart; the app warms this from a thread once it is ready."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._templates: Jinja2Templates | None = None
        self._lock = threading.Lock()

    def get(self) -> Jinja2Templates:
        if self._templates is None:
            with self._lock:
                if self._templates is None:
                    from starlette.templating import Jinja2Templates

                    self._templates = Jinja2Templates(directory=self.directory)
        return self._templates

    @property
    def env(self) -> jinja2.Environment:
        return self.get().env


def templates_of(request: Request) -> Jinja2Templates:
    t: LazyTemplates = request.app.state.templates
    return t.get()


def page(request: Request, name: str, status: int = 200, /, **context: Any) -> Response:
    return templates_of(request).TemplateResponse(request, name, context, status_code=status)


def error_page(request: Request, status: int, message: str) -> Response:
    return page(request, "error.html", status, status=status, message=message)
