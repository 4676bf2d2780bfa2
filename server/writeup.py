"""The write-up: the one-page record a meeting leaves, as HTML (printable) and Markdown."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
