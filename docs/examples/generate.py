"""Regenerate the example write-up (writeup.md, writeup.html) from the worked example.

    python3 -m uv run --locked --no-sync python docs/examples/generate.py

It plays the worked example of the post-mortem template (tests/server/worked_example.py) through
a real Hub and store in a temporary directory and renders both templates. The HTML links the
stylesheet as `../../static/writeup.css`, so it renders when opened from a checkout; the page
the server serves links `/static/writeup.css` instead. `tests/server/test_writeup.py` fails when
these files drift from what the templates produce.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from tests.server.worked_example import render_example  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        markdown, html = asyncio.run(render_example(Path(tmp)))
    (HERE / "writeup.md").write_text(markdown, encoding="utf-8")
    (HERE / "writeup.html").write_text(html, encoding="utf-8")
    print(f"wrote {HERE / 'writeup.md'} and {HERE / 'writeup.html'}")


if __name__ == "__main__":
    main()
