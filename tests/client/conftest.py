from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pgserver import fresh_database, on_postgres
from tests.realserver import RealServer


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    folder = Path(tmp_path_factory.mktemp("client"))
    # On a PostgreSQL run (HINDSIGHT_TEST_STORE=postgresql) the server's store is PostgreSQL.
    s = RealServer(
        folder / "client.db", db_url=fresh_database(str(folder)) if on_postgres() else ""
    )
    s.start()
    yield s
    s.stop()
