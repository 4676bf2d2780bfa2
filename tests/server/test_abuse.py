"""Abuse: a flooding connection, a client that never reads, many connections from one address.

- A flood from one connection is cut down to its rate (`reject{rate_limited}`, a documented
  code, for every frame over it), every frame is answered, the board keeps working for everyone
  else, and nothing that was acknowledged is lost.
- A client that never reads is disconnected (4008) while the others on its board lose nothing
  and their ack latency stays what it was without it (compared with a baseline in the same test,
  as a ratio: no wall-time figure is asserted).
- Websockets from one address are capped (`max_connections_per_address`): the next one gets
  `error{limit}` and close 4009, the open ones are untouched, and a freed slot can be used again.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import websockets
from starlette.testclient import TestClient

from hindsight.board_state.protocol import decode_server
from hindsight.client.http import create_board as http_create_board
from hindsight.client.http import join_board
from hindsight.server.config import Settings
from tests.realserver import RealServer

from .conftest import (
    board_view,
    close_code,
    create_board,
    entry,
    frames_of,
    hello,
    is_type,
    join,
    make_client,
    op,
    recv,
    recv_skipping,
    recv_until,
    send,
)
from .test_slow_reader import _close_code, _raw_websocket, _send_text

# --- flood -----------------------------------------------------------------------------------------


def test_a_flood_from_one_connection_is_rate_limited_and_the_board_keeps_working(
    tmp_path: Path,
) -> None:
    flood = 200
    with make_client(tmp_path, rate=5, burst=10) as client:
        b = create_board(client)
        ann, bob = join(client, b["board_id"], "Ann"), join(client, b["board_id"], "Bob")
        with client.websocket_connect("/ws") as a, client.websocket_connect("/ws") as o:
            hello(a, b["board_id"], ann["credential"])
            start = hello(o, b["board_id"], bob["credential"])["seq"]
            for i in range(flood):
                send(a, entry(f"f{i}", f"flood {i}"))
            answers: dict[str, dict[str, Any]] = {}
            while len(answers) < flood:
                frame = recv(a)
                if frame["type"] in ("ack", "reject", "error"):
                    assert frame["type"] != "error", frame  # every op's cid was readable
                    assert frame["cid"] not in answers, f"answered twice: {frame}"
                    answers[frame["cid"]] = frame
            acked = {c for c, f in answers.items() if f["type"] == "ack"}
            refused = {c: f["code"] for c, f in answers.items() if f["type"] == "reject"}
            assert set(refused.values()) == {"rate_limited"}, refused
            assert len(acked) >= 10 and refused, (len(acked), len(refused))

            # Bob, on the same board, is not limited by Ann's flood (8: within his own burst).
            for i in range(8):
                send(o, entry(f"b{i}", f"bob {i}"))
                assert not recv_skipping(o, is_type("ack", cid=f"b{i}"))["duplicate"]

            # Ann may retry a refused op later with the same cid: it is applied once.
            retry = min(refused, key=lambda c: int(c[1:]))
            time.sleep(0.5)  # the bucket refills (5 per second)
            send(a, entry(retry, f"flood {retry[1:]}"))
            ack = recv_skipping(a, is_type("ack", cid=retry))
            assert not ack["duplicate"]
            acked.add(retry)

            # Bob saw one event per accepted op, in order, with no gap.
            recv_skipping(o, is_type("event", seq=ack["seq"]))
            seqs = [f["seq"] for f in frames_of(o) if f["type"] == "event"]
            assert seqs == list(range(start + 1, ack["seq"] + 1))
            assert len(seqs) == len(acked) + 8

        # Nothing acknowledged was lost, and nothing refused slipped in.
        view = board_view(client, b["board_id"], bob["credential"])["view"]
        texts = sorted(e["text"] for e in view["timeline"])
        assert texts == sorted([f"flood {c[1:]}" for c in acked] + [f"bob {i}" for i in range(8)])


# --- many connections from one address -----------------------------------------------------------


def _open(client: TestClient) -> int:
    counts = getattr(client.app.state, "ws_per_address", None)  # type: ignore[attr-defined]
    return int(counts["testclient"]) if counts else 0


def _wait_open(client: TestClient, n: int) -> None:
    """The server counts a closed socket down when its handler ends; wait for that."""
    for _ in range(200):
        if _open(client) == n:
            return
        time.sleep(0.01)
    raise AssertionError(f"{_open(client)} connections counted, expected {n}")


def test_websockets_from_one_address_are_capped_with_4009_and_a_freed_slot_is_reusable(
    tmp_path: Path,
) -> None:
    with make_client(tmp_path, max_connections_per_address=3) as client:
        b = create_board(client)
        with ExitStack() as stack:
            socks = [stack.enter_context(client.websocket_connect("/ws")) for _ in range(3)]
            hello(socks[0], b["board_id"], b["credential"])
            hello(socks[1], b["board_id"], b["credential"])
            # socks[2] never says hello: it holds a slot all the same.
            _wait_open(client, 3)
            for _ in range(2):  # refused ones are not counted: the cap holds, twice
                with client.websocket_connect("/ws") as extra:
                    refusal = recv(extra)
                    assert refusal["type"] == "error" and refusal["code"] == "limit", refusal
                    assert "too many connections" in refusal["message"]
                    assert close_code(extra) == 4009
            _wait_open(client, 3)
            # The open connections are untouched.
            ack, _ = op(socks[0], entry("c1", "still here"))
            assert recv_until(socks[1], is_type("event"))["seq"] == ack["seq"]
            socks[2].close()
            _wait_open(client, 2)
            with client.websocket_connect("/ws") as again:
                assert hello(again, b["board_id"], b["credential"])["type"] == "welcome"
        _wait_open(client, 0)


def test_the_connection_cap_defaults_to_200_reads_its_variable_and_0_turns_it_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Settings().max_connections_per_address == 200
    monkeypatch.setenv("HINDSIGHT_MAX_CONNECTIONS_PER_ADDRESS", "7")
    assert Settings.from_env().max_connections_per_address == 7
    with make_client(tmp_path, max_connections_per_address=0) as client:
        b = create_board(client)
        with ExitStack() as stack:
            socks = [stack.enter_context(client.websocket_connect("/ws")) for _ in range(12)]
            for ws in socks:
                assert hello(ws, b["board_id"], b["credential"])["type"] == "welcome"


def test_the_cap_holds_on_a_real_server_where_the_address_is_the_peers(tmp_path: Path) -> None:
    """Through uvicorn the counted address is the socket peer's (127.0.0.1 here), and the
    refusal reaches a real client as a 4009 close."""
    real = RealServer(tmp_path / "cap.db", env={"HINDSIGHT_MAX_CONNECTIONS_PER_ADDRESS": "2"})
    real.start()
    made = http_create_board(real.url, title="Capped")

    async def run() -> None:
        first = await _connect(real.url, made["board_id"], made["credential"])
        second = await _connect(real.url, made["board_id"], made["credential"])
        third = await websockets.connect(real.url.replace("http", "ws") + "/ws")
        refusal = json.loads(await third.recv())
        assert refusal["type"] == "error" and refusal["code"] == "limit", refusal
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await third.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4009
        await first.close()
        for _ in range(100):  # the server counts the closed one down when its handler ends
            try:
                again = await _connect(real.url, made["board_id"], made["credential"])
                break
            except (AssertionError, websockets.ConnectionClosed):
                await asyncio.sleep(0.02)
        else:
            raise AssertionError("the freed slot was never reusable")
        await again.close()
        await second.close()

    try:
        asyncio.run(run())
    finally:
        real.stop()


# --- a client that never reads ---------------------------------------------------------------------


class Probe:
    """A participant sending small ops one at a time and timing each ack (it reads everything)."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.timeouts = 0
        self.seqs: list[int] = []


async def _connect(url: str, board: str, cred: str) -> Any:
    # max_queue=None: the library reads everything at once, so these clients are never slow.
    ws = await websockets.connect(url.replace("http", "ws") + "/ws", max_size=None, max_queue=None)
    await ws.send(json.dumps({"type": "hello", "board": board, "credential": cred}))
    welcome = json.loads(await ws.recv())
    assert welcome["type"] == "welcome", welcome
    return ws


async def _probe(url: str, board: str, cred: str, n: int, tag: str) -> Probe:
    probe = Probe()
    ws = await _connect(url, board, cred)
    try:
        for i in range(n):
            cid, t0 = f"{tag}{i}", time.perf_counter()
            await ws.send(json.dumps(entry(cid, f"{tag} {i}")))
            try:
                async with asyncio.timeout(10):
                    while True:
                        frame = json.loads(await ws.recv())
                        decode_server(json.dumps(frame))
                        if frame["type"] == "event":
                            probe.seqs.append(frame["seq"])
                        if frame.get("cid") == cid:
                            assert frame["type"] == "ack", frame
                            break
                probe.latencies.append(time.perf_counter() - t0)
            except TimeoutError:
                probe.timeouts += 1
    finally:
        await ws.close()
    return probe


async def _load(url: str, board: str, cred: str, stop: asyncio.Event, tag: str) -> int:
    """The facilitator edits its own timeline entry with 2 KB texts, 50 at a time, until told to
    stop: traffic that fills a silent reader's buffers. Returns how many were acknowledged."""
    ws = await _connect(url, board, cred)
    acked = 0
    try:
        async with asyncio.timeout(120):  # a stuck board fails the test instead of hanging it
            await ws.send(json.dumps(entry(f"{tag}-seed", "seed")))
            seq = None
            entry_id = None
            while entry_id is None:
                frame = json.loads(await ws.recv())
                if frame["type"] == "ack" and frame["cid"] == f"{tag}-seed":
                    seq = frame["seq"]
                elif frame["type"] == "event" and frame["seq"] == seq:
                    entry_id = next(c["id"] for c in frame["changes"] if c["type"] == "timeline")
            burst = 0
            while not stop.is_set():
                cids = {f"{tag}{burst}.{i}" for i in range(50)}
                for cid in sorted(cids):
                    await ws.send(
                        json.dumps(
                            {
                                "type": "edit_timeline_entry",
                                "cid": cid,
                                "entry_id": entry_id,
                                "text": (f"{cid} " * 300)[:2000],
                            }
                        )
                    )
                while cids:
                    frame = json.loads(await ws.recv())
                    if frame.get("cid") in cids:
                        assert frame["type"] == "ack", frame
                        cids.discard(frame["cid"])
                        acked += 1
                burst += 1
    finally:
        await ws.close()
    return acked


def _p99(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * 0.99))]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RealServer]:
    s = RealServer(
        tmp_path / "abuse.db",
        env={
            "HINDSIGHT_SEND_QUEUE": "256",
            "HINDSIGHT_RATE": "100000",
            "HINDSIGHT_BURST": "100000",
            "HINDSIGHT_SYNCHRONOUS": "NORMAL",
        },
    )
    s.start()
    try:
        yield s
    finally:
        s.stop()


def test_a_client_that_never_reads_is_dropped_with_4008_and_others_acks_are_not_slowed(
    server: RealServer,
) -> None:
    made = http_create_board(server.url, title="Never reads")
    board = made["board_id"]
    probe_cred = join_board(server.url, board, "Probe", token=made["join_token"])["credential"]
    silent_cred = join_board(server.url, board, "Silent", token=made["join_token"])["credential"]
    n = 150
    windows: list[str] = []

    async def window(with_silent_reader: bool) -> tuple[Probe, int, bool]:
        stop = asyncio.Event()
        tag = "w" if with_silent_reader else f"b{len(windows)}"
        windows.append(tag)
        loader = asyncio.create_task(_load(server.url, board, made["credential"], stop, f"l{tag}"))
        sock = None
        if with_silent_reader:
            sock = _raw_websocket(server.port)
            _send_text(
                sock, json.dumps({"type": "hello", "board": board, "credential": silent_cred})
            )
        probe = await _probe(server.url, board, probe_cred, n, f"p{tag}")
        dropped = False
        if sock is not None:
            # Keep the load on until the server gives up on the silent reader (bounded).
            for _ in range(600):
                if "disconnecting a slow reader" in server.log.read_text():
                    dropped = True
                    break
                await asyncio.sleep(0.05)
        stop.set()
        acked = await loader
        if sock is not None:
            assert _close_code(sock) == 4008
            sock.close()
        return probe, acked, dropped

    async def run() -> tuple[tuple[Probe, int, bool], ...]:
        before = await window(False)
        during = await window(True)
        after = await window(False)
        return before, during, after

    (base, base_load, _), (slow, slow_load, dropped), (after, _, _) = asyncio.run(run())
    assert dropped, "the silent reader was never disconnected"
    for p in (base, slow, after):
        assert p.timeouts == 0 and len(p.latencies) == n, "an ack was lost or stalled"
        assert p.seqs == list(range(p.seqs[0], p.seqs[-1] + 1)), "the probe missed an event"
    baseline = max(_p99(base.latencies), _p99(after.latencies))
    print(
        f"\nack p99: {1000 * _p99(base.latencies):.1f} ms before, "
        f"{1000 * _p99(slow.latencies):.1f} ms with a silent reader, "
        f"{1000 * _p99(after.latencies):.1f} ms after; load {base_load} / {slow_load} ops"
    )
    # Generous: a board that waited on its slowest reader would stall for seconds, not 10x.
    assert _p99(slow.latencies) <= 10 * baseline
