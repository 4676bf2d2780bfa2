"""Sealing is atomic: a crash at any moment leaves a board fully sealed or not sealed at all.

Two ways to die around the seal, on a real server with real clients:

- the `during_seal` crash point: the old rows are deleted in the open transaction, the sealed
  snapshot not yet written, and the process is SIGKILLed. The restarted server has the board
  exactly as before the close (open, every op there), and the facilitator's client, which never
  got its ack, resends the close: the board is then sealed.
- SIGKILL at a random moment just after the close is sent: whatever the instant, the board is
  afterwards either unsealed with its full log or sealed with no op row left from before the
  close, and the vote totals the sealed board keeps are the dots the clients saw acknowledged.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from pathlib import Path

from board_state import decode_board, decode_entry
from board_state import ops as o
from client.http import create_board, join_board
from client.sdk import BoardClient
from tests.realserver import RealServer

from server.crashpoints import ENV as CRASH_ENV


def _rows(db: Path, board_id: str) -> tuple[list[int], list[tuple[int, bytes]]]:
    with sqlite3.connect(db) as conn:
        ops = [r[0] for r in conn.execute(
            "SELECT seq FROM ops WHERE board_id = ? ORDER BY seq", (board_id,))]
        snaps = conn.execute("SELECT seq, state FROM snapshots WHERE board_id = ? ORDER BY seq",
                             (board_id,)).fetchall()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return ops, snaps


async def _meeting(server: RealServer, voters: int = 3) -> tuple[str, BoardClient, list[BoardClient], int]:
    """A board with a revealed vote; returns its id, the facilitator, the voters, dots cast."""
    made = create_board(server.url, title="Seal drill", facilitator_name="Fay")
    board_id = made["board_id"]
    fac = BoardClient(server.url, board_id, made["credential"])
    await fac.start()
    for _ in range(5):
        await fac.submit(o.AdvancePhase())
    people = [BoardClient(server.url, board_id, join_board(server.url, board_id, f"P{i}",
                                                                token=made["join_token"])["credential"])
              for i in range(voters)]
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


def _assert_sealed(db: Path, board_id: str, dots: int) -> None:
    ops, snaps = _rows(db, board_id)
    assert len(snaps) == 1, snaps
    seq, state = snaps[0]
    assert all(s > seq for s in ops), "a sealed board keeps no op row from before its close"
    board = decode_board(state)
    assert board.closed_at is not None
    (r,) = board.rounds.values()
    assert r.votes == {} and sum((r.sealed_totals or {}).values()) == dots
    assert {s.author for s in board.stickies.values()} == {"anonymous"}


def test_a_crash_during_the_seal_leaves_the_board_unsealed_and_the_close_is_resent(
        tmp_path: Path) -> None:
    db = tmp_path / "seal.db"
    crashing = RealServer(db, env={CRASH_ENV: "during_seal"})
    crashing.start()

    async def scenario() -> None:
        board_id, fac, people, dots = await _meeting(crashing)
        before, _ = _rows(db, board_id)
        close = asyncio.create_task(fac.submit(o.CloseMeeting()))
        await asyncio.to_thread(crashing.proc.wait, 10)  # type: ignore[union-attr]
        assert "crash point during_seal reached" in crashing.log.read_text()
        after, snaps = _rows(db, board_id)
        assert after == before and snaps == [], "the half-done seal left a trace"
        assert not close.done(), "the close was acknowledged although it never committed"
        restarted = RealServer(db, port=crashing.port)
        restarted.start()
        try:
            await asyncio.wait_for(close, 20)  # the outbox resent it to the new process
            _assert_sealed(db, board_id, dots)
            for c in [fac, *people]:
                await c.wait_for_seq(fac.seq, timeout=20)
                assert c.epoch == fac.epoch and not any(s.mine for s in c.local.of("sticky"))
                await c.close()
        finally:
            restarted.stop()

    try:
        asyncio.run(scenario())
    finally:
        crashing.stop()


def test_sigkill_at_any_moment_around_the_seal_leaves_it_whole_or_undone(tmp_path: Path) -> None:
    rng = random.Random(11)
    db = tmp_path / "kill.db"
    outcomes = {"sealed": 0, "unsealed": 0}

    async def one(server: RealServer, delay: float | None) -> None:
        board_id, fac, people, dots = await _meeting(server, voters=2)
        before, _ = _rows(db, board_id)
        fac_close = asyncio.create_task(fac.submit(o.CloseMeeting()))
        if delay is None:  # before the close has even left the client
            server.kill()
        else:
            await asyncio.sleep(delay)
            await asyncio.to_thread(server.kill)
        ops, snaps = _rows(db, board_id)
        if snaps:
            outcomes["sealed"] += 1
            _assert_sealed(db, board_id, dots)
        else:
            outcomes["unsealed"] += 1
            assert ops == before, "unsealed, the log must be exactly what it was"
            with sqlite3.connect(db) as conn:
                (body,) = conn.execute("SELECT body FROM ops WHERE board_id = ? AND seq = ?",
                                       (board_id, ops[-1])).fetchone()
            assert not isinstance(decode_entry(body).op, o.CloseMeeting)
        await asyncio.to_thread(server.start)
        await asyncio.wait_for(fac_close, 20)
        _assert_sealed(db, board_id, dots)
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
