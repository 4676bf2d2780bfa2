"""`make serve` and `make test` bootstrap uv where `pip install` outside a virtual environment
is refused (Debian 12/13 mark their Python "externally managed", PEP 668) and where python3
has no pip of its own: uv goes into a venv made with the standard library.

PIP_REQUIRE_VIRTUALENV=1 makes pip refuse exactly like such a Python; the control shows the
old way (`python3 -m pip install uv`) fails under it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The Python outside any venv (the tests themselves run in the project's), first on PATH, as
# on a machine where nothing is installed yet.
BASE_PYTHON = Path(getattr(sys, "_base_executable", sys.executable))
PATH = os.pathsep.join(
    [
        str(BASE_PYTHON.parent),
        *(p for p in os.environ.get("PATH", "").split(os.pathsep) if sys.prefix not in p),
    ]
)
REFUSING = {
    **os.environ,
    "PATH": PATH,
    "PIP_REQUIRE_VIRTUALENV": "1",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
}
REFUSING.pop("VIRTUAL_ENV", None)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_installs_uv_where_pip_refuses_to_install_outside_a_venv(tmp_path: Path) -> None:
    old_way = subprocess.run(
        [str(BASE_PYTHON), "-m", "pip", "install", "--dry-run", "uv"],
        env=REFUSING,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert old_way.returncode != 0, "control: pip should refuse outside a venv here"

    tools = tmp_path / "tools"
    made = subprocess.run(
        ["make", "-s", "uv", f"TOOLS={tools}"],
        cwd=ROOT,
        env=REFUSING,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert made.returncode == 0, made.stderr
    version = subprocess.run(
        [str(tools / "uv" / "bin" / "uv"), "--version"], capture_output=True, text=True, timeout=60
    )
    assert version.returncode == 0 and version.stdout.startswith("uv ")


def test_serving_syncs_the_runtime_dependencies_without_the_test_tools() -> None:
    makefile = (ROOT / "Makefile").read_text()
    install = makefile.split("\ninstall:", 1)[1].split("\n\n", 1)[0]
    assert "--no-dev" in install and "serve: install\n" in makefile
    assert "test: install-dev" in makefile
