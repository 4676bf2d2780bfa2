"""The server answers only to the names it is meant to have: loopback, the address it listens
on, and the names the operator configures (`--allowed-host`, `HINDSIGHT_ALLOWED_HOSTS`). A web
page on an attacker's name that resolves to the server (DNS rebinding) is refused before any
handler runs: no incident log, no join, no websocket."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient, WebSocketDenialResponse

from tests.server.conftest import create_board, make_client

FOREIGN = "rebind.attacker.example"


def test_a_foreign_host_is_refused_on_http_and_websocket(tmp_path: Path) -> None:
    with make_client(tmp_path, allowed_hosts=()) as client:  # only loopback and the bind address
        for path in ("/api/log", "/log", "/actions", "/"):
            r = client.get(path, headers={"host": FOREIGN})
            assert r.status_code == 400, path
        r = client.post("/api/boards", json={"title": "x"}, headers={"host": FOREIGN})
        assert r.status_code == 400
        with pytest.raises(WebSocketDenialResponse) as denied:
            with client.websocket_connect("/ws", headers={"host": FOREIGN}):
                pass
        assert denied.value.status_code == 400
        # Loopback names, with or without a port, are the server's own.
        for host in ("127.0.0.1:8000", "localhost", "[::1]:8000"):
            assert client.get("/api/log", headers={"host": host}).status_code == 200, host


def test_a_configured_public_name_is_answered_and_a_star_allows_any(tmp_path: Path) -> None:
    with make_client(tmp_path, allowed_hosts=("hindsight.example",)) as client:
        assert client.get("/api/log", headers={"host": "hindsight.example"}).status_code == 200
        assert client.get("/api/log", headers={"host": FOREIGN}).status_code == 400
    with make_client(tmp_path, allowed_hosts=("*",)) as client:
        assert client.get("/api/log", headers={"host": FOREIGN}).status_code == 200


def test_the_test_clients_name_is_configured_like_any_other(client: TestClient) -> None:
    # The in-process tests reach the app as "testserver": allowed through the same setting.
    assert create_board(client)["board_id"]
