"""The nginx configuration of docs/operators.md (Running several nodes), run as written in
Debian's nginx in front of three real `hindsight serve --db postgresql://...` nodes. Only the
addresses change (loopback ports, no TLS). A board's client works through it, and keeps
working while each node in turn is killed with SIGKILL and restarted: nothing acknowledged is
lost and the client's board equals the server's."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from hindsight.board_state import ops as o
from hindsight.board_state.views import BoardView
from hindsight.client.http import create_board, fetch_view, join_board
from hindsight.client.sdk import BoardClient, canonical_view
from tests.pgserver import PgServer, pg_available
from tests.realserver import RealServer

from .test_auth_header import Nginx, need_nginx

pytestmark = pytest.mark.skipif(not pg_available(), reason="PostgreSQL is not installed")

DOCS = Path(__file__).resolve().parents[2] / "docs" / "operators.md"


def documented_nginx() -> str:
    """The nginx block of the docs' "Running several nodes" section."""
    text = DOCS.read_text()
    section = text[text.index("## Running several nodes") :]
    section = section[: section.index("\n## ", 5)]
    (block,) = re.findall(r"```nginx\n(.*?)```", section, re.S)
    return block


def runnable(block: str, port: int, nodes: list[int]) -> str:
    """The documented block with this machine's addresses: its nodes, a loopback listener."""
    servers = iter(nodes)
    lines = []
    for line in block.splitlines():
        if re.match(r"\s*server 10\.0\.0\.\d+:8000", line):
            line = re.sub(r"10\.0\.0\.\d+:8000", f"127.0.0.1:{next(servers)}", line)
        elif "listen 443 ssl" in line:
            line = f"    listen 127.0.0.1:{port};"
        elif "ssl_certificate" in line or "server_name" in line:
            continue
        lines.append(line)
    return "\n".join(lines)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[RealServer], Nginx]]:
    need_nginx()
    tmp = tmp_path_factory.mktemp("several")
    with PgServer() as pg:
        url = pg.database("docs")
        nodes = [RealServer(tmp / f"node{i}.db", db_url=url) for i in range(3)]
        for node in nodes:
            node.start()
        nginx = Nginx(
            tmp / "nginx", lambda port: runnable(documented_nginx(), port, [n.port for n in nodes])
        )
        try:
            yield nodes, nginx
        finally:
            nginx.stop()
            for node in nodes:
                node.stop()


def test_the_documented_block_is_the_one_that_runs() -> None:
    block = documented_nginx()
    assert "hash $board consistent;" in block and "max_fails=0" in block
    assert "proxy_next_upstream" in block and "$connection_upgrade" in block


def test_a_board_goes_on_through_the_documented_proxy_while_each_node_dies_in_turn(
    stack: tuple[list[RealServer], Nginx],
) -> None:
    nodes, nginx = stack
    made = create_board(nginx.url, title="Through the docs' proxy", facilitator_name="Fay")
    board = made["board_id"]

    async def go() -> None:
        async with BoardClient(nginx.url, board, made["credential"]) as fac:
            while fac.local.meta.current is None or fac.local.meta.current == "":
                await fac.submit(o.AdvancePhase(start_timer=False))
            for round_ in range(len(nodes)):
                ack = await fac.submit(o.ParkQuestion(text=f"before kill {round_}"), timeout=10)
                await fac.wait_for_seq(ack.seq)
                nodes[round_].kill()
                # The client reconnects through nginx to the node still up and carries on.
                ack = await fac.submit(o.ParkQuestion(text=f"after kill {round_}"), timeout=15)
                await fac.wait_for_seq(ack.seq)
                nodes[round_].start()
            view = await asyncio.to_thread(fetch_view, nginx.url, board, made["credential"])
            assert fac.seq == view["seq"]
            assert fac.local.canonical() == canonical_view(msgspec.convert(view["view"], BoardView))
            parked = sorted(s.text for s in fac.local.stickies() if s.section == "parking_lot")
            assert parked == sorted(
                f"{when} kill {i}" for i in range(len(nodes)) for when in ("before", "after")
            )

    asyncio.run(go())
    joined = join_board(nginx.url, board, "Kim", token=made["join_token"])
    assert joined["credential"]
