"""Overload: `hindsight-client bench --overload --capacity N` (N: a measured capacity).

Hindsight alone, R x P seats, offered twice its capacity for `--seconds` (30). Meanwhile a few
seats stop reading for 60% of that time (a laptop on a bad network), so the server must drop
them (close 4008) rather than let their queues grow or slow their boards; when they read again
they find the close, reconnect and resume from their last seq, resending their unacknowledged
ops with the same cids. The server's RSS is sampled
every half second against its baseline (everyone connected, no load).

Then the check that matters: the server is killed with SIGKILL, started again on the same
database, and every acknowledged op (or a random sample of `--verify` of them) is sent again
with its cid by its own seat. The protocol promises each comes back `ack{duplicate: true}`
with the seq it was first acknowledged at: an op that was acked and then lost would instead
be applied anew (a new seq) or refused.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from hindsight.client.bench.load import Load, Seat
from hindsight.client.bench.records import summarize
from hindsight.client.bench.servers import LocalServer, pin, run_generator
from hindsight.client.bench.setup import hindsight_plans, prepare


async def _sample_rss(server: LocalServer, until: float, out: list[int]) -> None:
    while time.perf_counter() < until:
        s = server.sample()
        if s:
            out.append(s.rss)
        await asyncio.sleep(0.5)


async def _stall(load: Load, seats: list[Seat], after: float, stalled: float) -> None:
    """Stop reading on `seats` for `stalled` seconds, then read again: a client that was
    dropped meanwhile finds the server's close (1011 when it missed the keepalive ping, 4008
    when its queue filled first) at the end of what it had been sent, reconnects and resumes;
    its new connection is an ordinary one."""
    await asyncio.sleep(after)
    paused = []
    for seat in seats:
        seat.rcvbuf = None
        if seat.client is not None:
            seat.client.pause_reading()
            paused.append(seat.client)
    await asyncio.sleep(stalled)
    for client in paused:
        client.resume_reading()


async def _verify(
    load: Load, acked: list[tuple[Seat, bytes, int]], chunk: int = 400
) -> dict[str, int]:
    """Resend acked ops by the same seats (of `load`, same boards and indexes)."""
    seats = {(s.board.plan.board_id, s.index): s for s in load.seats}
    expect: dict[tuple[str, int, str], int] = {}
    result = {"checked": 0, "same_seq_duplicate": 0, "applied_again": 0, "other": 0}

    def on_ack(seat: Seat, cid: str, seq: int, duplicate: bool) -> None:
        want = expect.pop((seat.board.plan.board_id, seat.index, cid), None)
        if want is None:
            return
        key = (
            "same_seq_duplicate"
            if duplicate and seq == want
            else ("applied_again" if not duplicate else "other")
        )
        result[key] += 1

    load.on_ack = on_ack
    from hindsight.client.bench.load import FRAME
    from hindsight.client.bench.records import OpRec

    for i in range(0, len(acked), chunk):
        for old_seat, frame, seq in acked[i : i + chunk]:
            seat = seats[(old_seat.board.plan.board_id, old_seat.index)]
            cid = FRAME.decode(frame).cid
            expect[(seat.board.plan.board_id, seat.index, cid)] = seq
            seat.outbox[cid] = (frame, OpRec(time.perf_counter(), -1, 0))
            assert seat.client is not None
            seat.client.send_text(frame)
            result["checked"] += 1
        give_up = time.perf_counter() + 30
        while expect and time.perf_counter() < give_up:
            await asyncio.sleep(0.01)
    result["unanswered"] = len(expect)
    return result


async def run(
    boards: int, people: int, rate: float, seconds: float, verify: int, core: int | None, slow: int
) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="hindsight-overload-"))
    db = workdir / "overload.db"
    server = LocalServer("hindsight", workdir, core=core, db=db)
    server.start()
    pin(None if core is None else core + 1)
    out: dict[str, Any] = {"boards": boards, "people": people, "offered": rate, "seconds": seconds}
    try:
        plans = await asyncio.to_thread(hindsight_plans, server.url, boards, people)
        await prepare(server.url, plans)
        load = Load("hindsight", "127.0.0.1", server.port, plans, people, seed=7)
        load.keep_acked = True
        slow_seats = [b.seats[1] for b in load.boards[:slow]]
        for seat in slow_seats:
            # Connected with a small receive buffer (as over a congested link), so what they
            # do not read backs up on the server, in their bounded queues, rather than in the
            # kernel buffers of a loopback connection, which hold megabytes.
            seat.rcvbuf = 4096
        await load.connect_all()
        await asyncio.sleep(1.0)
        base = server.sample()
        assert base is not None
        rss: list[int] = []
        sampler = asyncio.get_running_loop().create_task(
            _sample_rss(server, time.perf_counter() + seconds + 10, rss)
        )
        staller = asyncio.get_running_loop().create_task(
            # 22.5 s of a 30 s run: longer than the keepalive's worst case (a ping at most 10 s
            # after the stall begins, unanswered for 10 s), with time left to resume.
            _stall(load, slow_seats, 1.0, seconds * 0.75)
        )
        stats = await load.run(rate, 0.0, seconds, 10.0, step=1)
        await staller
        sampler.cancel()
        out["run"] = summarize(stats, rate, seconds)
        out["rss_baseline_mb"] = round(base.rss / 2**20, 1)
        out["rss_max_mb"] = round(max(rss) / 2**20, 1)
        out["rss_max_over_baseline"] = round(max(rss) / base.rss, 2)
        out["closes"] = {str(k): v for k, v in load.closes.items()}
        # Dropped by the server: 4008 when its queue filled first; otherwise for leaving the
        # keepalive ping unanswered (uvicorn sends 1011, but what a stalled reader finally reads
        # is often the end of the connection without a close frame: 1006).
        out["dropped_slow"] = sum(1 for s in slow_seats if s.closed)
        out["dropped_other"] = sum(1 for s in load.seats if s.closed and s not in slow_seats)
        out["server_logged_slow_drops"] = server.log.read_text().count(
            "disconnecting a slow reader"
        )
        out["resumed"] = load.resumed
        out["slow_seats_reading_again"] = sum(1 for s in slow_seats if s.ready)
        acked = load.acked_log
        out["acked_ops"] = len(acked)
        await load.close()
        server.stop(kill=True)
        server = LocalServer("hindsight", workdir, core=core, db=db)
        server.start()
        again = Load("hindsight", "127.0.0.1", server.port, plans, people)
        await again.connect_all()
        sample = acked if len(acked) <= verify else random.Random(3).sample(acked, verify)
        out["after_kill9"] = await _verify(again, sample)
        await again.close()
    finally:
        server.stop()
    return out


def main(
    boards: int,
    people: int,
    capacity: float,
    seconds: float = 30.0,
    verify: int = 20_000,
    core: int | None = 0,
    slow: int = 5,
) -> dict[str, Any]:
    result = run_generator(run(boards, people, 2 * capacity, seconds, verify, core, slow))
    a = result["after_kill9"]
    print(
        f"{boards}x{people} at {2 * capacity:.0f} ops/s (2 x {capacity:.0f}) for {seconds:.0f} s: "
        f"acked {result['run']['acked']} of {result['run']['sent']}, "
        f"RSS {result['rss_baseline_mb']} -> max {result['rss_max_mb']} MB "
        f"({result['rss_max_over_baseline']}x), slow readers dropped {result['dropped_slow']} "
        f"of {slow} (closes by code {result['closes']}; others dropped "
        f"{result['dropped_other']}), resumed {result['resumed']}"
    )
    print(
        f"after kill -9 and restart: {a['checked']} acked ops resent, "
        f"{a['same_seq_duplicate']} answered duplicate at their original seq, "
        f"{a['applied_again']} applied again, {a['other']} other, {a['unanswered']} unanswered"
    )
    return result
