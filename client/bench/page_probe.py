"""The bench's probe inside the board page: a script put into every new document (through
DevTools, so outside the page's Content-Security-Policy) that times websocket frames and
watches the DOM, a fresh browser context carrying it, and a poll that reads its figures.
page.py's docstring says what each figure means."""

from __future__ import annotations

import asyncio
import time
from typing import Any

VIEWPORT = {"width": 1280, "height": 800}
WAIT_S = 15.0

# Runs in the page before any of its own scripts (through DevTools, so outside the page's CSP).
PROBE = r"""
(() => {
  const b = window.__hsBench = {
    live: null, painted: null, wsOpen: null, firstFrame: null,
    marker: null, arrived: null, dom: null, changePainted: null,
  };
  const afterPaint = (done) => requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => done(performance.now());
    ch.port2.postMessage(0);
  });
  const Native = window.WebSocket;
  class TimedSocket extends Native {
    constructor(...args) {
      super(...args);
      // Registered before the page's own listener, so it runs first for every frame.
      this.addEventListener("open", () => { if (b.wsOpen === null) b.wsOpen = performance.now(); });
      this.addEventListener("message", (e) => {
        const now = performance.now();
        if (b.firstFrame === null) b.firstFrame = now;
        if (b.marker !== null && b.arrived === null && typeof e.data === "string"
            && e.data.includes(b.marker)) b.arrived = now;
      });
    }
  }
  window.WebSocket = TimedSocket;
  b.expect = (marker) => {
    b.marker = marker; b.arrived = null; b.dom = null; b.changePainted = null;
  };
  new MutationObserver(() => {
    const now = performance.now();
    if (b.live === null) {
      const text = document.getElementById("conn-text");
      const board = document.getElementById("board");
      if (text && board && !board.hidden && text.textContent.trim() === "Live"
          && (!board.checkVisibility || board.checkVisibility())) {
        b.live = now;
        afterPaint((t) => { b.painted = t; });
      }
    }
    if (b.arrived !== null && b.dom === null) {
      const list = document.getElementById("timeline-list");
      if (list && list.textContent.includes(b.marker)) {
        b.dom = now;
        afterPaint((t) => { b.changePainted = t; });
      }
    }
  }).observe(document, { subtree: true, childList: true, characterData: true,
                         attributes: true, attributeFilter: ["hidden"] });
})();
"""

READ = (
    "() => { const b = window.__hsBench; return b ? Object.fromEntries("
    "Object.entries(b).filter(([, v]) => typeof v !== 'function')) : null; }"
)


async def read_probe(page: Any, key: str, timeout: float = WAIT_S) -> dict[str, Any]:
    """Poll the page's figures until `key` is set."""
    deadline = time.monotonic() + timeout
    while True:
        state: dict[str, Any] | None = await page.evaluate(READ)
        if state and state.get(key) is not None:
            return state
        if time.monotonic() > deadline:
            raise TimeoutError(f"the page never set {key}: {state}")
        await asyncio.sleep(0.02)


async def new_page(browser: Any) -> tuple[Any, Any, list[str]]:
    context = await browser.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="UTC")
    await context.add_init_script(script=PROBE)
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    return context, page, errors
