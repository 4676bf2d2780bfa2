"""The few HTTP calls a client needs (create, join, fetch a view), on the standard library."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from board_state.errors import Rejected


def call(server: str, method: str, path: str, body: dict[str, Any] | None = None,
         credential: str | None = None, timeout: float = 10.0) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(server.rstrip("/") + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    if credential:
        req.add_header("authorization", f"Bearer {credential}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as e:
        try:
            err = json.loads(e.read())["error"]
        except (ValueError, KeyError):
            raise Rejected("invalid", f"HTTP {e.code} from {path}") from None
        raise Rejected(err["code"], err["message"]) from None


def create_board(server: str, **fields: Any) -> dict[str, Any]:
    result: dict[str, Any] = call(server, "POST", "/api/boards", fields)
    return result


def join_board(server: str, board_id: str, name: str = "", role: str = "participant") -> dict[str, Any]:
    result: dict[str, Any] = call(server, "POST", f"/api/boards/{board_id}/join",
                                  {"name": name, "role": role})
    return result


def fetch_view(server: str, board_id: str, credential: str) -> dict[str, Any]:
    result: dict[str, Any] = call(server, "GET", f"/api/boards/{board_id}", credential=credential)
    return result
