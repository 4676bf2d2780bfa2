"""Sealing is atomic: a crash at any moment leaves a board fully sealed or not sealed at all.

SIGKILL at a random moment just after the close is sent: whatever the instant, the board is
afterwards either unsealed with its full log or sealed with no op row left from before the
close, and the vote totals the sealed board keeps are the dots the clients saw acknowledged.
The exact moment inside the sealing transaction is the `during_seal` crash point
(tests/server/test_crashpoints.py); sealing under the chaos test's kills is chaos_seal.py.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from pathlib import Path

from hindsight.board_state import decode_board, decode_entry
from hindsight.board_state import ops as o
from hindsight.client.http import create_board, join_board
from hindsight.client.sdk import BoardClient
from tests.realserver import RealServer


def stored_rows(db: Path, board_id: str) -> tuple[list[int], list[tuple[int, bytes]]]:
    with sqlite3.connect(db) as conn:
        ops = [
            r[0]
            for r in conn.execute(
                "SELECT seq FROM ops WHERE board_id = ? ORDER BY seq", (board_id,)
            )
        ]
        snaps = conn.execute(
            "SELECT seq, state FROM snapshots WHERE board_id = ? ORDER BY seq", (board_id,)
        ).fetchall()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return ops, snaps


async def voted_meeting(
    server: RealServer, voters: int = 3
) -> tuple[str, BoardClient, list[BoardClient], int]:
    """A board with a revealed vote; returns its id, the facilitator, the voters, dots cast."""
    made = create_board(server.url, title="Seal drill", facilitator_name="Fay")
    board_id = made["board_id"]
    fac = BoardClient(server.url, board_id, made["credential"])
    await fac.start()
    for _ in range(5):
        await fac.submit(o.AdvancePhase())
    people = [
        BoardClient(
            server.url,
            board_id,
            join_board(server.url, board_id, f"P{i}", token=made["join_token"])["credential"],
        )
        for i in range(voters)
    ]
    notes = []
    for i, p in enumerate(people):
        await p.start()
        ack = await p.submit(o.AddSticky(section="contributing", text=f"factor {i}"))
        await p.wait_for_seq(ack.seq)
        notes.append(next(s.id for s in p.local.of("sticky") if s.mine))
    opened = await fac.submit(o.OpenVote(target="stickies", budget=3))
    await fac.wait_for_seq(opened.seq)
    round_id = fac.local.of("round")[0].id
    dots = 0
    for i, p in enumerate(people):
        for _ in range(i + 1):
            await p.submit(o.CastVote(round_id=round_id, item_id=notes[(i + 1) % len(notes)]))
            dots += 1
    await fac.submit(o.CloseVote(round_id=round_id))
    await fac.submit(o.RevealVote(round_id=round_id))
    return board_id, fac, people, dots


def assert_sealed(db: Path, board_id: str, dots: int) -> None:
    ops, snaps = stored_rows(db, board_id)
    assert len(snaps) == 1, snaps
    seq, state = snaps[0]
    assert all(s > seq for s in ops), "a sealed board keeps no op row from before its close"
    board = decode_board(state)
    assert board.closed_at is not None
    (r,) = board.rounds.values()
    assert r.votes == {} and sum((r.sealed_totals or {}).values()) == dots
    assert {s.author for s in board.stickies.values()} == {"anonymous"}


def test_sigkill_at_any_moment_around_the_seal_leaves_it_whole_or_undone(tmp_path: Path) -> None:
    rng = random.Random(11)
    db = tmp_path / "kill.db"
    outcomes = {"sealed": 0, "unsealed": 0}

    async def one(server: RealServer, delay: float | None) -> None:
        board_id, fac, people, dots = await voted_meeting(server, voters=2)
        before, _ = stored_rows(db, board_id)
        fac_close = asyncio.create_task(fac.submit(o.CloseMeeting()))
        if delay is None:  # before the close has even left the client
            server.kill()
        else:
            await asyncio.sleep(delay)
            await asyncio.to_thread(server.kill)
        ops, snaps = stored_rows(db, board_id)
        if snaps:
            outcomes["sealed"] += 1
            assert_sealed(db, board_id, dots)
        else:
            outcomes["unsealed"] += 1
            assert ops == before, "unsealed, the log must be exactly what it was"
            with sqlite3.connect(db) as conn:
                (body,) = conn.execute(
                    "SELECT body FROM ops WHERE board_id = ? AND seq = ?", (board_id, ops[-1])
                ).fetchone()
            assert not isinstance(decode_entry(body).op, o.CloseMeeting)
        await asyncio.to_thread(server.start)
        await asyncio.wait_for(fac_close, 20)
        assert_sealed(db, board_id, dots)
        for c in [fac, *people]:
            await c.close()

    server = RealServer(db)
    server.start()
    try:
        for _ in range(8):
            asyncio.run(one(server, rng.choice([None, 0.0, 0.0005, 0.001, 0.003, 0.01])))
    finally:
        server.stop()
    print(f"seal under SIGKILL: {outcomes}")
    assert sum(outcomes.values()) == 8
