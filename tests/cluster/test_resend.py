"""A resent op reaching a node that has not yet heard of its commit (issue 17).

A client whose ack was lost resends the op, same client op id, on its next connection, and
that may be another node. If that node has not caught up with the commit yet (LISTEN/NOTIFY
is a hint: here its listening connection is cut, which a node survives by listening again
a second later; under load the hint is merely late), it must still answer the resend as a
duplicate at the op's first seq: the op is in the log. Checking the op against its own
stale board and refusing it tells the client that an op it sent was refused when it was in
fact applied.

Found by the cluster chaos test (tests/cluster/test_cluster.py: "reject for an op not
waiting", about one run in five with affinity); this makes it happen every time. The room now
asks an op it would refuse again once it has caught up with the log (Room._accept), so the
resend is answered as a duplicate.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import websockets

from hindsight.board_state import ops as o
from hindsight.board_state.protocol import Ack, Hello, Reject, Welcome, decode_server, encode
from hindsight.client.http import join_board
from tests.cluster.harness import Cluster
from tests.cluster.workload import _prepare_board
from tests.pgserver import PgServer

pytestmark = pytest.mark.slow


async def _connect(url: str, board: str, credential: str) -> Any:
    ws = await websockets.connect(
        url.replace("http://", "ws://") + "/ws/" + board, compression=None, proxy=None
    )
    await ws.send(encode(Hello(board=board, credential=credential)).decode())
    while not isinstance(decode_server(_bytes(await ws.recv())), Welcome):
        pass
    return ws


def _bytes(raw: str | bytes) -> bytes:
    return raw.encode() if isinstance(raw, str) else raw


async def _answer(ws: Any, cid: str) -> Ack | Reject:
    while True:
        message = decode_server(_bytes(await ws.recv()))
        inner = getattr(message, "messages", None)
        for m in [message] if inner is None else [decode_server(bytes(x)) for x in inner]:
            if isinstance(m, Ack | Reject) and m.cid == cid:
                return m


async def _resends(cluster: Cluster) -> list[tuple[Ack | Reject, Ack | Reject]]:
    a, b = cluster.nodes[0].url, cluster.nodes[1].url
    made, ballot = await _prepare_board(a, 0, 5)
    joined = await asyncio.to_thread(join_board, a, made["board_id"], "Y", token=made["join_token"])
    on_a = await _connect(a, made["board_id"], joined["credential"])
    on_b = await _connect(b, made["board_id"], joined["credential"])
    # Both nodes' listening connections cut: for about a second they hear of no commit.
    cluster.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query ILIKE 'listen%'"
    )
    answers = []
    for i in range(3):
        item = ballot.items[i]
        cast = o.CastVote(cid=f"v{i}", round_id=ballot.round_id, item_id=item)
        await on_a.send(encode(cast).decode())
        await _answer(on_a, cast.cid)
        unvote = o.Unvote(cid=f"u{i}", round_id=ballot.round_id, item_id=item)
        await on_a.send(encode(unvote).decode())
        first = await _answer(on_a, unvote.cid)
        await on_b.send(encode(unvote).decode())  # its ack was "lost": sent again, elsewhere
        answers.append((first, await _answer(on_b, unvote.cid)))
    await on_a.close()
    await on_b.close()
    return answers


def test_a_resend_reaching_a_node_behind_the_log_is_answered_as_a_duplicate(
    pg: PgServer, tmp_path: Path
) -> None:
    with Cluster(pg, "resend", tmp_path, nodes=2, nginx=False) as cluster:
        answers = asyncio.run(_resends(cluster))
    for first, again in answers:
        assert isinstance(first, Ack), first
        assert isinstance(again, Ack) and (again.seq, again.duplicate) == (first.seq, True), (
            f"node A acked {first.cid} at seq {first.seq}; node B answered its resend {again}"
        )
