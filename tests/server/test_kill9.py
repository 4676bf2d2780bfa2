"""The durability promise, for real: uvicorn in a subprocess, SIGKILLed mid-stream.

Several clients add stickies and vote while the server is killed with SIGKILL and restarted on
the same database. Afterwards: every acknowledged op is in the log exactly once at its acked
seq, seqs have no gaps, every client's board equals the server's projection for that client,
and SQLite's integrity check passes.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import msgspec

from hindsight.board_state import decode_entry
from hindsight.board_state import ops as o
from hindsight.board_state.errors import Rejected
from hindsight.board_state.views import BoardView
from hindsight.client.http import create_board, fetch_view, join_board
from hindsight.client.sdk import BoardClient, canonical_view
from tests.realserver import RealServer
from tests.server.stored import integrity, real_server, stored

PARTICIPANTS = 4
OPS_EACH = 40
KILLS = 3


def _log(db: Path, board_id: str) -> list[tuple[int, str, str, bytes]]:
    return stored(
        db.parent,
        "SELECT seq, actor, cid, body FROM ops WHERE board_id = ? ORDER BY seq",
        (board_id,),
        db=db.name,
    )


async def _participant(
    c: BoardClient,
    name: str,
    round_id: str,
    acked: dict[str, int],
    voted: dict[str, int],
    rng: random.Random,
) -> None:
    for i in range(OPS_EACH):
        stickies = [s.id for s in c.local.stickies()]
        if stickies and rng.random() < 0.4:
            op: o.Op = o.CastVote(
                cid=f"{name}-v{i}", round_id=round_id, item_id=rng.choice(stickies)
            )
        else:
            op = o.AddSticky(cid=f"{name}-s{i}", section="contributing", text=f"{name} note {i}")
        try:
            ack = await c.submit(op, timeout=60)
        except Rejected as e:
            assert e.code in ("budget_exceeded", "not_found"), e  # a sticky may have moved on
            continue
        acked[op.cid] = ack.seq
        if isinstance(op, o.CastVote):
            voted[c.you] = voted.get(c.you, 0) + 1


async def _killer(server: RealServer, acked: dict[str, int], kills: list[int]) -> None:
    total = PARTICIPANTS * OPS_EACH
    for k in range(KILLS):
        target = total * (k + 1) // (KILLS + 1)
        while len(acked) < target:
            await asyncio.sleep(0.005)
        await asyncio.to_thread(server.kill)
        kills.append(len(acked))
        await asyncio.sleep(0.1)  # clients see the drop and start retrying
        await asyncio.to_thread(server.start)


def test_sigkill_loses_no_acknowledged_op_and_clients_converge(tmp_path: Path) -> None:
    server = real_server(tmp_path / "kill.db")
    server.start()
    try:
        asyncio.run(_scenario(server))
    finally:
        server.stop()


async def _scenario(server: RealServer) -> None:
    made = create_board(server.url, title="Kill -9 drill", facilitator_name="Fay")
    board_id, fac_cred = made["board_id"], made["credential"]
    creds = [
        join_board(server.url, board_id, f"P{i}", token=made["join_token"])["credential"]
        for i in range(PARTICIPANTS)
    ]
    rng = random.Random(7)

    fac = BoardClient(server.url, board_id, fac_cred)
    await fac.start()
    for _ in range(5):  # to "Contributing factors", where participants write stickies
        await fac.submit(o.AdvancePhase())
    opened = await fac.submit(o.OpenVote(target="stickies", budget=8))
    await fac.wait_for_seq(opened.seq)
    round_id = fac.local.of("round")[0].id

    clients = [BoardClient(server.url, board_id, cred) for cred in creds]
    for c in clients:
        await c.start()
    acked: dict[str, int] = {}
    voted: dict[str, int] = {}
    kills: list[int] = []
    await asyncio.gather(
        _killer(server, acked, kills),
        *(_participant(c, f"P{i}", round_id, acked, voted, rng) for i, c in enumerate(clients)),
    )
    assert len(kills) == KILLS

    # Every outbox drained: each op got its answer.
    for c in clients:
        assert not c.outbox

    log = _log(server.db, board_id)
    seqs = [row[0] for row in log]
    assert seqs == list(range(1, len(log) + 1)), "seq has gaps or duplicates"
    by_cid: dict[str, list[int]] = {}
    for seq, _actor, cid, _body in log:
        if cid:
            by_cid.setdefault(cid, []).append(seq)
    for cid, seq in acked.items():
        assert by_cid.get(cid) == [seq], f"acked op {cid} at {seq} is logged as {by_cid.get(cid)}"
    assert all(len(v) == 1 for v in by_cid.values()), "an op was applied twice"
    # The log replays to the board the server serves.
    assert all(decode_entry(row[3]).seq == row[0] for row in log)

    # Dots in the round match exactly the votes each participant saw acknowledged.
    last = seqs[-1]
    for c in [fac, *clients]:
        await c.wait_for_seq(last, timeout=20)
    for c in clients:
        view = fetch_view(server.url, board_id, c.credential)
        expected = canonical_view(msgspec.convert(view["view"], BoardView))
        assert view["seq"] == last
        assert c.local.canonical() == expected, "client diverged from the server"
        spent = sum(c.local.of("round")[0].mine.values())
        assert spent == voted.get(c.you, 0)

    assert integrity(server.db.parent, server.db.name) == "ok"
    for c in [fac, *clients]:
        await c.close()
    print(
        f"{len(acked)} acked ops, {len(log)} logged, kills after {kills} acks, "
        f"reconnects {[c.reconnects for c in clients]}"
    )


def test_restart_keeps_a_running_timer(tmp_path: Path) -> None:
    """Timers are state: a timebox started before a restart still has its deadline after it."""
    server = real_server(tmp_path / "timer.db")
    server.start()
    try:
        made = create_board(server.url, title="Timer", facilitator_name="Fay")

        async def start() -> int:
            async with BoardClient(server.url, made["board_id"], made["credential"]) as c:
                ack = await c.submit(o.AdvancePhase())
                await c.wait_for_seq(ack.seq)  # the ack comes before its event
                deadline: int = c.local.meta.agenda[0].deadline
                return deadline

        deadline = asyncio.run(start())
        server.kill()
        server.start()
        view = fetch_view(server.url, made["board_id"], made["credential"])["view"]
        assert view["board"]["current"] == view["board"]["agenda"][0]["id"]
        assert view["board"]["agenda"][0]["deadline"] == deadline
    finally:
        server.stop()
