"""The site's own pages (the landing page, the incident log, the actions page, insights) fit a
phone: nothing runs off the side, the navigation included (it wraps under the brand).

Same set-up as test_board_page.py: the fixtures and helpers of tests/browser/conftest.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import needs_chromium
from tests.realserver import RealServer

pytestmark = needs_chromium


@pytest.mark.parametrize("width", [320, 390])
def test_the_site_pages_fit_a_phone(server: RealServer, browser: Any, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 800})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for path in ("/", "/log", "/actions", "/insights"):
        page.goto(server.url + path)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{path} is {wide} px wide on a {width} px screen"
        nav = page.locator(".site-nav").bounding_box()
        assert nav is not None and nav["x"] + nav["width"] <= width, path
    assert errors == []
    page.close()
