"""The HTTP calls a client needs (create, join, views, write-ups, the incident log, moving
boards), on the standard library."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from hindsight.board_state.errors import Rejected

STATUS_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    429: "rate_limited",
    503: "unavailable",
}


def check_server(server: str) -> str:
    """The server's base URL without a trailing slash; ValueError with what is wrong when it is
    not an http(s) URL (a bare `host:port` is the usual slip)."""
    parts = urllib.parse.urlsplit(server)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the server must be a URL such as http://127.0.0.1:8000, not {server!r}")
    return server.rstrip("/")


def fetch(
    server: str,
    method: str,
    path: str,
    body: bytes | None = None,
    credential: str | None = None,
    timeout: float = 10.0,
    query: dict[str, str] | None = None,
) -> bytes:
    """The raw response body; `Rejected` with the server's code and message on an error."""
    url = server.rstrip("/") + path
    if query:
        url += "?" + urllib.parse.urlencode(query)
    req = urllib.request.Request(url, data=body, method=method)
    req.add_header("content-type", "application/json")
    if credential:
        req.add_header("authorization", f"Bearer {credential}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            data: bytes = resp.read()
            return data
    except urllib.error.HTTPError as e:
        body = e.read()
        try:
            err = json.loads(body)["error"]
        except (ValueError, KeyError, TypeError):
            # A page, not the API (the write-up's HTML and Markdown): the status says what.
            code = STATUS_CODES.get(e.code, "invalid")
            if code == "not_found":
                raise Rejected(code, "there is no board with that id") from None
            raise Rejected(code, f"HTTP {e.code} from {path}") from None
        raise Rejected(err["code"], err["message"]) from None


def call(
    server: str,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    credential: str | None = None,
    timeout: float = 10.0,
    query: dict[str, str] | None = None,
) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    return json.loads(fetch(server, method, path, data, credential, timeout, query))


def create_board(server: str, **fields: Any) -> dict[str, Any]:
    result: dict[str, Any] = call(server, "POST", "/api/boards", fields)
    return result


def parse_join_link(link: str) -> tuple[str, str, str]:
    """(board id, role, token) of a join link as the facilitator shares it, e.g.
    `https://host/b/<id>/join?role=observer#t=<token>`."""
    parts = urllib.parse.urlsplit(link)
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 3 or segments[-3] != "b" or segments[-1] != "join":
        raise ValueError(f"not a join link: {link!r} (expected .../b/<board>/join#t=<token>)")
    role = urllib.parse.parse_qs(parts.query).get("role", ["participant"])[0]
    token = urllib.parse.parse_qs(parts.fragment).get("t", [""])[0]
    return segments[-2], role, token


def join_board(
    server: str, board_id: str, name: str = "", role: str = "participant", token: str = ""
) -> dict[str, Any]:
    """Take a seat with a join link's token (`join_token` / `observer_token` of a created
    board, or the `#t=` part of the link)."""
    result: dict[str, Any] = call(
        server, "POST", f"/api/boards/{board_id}/join", {"name": name, "role": role, "token": token}
    )
    return result


def fetch_view(server: str, board_id: str, credential: str) -> dict[str, Any]:
    result: dict[str, Any] = call(server, "GET", f"/api/boards/{board_id}", credential=credential)
    return result


WRITEUP_PATHS = {
    "html": "/b/{}/writeup",
    "md": "/b/{}/writeup.md",
    "json": "/api/boards/{}/writeup",
}


STYLESHEET_LINK = b'<link rel="stylesheet" href="/static/writeup.css">'


def writeup(server: str, board_id: str, fmt: str, credential: str | None = None) -> bytes:
    """The meeting's write-up as HTML, Markdown or JSON, as the server renders it. The HTML gets
    its stylesheet inlined, so the saved file prints the same when opened away from the server
    (a file on disk is not under the site's Content-Security-Policy)."""
    body = fetch(
        server,
        "GET",
        WRITEUP_PATHS[fmt].format(urllib.parse.quote(board_id)),
        credential=credential,
    )
    if fmt == "html" and STYLESHEET_LINK in body:
        css = fetch(server, "GET", "/static/writeup.css")
        body = body.replace(STYLESHEET_LINK, b"<style>\n" + css + b"\n</style>", 1)
    return body


def incident_log(server: str, filters: dict[str, str], *, csv: bool = False) -> bytes:
    """The incident log (JSON, or CSV), filtered by q, severity, tag, category, from, to."""
    return fetch(
        server,
        "GET",
        "/api/log.csv" if csv else "/api/log",
        query={k: v for k, v in filters.items() if v},
    )


def export_board(server: str, board_id: str, credential: str) -> bytes:
    """The whole board as a `hindsight-board` document (facilitator only)."""
    return fetch(
        server,
        "GET",
        f"/api/boards/{urllib.parse.quote(board_id)}/export",
        credential=credential,
        timeout=60,
    )


def import_board(
    server: str, document: bytes, facilitator_name: str | None = None
) -> dict[str, Any]:
    """A fresh board rebuilt from an export; returns its facilitator credential, the new
    credentials of re-created participants and notes on what could not be carried over."""
    if facilitator_name:
        doc = json.loads(document)
        doc["facilitator_name"] = facilitator_name
        document = json.dumps(doc).encode()
    # A large board is rebuilt op by op, each durable before the next: allow it time.
    result: dict[str, Any] = json.loads(
        fetch(server, "POST", "/api/boards/import", document, timeout=300)
    )
    return result
