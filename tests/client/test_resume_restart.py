"""The SDK across a server restart: ops typed while the server is down wait in the outbox, go
out again with the same client op ids once it is back, are applied exactly once, and every
client ends with the board the server would show it."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import msgspec

from hindsight.board_state import ops as o
from hindsight.board_state.protocol import Welcome
from hindsight.board_state.views import BoardView
from hindsight.client.http import create_board, fetch_view, join_board
from hindsight.client.sdk import BoardClient, canonical_view
from tests.realserver import RealServer


def _cids(db: Path, board_id: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT cid FROM ops WHERE board_id = ? AND cid != '' ORDER BY seq", (board_id,)
            )
        ]


def _shared(canonical: dict[str, Any]) -> dict[str, Any]:
    """What every viewer of this board sees alike: without `mine` and `me` markers, the ops
    each may send (`can`), their own feedback and the facilitator's join links and readers."""
    personal = ("mine", "me", "can", "my_safety", "my_change", "links", "readers")
    return {
        key: {k: v for k, v in view.items() if k not in personal} for key, view in canonical.items()
    }


def test_the_sdk_survives_a_server_restart_with_its_outbox(tmp_path: Path) -> None:
    server = RealServer(tmp_path / "restart.db")
    server.start()
    try:
        asyncio.run(_scenario(server))
    finally:
        server.stop()


async def _scenario(server: RealServer) -> None:
    made = create_board(server.url, title="Restart drill", facilitator_name="Fay")
    board = made["board_id"]
    ann_cred = join_board(server.url, board, "Ann", token=made["join_token"])["credential"]
    welcomes: list[Welcome] = []
    fac = BoardClient(server.url, board, made["credential"])
    ann = BoardClient(
        server.url,
        board,
        ann_cred,
        on_frame=lambda m: welcomes.append(m) if isinstance(m, Welcome) else None,
    )
    await fac.start()
    await ann.start()
    try:
        await ann.submit(o.AddTimelineEntry(cid="ann-0", at="2026-08-14T09:00Z", text="before"))

        await asyncio.to_thread(server.kill)
        offline = [
            ann.submit(
                o.AddTimelineEntry(
                    cid=f"ann-{i}", at=f"2026-08-14T09:0{i}Z", text=f"typed offline {i}"
                ),
                timeout=60,
            )
            for i in range(1, 4)
        ] + [
            fac.submit(o.SetTags(cid="fac-tags", tags=["dns"]), timeout=60),
            fac.submit(
                o.AddTimelineEntry(
                    cid="fac-1", at="2026-08-14T09:05Z", text="facilitator, offline"
                ),
                timeout=60,
            ),
        ]
        pending = [asyncio.ensure_future(op) for op in offline]
        await asyncio.sleep(0.3)
        assert not any(p.done() for p in pending), "nothing can be acknowledged while down"
        assert list(ann.outbox) == ["ann-1", "ann-2", "ann-3"]
        assert list(fac.outbox) == ["fac-tags", "fac-1"]

        await asyncio.to_thread(server.start)
        acks = await asyncio.gather(*pending)
        assert not ann.outbox and not fac.outbox
        assert ann.reconnects >= 1 and fac.reconnects >= 1
        # A restart means a new epoch: the client cannot resume from its seq, it gets a snapshot.
        assert len(welcomes) >= 2 and welcomes[-1].snapshot is not None
        assert welcomes[-1].epoch != welcomes[0].epoch

        last = max(a.seq for a in acks)
        await fac.wait_for_seq(last)
        await ann.wait_for_seq(last)
        # Applied exactly once each, in the log the server replays from.
        cids = _cids(server.db, board)
        assert sorted(cids) == sorted(["ann-0", "ann-1", "ann-2", "ann-3", "fac-tags", "fac-1"])
        # Each client holds exactly the server's projection for it, and they agree.
        for c in (fac, ann):
            view = fetch_view(server.url, board, c.credential)
            assert view["seq"] == last
            assert c.local.canonical() == canonical_view(msgspec.convert(view["view"], BoardView))
        assert _shared(fac.local.canonical()) == _shared(ann.local.canonical())
        assert sorted(e.text for e in ann.local.of("timeline")) == [
            "before",
            "facilitator, offline",
            "typed offline 1",
            "typed offline 2",
            "typed offline 3",
        ]
        assert ann.local.meta.header.tags == ["dns"]
    finally:
        await fac.close()
        await ann.close()
