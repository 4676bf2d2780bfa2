"""The wheel installs one top-level name, `hindsight`, so it can sit beside other software
(a bare `server` or `client` package would collide with anything else so named)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_namespace_links_to_the_required_top_level_folders() -> None:
    for name in ("board_state", "server", "client", "static"):
        link = ROOT / "hindsight" / name
        assert link.is_symlink() and link.resolve() == (ROOT / name).resolve(), name


@pytest.mark.skipif(
    shutil.which("uv") is None
    and subprocess.run([sys.executable, "-m", "uv", "--version"], capture_output=True).returncode
    != 0,
    reason="uv builds the wheel",
)
def test_the_wheel_installs_only_the_hindsight_package(tmp_path: Path) -> None:
    uv = [shutil.which("uv")] if shutil.which("uv") else [sys.executable, "-m", "uv"]
    subprocess.run(
        [*uv, "build", "--wheel", "--quiet", "--out-dir", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"hindsight"}
    for needed in (
        "hindsight/server/app.py",
        "hindsight/server/meeting/room.py",
        "hindsight/server/web/templates/board.html",
        "hindsight/static/board.js",
        "hindsight/board_state/reducer.py",
        "hindsight/client/sdk.py",
        "hindsight/server/nudge_model/models/vague_action.onnx",  # the nudge models ship
        "hindsight/server/nudge_model/models/blame.onnx",
        "hindsight/server/nudge_model/models/tokenizer.json",
    ):
        assert needed in names, needed
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    scripts = zipfile.ZipFile(wheel).read(entry).decode()
    assert "hindsight = hindsight.server.cli:main" in scripts
