"""Sealing in the chaos mix: once a chaos run's workload is verified, every board is closed,
and so sealed, while the server is SIGKILLed at random moments around the closes.

After each kill the database is checked as the crash left it: each board is either sealed
(one sealed snapshot, no op row at or before its seq) or not sealed at all (its log exactly as
it was, 1..n without a gap). Once the closes are acknowledged (the facilitators' clients resend
them across the restarts), each sealed board must hold what the verified log replays to, minus
authorship: the same notes, timeline and vote totals, no author, no ballot; every chaos client
must have been handed the sealed board (a fresh welcome) and agree with the server's answer.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

from hindsight.board_state import Board, decode_board, decode_entry, replay
from hindsight.board_state import ops as o
from hindsight.client.sdk import BoardClient
from tests.realserver import RealServer

SEAL_KILLS = 3


def _stored(db: Path, board_id: str) -> tuple[list[int], list[tuple[int, bytes]]]:
    conn = sqlite3.connect(db, timeout=10)
    try:
        ops = [
            r[0]
            for r in conn.execute(
                "SELECT seq FROM ops WHERE board_id = ? ORDER BY seq", (board_id,)
            )
        ]
        snaps = conn.execute(
            "SELECT seq, state FROM snapshots WHERE board_id = ? ORDER BY seq", (board_id,)
        ).fetchall()
    finally:
        conn.close()
    return ops, snaps


def _replayed(db: Path, board_id: str) -> Board:
    conn = sqlite3.connect(db, timeout=10)
    try:
        bodies = [
            r[0]
            for r in conn.execute(
                "SELECT body FROM ops WHERE board_id = ? ORDER BY seq", (board_id,)
            )
        ]
    finally:
        conn.close()
    return replay(board_id, [decode_entry(b) for b in bodies])


def _whole_or_undone(db: Path, board_id: str, before: list[int]) -> str:
    ops, snaps = _stored(db, board_id)
    sealed = [(seq, decode_board(state)) for seq, state in snaps if decode_board(state).sealed]
    if sealed:
        ((seq, _),) = sealed
        assert len(snaps) == 1 and all(s > seq for s in ops), (board_id, seq, ops[:5])
        return "sealed"
    assert ops[: len(before)] == before and ops == list(range(1, len(ops) + 1)), (
        f"board {board_id}: half sealed or a gap: {ops[:3]}..{ops[-3:]}"
    )
    return "unsealed"


def _same_content(board_id: str, live: Board, sealed: Board) -> None:
    texts = sorted(s.text for s in live.stickies.values() if not s.hidden)
    assert sorted(s.text for s in sealed.stickies.values()) == texts, board_id
    assert {s.author for s in sealed.stickies.values()} <= {"anonymous"}
    assert sorted(e.text for e in sealed.timeline.values()) == sorted(
        e.text for e in live.timeline.values()
    )
    for rid, r in live.rounds.items():
        totals: Counter[str] = Counter()
        for dots in r.votes.values():
            totals.update(dots)
        got = sealed.rounds[rid]
        assert got.votes == {} and got.sealed_voters == len(r.votes), (board_id, rid)
        assert got.sealed_totals == {k: v for k, v in sorted(totals.items()) if v}, (board_id, rid)
    assert set(sealed.participants) == set(live.participants)


async def seal_under_kills(
    server: RealServer,
    board_ids: list[str],
    facilitators: dict[str, str],
    clients: list[Any],
    rng: random.Random,
    timeout: float,
) -> dict[str, int]:
    figures = {"boards_sealed": 0, "kills_around_seal": 0, "seen_sealed": 0, "seen_unsealed": 0}
    live = {b: _replayed(server.db, b) for b in board_ids}
    logs = {b: _stored(server.db, b)[0] for b in board_ids}
    closers = [BoardClient(server.url, b, facilitators[b]) for b in board_ids]
    for c in closers:
        await c.start()
    closes = [asyncio.create_task(c.submit(o.CloseMeeting(), timeout=timeout)) for c in closers]
    for _ in range(SEAL_KILLS):
        await asyncio.sleep(rng.uniform(0.0, 0.015))
        await asyncio.to_thread(server.kill)
        figures["kills_around_seal"] += 1
        for b in board_ids:
            figures["seen_" + _whole_or_undone(server.db, b, logs[b])] += 1
        await asyncio.sleep(rng.uniform(0.0, 0.1))
        await asyncio.to_thread(server.start)
    await asyncio.gather(*closes)
    seals: dict[str, int] = {}
    for b in board_ids:
        assert _whole_or_undone(server.db, b, logs[b]) == "sealed"
        ops, ((seq, state),) = _stored(server.db, b)
        _same_content(b, live[b], decode_board(state))
        seals[b] = seq
        figures["boards_sealed"] += 1
    deadline = asyncio.get_running_loop().time() + timeout
    # The close's event comes first, then the sealed board in a fresh welcome: wait for both.
    while not all(c.seq == seals[c.board_id] and c.local.meta.sealed for c in clients):
        assert asyncio.get_running_loop().time() < deadline, "clients never got the sealed board"
        await asyncio.sleep(0.05)
    for c in clients:
        assert c.local.meta.closed_at is not None and not any(
            s.mine for s in c.local.of("sticky")
        ), f"{c.name} still holds its authorship"
    for c in closers:
        await c.close()
    return figures
