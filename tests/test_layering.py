"""The architecture's import rules, read from the source: a broken layer fails here."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IO_MODULES = {"asyncio", "sqlite3", "socket", "time", "random", "uuid", "logging", "threading",
              "os", "subprocess", "secrets", "io", "pathlib", "shutil", "tempfile"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


def test_the_core_imports_only_the_standard_library_without_io_and_msgspec() -> None:
    allowed = (set(sys.stdlib_module_names) - IO_MODULES) | {"msgspec", "board_state", "__future__"}
    bad = [(f.name, m) for f in sorted((ROOT / "board_state").rglob("*.py"))
           for m in _imports(f) if m.split(".")[0] not in allowed]
    assert bad == []


def test_server_and_client_meet_only_in_the_core() -> None:
    for package, other in (("server", "client"), ("client", "server")):
        bad = [(f.name, m) for f in sorted((ROOT / package).rglob("*.py"))
               for m in _imports(f) if m.split(".")[0] == other]
        assert bad == [], f"{package} imports {other}"


def test_the_browser_client_never_builds_html_from_strings() -> None:
    pattern = re.compile(r"\.innerHTML\s*\+?=|\.outerHTML\s*=|insertAdjacentHTML|document\.write")
    bad = [f"{f.name}:{i}" for f in sorted((ROOT / "static").rglob("*.js"))
           for i, line in enumerate(f.read_text().splitlines(), 1) if pattern.search(line)]
    assert bad == []


def test_the_checks_see_the_files_they_check() -> None:
    """Guard against a vacuous pass: each layer has modules to read."""
    for folder, suffix in (("board_state", "py"), ("server", "py"), ("client", "py"), ("static", "js")):
        assert len(list((ROOT / folder).rglob(f"*.{suffix}"))) >= 3
