"""The browser client's files go out compressed, with an ETag and `Cache-Control: no-cache`
(a browser revalidates and gets 304 until the file changes)."""

from __future__ import annotations

from starlette.testclient import TestClient


def test_static_modules_are_gzipped_and_revalidated(client: TestClient) -> None:
    plain = client.get("/static/board.js", headers={"accept-encoding": "identity"})
    zipped = client.get("/static/board.js", headers={"accept-encoding": "gzip"})
    assert plain.status_code == zipped.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert zipped.text == plain.text  # the same module, decompressed by the client
    assert int(zipped.headers["content-length"]) < len(plain.content) / 2
    assert zipped.headers["cache-control"] == "no-cache"
    again = client.get("/static/board.js", headers={"if-none-match": plain.headers["etag"]})
    assert again.status_code == 304


def test_a_tiny_file_is_not_worth_compressing(client: TestClient) -> None:
    r = client.get("/static/favicon.svg", headers={"accept-encoding": "gzip"})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-cache"
    assert ("content-encoding" in r.headers) == (len(r.content) >= 500)
