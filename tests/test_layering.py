"""The architecture's import rules, read from the source: a broken layer fails here."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IO_MODULES = {
    "asyncio",
    "sqlite3",
    "socket",
    "time",
    "random",
    "uuid",
    "logging",
    "threading",
    "os",
    "subprocess",
    "secrets",
    "io",
    "pathlib",
    "shutil",
    "tempfile",
    # also network, processes, signals and dynamic imports (which would dodge this test)
    "urllib",
    "http",
    "ssl",
    "select",
    "selectors",
    "socketserver",
    "multiprocessing",
    "concurrent",
    "signal",
    "mmap",
    "glob",
    "importlib",
}
# Calls that do I/O or read the clock, whatever module they come from.
IO_CALLS = {"open", "print", "input", "breakpoint", "__import__", "eval", "exec"}
CLOCK_METHODS = {"now", "utcnow", "today", "time_ns", "monotonic", "perf_counter"}


def _imports(path: Path) -> list[str]:
    return _imports_of(path.read_text(), list(path.relative_to(ROOT).parent.parts))


def _imports_of(source: str, package: list[str]) -> list[str]:
    """Absolute names of the modules `source` imports, without the `hindsight.` namespace every
    project import goes through; relative imports are resolved against its package, so
    `from ..client import x` inside `server/` reads as `client`."""
    tree = ast.parse(source)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            parts = base + ([node.module] if node.module else [])
            if parts:
                found.append(".".join(parts))
            else:  # `from .. import x` at the top: x is a top-level module
                found += [a.name for a in node.names]
    return [
        name.removeprefix("hindsight.")
        if name.startswith("hindsight.")
        else ("" if name == "hindsight" else name)
        for name in found
    ]


def _raw_imports(path: Path) -> list[str]:
    """The absolute module names `path` imports, as written (relative imports left out)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.append(node.module)
    return found


PROJECT = ("board_state", "server", "client")
# server's parts, and which others each may import: storage knows nothing of the meeting or
# the web; the meeting nothing of pages and outputs; outputs are pages too, so they may use the
# web's helpers. The app, CLI, settings and the benchmark's floor sit above them all.
SERVER_PARTS: dict[str, set[str]] = {
    "storage": set(),
    "meeting": {"storage"},
    "web": {"meeting", "storage"},
    "outputs": {"web", "meeting", "storage"},
}


def test_the_core_imports_only_the_standard_library_without_io_and_msgspec() -> None:
    allowed = (set(sys.stdlib_module_names) - IO_MODULES) | {"msgspec", "board_state", "__future__"}
    bad = [
        (f.name, m)
        for f in sorted((ROOT / "board_state").rglob("*.py"))
        for m in _imports(f)
        if m.split(".")[0] not in allowed
    ]
    assert bad == []


def test_the_core_neither_does_io_nor_reads_the_clock_through_calls() -> None:
    bad = []
    for f in sorted((ROOT / "board_state").rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text())):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Name) and node.func.id in IO_CALLS:
                bad.append(f"{f.name}:{node.lineno} {node.func.id}()")
            if isinstance(node.func, ast.Attribute) and node.func.attr in CLOCK_METHODS:
                bad.append(f"{f.name}:{node.lineno} .{node.func.attr}()")
    assert bad == []


def test_server_and_client_meet_only_in_the_core() -> None:
    for package, other in (("server", "client"), ("client", "server")):
        bad = [
            (f.name, m)
            for f in sorted((ROOT / package).rglob("*.py"))
            for m in _imports(f)
            if m.split(".")[0] == other
        ]
        assert bad == [], f"{package} imports {other}"


def test_every_project_import_goes_through_the_hindsight_namespace() -> None:
    """Installed, the packages live under `hindsight/`; a bare `import server` would import
    whatever else is so named (or, in a checkout, a second copy of ours)."""
    files = [f for d in (*PROJECT, "tests") for f in sorted((ROOT / d).rglob("*.py"))]
    bad = [
        (str(f.relative_to(ROOT)), m)
        for f in files
        for m in _raw_imports(f)
        if m.split(".")[0] in PROJECT
    ]
    assert bad == []


def test_the_servers_parts_import_only_the_parts_below_them() -> None:
    bad = []
    for part, may in SERVER_PARTS.items():
        for f in sorted((ROOT / "server" / part).rglob("*.py")):
            for m in _imports(f):
                names = m.split(".")
                if (
                    names[0] == "server"
                    and len(names) > 1
                    and names[1] != part
                    and (names[1] not in may | {"config"})
                ):  # settings are a leaf
                    bad.append((f"{part}/{f.name}", m))
    assert bad == []


def test_the_sdk_and_cli_do_not_depend_on_the_benchmark() -> None:
    """client.bench builds on the SDK, not the other way round; only the CLI's `bench` command
    reaches into it (lazily)."""
    bad = [
        (f.name, m)
        for f in sorted((ROOT / "client").glob("*.py"))
        if f.name != "cli.py"
        for m in _imports(f)
        if m.startswith("client.bench")
    ]
    assert bad == []


def test_the_browser_client_never_builds_html_from_strings() -> None:
    pattern = re.compile(r"\.innerHTML\s*\+?=|\.outerHTML\s*=|insertAdjacentHTML|document\.write")
    bad = [
        f"{f.name}:{i}"
        for f in sorted((ROOT / "static").rglob("*.js"))
        for i, line in enumerate(f.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert bad == []


def test_the_checks_see_the_files_they_check() -> None:
    """Guard against a vacuous pass: each layer has modules to read."""
    for folder, suffix in (
        ("board_state", "py"),
        ("server", "py"),
        ("client", "py"),
        ("static", "js"),
        *((f"server/{part}", "py") for part in SERVER_PARTS),
    ):
        assert len(list((ROOT / folder).rglob(f"*.{suffix}"))) >= 3


def test_relative_imports_are_resolved_before_the_rules_apply() -> None:
    """`from ..client import x` in server/ must count as importing `client`."""
    source = (
        "from ..client import sdk\nfrom .. import client\nfrom .store import Store\n"
        "from . import room\nimport msgspec.json\nfrom hindsight.server.web import http\n"
    )
    assert _imports_of(source, ["server"]) == [
        "client",
        "client",
        "server.store",
        "server",
        "msgspec.json",
        "server.web",
    ]


def test_outside_the_meeting_the_board_is_reached_only_through_the_room() -> None:
    """Pages, API and outputs ask the room (`read`, `consult`, `board_id`): they never hold the
    room's mutable board, which can be a round ahead of what is durable. (The import learns
    the ids it made from its ops' receipts.)"""
    bad = [
        f"{f.relative_to(ROOT)}:{i}"
        for part in ("web", "outputs")
        for f in sorted((ROOT / "server" / part).glob("*.py"))
        for i, line in enumerate(f.read_text().splitlines(), 1)
        if re.search(r"\broom\.board\b(?!_id)", line)
    ]
    assert bad == []
