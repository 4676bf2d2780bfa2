"""The board page's module graph, for `<link rel="modulepreload">`.

The browser client is plain ES modules without a bundler, so a cold load discovers its modules
one import level at a time (seven levels deep from board.js: seven round trips). Listing every
module the page will import lets the browser fetch them all at once. The list is read from the
modules' own static imports when first asked for, so it never goes stale.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "static"
_IMPORT = re.compile(r"""^\s*(?:import|export)\s[^;]*?\bfrom\s+["']\./([\w.-]+\.js)["']""", re.M)


@functools.cache
def module_graph(entry: str = "board.js") -> tuple[str, ...]:
    """Every module `entry` imports, directly or not, entry excluded, in a stable order."""
    seen: dict[str, None] = {}
    todo = [entry]
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen[name] = None
        path = STATIC / name
        if path.is_file():
            todo.extend(_IMPORT.findall(path.read_text(encoding="utf-8")))
    return tuple(n for n in seen if n != entry)
