"""A board left open is closed, and so sealed, after the idle period (default 14 days)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from hindsight.board_state import decode_board
from hindsight.board_state import ops as o
from hindsight.server.config import Settings
from hindsight.server.meeting.hub import Hub
from hindsight.server.meeting.ids import now_ms
from hindsight.server.storage.store import Store

from .conftest import board_view, create_board, join, make_client

DAY = 86_400_000


def test_the_default_idle_period_is_fourteen_days() -> None:
    assert Settings().idle_close_days == 14


def test_an_idle_board_is_closed_and_sealed_and_a_busy_one_is_left_alone(tmp_path: Path) -> None:
    async def run() -> None:
        store = Store(tmp_path / "idle.db")
        store.open()
        hub = Hub(store, idle_close_days=14)
        quiet, fac, _ = await hub.create_board(o.CreateBoard(title="Quiet"))
        busy, busy_fac, _ = await hub.create_board(o.CreateBoard(title="Busy"))
        room = await hub.room(quiet)
        assert room is not None
        await room.submit_as(fac, o.AddTimelineEntry(at="2026-08-14T09:00Z", text="deploy"))
        t0 = now_ms()
        assert await hub.close_idle(now=t0 + 13 * DAY) == []  # not yet
        busy_room = await hub.room(busy)
        assert busy_room is not None
        # The busy board had a change "12 days later": measured from its last change, it is young.
        busy_room.clock = lambda: t0 + 12 * DAY
        await busy_room.submit_as(busy_fac, o.AddTimelineEntry(at="2026-08-14T09:00Z", text="x"))
        assert await hub.close_idle(now=t0 + 15 * DAY) == [quiet]
        assert room.board.closed_at is not None and busy_room.board.closed_at is None
        await hub.close()
        with sqlite3.connect(store.path) as conn:
            ops = conn.execute("SELECT COUNT(*) FROM ops WHERE board_id = ?", (quiet,)).fetchone()
            (state,) = conn.execute(
                "SELECT state FROM snapshots WHERE board_id = ?", (quiet,)
            ).fetchone()
        assert ops == (0,) and decode_board(state).closed_at is not None  # sealed
        assert {e.author for e in decode_board(state).timeline.values()} == {"anonymous"}
        store.close()

    asyncio.run(run())


def test_zero_days_turns_the_idle_close_off(tmp_path: Path) -> None:
    async def run() -> None:
        store = Store(tmp_path / "off.db")
        store.open()
        hub = Hub(store, idle_close_days=0)
        await hub.create_board(o.CreateBoard(title="Forever"))
        assert await hub.close_idle(now=now_ms() + 400 * DAY) == []
        await hub.close()
        store.close()

    asyncio.run(run())


def test_the_running_server_sweeps_idle_boards_by_itself(tmp_path: Path) -> None:
    """With a period of a tenth of a second, a board nobody touches is closed by the sweep the
    server runs in the background (about once a second at that setting)."""
    with make_client(tmp_path, idle_close_days=0.1 / 86_400) as client:
        made = create_board(client)
        join(client, made["board_id"], "Ann")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            meta = board_view(client, made["board_id"], made["credential"])["view"]["board"]
            if meta["closed_at"] is not None:
                break
            time.sleep(0.1)
        assert meta["closed_at"] is not None and meta["sealed"] is True
