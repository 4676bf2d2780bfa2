"""Two nodes take ops for one board at once (no nginx: each person holds a connection to
each node), and the board's rules that depend on its data still hold.

* Dot budgets: every participant sends more votes than its budget, half of them through
  each node, all at once. A node that checked a vote against a board without the other
  node's latest votes would let a person spend more dots than the budget.
* Edit rights: the facilitator hands the role over through one node while, through the
  other, it deletes another person's note (the facilitator may, a participant may not), and
  the new facilitator does the same to the next person, round after round. Meanwhile people
  try to edit each other's notes through the other node. A node that validated against a
  stale board would accept a delete from someone no longer facilitator.

Checked on the final board, replayed from the PostgreSQL log by the core: every entry is
accepted at its position (an op validated against a stale board is refused there), nobody's
dots exceed the budget and they equal what was acked, and no note carries an edit by anyone
but its author.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from hindsight.board_state import Board, Rejected, apply, decode_entry
from hindsight.board_state import ops as o
from hindsight.client.http import join_board
from hindsight.client.sdk import BoardClient
from tests.cluster.harness import Cluster
from tests.cluster.pglog import PgLog
from tests.cluster.workload import _prepare_board

BUDGET = 3
VOTES_PER_NODE = 4  # per person: 2 x 4 = 8 attempts at a budget of 3
PEOPLE = 4
ROUNDS = 6


@dataclass
class Person:
    name: str
    credential: str
    you: str = ""
    on: list[BoardClient] = field(default_factory=list)  # a connection to each node


@dataclass
class Outcome:
    acked_by_node: list[list[int]]  # seqs acked through node 0 and node 1
    acked_votes: dict[str, int]  # person id -> acked cast_vote count
    refused: dict[str, int] = field(default_factory=dict)  # reject code -> count
    deletes_by_facilitator: int = 0  # accepted: sequenced before the hand-over
    deletes_refused: int = 0  # refused: the hand-over came first
    handovers: int = 0


async def _submit(client: BoardClient, op: o.Op, outcome: Outcome, node: int) -> Any:
    try:
        ack = await client.submit(op, timeout=20)
    except Rejected as e:
        outcome.refused[e.code] = outcome.refused.get(e.code, 0) + 1
        return None
    outcome.acked_by_node[node].append(ack.seq)
    return ack


async def interleave(cluster: Cluster) -> tuple[Board, Outcome, Person]:
    nodes = [n.url for n in cluster.nodes[:2]]
    made, ballot = await _prepare_board(nodes[0], 0, BUDGET)
    board_id = made["board_id"]
    people = [Person("Fay", made["credential"])]
    for i in range(PEOPLE):
        joined = await asyncio.to_thread(
            join_board, nodes[i % 2], board_id, f"P{i}", token=made["join_token"]
        )
        people.append(Person(f"P{i}", joined["credential"]))
    for p in people:
        for url in nodes:
            client = BoardClient(url, board_id, p.credential)
            await client.start()
            p.on.append(client)
        p.you = p.on[0].you
    outcome = Outcome([[], []], {})
    try:
        await _votes(people[1:], ballot.round_id, ballot.items, outcome)
        await _hand_over_and_delete(people, outcome)
        await asyncio.sleep(0.5)
    finally:
        for p in people:
            for client in p.on:
                await client.close()
    board = replay_checked(PgLog(cluster.db_url).ops(board_id), board_id)
    return board, outcome, people[0]


async def _votes(people: list[Person], round_id: str, items: list[str], out: Outcome) -> None:
    async def one(p: Person, node: int, k: int) -> None:
        ack = await _submit(p.on[node], o.CastVote(round_id=round_id, item_id=items[k]), out, node)
        if ack is not None:
            out.acked_votes[p.you] = out.acked_votes.get(p.you, 0) + 1

    await asyncio.gather(
        *(
            one(p, node, (k + node) % len(items))
            for k in range(VOTES_PER_NODE)
            for p in people
            for node in (0, 1)
        )
    )


async def _hand_over_and_delete(people: list[Person], out: Outcome) -> None:
    """Each person writes three notes; then, round after round, the facilitator hands over
    to the next person through node 0 while deleting one of that person's notes through
    node 1; everyone else tries to edit another of that person's notes through node 1 while
    its author edits it through node 0. (Six rounds delete at most two notes of a person.)"""
    for p in people:
        for n in range(3):
            ack = await _submit(
                p.on[n % 2],
                o.AddSticky(section="contributing", text=f"{p.you} wrote note {n}"),
                out,
                n % 2,
            )
            assert ack is not None
    await asyncio.sleep(0.3)
    by_id = {p.you: p for p in people}
    owners = [p.you for p in people]
    facilitator = people[0]
    for r in range(ROUNDS):
        nxt = by_id[owners[1 + r % (len(owners) - 1)]]
        if nxt is facilitator:
            nxt = by_id[owners[1 + (r + 1) % (len(owners) - 1)]]
        victim = nxt.on[1].local
        own = [s.id for s in victim.stickies() if s.mine and s.section == "contributing"]
        target, kept = (own[0], own[-1]) if len(own) > 1 else ("", "")
        edits = [
            _submit(
                p.on[0 if p is nxt else 1],
                o.EditSticky(sticky_id=kept, text=f"edited by {p.you}"),
                out,
                0 if p is nxt else 1,
            )
            for p in people
            if kept
        ]
        handed, deleted, *_ = await asyncio.gather(
            _submit(facilitator.on[0], o.HandOver(participant_id=nxt.you), out, 0),
            _submit(facilitator.on[1], o.DeleteSticky(sticky_id=target), out, 1)
            if target
            else asyncio.sleep(0),
            *edits,
        )
        if target:
            out.deletes_by_facilitator += deleted is not None
            out.deletes_refused += deleted is None
        if handed is not None:
            out.handovers += 1
            facilitator = nxt
        await asyncio.sleep(0.1)


def replay_checked(rows: list[tuple[int, str, str, bytes]], board_id: str) -> Board:
    """The board the log replays to, each entry validated by the core at its position."""
    board = Board(id=board_id)
    for seq, (row_seq, _, _, body) in enumerate(rows, start=1):
        assert row_seq == seq, f"the log skips from {seq - 1} to {row_seq}"
        entry = decode_entry(body)
        try:
            apply(board, entry.op, actor=entry.actor, now=entry.at, new_id=entry.new_id)
        except Rejected as e:
            raise AssertionError(
                f"entry {seq} ({type(entry.op).__name__} by {entry.actor}) is refused by the "
                f"board before it: {e.code} {e}: a node accepted it against a stale board"
            ) from e
    return board
