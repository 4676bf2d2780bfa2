"""Boards for the benchmark, made the way people make them: through the HTTP API (create,
join) and the Python SDK (the facilitator opens the themes phase, adds the notes to vote on
and opens a dot-voting round)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from hindsight.board_state import ops as o
from hindsight.client.bench.records import BoardPlan
from hindsight.client.http import create_board, join_board
from hindsight.client.sdk import BoardClient

SEED_NOTES = (
    "Rollback took four minutes",
    "The alert fired before customers noticed",
    "Runbook pointed at the old dashboard",
    "Nobody owned the config change",
    "Canary skipped the region that failed",
)


def floor_plans(boards: int) -> list[BoardPlan]:
    return [BoardPlan(board_id=f"floor-{i}") for i in range(boards)]


def hindsight_plans(server: str, boards: int, people: int, threads: int = 16) -> list[BoardPlan]:
    """Create `boards` boards of `people` seats each (a facilitator and people - 1
    participants) and return their credentials, facilitator first; blocking."""
    with ThreadPoolExecutor(threads) as pool:
        created = list(
            pool.map(
                lambda i: create_board(
                    server, title=f"Bench board {i}", facilitator_name="Facilitator"
                ),
                range(boards),
            )
        )
        seats = [(b["board_id"], b["join_token"], j) for b in created for j in range(1, people)]
        joined = list(
            pool.map(lambda s: join_board(server, s[0], f"Person {s[2]}", token=s[1]), seats)
        )
    plans = {b["board_id"]: BoardPlan(b["board_id"], [b["credential"]]) for b in created}
    for (board_id, _, _), j in zip(seats, joined):
        plans[board_id].credentials.append(j["credential"])
    return list(plans.values())


async def prepare(server: str, plans: list[BoardPlan], concurrency: int = 20) -> None:
    """As each board's facilitator: go to 'Themes and vote', add the seed notes, one theme
    each, and open a round of 5 dots on the themes. Fills in each plan's round and vote items.
    (On the themes, not the notes: a note on the ballot of an unrevealed vote cannot be
    deleted, and the load deletes notes.)"""
    gate = asyncio.Semaphore(concurrency)

    async def one(plan: BoardPlan) -> None:
        async with gate, BoardClient(server, plan.board_id, plan.credentials[0]) as c:
            themes = next(p.id for p in c.local.meta.agenda if p.kind == "themes")
            await c.submit(o.GoToPhase(phase_id=themes), timeout=30)
            for text in SEED_NOTES:
                ack = await c.submit(o.AddSticky(section="went_badly", text=text), timeout=30)
            await c.wait_for_seq(ack.seq)
            for note in c.local.stickies():
                await c.submit(o.AddTheme(name=note.text[:200], sticky_ids=[note.id]), timeout=30)
            ack = await c.submit(o.OpenVote(target="themes", budget=5), timeout=30)
            await c.wait_for_seq(ack.seq)  # the ack comes first; the views follow it
            plan.round_id = c.local.of("round")[0].id
            plan.vote_items = [t.id for t in c.local.of("theme")]

    await asyncio.gather(*(one(p) for p in plans))
