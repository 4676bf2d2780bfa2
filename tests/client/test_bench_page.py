"""`hindsight-client bench --page`, run tiny (one load, a board of 5 items, 2 changes) against a
real server and Debian's Chromium: its JSON has every figure it prints, each a positive number.
Wall times are never asserted: a busy machine may miss any goal."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hindsight.client.cli import main

pytest.importorskip("playwright.async_api")
pytestmark = [
    pytest.mark.skipif(
        not os.path.exists("/usr/bin/chromium"),
        reason="needs Debian's chromium: run `make browser-deps`",
    ),
    pytest.mark.slow,  # a real server and a browser
]


def test_a_tiny_page_bench_reports_bytes_navigation_and_change_times(tmp_path: Path) -> None:
    out = tmp_path / "page.json"
    code = main(
        [
            "bench",
            "--page",
            "--navigations",
            "1",
            "--items",
            "5",
            "--changes",
            "2",
            "--json",
            str(out),
        ]
    )
    assert code == 0
    r = json.loads(out.read_text())
    assert set(r) >= {"goals", "bytes", "navigation", "change"}
    assert r["goals"] == {"gzip_kb": 100.0, "live_ms": 300.0, "change_ms": 16.0}

    b = r["bytes"]
    paths = {f["path"] for f in b["files"]}
    assert "/static/board.js" in paths and "/static/socket.js" in paths
    assert b["scripts"] > 1 and b["stylesheets"] >= 1
    for f in b["files"]:
        assert f["type"] in ("script", "stylesheet")
        assert 0 < f["gzip_bytes"] < f["bytes"] + 64, f
    assert b["total_bytes"] == sum(f["bytes"] for f in b["files"]) > 0
    assert b["total_gzip_bytes"] == sum(f["gzip_bytes"] for f in b["files"]) > 0
    # Every module board.js imports statically was really fetched by the page.
    assert b["in_graph_not_fetched"] == [] and b["static_graph_modules"] > 1
    assert b["page_errors"] == []

    n = r["navigation"]
    assert n["n"] == 1
    for key in (
        "live_ms",
        "painted_ms",
        "html_ms",
        "js_css_fetched_ms",
        "dom_content_loaded_ms",
        "ws_open_ms",
        "first_frame_ms",
    ):
        assert set(n[key]) >= {"median", "p95", "max"} and n[key]["n"] == 1, key
        assert n[key]["median"] > 0, key
    assert n["painted_ms"]["median"] >= n["live_ms"]["median"] >= n["ws_open_ms"]["median"]

    c = r["change"]
    assert (c["items"], c["n"], c["timeline_entries"] + c["notes"]) == (5, 2, 5)
    for key in ("dom_ms", "painted_ms"):
        assert set(c[key]) >= {"median", "p95", "max"} and c[key]["n"] == 2, key
        assert all(v > 0 for v in c[key]["all"]), (key, c[key])
    assert c["painted_ms"]["median"] >= c["dom_ms"]["median"]
