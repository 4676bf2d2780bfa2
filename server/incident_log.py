"""The incident log and action follow-up: every post-mortem, searchable, and its actions after the meeting."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
