"""One throwaway PostgreSQL for the cluster tests (each test makes a database of its own);
skipped, with the reason, where PostgreSQL's or nginx's binaries are missing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cluster.harness import missing_parts
from tests.pgserver import PgServer


@pytest.fixture(scope="session")
def pg() -> Iterator[PgServer]:
    why = missing_parts()
    if why:
        pytest.skip(why)
    with PgServer() as server:
        yield server
