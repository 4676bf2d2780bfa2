"""The board page names every module it will import, so the browser fetches them in parallel
instead of discovering them one import level at a time."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from hindsight.server.web.preload import STATIC, module_graph
from tests.server.conftest import create_board


def test_the_module_graph_reaches_modules_imported_only_indirectly() -> None:
    graph = module_graph("board.js")
    assert "dom.js" in graph  # imported by board.js itself
    assert "edit.js" in graph  # only through notes.js, timeline.js and themes.js
    assert "board.js" not in graph
    assert len(graph) == len(set(graph))
    assert all((STATIC / name).is_file() for name in graph)


def test_the_module_graph_is_every_relative_import_of_every_module_it_lists() -> None:
    graph = set(module_graph("board.js")) | {"board.js"}
    for name in graph:
        text = (STATIC / name).read_text(encoding="utf-8")
        for imported in re.findall(r'from "\./([\w.-]+\.js)"', text):
            assert imported in graph, f"{name} imports {imported}, which the page does not preload"


def test_the_board_page_preloads_the_whole_graph(client: TestClient) -> None:
    made = create_board(client)
    html = client.get(f"/b/{made['board_id']}").text
    preloaded = set(re.findall(r'<link rel="modulepreload" href="/static/([\w.-]+\.js)">', html))
    assert preloaded == set(module_graph("board.js")) | {"board.js"}
