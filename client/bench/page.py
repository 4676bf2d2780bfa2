"""The board page in a real browser: `hindsight-client bench --page`.

A measuring tool, not a test: it prints figures next to goals and asserts nothing.

1. **Bytes.** One load of a board in Chromium, its network responses recorded: every script
   (ES module) and stylesheet the page actually fetched, raw (as the server sends them: it does
   not compress) and gzipped (zlib level 6, what a reverse proxy with gzip on would send), per
   file and in total. As a cross-check, the static `import` graph from static/board.js is read
   from the source tree; a module in it that the page did not fetch (or the reverse) is listed.
   Goal: under 100 KB gzipped.
2. **Navigation to a live board.** A board made over HTTP; its facilitator link opened in a
   fresh browser context (empty cache and storage, as a first visit) `--navigations` times,
   after one untimed load that warms the server (templates, the board in memory). In the page,
   from navigation start (`performance.timeOrigin`) to the moment `#conn-text` says "Live" and
   `#board` is not hidden (a MutationObserver sees it), and to the end of the frame that paints
   it. Median and max. Goal: under 300 ms.
3. **One incoming change on a board of `--items` items** (three quarters timeline entries, a
   quarter notes; the facilitator adds them through the SDK, then advances the board to the
   Timeline phase with `advance_phase`, timers off so no countdown redraws in between).
   A participant opens the board; the facilitator's SDK client then adds `--changes` timeline
   entries one at a time. In the participant's page: from the websocket frame holding the new
   entry reaching the page (the first `message` listener on the socket, performance.now()) to
   `#timeline-list` containing the entry's text (a MutationObserver), and to the end of the
   next frame's rendering (requestAnimationFrame, then a MessageChannel task: the usual
   "after next paint"; two rAFs would add a whole frame). Median, p95 and max. Goal: under
   16 ms, one frame at 60 Hz. The paint figure includes waiting for the next frame boundary
   (up to 16.7 ms at 60 Hz), so it can miss the goal with a page that does its work in 2 ms.

How it reaches into the page. The page's Content-Security-Policy forbids inline scripts and
eval, so the probes go in through the DevTools protocol: an init script
(`Page.addScriptToEvaluateOnNewDocument`) wraps `WebSocket` to time frames and installs the
MutationObservers, and `page.evaluate` (Runtime.callFunctionOn) reads the figures. Neither is
subject to the page's CSP, so the page runs under its real policy (`bypass_csp` stays off);
were a Chromium to refuse them, `bypass_csp=True` on the context would be acceptable here,
for measuring only. The probe is in page_probe.py; the printed report in page_report.py.

The server is a real `hindsight serve` on a temporary SQLite file on loopback, with the
per-connection rate limit lifted (`bench_servers.BENCH_ENV`) so that one SDK connection can
fill a board quickly; nothing it changes is on the page's path. Chromium is Debian's
(/usr/bin/chromium, or --chromium PATH), driven by Playwright (a dev dependency).
"""

from __future__ import annotations

import asyncio
import gzip
import math
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hindsight.board_state import ops as o
from hindsight.client.bench.page_probe import new_page, read_probe
from hindsight.client.bench.page_report import print_report
from hindsight.client.bench.servers import LocalServer
from hindsight.client.bench.stats import cpu_pressure
from hindsight.client.http import create_board, join_board
from hindsight.client.sdk import BoardClient

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
GOALS = {"gzip_kb": 100.0, "live_ms": 300.0, "change_ms": 16.0}
STATIC = Path(__file__).resolve().parents[2] / "static"


def static_graph(entry: str = "board.js") -> set[str]:
    """The modules static/board.js imports, transitively (static imports and re-exports)."""
    found: set[str] = set()
    todo = [entry]
    pattern = re.compile(
        r"""(?:^|[;\s])(?:import|export)\s[^'"]*?from\s*["'](\.[^"']+)["']"""
        r"""|(?:^|[;\s])import\s*["'](\.[^"']+)["']""",
        re.M,
    )
    while todo:
        name = todo.pop()
        if name in found or not (STATIC / name).is_file():
            continue
        found.add(name)
        for m in pattern.finditer((STATIC / name).read_text()):
            target = (m.group(1) or m.group(2)).removeprefix("./")
            todo.append(target)
    return found


def summary(values: list[float]) -> dict[str, Any]:
    ordered = sorted(values)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank
    return {
        "n": len(values),
        "median": round(statistics.median(values), 1),
        "p95": round(p95, 1),
        "max": round(max(values), 1),
        "all": [round(v, 1) for v in values],
    }


async def page_bytes(browser: Any, url: str) -> dict[str, Any]:
    """One load, its responses recorded; returns the scripts and stylesheets it fetched."""
    context, page, errors = await new_page(browser)
    responses: list[Any] = []
    page.on("response", lambda r: responses.append(r))
    try:
        await page.goto(url)
        await read_probe(page, "painted")
        files: list[dict[str, Any]] = []
        document: dict[str, Any] | None = None
        for r in responses:
            kind = r.request.resource_type
            if kind not in ("script", "stylesheet", "document") or not r.ok:
                continue
            body = await r.body()
            row = {
                "path": urlsplit(r.url).path,
                "type": kind,
                "bytes": len(body),
                "gzip_bytes": len(gzip.compress(body, 6, mtime=0)),
            }
            if kind == "document":
                document = row
            else:
                files.append(row)
    finally:
        await context.close()
    files.sort(key=lambda f: (f["type"], f["path"]))
    fetched = {f["path"].removeprefix("/static/") for f in files if f["type"] == "script"}
    graph = static_graph() if STATIC.is_dir() else set()
    return {
        "files": files,
        "scripts": sum(1 for f in files if f["type"] == "script"),
        "stylesheets": sum(1 for f in files if f["type"] == "stylesheet"),
        "total_bytes": sum(f["bytes"] for f in files),
        "total_gzip_bytes": sum(f["gzip_bytes"] for f in files),
        "document": document,
        "static_graph_modules": len(graph),
        "in_graph_not_fetched": sorted(graph - fetched),
        "fetched_not_in_graph": sorted(fetched - graph) if graph else [],
        "page_errors": errors,
    }


async def navigation(browser: Any, url: str) -> dict[str, float]:
    context, page, errors = await new_page(browser)
    try:
        await page.goto(url, wait_until="commit")
        state = await read_probe(page, "painted")
        nav = await page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " const r = performance.getEntriesByType('resource')"
            ".filter((e) => /[.](js|css)$/.test(new URL(e.name).pathname));"
            " return {response: n ? n.responseEnd : 0, dcl: n ? n.domContentLoadedEventEnd : 0,"
            " fetched: Math.max(0, ...r.map((e) => e.responseEnd))}; }"
        )
    finally:
        await context.close()
    if errors:
        raise RuntimeError(f"the page reported errors: {errors}")
    return {
        "live_ms": state["live"],
        "painted_ms": state["painted"],
        "html_ms": nav.get("response") or 0.0,
        "js_css_fetched_ms": nav.get("fetched") or 0.0,
        "dom_content_loaded_ms": nav.get("dcl") or 0.0,
        "ws_open_ms": state["wsOpen"] or 0.0,
        "first_frame_ms": state["firstFrame"] or 0.0,
    }


async def fill(server: str, items: int) -> tuple[dict[str, Any], BoardClient]:
    """A board of `items` items (3/4 timeline entries, 1/4 notes) in its Timeline phase; returns
    the board and the facilitator's connected SDK client."""
    board = await asyncio.to_thread(
        create_board, server, title="Checkout latency, 40 minutes", facilitator_name="Dana"
    )
    c = BoardClient(server, board["board_id"], board["credential"])
    await c.start()
    entries = items - items // 4
    batch: list[o.Op] = [
        o.AddTimelineEntry(
            at=f"2026-08-14T{8 + i // 60 % 12:02d}:{i % 60:02d}:00Z",
            text=f"Entry {i}: p99 latency on checkout at {200 + i} ms",
            kind=("fact", "signal", "decision")[i % 3],
        )
        for i in range(entries)
    ]
    batch += [
        o.AddSticky(
            section=("went_well", "went_badly", "contributing")[i % 3],
            text=f"Note {i}: the runbook step for the cache flush was out of date",
        )
        for i in range(items - entries)
    ]
    for start in range(0, len(batch), 100):
        acks = await asyncio.gather(
            *(c.submit(op, timeout=60) for op in batch[start : start + 100])
        )
        await c.wait_for_seq(max(a.seq for a in acks), timeout=60)
    for _ in range(len(c.local.meta.agenda) + 1):
        meta = c.local.meta
        current = next((p for p in meta.agenda if p.id == meta.current), None)
        if current is not None and current.kind == "timeline":
            break
        ack = await c.submit(o.AdvancePhase(start_timer=False), timeout=30)
        await c.wait_for_seq(ack.seq)
    else:
        raise RuntimeError("the agenda has no Timeline phase")
    return board, c


async def changes(
    browser: Any, server: str, board: dict[str, Any], facilitator: BoardClient, n: int, items: int
) -> list[dict[str, float]]:
    guest = await asyncio.to_thread(
        join_board, server, board["board_id"], "Pat", token=board["join_token"]
    )
    context, page, errors = await new_page(browser)
    out: list[dict[str, float]] = []
    try:
        await page.goto(server + guest["board_url"])
        await read_probe(page, "painted")
        last = f"Entry {items - items // 4 - 1}:"
        if last not in await page.locator("#timeline-list").inner_text():
            raise RuntimeError("the participant's timeline does not show the board's entries")
        await asyncio.sleep(0.3)  # let the first renders and presence settle
        for i in range(n):
            marker = f"Bench change {i} {time.monotonic_ns() % 10**9}"
            await page.evaluate("m => window.__hsBench.expect(m)", marker)
            await facilitator.submit(
                o.AddTimelineEntry(
                    at=f"2026-08-14T{8 + i % 12:02d}:{(7 * i + 30) % 60:02d}:30Z",
                    text=f"{marker}: rolled back the cache config",
                    kind="decision",
                ),
                timeout=30,
            )
            state = await read_probe(page, "changePainted")
            out.append(
                {
                    "dom_ms": state["dom"] - state["arrived"],
                    "painted_ms": state["changePainted"] - state["arrived"],
                }
            )
            await asyncio.sleep(0.1)
    finally:
        await context.close()
    if errors:
        raise RuntimeError(f"the page reported errors: {errors}")
    return out


async def run(navigations: int, items: int, n_changes: int, chromium: str) -> dict[str, Any]:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        raise SystemExit(
            "--page needs Playwright (a dev dependency: `uv sync` installs it)"
        ) from None

    pressure = cpu_pressure()
    workdir = Path(tempfile.mkdtemp(prefix="hindsight-page-"))
    server = LocalServer("hindsight", workdir, core=None, db=workdir / "page.db")
    server.start()
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium, args=ARGS)
            try:
                made = await asyncio.to_thread(
                    create_board,
                    server.url,
                    title="DNS resolution failing in eu-west",
                    facilitator_name="Dana",
                )
                url = server.url + made["facilitator_url"]
                sizes = await page_bytes(browser, url)  # also the untimed warm-up load
                loads = [await navigation(browser, url) for _ in range(navigations)]
                board, facilitator = await fill(server.url, items)
                try:
                    timed = await changes(browser, server.url, board, facilitator, n_changes, items)
                finally:
                    await facilitator.close()
            finally:
                await browser.close()
    finally:
        server.stop()
    return {
        "goals": {
            "gzip_kb": GOALS["gzip_kb"],
            "live_ms": GOALS["live_ms"],
            "change_ms": GOALS["change_ms"],
        },
        "bytes": sizes,
        "navigation": {
            "n": navigations,
            **{
                key: summary([load[key] for load in loads])
                for key in (
                    "live_ms",
                    "painted_ms",
                    "html_ms",
                    "js_css_fetched_ms",
                    "dom_content_loaded_ms",
                    "ws_open_ms",
                    "first_frame_ms",
                )
            },
        },
        "change": {
            "items": items,
            "timeline_entries": items - items // 4,
            "notes": items // 4,
            "n": n_changes,
            "dom_ms": summary([c["dom_ms"] for c in timed]),
            "painted_ms": summary([c["painted_ms"] for c in timed]),
        },
        # Linux PSI, % of the last 10 s in which some task waited for a CPU, before and after.
        "machine_cpu_pressure": [pressure, cpu_pressure()],
    }


def main(
    navigations: int = 10, items: int = 200, n_changes: int = 20, chromium: str = CHROMIUM
) -> dict[str, Any]:
    result = asyncio.run(run(navigations, items, n_changes, chromium))
    print_report(result)
    return result
