"""What the transport settings cost: permessage-deflate, uvicorn's websocket implementation,
uvloop. Measured on the floor relay (the settings act below the application, so the floor
shows their cost undiluted).

    python -m client.bench_settings [--connections 1000] [--rate 400] [--uvloop-path DIR]

Each variant gets a fresh floor on core 0 and the same clients (the `websockets` library's,
offering permessage-deflate, so compression is on exactly when the server accepts it):
memory per connection from the server's RSS before and after they connect, then server CPU
per delivered message at a fixed offered rate. uvloop is measured only when `--uvloop-path`
names a directory holding it (e.g. `uv pip install --target DIR uvloop`), so trying it
never changes the project's environment.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from hindsight.client.bench.servers import LocalServer, pin, run_generator

TEXT = (
    '{"type":"add_sticky","cid":"%d","section":"went_well",'
    '"text":"rollback took four minutes because the runbook pointed at the old dashboard"}'
)


async def measure(
    server: LocalServer, connections: int, per_board: int, rate: float, seconds: float
) -> dict[str, Any]:
    received = 0

    async def reader(ws: ClientConnection) -> None:
        nonlocal received
        async for _ in ws:
            received += 1

    url = f"ws://127.0.0.1:{server.port}/ws"
    before = server.sample()
    clients: list[ClientConnection] = []
    for i in range(connections):
        ws = await connect(url, compression="deflate", max_size=1 << 20)
        await ws.send(json.dumps({"type": "hello", "board": f"b{i // per_board}"}))
        await ws.recv()  # welcome
        clients.append(ws)
    await asyncio.sleep(1.0)
    connected = server.sample()
    deflate = clients[0].protocol.extensions != []
    readers = [asyncio.get_running_loop().create_task(reader(ws)) for ws in clients]
    start_cpu, t0 = server.sample(), time.perf_counter()
    sent, rng = 0, random.Random(1)
    while (now := time.perf_counter()) < t0 + seconds:
        due = int((now - t0) * rate)
        while sent < due:
            await rng.choice(clients).send(TEXT % sent)
            sent += 1
        await asyncio.sleep(0.002)
    await asyncio.sleep(1.0)
    end_cpu = server.sample()
    for task in readers:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in clients), return_exceptions=True)
    assert before and connected and start_cpu and end_cpu
    return {
        "deflate_negotiated": deflate,
        "kb_per_connection": round((connected.rss - before.rss) / connections / 1024, 1),
        "messages_delivered": received,
        "server_cpu_us_per_message": round(
            (end_cpu.cpu_s - start_cpu.cpu_s) / max(1, received) * 1e6, 2
        ),
    }


async def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    variants: list[tuple[str, list[str], dict[str, str]]] = [
        ("sansio, deflate off (shipped)", [], {}),
        ("sansio, deflate on", ["--deflate"], {}),
        ("legacy websockets impl, deflate off", ["--ws", "websockets"], {}),
    ]
    if args.uvloop_path:
        variants.append(("sansio, deflate off, uvloop", [], {"PYTHONPATH": args.uvloop_path}))
    workdir = Path(tempfile.mkdtemp(prefix="hindsight-settings-"))
    pin(1)
    results = []
    for _ in range(args.repeat):
        for name, extra, env in variants:
            server = LocalServer("floor", workdir, core=0, extra_args=extra, env=env)
            server.start()
            try:
                figures = await measure(server, args.connections, 10, args.rate, args.seconds)
            finally:
                server.stop()
            figures["variant"] = name
            print(json.dumps(figures), flush=True)
            results.append(figures)
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m client.bench_settings")
    p.add_argument("--connections", type=int, default=1000)
    p.add_argument("--rate", type=float, default=400.0, help="ops/s offered (x10 delivered)")
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--repeat", type=int, default=2, help="rounds over the variants (A B C A B C)")
    p.add_argument("--uvloop-path", help="a directory holding uvloop, put on the floor's path")
    p.add_argument("--json", dest="json_path")
    args = p.parse_args(argv)
    results = run_generator(run(args))
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
