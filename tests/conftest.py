"""Test lanes. `make test` runs everything. `make test-fast` runs the core and the in-process
server tests (`pytest -m "not slow"`): everything but the browser, real server processes
(kill -9, chaos, crash points, the CLI), building the wheel and bootstrapping uv.

A test is slow when it lives in tests/browser/ or its module starts a real server or another
process (it imports `RealServer` or `subprocess`); modules that start them indirectly (the
chaos run, the benchmark) say so with `pytestmark = pytest.mark.slow`."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        names = vars(module) if module is not None else {}
        if "tests/browser/" in str(item.path) or "RealServer" in names or "subprocess" in names:
            item.add_marker(pytest.mark.slow)
