"""Test lanes. `make test` runs everything. `make test-fast` runs the core and the in-process
server tests (`pytest -m "not slow"`): everything but the browser, real server processes
(kill -9, chaos, crash points, the CLI), building the wheel and bootstrapping uv.

A test is slow when it lives in tests/browser/ or its module starts a real server or another
process (it imports `RealServer` or `subprocess`); modules that start them indirectly (the
chaos run, the benchmark) say so with `pytestmark = pytest.mark.slow`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        names = vars(module) if module is not None else {}
        if "tests/browser/" in str(item.path) or "RealServer" in names or "subprocess" in names:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def nudge_model(request: pytest.FixtureRequest) -> Iterator[None]:
    """The core's own tests see the core alone (rules and word weights); every other test sees
    what the server runs, its models installed (`server/nudge_model`). Either way
    the same in every order."""
    from hindsight.board_state.guardrails import learned
    from hindsight.server import nudge_model

    before = {check: learned.installed(check) for check in nudge_model.SHIPPED}
    if "tests/board_state/" in str(request.node.path).replace("\\", "/"):
        for check in nudge_model.SHIPPED:
            learned.install(check, None)
    else:
        nudge_model.install()
    yield
    for check, scorer in before.items():
        learned.install(check, scorer)
