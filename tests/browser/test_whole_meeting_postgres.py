"""The whole meeting in the browser again, on a server whose store is PostgreSQL
(`hindsight serve --db postgresql://...`): the same test, the other store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import needs_chromium
from tests.browser.test_whole_meeting import (
    test_a_whole_meeting_time_compressed,
    test_private_writing_reaches_no_other_browser_before_reveal,
)
from tests.pgserver import PgServer, pg_available
from tests.realserver import RealServer

pytestmark = [
    needs_chromium,
    pytest.mark.skipif(not pg_available(), reason="PostgreSQL is not installed"),
]

__all__ = [
    "test_a_whole_meeting_time_compressed",
    "test_private_writing_reaches_no_other_browser_before_reveal",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    with PgServer() as pg:
        srv = RealServer(
            tmp_path_factory.mktemp("browser-pg") / "b.db", db_url=pg.database("meeting")
        )
        srv.start()
        try:
            yield srv
        finally:
            srv.stop()
