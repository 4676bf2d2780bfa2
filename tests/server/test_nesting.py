"""Bodies nested far too deeply (small in bytes, deep enough to exhaust the decoder's recursion,
here under a key the endpoint ignores, which the decoder still has to walk) get the documented
JSON error on every endpoint that reads JSON, and the server stays healthy."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.server.conftest import create_board

DEEP_ARRAY = b'{"x": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"
DEEP_OBJECT = b'{"x": ' + b'{"a":' * 20_000 + b"1" + b"}" * 20_000 + b"}"


@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT], ids=["arrays", "objects"])
def test_a_deeply_nested_body_is_a_bad_message_not_a_crash(client: TestClient, body: bytes) -> None:
    board = create_board(client)["board_id"]
    for path in ("/api/boards", "/api/boards/import", f"/api/boards/{board}/join"):
        r = client.post(path, content=body, headers={"content-type": "application/json"})
        assert r.status_code == 422, (path, r.status_code, r.text[:200])
        assert r.json() == {
            "error": {"code": "bad_message", "message": "the body is nested too deeply"}
        }
    # Nothing broke: the next ordinary request works.
    assert client.post("/api/boards", json={"title": "After the deep body"}).status_code == 201
