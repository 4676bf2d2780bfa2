from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.realserver import RealServer


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    s = RealServer(Path(tmp_path_factory.mktemp("client")) / "client.db")
    s.start()
    yield s
    s.stop()
