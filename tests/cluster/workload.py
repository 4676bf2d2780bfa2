"""The chaos workload against a cluster (tests/cluster/harness.py): clients on several boards
write and vote through nginx while nodes are SIGKILLed and restarted; then the chaos checker
(tests/server/chaos.py's `verify`) reads the log from PostgreSQL.

What is added to the single-server workload:

* Votes. Each board is set up in its contributing-factors phase (no timers, so no node issues
  ops of its own) with four themes and an open round of five dots; a client casts and takes
  back dots on the themes between writing and deleting its notes.
* Lost acks. After every welcome but the first, a client sends its last `resend_acked` acked
  ops again, same cids, as a client whose acks were lost would: wherever they land, a
  resend must be answered as a duplicate at its first seq (the log's op-id uniqueness and the
  node's dedupe), never applied twice.
* Node kills. One node at a time is SIGKILLed at random (seeded) moments and restarted after
  a while; right after each kill, nobody may have been told of a seq the database lacks.
* Resume time: for each kill, the time from the SIGKILL to a fresh welcome for every client
  whose connection the kill took (the figure the issue asks to keep under 3 s).
* Convergence: at the end every node is asked for every client's view over HTTP.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any

import msgspec

from hindsight.board_state import ops as o
from hindsight.board_state.protocol import encode
from hindsight.board_state.views import BoardView
from hindsight.client.http import create_board, fetch_view, join_board
from hindsight.client.sdk import BoardClient, canonical_view
from tests.cluster.harness import Cluster
from tests.cluster.pglog import PgLog
from tests.server.chaos import (
    ChaosClient,
    ChaosConfig,
    Figures,
    Setup,
    cut_connections,
    verify,
    wait_until,
)

SEED_NOTES = ("Rollback was slow", "Alert fired late", "Runbook was stale", "Canary skipped")


@dataclass(frozen=True)
class ClusterConfig:
    chaos: ChaosConfig = ChaosConfig(clients=20, boards=4, drops_per_second=0.5, abandon=0.2)
    kills: int = 6
    uptime: tuple[float, float] = (0.8, 2.0)  # seconds between a restart and the next kill
    downtime: tuple[float, float] = (0.3, 1.2)  # seconds a killed node stays dead
    budget: int = 5
    vote_share: float = 0.4
    resend_acked: int = 2
    ws_path: str = "/ws/{board}"  # "/ws" for the old path
    run_for: float = 0.0  # without kills: seconds of workload


@dataclass
class Ballot:
    round_id: str
    items: list[str]
    budget: int


@dataclass
class ClusterFigures(Figures):
    kill_times: list[float] = field(default_factory=list)
    resume_s: list[float] = field(default_factory=list)  # per client per kill
    nodes_compared: int = 0
    unsettled: str = ""  # a negative control's run that did not settle, and why


class ClusterClient(ChaosClient):
    def __init__(
        self, *args: Any, ballot: Ballot, path: str, run: ClusterConfig, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.url = self.url.removesuffix("/ws") + path.format(board=self.board_id)
        self.ballot = ballot
        self.run = run
        self.dots: dict[str, int] = {}
        self.lost_at: list[float] = []
        self.welcomed_at: list[float] = []
        self.cut_at: list[float] = []
        self._up = False

    def cut(self) -> bool:
        self.cut_at.append(time.monotonic())
        return super().cut()

    def _lost_connection(self) -> None:
        if self._up:
            self.lost_at.append(time.monotonic())
            self._up = False
        super()._lost_connection()

    async def _on_frame(self, raw: str | bytes, ws: Any) -> bool:
        welcomed = await super()._on_frame(raw, ws)
        if welcomed:
            self._up = True
            self.welcomed_at.append(time.monotonic())
            if self.welcomes > 1 and self.run.resend_acked:
                acked = [r.op for r in self.history.values() if r.status == "acked"]
                for op in acked[-self.run.resend_acked :]:
                    await ws.send(encode(op).decode())  # as if its ack had been lost
        return welcomed

    def _reject(self, r: Any, ws: Any) -> None:
        record = self.history.get(r.cid)
        super()._reject(r, ws)
        if record is not None and record.status == "rejected":
            if isinstance(record.op, o.CastVote):
                self.dots[record.op.item_id] -= 1
            elif isinstance(record.op, o.Unvote):
                self.dots[record.op.item_id] = self.dots.get(record.op.item_id, 0) + 1

    def _next_op(self) -> o.Op:
        if self.rng.random() >= self.run.vote_share:
            return super()._next_op()
        self._count += 1
        cid = f"{self.name}-{self._count}"
        b = self.ballot
        spent = sum(self.dots.values())
        if spent < b.budget and (spent == 0 or self.rng.random() < 0.6):
            item = self.rng.choice(b.items)
            self.dots[item] = self.dots.get(item, 0) + 1
            return o.CastVote(cid=cid, round_id=b.round_id, item_id=item)
        item = self.rng.choice([i for i, n in self.dots.items() if n > 0])
        self.dots[item] -= 1
        return o.Unvote(cid=cid, round_id=b.round_id, item_id=item)


async def _prepare_board(url: str, index: int, budget: int) -> tuple[dict[str, Any], Ballot]:
    made = await asyncio.to_thread(
        create_board, url, title=f"Cluster chaos {index}", facilitator_name="Fay"
    )
    async with BoardClient(url, made["board_id"], made["credential"]) as fac:
        while fac.local.meta.current is None or _current_kind(fac) != "contributing_factors":
            ack = await fac.submit(o.AdvancePhase(start_timer=False), timeout=10)
            await fac.wait_for_seq(ack.seq)
        for text in SEED_NOTES:
            ack = await fac.submit(o.AddSticky(section="contributing", text=text), timeout=10)
        await fac.wait_for_seq(ack.seq)
        for note in fac.local.stickies():
            await fac.submit(o.AddTheme(name=note.text, sticky_ids=[note.id]), timeout=10)
        ack = await fac.submit(o.OpenVote(target="themes", budget=budget), timeout=10)
        await fac.wait_for_seq(ack.seq)
        ballot = Ballot(fac.local.of("round")[0].id, [t.id for t in fac.local.of("theme")], budget)
    return made, ballot


def _current_kind(fac: BoardClient) -> str:
    meta = fac.local.meta
    kind: str = next(p.kind for p in meta.agenda if p.id == meta.current)
    return kind


async def set_up(url: str, run: ClusterConfig, rng: random.Random) -> Setup:
    cfg = run.chaos
    made = [await _prepare_board(url, b, run.budget) for b in range(cfg.boards)]
    setup = Setup([m["board_id"] for m, _ in made], [])
    for i in range(cfg.clients):
        board, ballot = made[i % cfg.boards]
        joined = await asyncio.to_thread(
            join_board, url, board["board_id"], f"C{i}", token=board["join_token"]
        )
        setup.clients.append(
            ClusterClient(
                f"c{i}",
                url,
                board["board_id"],
                joined["credential"],
                random.Random(rng.getrandbits(64)),
                cfg,
                ballot=ballot,
                path=run.ws_path,
                run=run,
            )
        )
        setup.facilitators[board["board_id"]] = board["credential"]
    return setup


def _told(clients: list[ChaosClient]) -> dict[str, tuple[int, str]]:
    told: dict[str, tuple[int, str]] = {}
    for c in clients:
        seq = max([c.seq] + [r.seq for r in c.history.values() if r.status == "acked"])
        if seq > told.get(c.board_id, (0, ""))[0]:
            told[c.board_id] = (seq, c.name)
    return told


async def check_told(clients: list[ChaosClient], log: PgLog, figures: Figures) -> None:
    """What clients were told is read first, the database second: a commit always precedes
    its ack and events, so the database must hold at least every seq anyone heard of."""
    told = _told(clients)
    on_disk = await asyncio.to_thread(log.last_seqs)
    for board_id, (seq, name) in told.items():
        if seq > on_disk.get(board_id, 0):
            figures.told_beyond_disk.append(
                f"{name} was told seq {seq} of {board_id}; the database ends at "
                f"{on_disk.get(board_id, 0)}"
            )


async def kill_nodes(
    cluster: Cluster,
    setup: Setup,
    run: ClusterConfig,
    rng: random.Random,
    figures: ClusterFigures,
    log: PgLog,
) -> None:
    for _ in range(run.kills):
        await asyncio.sleep(rng.uniform(*run.uptime))
        # A node that serves somebody: with affinity, four boards may all hash to two of
        # the three nodes, and killing the idle one would test nothing.
        alive = [n for n in cluster.nodes if n.alive]
        busy = [n for n in alive if n.connections() > 0]
        node = rng.choice(busy or alive)
        figures.kill_times.append(time.monotonic())
        await asyncio.to_thread(node.kill)
        figures.kills += 1
        await asyncio.sleep(0.05)
        await check_told(setup.clients, log, figures)
        await asyncio.sleep(rng.uniform(*run.downtime))
        started = time.monotonic()
        await asyncio.to_thread(node.start)
        figures.restarts.append(time.monotonic() - started)


def resume_times(clients: list[ClusterClient], kill_times: list[float]) -> list[float]:
    """For each kill, each client whose connection dropped within a second of it (and that
    was not cut by the workload then): seconds from the kill to its next welcome."""
    out: list[float] = []
    for k in kill_times:
        for c in clients:
            lost = [t for t in c.lost_at if k <= t <= k + 1.0]
            if not lost or any(k - 0.2 <= t <= k + 1.0 for t in c.cut_at):
                continue
            after = [t for t in c.welcomed_at if t > lost[0]]
            out.append((after[0] if after else float("inf")) - k)
    return out


async def settle(cluster: Cluster, setup: Setup, log: PgLog, timeout: float) -> None:
    for c in setup.clients:
        c.invoking = False
    await wait_until(
        lambda: all(c.settled for c in setup.clients),
        timeout,
        lambda: (
            "outboxes still waiting: "
            + ", ".join(f"{c.name}={len(c.outbox)}" for c in setup.clients if not c.settled)
        ),
    )
    quiet, seqs = 0, await asyncio.to_thread(log.last_seqs)
    while quiet < 4:
        await asyncio.sleep(0.1)
        now = await asyncio.to_thread(log.last_seqs)
        quiet, seqs = (quiet + 1, seqs) if now == seqs else (0, now)
    await wait_until(
        lambda: all(c.seq == seqs.get(c.board_id, 0) for c in setup.clients),
        timeout,
        lambda: (
            "clients behind the log: "
            + ", ".join(
                f"{c.name} at {c.seq} of {seqs.get(c.board_id)}"
                for c in setup.clients
                if c.seq != seqs.get(c.board_id)
            )
        ),
    )


async def compare_with_nodes(cluster: Cluster, setup: Setup) -> int:
    """Every node, asked over HTTP for every client's view, answers the client's board."""
    compared = 0
    for node in cluster.nodes:
        for c in setup.clients:
            body = await asyncio.to_thread(fetch_view, node.url, c.board_id, c.credential)
            expected = canonical_view(msgspec.convert(body["view"], BoardView))
            assert body["seq"] == c.seq and c.local.canonical() == expected, (
                f"node {node.index} answers {c.name}'s board at seq {body['seq']}, the "
                f"client is at {c.seq}, or with another board"
            )
            compared += 1
    return compared


async def run(
    cluster: Cluster, run_cfg: ClusterConfig, log: PgLog | None = None, *, control: bool = False
) -> tuple[ClusterFigures, Setup]:
    """The workload under kills, settled and verified; AssertionError on a broken promise.
    A negative `control` neither stops when the run does not settle (it records why in
    `unsettled`) nor runs the checker: its caller does, and expects it to fail."""
    started = time.monotonic()
    cfg = run_cfg.chaos
    rng = random.Random(cfg.seed)
    figures = ClusterFigures(seed=cfg.seed)
    log = log or PgLog(cluster.db_url)
    setup = await set_up(cluster.url, run_cfg, rng)
    try:
        await workload(cluster, setup, run_cfg, rng, figures, log)
        try:
            await settle(cluster, setup, log, cfg.settle_timeout)
            figures.nodes_compared = await compare_with_nodes(cluster, setup)
        except AssertionError as e:
            if not control:
                raise
            figures.unsettled = str(e)[:500]
    finally:
        for c in setup.clients:
            await c.close()
    clients = [c for c in setup.clients if isinstance(c, ClusterClient)]
    figures.resume_s = resume_times(clients, figures.kill_times)
    figures.elapsed = time.monotonic() - started
    if not control:  # a control's caller runs the checker, expecting it to fail
        figures.checked = verify(log, setup)
    assert not figures.told_beyond_disk, figures.told_beyond_disk
    return figures, setup


async def workload(
    cluster: Cluster,
    setup: Setup,
    run_cfg: ClusterConfig,
    rng: random.Random,
    figures: ClusterFigures,
    log: PgLog,
) -> None:
    """Clients on, connections cut now and then, nodes killed (or, without kills, `run_for`
    seconds of work)."""
    for c in setup.clients:
        c.start()
    stop = asyncio.Event()
    cuts = asyncio.get_running_loop().create_task(
        cut_connections(
            setup.clients, run_cfg.chaos, random.Random(rng.getrandbits(64)), figures, stop
        )
    )
    try:
        if run_cfg.kills:
            await kill_nodes(cluster, setup, run_cfg, rng, figures, log)
        await asyncio.sleep(run_cfg.run_for)
    finally:
        stop.set()
        cuts.cancel()
        await asyncio.gather(cuts, return_exceptions=True)


def summary(figures: ClusterFigures, setup: Setup, name: str) -> str:
    records = [r for c in setup.clients for r in c.history.values()]
    acked = [r for r in records if r.status == "acked"]
    votes = sum(isinstance(r.op, o.CastVote | o.Unvote) for r in acked)
    extra = sum(c.extra_acks for c in setup.clients)
    worst = max(figures.resume_s, default=0.0)
    checked = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in figures.checked.items())
    return "\n".join(
        [
            f"cluster chaos ({name}): seed {figures.seed}, {len(setup.board_ids)} boards, "
            f"{len(setup.clients)} clients, {figures.kills} node SIGKILLs, {figures.drops} "
            f"connections cut, {figures.elapsed:.1f} s",
            f"  ops: {len(records)} invoked, {len(acked)} acked ({votes} votes or unvotes, "
            f"{sum(r.duplicate for r in acked)} acked as duplicates), "
            f"{sum(r.status == 'rejected' for r in records)} rejected, "
            f"{sum(r.status == 'indeterminate' for r in records)} indeterminate; "
            f"{extra} resends of acked ops answered at their first seq",
            f"  resume after a node kill: {len(figures.resume_s)} clients, max {worst:.2f} s, "
            f"mean {sum(figures.resume_s) / max(1, len(figures.resume_s)):.2f} s",
            f"  checked: {checked}; {figures.nodes_compared} views compared across nodes",
        ]
    )
