"""The browser client's modules are type-checked: each starts with `// @ts-check`, and TypeScript's
`tsc --noEmit` (strict, JSDoc types, wire shapes in static/types.d.ts) passes over static/.
`make jscheck` runs the same check; this test installs the locked TypeScript when it is missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted((ROOT / "static").glob("*.js"))


def test_every_browser_module_opts_in_to_type_checking() -> None:
    assert len(MODULES) >= 3  # the glob sees the client (guards against a vacuous pass)
    unchecked = [m.name for m in MODULES if not m.read_text().startswith("// @ts-check\n")]
    switched_off = [m.name for m in MODULES if "@ts-nocheck" in m.read_text()]
    assert unchecked == []
    assert switched_off == []


def test_tsc_finds_no_type_errors_in_the_browser_client() -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed (make jscheck installs Debian's nodejs and npm)")
    tsc = ROOT / "node_modules" / "typescript" / "bin" / "tsc"
    if not tsc.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed, so TypeScript cannot be (make jscheck installs it)")
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=ROOT, check=True, timeout=240
        )
    done = subprocess.run(
        ["node", str(tsc), "--noEmit", "-p", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
