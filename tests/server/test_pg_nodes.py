"""Two nodes on one PostgreSQL database, in one process: two stores, two hubs, two rooms of
the same board, driven directly so that their rounds interleave on purpose (both rooms
sequence ops at the same seq; the database lets one commit and the other catches up).

The cluster test (tests/cluster/) does the same through real uvicorn nodes, nginx and kills;
here each rule is forced once, deterministically.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from hindsight.board_state import Rejected, decode_entry, encode_board
from hindsight.board_state import ops as o
from hindsight.board_state.protocol import Presence as PresenceFrame
from hindsight.board_state.protocol import Welcome
from hindsight.server.meeting import presence_share
from hindsight.server.meeting.hub import Hub
from hindsight.server.meeting.room import Room
from hindsight.server.storage.pg_store import PgStore
from tests.pgserver import PgServer, pg_available
from tests.server.test_room import Peer

pytestmark = pytest.mark.skipif(not pg_available(), reason="PostgreSQL is not installed")


@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    with PgServer(settings={"fsync": "off"}) as server:
        yield server


class Nodes:
    def __init__(self, url: str) -> None:
        self.stores = [PgStore(url, node=f"n{i}") for i in range(2)]
        self.hubs: list[Hub] = []

    async def __aenter__(self) -> Nodes:
        for store in self.stores:
            await asyncio.to_thread(store.open)
            hub = Hub(store)
            hub.share_presence(store.node, store.announce)
            store.listen(asyncio.get_running_loop(), hub.hint, hub.heard)
            self.hubs.append(hub)
        return self

    async def __aexit__(self, *exc: object) -> None:
        for hub, store in zip(self.hubs, self.stores):
            await hub.close()
            await asyncio.to_thread(store.close)

    async def board(self, kind: str = "contributing_factors") -> tuple[str, str, Room, Room]:
        """A board on node 0 in the first phase of `kind`, and its room on both nodes."""
        board_id, fac, _ = await self.hubs[0].create_board(o.CreateBoard(title="Two nodes"))
        a, b = await self.hubs[0].room(board_id), await self.hubs[1].room(board_id)
        assert a is not None and b is not None
        while await a.consult(lambda bd: _kind(bd)) != kind:
            await a.submit_as(fac, o.AdvancePhase(start_timer=False))
        await same(a, b)
        return board_id, fac, a, b


def _kind(board: Any) -> str:
    phase = board.current_phase()
    return "" if phase is None else str(phase.kind)


async def same(a: Room, b: Room, timeout: float = 5.0) -> None:
    """Wait until both rooms are at one seq (by the hints alone), then compare the boards."""
    deadline = asyncio.get_running_loop().time() + timeout
    while a.seq != b.seq:
        assert asyncio.get_running_loop().time() < deadline, (a.seq, b.seq)
        await asyncio.sleep(0.01)
    assert await a.consult(encode_board) == await b.consult(encode_board)


async def settle(*calls: Any) -> list[Any]:
    return list(await asyncio.gather(*calls, return_exceptions=True))


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_the_dot_budget_holds_when_two_nodes_take_one_persons_votes_at_once(pg: PgServer) -> None:
    async def go() -> None:
        async with Nodes(pg.database("budget")) as n:
            _, fac, a, b = await n.board()
            ann, _ = await a.join("Ann", "participant")
            notes = [
                (await a.submit_as(ann, o.AddSticky(section="contributing", text=f"n{i}"))).made[0]
                for i in range(4)
            ]
            opened = await a.submit_as(fac, o.OpenVote(budget=3))
            round_id = opened.made[0]
            await same(a, b)
            # Both rooms sequence these at the same seqs: one node's batch loses the seq.
            got = await settle(
                a.submit_as(ann, o.CastVote(round_id=round_id, item_id=notes[0])),
                a.submit_as(ann, o.CastVote(round_id=round_id, item_id=notes[1])),
                b.submit_as(ann, o.CastVote(round_id=round_id, item_id=notes[2])),
                b.submit_as(ann, o.CastVote(round_id=round_id, item_id=notes[3])),
            )
            assert a.conflicts + b.conflicts >= 1  # the interleaving really happened
            refused = [g for g in got if isinstance(g, Rejected)]
            assert len(refused) == 1 and len(got) - len(refused) == 3, got
            await same(a, b)
            votes = [
                e
                for e in map(decode_entry, (r.body for r in n.stores[0].ops_since(a.board_id, 0)))
                if isinstance(e.op, o.CastVote)
            ]
            assert len(votes) == 3

    run(go())


def test_edit_rights_hold_when_a_delete_and_edits_of_one_note_meet_on_two_nodes(
    pg: PgServer,
) -> None:
    async def go() -> None:
        async with Nodes(pg.database("edits")) as n:
            _, _, a, b = await n.board()
            ann, _ = await a.join("Ann", "participant")
            bob, _ = await b.join("Bob", "participant")
            note = (await a.submit_as(ann, o.AddSticky(section="contributing", text="x"))).made[0]
            await same(a, b)
            got = await settle(
                a.submit_as(ann, o.DeleteSticky(sticky_id=note)),
                b.submit_as(bob, o.EditSticky(sticky_id=note, text="Bob was here")),
                b.submit_as(ann, o.EditSticky(sticky_id=note, text="Ann's own")),
            )
            assert a.conflicts + b.conflicts >= 1
            assert isinstance(got[0], tuple) and got[0].seq > 0  # the delete lands
            assert isinstance(got[1], Rejected)  # nobody edits another's note, on any node
            await same(a, b)
            assert note not in await a.consult(lambda bd: set(bd.stickies))
            texts = [
                e.op.text
                for e in map(decode_entry, (r.body for r in n.stores[0].ops_since(a.board_id, 0)))
                if isinstance(e.op, o.EditSticky)
            ]
            assert "Bob was here" not in texts

    run(go())


def test_one_timebox_expiry_per_deadline_when_both_nodes_hold_the_timer(pg: PgServer) -> None:
    async def go() -> None:
        async with Nodes(pg.database("timer")) as n:
            _, fac, a, b = await n.board()
            await a.submit_as(fac, o.AdvancePhase())  # the next phase, its timer running
            await same(a, b)
            later = a.clock() + 24 * 3_600_000
            for room in (a, b):  # both nodes' clocks pass the deadline at once
                room.clock = lambda: later
                room._deadline.cancel()
                room._arm_deadline()
            deadline = asyncio.get_running_loop().time() + 5
            while not await a.consult(lambda bd: bd.current_phase().expired):
                assert asyncio.get_running_loop().time() < deadline
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.3)  # time for a second expiry, if there were one
            await same(a, b)
            expiries = [
                e
                for e in map(decode_entry, (r.body for r in n.stores[0].ops_since(a.board_id, 0)))
                if isinstance(e.op, o.TimeboxExpired)
            ]
            assert len(expiries) == 1

    run(go())


def test_a_client_resumes_on_the_other_node_by_the_shared_epoch(pg: PgServer) -> None:
    async def go() -> None:
        async with Nodes(pg.database("resume")) as n:
            _, _, a, b = await n.board()
            ann, ann_cred = await a.join("Ann", "participant")
            on_a = Peer(ann)
            a.hello(on_a, 0, "")
            await a.submit_as(ann, o.AddSticky(section="contributing", text="one"))
            seen = a.seq
            await a.submit_as(ann, o.AddSticky(section="contributing", text="two"))
            await same(a, b)
            assert a.epoch == b.epoch
            # Ann's connection drops; she comes back through node B with what she had.
            assert await b.authenticate_now(ann_cred) == ann  # she joined through node A
            on_b = Peer(ann)
            b.hello(on_b, seen, a.epoch)
            deadline = asyncio.get_running_loop().time() + 5
            while len(on_b.frames) < 2:
                assert asyncio.get_running_loop().time() < deadline
                await asyncio.sleep(0.01)
            welcome = on_b.frames[0]
            assert isinstance(welcome, Welcome) and welcome.snapshot is None  # a resume
            assert [f.seq for f in on_b.frames[1:] if hasattr(f, "changes")] == [seen + 1]

    run(go())


def test_live_events_from_the_other_node_are_the_ones_its_own_people_get(pg: PgServer) -> None:
    async def go() -> None:
        async with Nodes(pg.database("live")) as n:
            _, _, a, b = await n.board()
            ann, _ = await a.join("Ann", "participant")
            bob, _ = await b.join("Bob", "participant")
            await same(a, b)
            watch_a, watch_b = Peer(bob), Peer(bob)  # Bob, connected to each node
            a.hello(watch_a, 0, "")
            b.hello(watch_b, 0, "")
            for i in range(5):
                await a.submit_as(ann, o.AddSticky(section="contributing", text=f"a{i}"))
            await same(a, b)
            events_a = [f for f in watch_a.frames if hasattr(f, "changes")]
            events_b = [f for f in watch_b.frames if hasattr(f, "changes")]
            assert len(events_a) == 5 and events_a == events_b

    run(go())


def test_a_node_that_missed_the_close_cannot_write_into_the_sealed_history(pg: PgServer) -> None:
    async def go() -> None:
        async with Nodes(pg.database("sealed")) as n:
            _, fac, a, b = await n.board()
            ann, _ = await a.join("Ann", "participant")
            await a.submit_as(ann, o.AddSticky(section="contributing", text="before"))
            await same(a, b)
            b.hint = lambda seq: None  # type: ignore[method-assign]  # B hears nothing now
            await a.submit_as(fac, o.AddSticky(section="contributing", text="later"))
            await a.submit_as(fac, o.CloseMeeting())  # A seals; B is two seqs behind
            # B takes an op at the seq of the emptied "later" row: the key is still taken, so
            # B catches up, finds the sealed board and refuses the op like any closed board.
            with pytest.raises(Rejected):
                await b.submit_as(ann, o.AddSticky(section="contributing", text="too late"))
            assert b.conflicts >= 1 and await b.consult(lambda bd: bd.sealed)
            rows = n.stores[0].ops_since(a.board_id, 0)
            assert rows and not any(r.body for r in rows)  # the sealed history: keys only
            assert await a.consult(encode_board) == await b.consult(encode_board)
            assert a.epoch == b.epoch  # the sealed board's epoch, the same on both nodes

    run(go())


def test_presence_counts_the_people_on_every_node_and_forgets_a_silent_one(
    pg: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(presence_share, "HEARTBEAT", 0.1)
    monkeypatch.setattr(presence_share, "NODE_TIMEOUT", 0.6)

    async def online(peer: Peer, want: int) -> None:
        deadline = asyncio.get_running_loop().time() + 5
        while True:
            seen = [f.online for f in peer.frames if isinstance(f, PresenceFrame)]
            if seen and seen[-1] == want:
                return
            assert asyncio.get_running_loop().time() < deadline, seen
            await asyncio.sleep(0.02)

    async def go() -> None:
        async with Nodes(pg.database("presence")) as n:
            _, _, a, b = await n.board()
            ann, _ = await a.join("Ann", "participant")
            bob, _ = await b.join("Bob", "participant")
            on_a, on_b = Peer(ann), Peer(bob)
            a.hello(on_a, 0, "")
            b.hello(on_b, 0, "")
            await online(on_a, 2)  # Ann on node A counts Bob on node B, and the other way
            await online(on_b, 2)
            b.leave(on_b)
            await online(on_a, 1)
            b.hello(on_b, 0, "")
            await online(on_a, 2)
            await n.hubs[1].presence.stop()  # node B falls silent (as if killed)
            n.stores[1].announce = lambda payload: None  # type: ignore[method-assign]
            await online(on_a, 1)

    run(go())


def test_a_node_unloads_a_room_nobody_uses_and_stops_following_its_board(pg: PgServer) -> None:
    async def go() -> None:
        async with Nodes(pg.database("unload")) as n:
            board_id, fac, a, b = await n.board()
            watcher = Peer(fac)
            b.hello(watcher, 0, "")
            await same(a, b)
            assert await n.hubs[1].unload_idle(idle=0) == []  # someone is connected on B
            b.leave(watcher)
            assert await n.hubs[1].unload_idle(idle=0) == [board_id]
            assert board_id not in n.hubs[1].rooms and b.closed
            await a.submit_as(fac, o.ParkQuestion(text="after B let go"))
            again = await n.hubs[1].room(board_id)  # the next visitor loads it afresh
            assert again is not None and again.seq == a.seq
            assert await again.consult(encode_board) == await a.consult(encode_board)
            await a.submit_as(fac, o.AdvancePhase())  # a timer runs: the room stays
            await same(a, again)
            assert await n.hubs[1].unload_idle(idle=0) == []

    run(go())


def test_a_new_epoch_after_a_restore_makes_clients_take_a_snapshot_not_resume(
    pg: PgServer,
) -> None:
    """docs/operators.md, PostgreSQL, Backups: after a restore, `UPDATE boards SET epoch = ...`
    (nodes stopped), so no browser resumes from events of a history the restore undid."""
    url = pg.database("restore")

    async def first() -> tuple[str, str, str, int]:
        async with Nodes(url) as n:
            board_id, fac, a, _ = await n.board()
            return board_id, fac, a.epoch, a.seq

    async def after(board_id: str, fac: str, epoch: str, seq: int) -> None:
        async with Nodes(url) as n:
            room = await n.hubs[0].room(board_id)
            assert room is not None and room.epoch != epoch
            peer = Peer(fac)
            room.hello(peer, seq, epoch)
            deadline = asyncio.get_running_loop().time() + 5
            while not peer.frames:
                assert asyncio.get_running_loop().time() < deadline
                await asyncio.sleep(0.01)
            welcome = peer.frames[0]
            assert isinstance(welcome, Welcome) and welcome.snapshot is not None

    board_id, fac, epoch, seq = run(first())
    pg.psql("restore", "UPDATE boards SET epoch = md5(random()::text || id)")
    run(after(board_id, fac, epoch, seq))
