"""A Jepsen-style chaos workload against a real `hindsight serve`, and its checker.

    python -m tests.server.chaos --kills 200            # the long run; prints the figures
    python -m tests.server.chaos --kills 50 --seed 7    # reproduce a run's random choices

Shared by tests/server/test_chaos.py (a short run in CI) and tests/server/test_crashpoints.py
(one deterministic crash per test instead of random kills).

The workload. Boards are set up, then about twenty clients (raw websockets, so every frame is
recorded) each invoke distinct ops: `add_sticky` with a text no other op has, and
`delete_sticky` of one of their own stickies once they have many (a board holds at most 2000).
Each op ends in exactly one state: acked (with its seq; `duplicate` when the ack came for a
resend because the first was lost), rejected, or indeterminate. An op still unanswered when
the connection drops is "in doubt": the client either keeps it in its outbox and resends it
after the next welcome, as the protocol says, or (with probability `abandon`) forgets it, as a
client that lost its outbox would; a forgotten op is indeterminate for good.

The faults. The server is killed with SIGKILL at random moments (a seeded `random.Random`) and
restarted on the same database; `PRAGMA integrity_check` runs after each restart. Clients also
have their connections cut now and then while the server lives, so they resume with a replay
instead of a snapshot. Right after each kill, the database as the crash left it is compared
with what clients were told: no ack, event or welcome may be beyond its last seq.

The checks, once the faults stop and every outbox is empty (`verify`):

* each board's log has seqs 1..n without gaps; every entry decodes to its row;
* every acked op is in the log exactly once, at its acked seq, by its client, unchanged;
* indeterminate ops appear at most once, rejected ops never, and no op appears that no
  client invoked;
* every frame any client saw is explained by the log: each live event is byte for byte the
  projection of the entry at its seq for that viewer, each replayed event the projection as of
  the welcome it followed, each welcome snapshot the view of the log replayed to its seq;
* every snapshot row equals the board replayed to its seq;
* every client's final board equals the view of the replayed log for that client (and the
  server's own answer over HTTP), at the log's last seq.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import msgspec
import websockets
from websockets.exceptions import ConnectionClosed, WebSocketException

from hindsight.board_state import Board, apply, decode_entry, encode_board, project, view_for
from hindsight.board_state import ops as o
from hindsight.board_state.protocol import (
    Ack,
    Error,
    Event,
    Hello,
    Reject,
    Welcome,
    decode_server,
    encode,
)
from hindsight.board_state.views import BoardView
from hindsight.client.http import create_board, fetch_view, join_board
from hindsight.client.sdk import BoardClient, LocalBoard, canonical_view
from tests.realserver import RealServer
from tests.server.chaos_seal import seal_under_kills

CRASH_ENV = "HINDSIGHT_CRASH_AT"
SEED_ENV = "HINDSIGHT_CHAOS_SEED"
# Restarts dominate a run. With bytecode writing off (as in this environment) every start
# compiles the server and its libraries again; a cache outside the checkout makes a restart
# about four times faster.
SERVER_ENV = {
    "PYTHONDONTWRITEBYTECODE": "",
    "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "hindsight-chaos-pycache"),
}


@dataclass(frozen=True)
class ChaosConfig:
    kills: int = 20
    clients: int = 20
    boards: int = 2
    seed: int = 1
    uptime: tuple[float, float] = (0.2, 0.8)  # seconds the server lives between kills
    downtime: tuple[float, float] = (0.0, 0.2)  # seconds it stays dead before the restart
    drops_per_second: float = 1.0  # client connections cut (server alive) per second, overall
    abandon: float = 0.3  # chance a client forgets an in-doubt op instead of resending it
    in_flight: int = 3  # unanswered ops a client keeps at most
    send_twice: float = 0.05  # chance an op goes out twice at once (a retry racing its original)
    pace: tuple[float, float] = (0.02, 0.15)  # a client's pause between sends
    own_stickies: int = 25  # beyond this many of its own stickies a client deletes one
    settle_timeout: float = 60.0
    crash_timeout: float = 90.0  # how long a crash-point run waits for the server to die
    synchronous: str = "FULL"  # the server's mode: no mode may lose anything to a process kill


def seed_from_env(default: int) -> int:
    value = os.environ.get(SEED_ENV, "")
    return int(value) if value.strip() else default


def digest(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True)


# --- the client -------------------------------------------------------------------------------


@dataclass
class OpRecord:
    op: o.Op
    status: str = "pending"  # pending | acked | rejected | indeterminate
    seq: int = 0
    duplicate: bool = False  # acked as a resend: the first ack was lost
    code: str = ""  # the reject code
    in_doubt: bool = False  # was unanswered when a connection dropped


class ChaosClient:
    """One participant: invokes ops, records every answer and every frame it is sent."""

    def __init__(
        self,
        name: str,
        url: str,
        board_id: str,
        credential: str,
        rng: random.Random,
        cfg: ChaosConfig,
    ) -> None:
        self.name = name
        self.url = url.replace("http://", "ws://") + "/ws"
        self.board_id = board_id
        self.credential = credential
        self.rng = rng
        self.cfg = cfg
        self.you = ""
        self.seq = 0
        self.epoch = ""
        self.local = LocalBoard()
        self.history: dict[str, OpRecord] = {}
        self.outbox: OrderedDict[str, o.Op] = OrderedDict()
        # What this client was told, for the checker: live events by seq and the digest of the
        # frame; replayed events with the welcome seq they were projected at; welcome snapshots.
        self.live_seqs = array("q")
        self.live_digests = array("q")
        self.replayed: list[tuple[int, int, int]] = []  # (welcome seq, event seq, digest)
        self.snapshots: list[tuple[int, int]] = []  # (welcome seq, digest of the snapshot)
        self.violations: list[str] = []
        self.reconnects = self.resumes = self.welcomes = self.extra_acks = 0
        self.invoking = True
        self.closed = False
        self.ready = asyncio.Event()  # welcomed on the current connection, outbox resent
        self._ws: Any = None
        self._replay_upto = 0  # events up to this seq on this connection are a replay
        self._count = 0
        self._deleting: set[str] = set()
        self._tasks: list[asyncio.Task[None]] = []

    # -- lifecycle --

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._connect_loop()),
            loop.create_task(self._invoke_loop()),
        ]

    async def close(self) -> None:
        self.closed = True
        self.invoking = False
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def cut(self) -> bool:
        """Drop the connection as a network fault would; the client reconnects and resumes."""
        if self._ws is None or not self.ready.is_set():
            return False
        self._ws.transport.abort()
        return True

    @property
    def settled(self) -> bool:
        return self.ready.is_set() and not self.outbox

    # -- the connection --

    async def _connect_loop(self) -> None:
        delay = 0.02
        while not self.closed:
            try:
                async with websockets.connect(
                    self.url,
                    compression=None,
                    proxy=None,
                    max_size=4 << 20,
                    open_timeout=3,
                    close_timeout=0.2,
                ) as ws:
                    self._ws = ws
                    await ws.send(
                        encode(
                            Hello(
                                board=self.board_id,
                                credential=self.credential,
                                last_seq=self.seq,
                                epoch=self.epoch,
                            )
                        ).decode()
                    )
                    async for raw in ws:
                        if await self._on_frame(raw, ws):
                            delay = 0.02  # welcomed: the next drop starts the backoff afresh
            except (OSError, WebSocketException, TimeoutError, EOFError):
                pass  # refused, reset, killed mid-handshake: all mean "try again"
            finally:
                self._ws = None
                self.ready.clear()
                self._lost_connection()
            if self.closed:
                return
            self.reconnects += 1
            await asyncio.sleep(delay * (0.5 + self.rng.random()))
            delay = min(delay * 2, 0.2)

    def _lost_connection(self) -> None:
        for cid in list(self.outbox):
            record = self.history[cid]
            record.in_doubt = True
            if self.rng.random() < self.cfg.abandon:
                del self.outbox[cid]
                record.status = "indeterminate"

    async def _on_frame(self, raw: str | bytes, ws: Any) -> bool:
        data = raw.encode() if isinstance(raw, str) else raw
        message = decode_server(data)
        if isinstance(message, Welcome):
            self._welcome(message)
            for op in list(self.outbox.values()):  # in order, same cids: applied at most once
                await ws.send(encode(op).decode())
            self.ready.set()
            return True
        if isinstance(message, Event):
            self._event(message, data)
        elif isinstance(message, Ack):
            self._ack(message)
        elif isinstance(message, Reject):
            self._reject(message, ws)
        elif isinstance(message, Error):
            self.violations.append(f"{self.name}: error frame {message.code}: {message.message}")
        return False

    def _welcome(self, w: Welcome) -> None:
        self.welcomes += 1
        self.you = w.you
        if w.snapshot is not None:
            self.local.reset(w.snapshot)
            self.seq = w.seq
            self.snapshots.append((w.seq, digest(msgspec.json.encode(w.snapshot))))
            self._replay_upto = 0
        else:
            if w.epoch != self.epoch or w.seq < self.seq:
                self.violations.append(f"{self.name}: resumed into another epoch or backwards")
            self.resumes += 1
            self._replay_upto = w.seq
        self.epoch = w.epoch

    def _event(self, e: Event, data: bytes) -> None:
        if e.seq != self.seq + 1:
            self.violations.append(
                f"{self.name}: event {e.seq} after {self.seq} (a gap or a repeat)"
            )
            if e.seq <= self.seq:
                return
        if e.seq <= self._replay_upto:
            self.replayed.append((self._replay_upto, e.seq, digest(data)))
        else:
            self.live_seqs.append(e.seq)
            self.live_digests.append(digest(data))
        self.local.apply(e.changes)
        self.seq = e.seq

    def _ack(self, a: Ack) -> None:
        record = self.history.get(a.cid)
        if record is None:
            self.violations.append(f"{self.name}: ack for a cid never sent: {a.cid}")
        elif self.outbox.pop(a.cid, None) is not None:
            record.status, record.seq, record.duplicate = "acked", a.seq, a.duplicate
        elif record.status == "acked" and record.seq == a.seq:
            self.extra_acks += 1  # sent twice on one connection: answered twice, applied once
        else:
            self.violations.append(f"{self.name}: ack {a} for an op that was {record.status}")

    def _reject(self, r: Reject, ws: Any) -> None:
        if r.code == "rate_limited" and r.cid in self.outbox:
            # Kept in the outbox; sent again in a moment on this connection (or the next
            # welcome resends it).
            frame = encode(self.outbox[r.cid]).decode()
            task = asyncio.get_running_loop().create_task(self._resend_later(ws, r.cid, frame))
            self._tasks.append(task)
            return
        record = self.history.get(r.cid)
        if record is not None and record.status == "rejected" and r.cid not in self.outbox:
            self.extra_acks += 1  # sent twice at once, refused twice: applied never
            return
        if record is None or self.outbox.pop(r.cid, None) is None:
            was = f" (it was {record.status} at {record.seq})" if record else ""
            self.violations.append(f"{self.name}: reject for an op not waiting{was}: {r}")
            return
        record.status, record.code = "rejected", r.code

    async def _resend_later(self, ws: Any, cid: str, frame: str) -> None:
        await asyncio.sleep(0.5)
        if cid in self.outbox and ws is self._ws:
            try:
                await ws.send(frame)
            except ConnectionClosed:
                pass

    # -- invoking ops --

    async def _invoke_loop(self) -> None:
        while self.invoking:
            await asyncio.sleep(self.rng.uniform(*self.cfg.pace))
            busy = len(self.outbox) >= self.cfg.in_flight
            if not self.invoking or not self.ready.is_set() or busy:
                continue
            ws, op = self._ws, self._next_op()
            self.history[op.cid] = OpRecord(op)
            self.outbox[op.cid] = op
            try:
                await ws.send(encode(op).decode())
                if self.rng.random() < self.cfg.send_twice:
                    await ws.send(encode(op).decode())  # answered twice, applied once
            except ConnectionClosed:
                pass  # stays in the outbox: the next welcome resends it

    def _next_op(self) -> o.Op:
        self._count += 1
        cid = f"{self.name}-{self._count}"
        mine = [s.id for s in self.local.stickies() if s.mine and s.id not in self._deleting]
        if len(mine) > self.cfg.own_stickies:
            target = self.rng.choice(mine)
            self._deleting.add(target)
            return o.DeleteSticky(cid=cid, sticky_id=target)
        return o.AddSticky(cid=cid, section="contributing", text=f"{self.name} op {self._count}")


# --- the server and its faults ----------------------------------------------------------------


@dataclass
class Figures:
    seed: int = 0
    kills: int = 0
    crash_point: str = ""
    drops: int = 0
    integrity: list[str] = field(default_factory=list)
    told_beyond_disk: list[str] = field(default_factory=list)  # checked right after each crash
    # After each crash: the database's last seq per board, and how many acks clients held whose
    # event they had not received (acked, then the server died before the broadcast reached them).
    crashes: list[dict[str, Any]] = field(default_factory=list)
    restarts: list[float] = field(default_factory=list)  # seconds from kill to ready again
    elapsed: float = 0.0
    checked: dict[str, int] = field(default_factory=dict)
    sealed: dict[str, int] = field(default_factory=dict)  # the seal phase's counts (chaos_seal.py)


def snapshot_seqs(db: Path) -> list[int]:
    conn = sqlite3.connect(db, timeout=10)
    try:
        return [r[0] for r in conn.execute("SELECT seq FROM snapshots ORDER BY seq")]
    finally:
        conn.close()


def integrity_check(db: Path) -> str:
    conn = sqlite3.connect(db, timeout=10)
    try:
        return "\n".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall())
    finally:
        conn.close()


def last_seqs(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db, timeout=10)
    try:
        return dict(conn.execute("SELECT board_id, MAX(seq) FROM ops GROUP BY board_id").fetchall())
    finally:
        conn.close()


def check_told_after_crash(db: Path, clients: list[ChaosClient], figures: Figures) -> None:
    """With the server dead, the file holds everything that will ever be of this life: nobody
    may have been acked, sent an event or welcomed beyond it."""
    on_disk = last_seqs(db)
    unseen_acks = 0
    for c in clients:
        durable = on_disk.get(c.board_id, 0)
        told = [c.seq] + [r.seq for r in c.history.values() if r.status == "acked"]
        if max(told) > durable:
            figures.told_beyond_disk.append(
                f"{c.name} was told seq {max(told)} but the crashed file ends at {durable}"
            )
        unseen_acks += sum(1 for r in c.history.values() if r.status == "acked" and r.seq > c.seq)
    figures.crashes.append(
        {"last_seq": on_disk, "acked_not_seen": unseen_acks, "snapshot_seqs": snapshot_seqs(db)}
    )


async def kill_at_random(
    server: RealServer,
    clients: list[ChaosClient],
    cfg: ChaosConfig,
    rng: random.Random,
    figures: Figures,
) -> None:
    for _ in range(cfg.kills):
        await asyncio.sleep(rng.uniform(*cfg.uptime))
        await asyncio.to_thread(server.kill)
        killed = time.monotonic()
        figures.kills += 1
        await asyncio.sleep(0.05)  # frames already on the wire reach the clients
        check_told_after_crash(server.db, clients, figures)
        await asyncio.sleep(rng.uniform(*cfg.downtime))
        await asyncio.to_thread(server.start)
        figures.restarts.append(time.monotonic() - killed)
        figures.integrity.append(await asyncio.to_thread(integrity_check, server.db))


async def crash_at_point(
    server: RealServer, clients: list[ChaosClient], cfg: ChaosConfig, figures: Figures
) -> None:
    """The server was started with HINDSIGHT_CRASH_AT: wait for it to die there, restart it
    without the variable."""
    assert server.proc is not None
    try:
        code = await asyncio.to_thread(server.proc.wait, cfg.crash_timeout)
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"the server never reached crash point {figures.crash_point}") from e
    marker = f"crash point {figures.crash_point} reached"
    assert code == -signal.SIGKILL and marker in server.log.read_text(), (
        f"the server exited with {code} without '{marker}': " + server.log.read_text()[-2000:]
    )
    figures.kills += 1
    await asyncio.sleep(0.1)
    check_told_after_crash(server.db, clients, figures)
    server.env.pop(CRASH_ENV, None)
    await asyncio.to_thread(server.start)
    figures.integrity.append(await asyncio.to_thread(integrity_check, server.db))


async def cut_connections(
    clients: list[ChaosClient],
    cfg: ChaosConfig,
    rng: random.Random,
    figures: Figures,
    stop: asyncio.Event,
) -> None:
    if cfg.drops_per_second <= 0:
        return
    while not stop.is_set():
        await asyncio.sleep(rng.expovariate(cfg.drops_per_second))
        if not stop.is_set() and rng.choice(clients).cut():
            figures.drops += 1


async def wait_until(
    condition: Callable[[], bool], timeout: float, what: Callable[[], str]
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting: {what()}")
        await asyncio.sleep(0.05)


# --- setting up, running, settling ------------------------------------------------------------


@dataclass
class Setup:
    board_ids: list[str]
    clients: list[ChaosClient]
    facilitators: dict[str, str] = field(default_factory=dict)  # board id -> credential


async def set_up(server: RealServer, cfg: ChaosConfig, rng: random.Random) -> Setup:
    board_ids, clients = [], []
    tokens: dict[str, str] = {}  # board id -> its participant join link's token
    facilitators: dict[str, str] = {}
    for b in range(cfg.boards):
        made = await asyncio.to_thread(
            create_board, server.url, title=f"Chaos {b}", facilitator_name="Fay"
        )
        board_id = made["board_id"]
        tokens[board_id] = made["join_token"]
        facilitators[board_id] = made["credential"]
        async with BoardClient(server.url, board_id, made["credential"]) as fac:
            # Into the first phase where participants write stickies; no timers, so the
            # server issues no ops of its own while the faults run.
            while fac.local.meta.current is None or _current_kind(fac) != "contributing_factors":
                ack = await fac.submit(o.AdvancePhase(start_timer=False), timeout=10)
                await fac.wait_for_seq(ack.seq)
        board_ids.append(board_id)
    for i in range(cfg.clients):
        board_id = board_ids[i % cfg.boards]
        joined = await asyncio.to_thread(
            join_board, server.url, board_id, f"C{i}", token=tokens[board_id]
        )
        clients.append(
            ChaosClient(
                f"c{i}",
                server.url,
                board_id,
                joined["credential"],
                random.Random(rng.getrandbits(64)),
                cfg,
            )
        )
    return Setup(board_ids, clients, facilitators)


def _current_kind(fac: BoardClient) -> str:
    meta = fac.local.meta
    kind: str = next(p.kind for p in meta.agenda if p.id == meta.current)
    return kind


async def run(
    cfg: ChaosConfig,
    workdir: Path,
    *,
    crash_point: str = "",
    until_seq: int = 0,
    seal: bool = False,
) -> tuple[Figures, Setup]:
    """Run the workload under faults, settle, verify; return the figures (AssertionError on a
    broken promise). `crash_point` (with an optional ':N') replaces the random kills by one
    crash there; `until_seq` keeps the workload going at least until the log is that long;
    `seal` then closes every board under more kills and checks the seals (chaos_seal.py)."""
    started = time.monotonic()
    rng = random.Random(cfg.seed)
    figures = Figures(seed=cfg.seed, crash_point=crash_point.partition(":")[0])
    server = RealServer(
        workdir / "chaos.db", env={**SERVER_ENV, "HINDSIGHT_SYNCHRONOUS": cfg.synchronous}
    )
    server.start()
    setup: Setup | None = None
    try:
        setup = await set_up(server, cfg, rng)
        if crash_point:
            await asyncio.to_thread(server.stop)
            server.env[CRASH_ENV] = crash_point
            await asyncio.to_thread(server.start)
        for c in setup.clients:
            c.start()
        stop_cuts = asyncio.Event()
        cuts = asyncio.get_running_loop().create_task(
            cut_connections(
                setup.clients, cfg, random.Random(rng.getrandbits(64)), figures, stop_cuts
            )
        )
        try:
            if crash_point:
                await crash_at_point(server, setup.clients, cfg, figures)
            else:
                await kill_at_random(server, setup.clients, cfg, rng, figures)
        finally:
            stop_cuts.set()
            cuts.cancel()
            await asyncio.gather(cuts, return_exceptions=True)
        if until_seq:
            await wait_until(
                lambda: min(last_seqs(server.db).values()) >= until_seq,
                cfg.settle_timeout,
                lambda: f"the log to reach {until_seq}",
            )
        await settle(server, setup, cfg)
        await compare_with_server(server, setup)
        if seal:  # the log is checked first: sealing replaces it
            figures.checked = verify(server.db, setup)
            violations = sum(len(c.violations) for c in setup.clients)
            figures.sealed = await seal_under_kills(
                server,
                setup.board_ids,
                setup.facilitators,
                setup.clients,
                random.Random(rng.getrandbits(64)),
                cfg.settle_timeout,
            )
            await compare_with_server(server, setup)
            assert sum(len(c.violations) for c in setup.clients) == violations, [
                v for c in setup.clients for v in c.violations
            ]
    finally:
        for c in setup.clients if setup else []:
            await c.close()
        await asyncio.to_thread(server.stop)
    figures.integrity.append(integrity_check(server.db))
    if not seal:
        figures.checked = verify(server.db, setup)
    assert not figures.told_beyond_disk, figures.told_beyond_disk
    assert all(result == "ok" for result in figures.integrity), figures.integrity
    figures.elapsed = time.monotonic() - started
    return figures, setup


async def settle(server: RealServer, setup: Setup, cfg: ChaosConfig) -> None:
    """Stop invoking; wait until every outbox is answered and every client has caught up with
    its board's log."""
    for c in setup.clients:
        c.invoking = False
    await wait_until(
        lambda: all(c.settled for c in setup.clients),
        cfg.settle_timeout,
        lambda: (
            "outboxes still waiting: "
            + ", ".join(
                f"{c.name}={len(c.outbox)}{'' if c.ready.is_set() else ' (offline)'}"
                for c in setup.clients
                if not c.settled
            )
        ),
    )
    # An op of a cut connection can still be in a room's inbox: wait for the log to be quiet.
    quiet, seqs = 0, last_seqs(server.db)
    while quiet < 4:
        await asyncio.sleep(0.1)
        now = last_seqs(server.db)
        quiet, seqs = (quiet + 1, seqs) if now == seqs else (0, now)
    await wait_until(
        lambda: all(c.seq == seqs[c.board_id] for c in setup.clients),
        cfg.settle_timeout,
        lambda: (
            "clients behind the log: "
            + ", ".join(
                f"{c.name} at {c.seq} of {seqs[c.board_id]}"
                for c in setup.clients
                if c.seq != seqs[c.board_id]
            )
        ),
    )


async def compare_with_server(server: RealServer, setup: Setup) -> None:
    for c in setup.clients:
        body = await asyncio.to_thread(fetch_view, server.url, c.board_id, c.credential)
        expected = canonical_view(msgspec.convert(body["view"], BoardView))
        assert body["seq"] == c.seq and c.local.canonical() == expected, (
            f"{c.name}'s board differs from the server's answer over HTTP"
        )


# --- the checker ------------------------------------------------------------------------------


class LogReader(Protocol):
    """Where `verify` reads a board's op log and snapshot rows: the SQLite file here, the
    PostgreSQL database in the cluster test (tests/cluster/)."""

    def ops(self, board_id: str) -> list[tuple[int, str, str, bytes]]:
        """(seq, actor, cid, body) in seq order."""
        ...

    def snapshots(self, board_id: str) -> dict[int, bytes]:
        """seq -> state."""
        ...


class SqliteLog:
    def __init__(self, db: Path) -> None:
        self.db = db

    def ops(self, board_id: str) -> list[tuple[int, str, str, bytes]]:
        with closing(sqlite3.connect(self.db, timeout=10)) as conn:
            return conn.execute(
                "SELECT seq, actor, cid, body FROM ops WHERE board_id = ? ORDER BY seq", (board_id,)
            ).fetchall()

    def snapshots(self, board_id: str) -> dict[int, bytes]:
        with closing(sqlite3.connect(self.db, timeout=10)) as conn:
            return dict(
                conn.execute(
                    "SELECT seq, state FROM snapshots WHERE board_id = ?", (board_id,)
                ).fetchall()
            )


def verify(db: Path | LogReader, setup: Setup) -> dict[str, int]:
    """Check the run's records against the database (see the module docstring); return counts
    of what was checked. Raises AssertionError listing the first problems found. `db` is the
    SQLite file, or any reader of the op log and snapshots."""
    problems: list[str] = []
    checked = dict(
        boards=0,
        log_ops=0,
        live_events=0,
        replayed_events=0,
        welcome_snapshots=0,
        snapshot_rows=0,
        final_boards=0,
        indeterminate_in_log=0,
    )
    for c in setup.clients:
        problems.extend(c.violations)
    log = SqliteLog(db) if isinstance(db, Path) else db
    for board_id in setup.board_ids:
        rows, snapshots = log.ops(board_id), log.snapshots(board_id)
        clients = [c for c in setup.clients if c.board_id == board_id]
        problems.extend(_verify_board(board_id, rows, snapshots, clients, checked))
    assert not problems, f"{len(problems)} problems, first ones:\n" + "\n".join(problems[:20])
    return checked


def _verify_board(
    board_id: str,
    rows: list[tuple[int, str, str, bytes]],
    snapshots: dict[int, bytes],
    clients: list[ChaosClient],
    checked: dict[str, int],
) -> list[str]:
    problems: list[str] = []
    n = len(rows)
    checked["boards"] += 1
    checked["log_ops"] += n
    if [row[0] for row in rows] != list(range(1, n + 1)):
        problems.append(f"board {board_id}: seqs are not 1..{n}")
    entries = [decode_entry(row[3]) for row in rows]
    by_key: dict[tuple[str, str], list[int]] = {}
    for (seq, actor, cid, _), entry in zip(rows, entries):
        if (entry.seq, entry.actor, entry.op.cid) != (seq, actor, cid):
            problems.append(f"board {board_id}: row {seq} does not match its body")
        if cid:
            by_key.setdefault((actor, cid), []).append(seq)
    op_at = {e.seq: e.op for e in entries}

    # Every op's fate against the log.
    for c in clients:
        for cid, record in c.history.items():
            seqs = by_key.get((c.you, cid), [])
            if record.status == "acked":
                if seqs != [record.seq]:
                    problems.append(f"{c.name}: acked {cid} at {record.seq}, logged at {seqs}")
                elif op_at[record.seq] != record.op:
                    problems.append(
                        f"{c.name}: the log holds another op than {cid} at {record.seq}"
                    )
            elif record.status == "indeterminate":
                checked["indeterminate_in_log"] += len(seqs) == 1
                if len(seqs) > 1:
                    problems.append(f"{c.name}: indeterminate {cid} logged {len(seqs)} times")
            elif record.status == "rejected":
                if seqs:
                    problems.append(f"{c.name}: rejected {cid} ({record.code}) is logged at {seqs}")
            else:
                problems.append(f"{c.name}: {cid} never answered after the faults stopped")
        invoked = set(c.history)
        phantoms = [cid for actor, cid in by_key if actor == c.you and cid not in invoked]
        if phantoms:
            problems.append(f"{c.name}: ops in the log it never sent: {phantoms[:5]}")

    # Every frame a client saw, against the log replayed to the moment it was made for.
    live: dict[int, list[tuple[ChaosClient, int]]] = {}
    replays: dict[int, list[tuple[ChaosClient, int, int]]] = {}
    welcomes: dict[int, list[tuple[ChaosClient, int]]] = {}
    for c in clients:
        for seq, d in zip(c.live_seqs, c.live_digests):
            live.setdefault(seq, []).append((c, d))
        for at_seq, seq, d in c.replayed:
            replays.setdefault(at_seq, []).append((c, seq, d))
        for at_seq, d in c.snapshots:
            welcomes.setdefault(at_seq, []).append((c, d))
    needed = {seq for items in replays.values() for _, seq, _ in items}
    kept: dict[int, tuple[int, Any]] = {}
    board = Board(id=board_id)
    for entry in entries:
        seq = entry.seq
        applied = apply(board, entry.op, actor=entry.actor, now=entry.at, new_id=entry.new_id)
        if seq in needed:
            kept[seq] = (entry.at, applied.changes)
        for c, d in live.pop(seq, ()):
            frame = encode(
                Event(seq=seq, at=entry.at, changes=project(applied.changes, board, c.you))
            )
            checked["live_events"] += 1
            if digest(frame) != d:
                problems.append(f"{c.name}: live event {seq} is not the log's entry {seq}")
        for c, event_seq, d in replays.pop(seq, ()):
            at, changes = kept[event_seq]
            frame = encode(Event(seq=event_seq, at=at, changes=project(changes, board, c.you)))
            checked["replayed_events"] += 1
            if digest(frame) != d:
                problems.append(
                    f"{c.name}: replayed event {event_seq} (welcome at {seq}) is not the log's"
                )
        for c, d in welcomes.pop(seq, ()):
            checked["welcome_snapshots"] += 1
            if digest(msgspec.json.encode(view_for(board, c.you))) != d:
                problems.append(f"{c.name}: the welcome snapshot at {seq} is not the log's board")
        if seq in snapshots:
            checked["snapshot_rows"] += 1
            if snapshots.pop(seq) != encode_board(board):
                problems.append(
                    f"board {board_id}: the snapshot row at {seq} is not the log's board"
                )
    for what, left in (
        ("live events", live),
        ("replays", replays),
        ("welcomes", welcomes),
        ("snapshot rows", snapshots),
    ):
        if left:
            problems.append(f"board {board_id}: {what} at seqs beyond the log: {sorted(left)[:5]}")

    # Every client ends where the log ends, with the board the log replays to.
    for c in clients:
        checked["final_boards"] += 1
        if c.seq != n:
            problems.append(f"{c.name}: ended at seq {c.seq}, the log at {n}")
        if c.local.canonical() != canonical_view(view_for(board, c.you)):
            problems.append(f"{c.name}: its board differs from the replayed log")
    return problems


# --- figures ----------------------------------------------------------------------------------


def summary(figures: Figures, setup: Setup, cfg: ChaosConfig) -> str:
    records = [r for c in setup.clients for r in c.history.values()]
    acked = [r for r in records if r.status == "acked"]
    indeterminate = [r for r in records if r.status == "indeterminate"]
    checked = dict(figures.checked)
    committed = checked.pop("indeterminate_in_log", 0)
    faults = (
        f"crash point {figures.crash_point}" if figures.crash_point else f"{figures.kills} SIGKILLs"
    )
    return "\n".join(
        [
            f"chaos: seed {figures.seed} ({SEED_ENV} to repeat), {cfg.boards} boards, "
            f"{len(setup.clients)} clients, synchronous={cfg.synchronous}, {faults}, "
            f"{figures.drops} client connections cut, "
            f"{figures.elapsed:.1f} s"
            + (
                f" (a restart took {sum(figures.restarts) / len(figures.restarts):.2f} s on average)"
                if figures.restarts
                else ""
            ),
            f"  ops: {len(records)} invoked, {len(acked)} acked "
            f"({sum(r.duplicate for r in acked)} of them as duplicates after a lost ack), "
            f"{sum(r.status == 'rejected' for r in records)} rejected, {len(indeterminate)} "
            f"indeterminate ({committed} of them committed), "
            f"{sum(r.in_doubt for r in records)} were in doubt at a drop",
            f"  clients: {sum(c.reconnects for c in setup.clients)} reconnect attempts, "
            f"{sum(c.welcomes for c in setup.clients)} welcomes "
            f"({sum(c.resumes for c in setup.clients)} resumes with replay), "
            f"{sum(c.extra_acks for c in setup.clients)} extra acks",
            f"  after each crash, acks whose event had not arrived: "
            f"{sum(x['acked_not_seen'] for x in figures.crashes)} in all",
            f"  integrity_check: {sum(r == 'ok' for r in figures.integrity)} of "
            f"{len(figures.integrity)} ok (after each restart and at the end)",
            "  checked: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in checked.items()),
        ]
        + (
            [
                "  sealing: "
                + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in figures.sealed.items())
            ]
            if figures.sealed
            else []
        )
    )


# --- the long run -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.server.chaos",
        description="Kill a real server with SIGKILL at random moments under ~20 clients, then "
        "check that no acknowledged op was lost or doubled and all boards agree.",
    )
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--boards", type=int, default=2)
    parser.add_argument(
        "--synchronous",
        choices=["FULL", "NORMAL", "OFF"],
        default="FULL",
        help="the server's SQLite mode; a process kill must lose nothing in each",
    )
    parser.add_argument(
        "--seed", type=int, default=None, help=f"random seed (default: {SEED_ENV} or a fresh one)"
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="keep the database and server log here (default: a temporary dir)",
    )
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else seed_from_env(random.randrange(1 << 31))
    cfg = ChaosConfig(
        kills=args.kills,
        clients=args.clients,
        boards=args.boards,
        seed=seed,
        synchronous=args.synchronous,
    )
    print(f"chaos: seed {seed}, {cfg.kills} kills, {cfg.clients} clients", flush=True)
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="hindsight-chaos-"))
    workdir.mkdir(parents=True, exist_ok=True)
    figures, setup = asyncio.run(run(cfg, workdir, seal=True))
    print(summary(figures, setup, cfg))
    print(f"  database and server log in {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
