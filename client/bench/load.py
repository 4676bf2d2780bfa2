"""The load generator: R boards x P people on real websockets, an open-loop op stream.

Theory of operation. Every person is a `Seat` holding one `WireClient` connection. A scheduler
sends ops at a fixed total rate whether or not earlier ones were answered (open loop: a slow
server meets the same offered load, it does not get to slow the generator down). Each op
records its *intended* send time, so a late generator cannot hide latency (coordinated
omission); how late the generator was is reported on its own (`gen_lag_p99`).

Two servers speak two protocols:

- `hindsight`: the real protocol (hello with credential, ops with cids, `ack`, `event`).
  Ack latency is intended send -> `ack` at the sender. Fan-out latency is intended send ->
  the op's `event` at each *other* connection of the board: events carry a seq, not a cid, so
  an arrival is matched to its op through the sender's ack (an event that overtakes the ack on
  another socket waits in `pending` until the ack names its seq).
- `floor`: the relay in `server/floor.py` sends every frame to every member of the board;
  the sender's own copy is its ack, the others' copies are the fan-out.

Resume: a seat whose connection closes (a slow reader dropped with 4008, a server restart)
reconnects with its last seq and epoch and resends its outbox with the same cids, as the
protocol asks (docs/protocol.md section 7); drops and resumes are counted.

Which op a seat sends next is op_mix.py's; the plans, op records and step tallies are in
records.py.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Callable

import msgspec

from hindsight.board_state import ops as o
from hindsight.board_state.protocol import encode
from hindsight.client.bench.op_mix import FACILITATOR_SHARE, op_for
from hindsight.client.bench.records import BoardPlan, OpRec, StepStats
from hindsight.client.bench.wire import WireClient, connect


class Frame(msgspec.Struct):
    """Just the fields the generator looks at; everything else in a frame is skipped unread."""

    type: str
    seq: int = 0
    cid: str = ""
    code: str = ""
    epoch: str = ""
    duplicate: bool = False
    snapshot: msgspec.Raw = msgspec.Raw(b"null")  # only its size is looked at


class ChangeId(msgspec.Struct):
    type: str
    id: str = ""
    mine: bool = False


class OwnEvent(msgspec.Struct):
    changes: list[ChangeId]


class BatchFrame(msgspec.Struct):
    messages: list[msgspec.Raw]


FRAME = msgspec.json.Decoder(Frame)
BATCH = msgspec.json.Decoder(BatchFrame)
OWN_EVENT = msgspec.json.Decoder(OwnEvent)


class Seat:
    def __init__(self, board: BoardLoad, index: int, credential: str) -> None:
        self.board, self.index, self.credential = board, index, credential
        self.facilitator = index == 0
        self.client: WireClient | None = None
        self.ready = False  # welcomed; ops go straight out
        self.seq, self.epoch = 0, ""
        self.outbox: dict[str, tuple[bytes, OpRec]] = {}
        self.own: dict[int, str] = {}  # seq of my acked op -> its kind (to learn note ids)
        self.stickies: deque[str] = deque()
        self.dots: dict[str, int] = {}
        self.timer_running = True  # go_to_phase started it
        self.rcvbuf: int | None = None  # a small receive buffer: a slow reader (overload)
        self.cid_n = 0
        self.closed = 0  # connections of this seat the server closed (or lost)
        self.welcomed = asyncio.get_running_loop().create_future()


class BoardLoad:
    def __init__(self, load: Load, plan: BoardPlan) -> None:
        self.load, self.plan = load, plan
        n = max(1, len(plan.credentials))
        self.seats = [
            Seat(self, i, plan.credentials[i] if plan.credentials else "")
            for i in range(n if plan.credentials else load.people)
        ]
        self.by_seq: dict[int, OpRec] = {}
        self.by_cid: dict[str, OpRec] = {}  # floor: the relayed frame names its cid
        self.pending: dict[int, list[float]] = {}


class Load:
    def __init__(
        self,
        mode: str,
        host: str,
        port: int,
        plans: list[BoardPlan],
        people: int,
        *,
        seed: int = 1,
        batch: bool = True,
    ) -> None:
        assert mode in ("hindsight", "floor")
        self.mode, self.host, self.port, self.people = mode, host, port, people
        # Read `batch` frames, as the browser and the SDK do (`--no-batch`: one message a frame).
        self.batch = batch
        self.rng = random.Random(seed)
        self.boards = [BoardLoad(self, p) for p in plans]
        self.seats = [s for b in self.boards for s in b.seats]
        self.participants = [s for s in self.seats if not s.facilitator]
        self.facilitators = [s for s in self.seats if s.facilitator]
        self.stats = StepStats()
        self.closing = False
        self.closes: dict[int, int] = {}  # close code -> count (4008: dropped as too slow)
        self.resumed = 0
        # Every acked op as (seat, op frame, seq), when asked: the overload check resends them.
        self.acked_log: list[tuple[Seat, bytes, int]] = []
        self.keep_acked = False
        # Told of every ack: (seat, cid, seq, duplicate); the overload check uses it.
        self.on_ack: Callable[[Seat, str, int, bool], None] | None = None
        self._reconnects: set[asyncio.Task[None]] = set()

    # --- connections -----------------------------------------------------------------------

    async def connect_all(self, concurrency: int = 100) -> None:
        gate = asyncio.Semaphore(concurrency)

        async def one(seat: Seat) -> None:
            async with gate:
                await self._connect(seat)
                await asyncio.wait_for(asyncio.shield(seat.welcomed), 30)

        await asyncio.gather(*(one(s) for s in self.seats))

    async def _connect(self, seat: Seat) -> None:
        client = await connect(
            self.host, self.port, self._on_message, self._on_closed, rcvbuf=seat.rcvbuf
        )
        client.seat = seat
        seat.client = client
        if self.mode == "hindsight":
            hello = {
                "type": "hello",
                "board": seat.board.plan.board_id,
                "credential": seat.credential,
                "last_seq": seat.seq,
                "epoch": seat.epoch,
                "batch": self.batch,
            }
        else:
            hello = {"type": "hello", "board": seat.board.plan.board_id}
        client.send_text(msgspec.json.encode(hello))

    def _on_closed(self, client: WireClient, code: int) -> None:
        seat = client.seat
        if not isinstance(seat, Seat) or seat.client is not client:
            return
        seat.ready = False
        seat.closed += 1
        self.closes[code] = self.closes.get(code, 0) + 1
        if not self.closing:
            task = asyncio.get_running_loop().create_task(self._reconnect(seat))
            self._reconnects.add(task)
            task.add_done_callback(self._reconnects.discard)

    async def _reconnect(self, seat: Seat) -> None:
        delay = 0.05
        while not self.closing:
            await asyncio.sleep(delay * (0.5 + self.rng.random()))
            try:
                await self._connect(seat)
                return
            except (TimeoutError, OSError, ConnectionError):
                delay = min(delay * 2, 2.0)

    async def close(self) -> None:
        self.closing = True
        for task in list(self._reconnects):
            task.cancel()
        for seat in self.seats:
            if seat.client is not None:
                seat.client.close()
        await asyncio.sleep(0.1)

    # --- frames in -------------------------------------------------------------------------

    def _on_message(self, client: WireClient, payload: bytes, now: float) -> None:
        seat = client.seat
        assert isinstance(seat, Seat)
        stats = self.stats
        frame = FRAME.decode(payload)
        kind = frame.type
        if kind == "batch":
            if stats.window[0] <= now < stats.window[1]:
                stats.batches += 1
            for one in BATCH.decode(payload).messages:
                self._on_message(client, bytes(one), now)
            return
        if stats.window[0] <= now < stats.window[1]:
            stats.frames += 1
        board = seat.board
        if self.mode == "floor":
            if kind == "welcome":
                self._welcomed(seat)
                return
            rec = board.by_cid.get(frame.cid)
            if rec is None:
                return
            if frame.cid in seat.outbox:
                del seat.outbox[frame.cid]
                self._acked(rec, now)
            else:
                self._arrived(rec, now)
            if rec.acked and rec.left <= 0:
                del board.by_cid[frame.cid]
            return
        if kind == "event":
            seq = frame.seq
            if seq <= seat.seq:
                return  # a replay overlapping what this seat had
            seat.seq = seq
            mine = seat.own.pop(seq, None)
            if mine is not None:
                if mine == "add_sticky":
                    for change in OWN_EVENT.decode(payload).changes:
                        if change.type == "sticky" and change.mine:
                            seat.stickies.append(change.id)
                return
            rec = board.by_seq.get(seq)
            if rec is None:
                board.pending.setdefault(seq, []).append(now)
            else:
                self._arrived(rec, now)
                if rec.left <= 0:
                    del board.by_seq[seq]
        elif kind == "ack":
            entry = seat.outbox.pop(frame.cid, None)
            if entry is None:
                return
            rec = entry[1]
            if self.on_ack is not None:
                self.on_ack(seat, frame.cid, frame.seq, frame.duplicate)
            seat.own[frame.seq] = FRAME.decode(entry[0]).type
            if self.keep_acked:
                self.acked_log.append((seat, entry[0], frame.seq))
            if frame.duplicate and rec.step == stats.step:
                stats.duplicates += 1  # applied before a reconnect; this is its original seq
            if rec.acked:
                return
            self._acked(rec, now)
            board.by_seq[frame.seq] = rec
            for arrived in board.pending.pop(frame.seq, ()):
                self._arrived(rec, arrived)
            if rec.left <= 0:
                board.by_seq.pop(frame.seq, None)
        elif kind == "reject":
            entry = seat.outbox.pop(frame.cid, None)
            if entry is not None and entry[1].step == stats.step:
                stats.rejected[frame.code] = stats.rejected.get(frame.code, 0) + 1
        elif kind == "welcome":
            seat.epoch = frame.epoch
            if len(frame.snapshot) > 4:  # not "null"
                seat.seq = frame.seq  # a snapshot replaces everything up to its seq
            self._welcomed(seat)

    def _welcomed(self, seat: Seat) -> None:
        if seat.welcomed.done():
            self.resumed += 1
        else:
            seat.welcomed.set_result(None)
        seat.ready = True
        assert seat.client is not None
        for frame, _ in list(seat.outbox.values()):  # same cids: applied at most once
            seat.client.send_text(frame)

    def _acked(self, rec: OpRec, now: float) -> None:
        rec.acked = True
        if rec.step == self.stats.step:
            self.stats.acked += 1
            self.stats.ack_lat.append(now - rec.t)

    def _arrived(self, rec: OpRec, now: float) -> None:
        rec.left -= 1
        if rec.step == self.stats.step:
            self.stats.fan_lat.append(now - rec.t)

    # --- frames out ------------------------------------------------------------------------

    def submit(self, seat: Seat, intended: float, record: bool = True) -> None:
        seat.cid_n += 1
        cid = f"b{seat.board.plan.board_id[:6]}s{seat.index}n{seat.cid_n}"
        op = msgspec.structs.replace(op_for(seat, self.rng), cid=cid)
        frame = encode(op)
        others = len(seat.board.seats) - 1
        rec = OpRec(intended, self.stats.step if record else -1, others)
        seat.outbox[cid] = (frame, rec)
        if self.mode == "floor":
            seat.board.by_cid[cid] = rec
            if isinstance(op, o.AddSticky):
                seat.stickies.append(cid)  # the floor has no ids: any string will do
        if record:
            self.stats.sent += 1
            self.stats.fan_expected += others
        if seat.ready and seat.client is not None:
            seat.client.send_text(frame)

    def pick(self) -> Seat:
        if self.rng.random() < FACILITATOR_SHARE or not self.participants:
            return self.rng.choice(self.facilitators)
        return self.rng.choice(self.participants)

    async def run(
        self, rate: float, warmup: float, duration: float, drain: float, step: int
    ) -> StepStats:
        """Offer `rate` ops/s for warmup + duration seconds; record what was intended inside
        the measured window; then wait up to `drain` s for its acks and fan-out."""
        loop_start = time.perf_counter()
        window = (loop_start + warmup, loop_start + warmup + duration)
        self.stats = stats = StepStats(step=step, window=window)
        sent, interval = 0, 1.0 / rate
        end = window[1]
        while True:
            now = time.perf_counter()
            if now >= end:
                break
            due = min(int((now - loop_start) * rate) + 1, int((end - loop_start) * rate))
            while sent < due:
                intended = loop_start + sent * interval
                measured = intended >= window[0]  # warm-up ops are sent, never recorded
                if measured:
                    stats.lag.append(now - intended)
                self.submit(self.pick(), intended, measured)
                sent += 1
            await asyncio.sleep(0.001)
        give_up = time.perf_counter() + drain
        while time.perf_counter() < give_up and (
            stats.acked + sum(stats.rejected.values()) < stats.sent
            or len(stats.fan_lat) < stats.fan_expected
        ):
            await asyncio.sleep(0.02)
        return stats
