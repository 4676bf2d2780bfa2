"""Start-up and board-load times: `hindsight-client bench --startup`.

1. A fresh `hindsight serve` gets `--boards` stored boards (1,000) over HTTP, and one board with
   `--ops` ops (10,000: notes added, edited and voted on, pipelined through the SDK).
2. The server is stopped and started again, `--restarts` times: each time, the seconds from
   spawning the process to its first `200` on /readyz (it accepts connections and serves),
   with Python's bytecode cache in use, as in any installation (one untimed start fills it).
   The floor relay's start (Python, Starlette and uvicorn, nothing of ours) is timed alike,
   as the baseline nobody can go below.
3. After each restart (and a hello to a small board, which warms the server's own paths),
   the big board is cold: the first `hello` makes the server load it
   (latest snapshot, the tail after it, credentials and the dedupe table of cids). Its load
   time is hello -> welcome on that first connection minus the same on a second connection
   (the board then in memory), both from a client that is already connected.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import msgspec

from hindsight.board_state import ops as o
from hindsight.client.bench.servers import LocalServer, pin, run_generator
from hindsight.client.bench.wire import WireClient, connect
from hindsight.client.http import create_board
from hindsight.client.sdk import BoardClient


async def fill_board(server: str, n_ops: int) -> tuple[str, str]:
    board = await asyncio.to_thread(create_board, server, title="A long meeting")
    async with BoardClient(server, board["board_id"], board["credential"]) as c:
        themes = next(p.id for p in c.local.meta.agenda if p.kind == "themes")
        await c.submit(o.GoToPhase(phase_id=themes), timeout=60)
        ack = await c.submit(o.OpenVote(target="stickies", budget=50), timeout=60)
        await c.wait_for_seq(ack.seq)
        round_id = c.local.of("round")[0].id
        done = 2
        while done < n_ops:
            # Pipelined in chunks: the server group-commits them, as it would a busy board.
            chunk = min(200, n_ops - done)
            stickies = [s.id for s in c.local.stickies()]
            batch: list[o.Op] = []
            for i in range(chunk):
                k = (done + i) % 10
                if not stickies or (k < 2 and len(stickies) < 1500):
                    batch.append(o.AddSticky(section="went_badly", text=f"note {done + i}"))
                elif k < 8:
                    batch.append(
                        o.EditSticky(
                            sticky_id=stickies[(done + i) % len(stickies)],
                            text=f"edited {done + i}",
                        )
                    )
                else:
                    batch.append(
                        o.CastVote(round_id=round_id, item_id=stickies[(done + i) % len(stickies)])
                        if k == 8
                        else o.Unvote(
                            round_id=round_id, item_id=stickies[(done + i - 1) % len(stickies)]
                        )
                    )
            acks = await asyncio.gather(
                *(c.submit(op, timeout=120) for op in batch), return_exceptions=True
            )
            done += chunk
            last = max((a.seq for a in acks if not isinstance(a, BaseException)), default=0)
            await c.wait_for_seq(last, timeout=60)
    return board["board_id"], board["credential"]


async def hello_to_welcome(port: int, board_id: str, credential: str) -> float:
    welcomed: asyncio.Future[float] = asyncio.get_running_loop().create_future()

    def on_message(client: WireClient, payload: bytes, now: float) -> None:
        if not welcomed.done() and b'"welcome"' in payload[:40]:
            welcomed.set_result(now)

    client = await connect("127.0.0.1", port, on_message, lambda c, code: None)
    t0 = time.perf_counter()
    client.send_text(
        msgspec.json.encode({"type": "hello", "board": board_id, "credential": credential})
    )
    arrived = await asyncio.wait_for(welcomed, 30)
    client.close()
    return arrived - t0


async def run(boards: int, n_ops: int, restarts: int, core: int | None) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="hindsight-startup-"))
    db = workdir / "startup.db"
    server = LocalServer("hindsight", workdir, core=core, db=db)
    server.start()
    pin(None if core is None else core + 1)
    try:
        t0 = time.perf_counter()
        with ThreadPoolExecutor(16) as pool:
            stored = list(
                pool.map(
                    lambda i: create_board(server.url, title=f"Stored board {i}"), range(boards)
                )
            )
        made_boards = time.perf_counter() - t0
        t0 = time.perf_counter()
        board_id, credential = await fill_board(server.url, n_ops)
        made_ops = time.perf_counter() - t0
    finally:
        server.stop()
    # As installed, Python keeps compiled modules (`__pycache__`). Where the environment says
    # PYTHONDONTWRITEBYTECODE (this workplace's shells do) every start would compile every
    # module from source again (about 60 ms of Hindsight's start), so both servers cache
    # bytecode in the work directory, and one start of each before the timed ones fills it.
    cached = {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(workdir / "pycache")}
    for kind in ("floor", "hindsight"):
        first = LocalServer(kind, workdir, core=core, db=db, env=cached)
        first.start()
        first.stop()
    starts, floor_starts, cold, warm = [], [], [], []
    for _ in range(restarts):
        floor = LocalServer("floor", workdir, core=core, env=cached)
        floor.start()
        floor_starts.append(floor.started_in)
        floor.stop()
        server = LocalServer("hindsight", workdir, core=core, db=db, env=cached)
        server.start()
        starts.append(server.started_in)
        try:
            # A small board first, so the cold figure is the big board's load alone, not the
            # first connection's one-off costs (a reader connection to SQLite, ...).
            await hello_to_welcome(server.port, stored[0]["board_id"], stored[0]["credential"])
            cold.append(await hello_to_welcome(server.port, board_id, credential))
            warm.append(await hello_to_welcome(server.port, board_id, credential))
        finally:
            server.stop()
    loads = [c - w for c, w in zip(cold, warm)]
    return {
        "stored_boards": boards + 1,
        "big_board_ops": n_ops,
        "setup_s": {"boards": round(made_boards, 1), "big_board": round(made_ops, 1)},
        "start_to_ready_s": {
            "median": round(statistics.median(starts), 3),
            "max": round(max(starts), 3),
            "all": [round(s, 3) for s in starts],
        },
        "floor_start_to_ready_s": {"median": round(statistics.median(floor_starts), 3)},
        "big_board_load_ms": {
            "median": round(statistics.median(loads) * 1000, 1),
            "max": round(max(loads) * 1000, 1),
        },
        "first_hello_to_welcome_ms": [round(c * 1000, 1) for c in cold],
        "warm_hello_to_welcome_ms": [round(w * 1000, 1) for w in warm],
    }


def main(
    boards: int = 1000, n_ops: int = 10_000, restarts: int = 5, core: int | None = 0
) -> dict[str, Any]:
    result = run_generator(run(boards, n_ops, restarts, core))
    s, b = result["start_to_ready_s"], result["big_board_load_ms"]
    print(
        f"start to ready with {result['stored_boards']} stored boards: median {s['median']} s, "
        f"max {s['max']} s (floor relay: {result['floor_start_to_ready_s']['median']} s)"
    )
    print(f"loading a board of {n_ops} ops: median {b['median']} ms, max {b['max']} ms")
    return result
