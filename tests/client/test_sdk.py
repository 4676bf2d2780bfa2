"""The Python SDK against a real server: live sync, drops, resume and the outbox."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from hindsight.board_state import ops as o
from hindsight.board_state.errors import Rejected
from hindsight.board_state.protocol import Welcome
from hindsight.client.http import create_board, join_board
from hindsight.client.sdk import BoardClient
from tests.realserver import RealServer


def _board(server: RealServer) -> tuple[str, str, str]:
    made = create_board(server.url, title="SDK", facilitator_name="Fay")
    ann = join_board(server.url, made["board_id"], "Ann", token=made["join_token"])
    return made["board_id"], made["credential"], ann["credential"]


def test_two_clients_see_each_others_changes_live(server: RealServer) -> None:
    board, fac_cred, ann_cred = _board(server)

    async def run() -> None:
        async with (
            BoardClient(server.url, board, fac_cred) as fac,
            BoardClient(server.url, board, ann_cred) as ann,
        ):
            ack = await ann.submit(o.AddTimelineEntry(at="2026-08-14T09:12Z", text="Alert fired"))
            await fac.wait_for_seq(ack.seq)
            [entry] = fac.local.of("timeline")
            assert entry.text == "Alert fired" and entry.mine is False
            assert ann.local.of("timeline")[0].mine is True

    asyncio.run(run())


def test_ops_sent_while_offline_are_delivered_once_after_reconnect(server: RealServer) -> None:
    board, fac_cred, ann_cred = _board(server)
    welcomes: list[Welcome] = []

    def seen(m: Any) -> None:
        if isinstance(m, Welcome):
            welcomes.append(m)

    async def run() -> None:
        async with (
            BoardClient(server.url, board, fac_cred) as fac,
            BoardClient(server.url, board, ann_cred, on_frame=seen) as ann,
        ):
            await ann.submit(o.AddTimelineEntry(at="2026-08-14T09:00Z", text="before"))
            ann.drop()
            pending = [
                asyncio.ensure_future(
                    ann.submit(
                        o.AddTimelineEntry(at=f"2026-08-14T09:0{i}Z", text=f"typed offline {i}")
                    )
                )
                for i in range(1, 4)
            ]
            acks = await asyncio.gather(*pending)
            assert ann.reconnects >= 1
            assert len({a.seq for a in acks}) == 3
            await fac.wait_for_seq(max(a.seq for a in acks))
            texts = sorted(e.text for e in fac.local.of("timeline"))
            assert texts == ["before", "typed offline 1", "typed offline 2", "typed offline 3"]
            assert not ann.outbox
        # The reconnect resumed from its last seq: no snapshot the second time.
        assert welcomes[0].snapshot is not None
        assert any(w.snapshot is None for w in welcomes[1:])

    asyncio.run(run())


def test_a_resent_cid_is_applied_once(server: RealServer) -> None:
    board, fac_cred, ann_cred = _board(server)

    async def run() -> None:
        async with BoardClient(server.url, board, ann_cred) as ann:
            op = o.AddTimelineEntry(cid="same-cid", at="2026-08-14T10:00Z", text="once")
            first = await ann.submit(op)
            again = await ann.submit(op)
            assert again.duplicate and again.seq == first.seq
            assert [e.text for e in ann.local.of("timeline")] == ["once"]

    asyncio.run(run())


def test_a_refused_op_raises_with_the_servers_reason(server: RealServer) -> None:
    board, _, ann_cred = _board(server)

    async def run() -> None:
        async with BoardClient(server.url, board, ann_cred) as ann:
            with pytest.raises(Rejected) as e:
                await ann.submit(o.AdvancePhase())
            assert e.value.code == "forbidden" and "facilitator" in e.value.message
            assert not ann.outbox

    asyncio.run(run())


def test_a_wrong_credential_fails_fast_instead_of_retrying(server: RealServer) -> None:
    board, _, _ = _board(server)

    async def run() -> None:
        c = BoardClient(server.url, board, "nobody.wrong")
        with pytest.raises(Rejected) as e:
            await c.start(timeout=5)
        assert e.value.code == "unauthorized"
        await c.close()

    asyncio.run(run())


def test_backoff_starts_afresh_after_a_welcome_even_when_the_connection_then_dies(
    server: RealServer,
) -> None:
    """A killed server makes the socket raise rather than close cleanly; once a welcome was
    received, the next wait still drops back to the minimum instead of doubling on."""
    board, fac_cred, _ = _board(server)

    async def run() -> list[tuple[int, float]]:
        async with BoardClient(server.url, board, fac_cred) as fac:
            for _ in range(3):
                await asyncio.wait_for(fac.connected.wait(), 10)
                await asyncio.to_thread(server.kill)
                await asyncio.sleep(0.5)  # several failed attempts double the delay meanwhile
                await asyncio.to_thread(server.start)
                await asyncio.wait_for(fac.connected.wait(), 20)
            return list(fac.backoffs)

    backoffs = asyncio.run(run())
    first_after_each_welcome = {}
    for welcomes, delay in backoffs:
        first_after_each_welcome.setdefault(welcomes, delay)
    assert len(first_after_each_welcome) >= 3
    assert set(first_after_each_welcome.values()) == {0.05}, backoffs
    assert max(d for _, d in backoffs) > 0.05  # the delay did grow while the server was down
