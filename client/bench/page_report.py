"""The printed report of `hindsight-client bench --page`: each figure next to its goal."""

from __future__ import annotations

from typing import Any


def _kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def _verdict(value: float, goal: float) -> str:
    return "met" if value < goal else "MISSED"


def print_report(r: dict[str, Any]) -> None:
    b, g = r["bytes"], r["goals"]
    print(
        f"board page: {b['scripts']} scripts and {b['stylesheets']} stylesheets fetched "
        "(raw as served; gzip level 6)"
    )
    for f in b["files"]:
        print(f"  {f['path']:34} {f['type']:10} {_kb(f['bytes']):>9} {_kb(f['gzip_bytes']):>9}")
    total_gz = b["total_gzip_bytes"]
    print(
        f"  {'total JS + CSS':34} {'':10} {_kb(b['total_bytes']):>9} {_kb(total_gz):>9}   "
        f"goal < {g['gzip_kb']:.0f} KB gzip: {_verdict(total_gz / 1024, g['gzip_kb'])}"
    )
    if b["document"]:
        d = b["document"]
        print(
            f"  (the HTML page itself, not counted: {_kb(d['bytes'])}, {_kb(d['gzip_bytes'])} gzip)"
        )
    if b["in_graph_not_fetched"] or b["fetched_not_in_graph"]:
        print(
            f"  static import graph of board.js: {b['static_graph_modules']} modules; "
            f"not fetched: {b['in_graph_not_fetched']}; fetched, not in it: "
            f"{b['fetched_not_in_graph']}"
        )
    n = r["navigation"]
    live, painted = n["live_ms"], n["painted_ms"]
    print(
        f"navigation to a live board ({n['n']} loads, fresh context each): "
        f"median {live['median']} ms, max {live['max']} ms; painted: median "
        f"{painted['median']} ms, max {painted['max']} ms   goal < {g['live_ms']:.0f} ms: "
        f"{_verdict(live['median'], g['live_ms'])}"
    )
    print(
        f"  medians: HTML received {n['html_ms']['median']} ms, last JS/CSS received "
        f"{n['js_css_fetched_ms']['median']} ms, DOMContentLoaded "
        f"{n['dom_content_loaded_ms']['median']} ms, websocket open {n['ws_open_ms']['median']}"
        f" ms, first frame {n['first_frame_ms']['median']} ms"
    )
    c = r["change"]
    dom, cp = c["dom_ms"], c["painted_ms"]
    print(
        f"one incoming change on a board of {c['items']} items ({c['timeline_entries']} "
        f"timeline entries, {c['notes']} notes), {c['n']} changes:"
    )
    print(
        f"  frame -> in the DOM: median {dom['median']} ms, p95 {dom['p95']} ms, "
        f"max {dom['max']} ms   goal < {g['change_ms']:.0f} ms: "
        f"{_verdict(dom['p95'], g['change_ms'])} (p95)"
    )
    print(
        f"  frame -> painted:    median {cp['median']} ms, p95 {cp['p95']} ms, max {cp['max']} "
        "ms (includes waiting for the next frame)"
    )
    before, after = r["machine_cpu_pressure"]
    if before is not None and after is not None:
        print(f"machine CPU pressure (some, avg10) before / after: {before}% / {after}%")
