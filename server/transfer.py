"""Moving boards: JSON export of a whole board and import into a fresh one."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
