"""An async client for a Hindsight board, on the `websockets` library.

    async with BoardClient("http://127.0.0.1:8000", board_id, credential) as c:
        ack = await c.submit(AddSticky(section="went_well", text="The kill switch worked"))
        print(c.local.stickies())

Theory of operation. The client keeps a connection open in a background task and reconnects
with exponential backoff and jitter when it drops. Every op gets a client op id (`cid`) and
waits in the outbox until the server answers: an `ack` (durable at a seq) or a `reject`. After a
reconnect, `hello` carries the last applied seq and epoch, the server replays what was missed (or
sends a snapshot), and the outbox is sent again with the same cids; the server applies each cid
at most once, so a resend after a lost ack is harmless. The local view is patched only from
the server's frames: what you see is what the server has committed.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import msgspec
import websockets
from websockets.exceptions import ConnectionClosed, WebSocketException

from hindsight.board_state.errors import Rejected
from hindsight.board_state.ops import ImportTimeline, Op, TimelineItem
from hindsight.board_state.protocol import (
    Ack,
    Batch,
    Error,
    Event,
    Hello,
    Ping,
    Pong,
    Presence,
    Reject,
    Welcome,
    decode_server,
    encode,
)
from hindsight.board_state.views import BoardView, Removed

log = logging.getLogger("hindsight.client")

FATAL_CLOSES = {4001}  # the board or credential is wrong: reconnecting will not help


class LocalBoard:
    """The board as this client was told it: views keyed by (type, id)."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Any] = {}

    def reset(self, snapshot: BoardView) -> None:
        self.items.clear()
        self.upsert(snapshot.board)
        for group in (
            snapshot.participants,
            snapshot.stickies,
            snapshot.timeline,
            snapshot.chains,
            snapshot.themes,
            snapshot.rounds,
            snapshot.actions,
        ):
            for view in group:
                self.upsert(view)
        for single in (snapshot.feedback, snapshot.guidance):
            if single is not None:
                self.upsert(single)

    def upsert(self, view: Any) -> None:
        kind = type(view).__struct_config__.tag
        self.items[(kind, "" if kind == "board" else view.id)] = view

    def apply(self, changes: list[Any]) -> None:
        for view in changes:
            if isinstance(view, Removed):
                self.items.pop((view.kind, view.id), None)
            else:
                self.upsert(view)

    def of(self, kind: str) -> list[Any]:
        return [v for (k, _), v in sorted(self.items.items()) if k == kind]

    @property
    def meta(self) -> Any:
        return self.items.get(("board", ""))

    def stickies(self) -> list[Any]:
        return self.of("sticky")

    def canonical(self) -> dict[str, Any]:
        """Plain data, comparable with the server's projection for the same viewer."""
        return {f"{k}:{i}": msgspec.to_builtins(v) for (k, i), v in sorted(self.items.items())}


def canonical_view(view: BoardView) -> dict[str, Any]:
    local = LocalBoard()
    local.reset(view)
    return local.canonical()


class BoardClient:
    def __init__(
        self,
        server: str,
        board_id: str,
        credential: str,
        *,
        on_frame: Callable[[Any], None] | None = None,
        ping_interval: float = 15.0,
    ) -> None:
        # The board in the path (`/ws` takes any board): a proxy in front of several nodes
        # can send a board's people to one node (docs/operators.md, Running several nodes).
        self.url = (
            server.rstrip("/").replace("http://", "ws://").replace("https://", "wss://")
            + "/ws/"
            + quote(board_id, safe="")
        )
        self.board_id = board_id
        self.credential = credential
        self.on_frame = on_frame
        self.ping_interval = ping_interval
        self.local = LocalBoard()
        self.seq = 0
        self.epoch = ""
        self.you = ""
        self.role = ""
        self.online = 0
        self.connected = asyncio.Event()
        self.outbox: OrderedDict[str, Op] = OrderedDict()
        self._waiting: dict[str, asyncio.Future[Ack]] = {}
        self._ws: Any = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._seq_waiters: list[tuple[int, asyncio.Future[None]]] = []
        self.fatal: str | None = None
        self.reconnects = 0
        self._last_error = ""  # the latest error frame's message
        self.welcomes = 0  # how many times the server welcomed us (first connect included)
        # (welcomes so far, base delay) of the latest reconnect waits, for tests and debugging
        self.backoffs: deque[tuple[int, float]] = deque(maxlen=50)

    async def __aenter__(self) -> BoardClient:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self, timeout: float = 10.0) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())
        await asyncio.wait_for(self.connected.wait(), timeout)
        if self.fatal:
            raise Rejected("unauthorized", self.fatal)

    async def close(self) -> None:
        self._closed = True
        if self._ws is not None:
            await self._ws.close()
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def drop(self) -> None:
        """Cut the connection as a network fault would (for tests and demos); it reconnects."""
        if self._ws is not None:
            self._ws.transport.abort()

    # --- sending ------------------------------------------------------------------------------

    async def submit(self, op: Op, *, timeout: float | None = None) -> Ack:
        """Send an op; return its ack once durable, or raise `Rejected` with the server's reason.
        Survives reconnects: the op stays in the outbox until the server answers."""
        if not op.cid:
            op = msgspec.structs.replace(op, cid=secrets.token_urlsafe(9))
        fut: asyncio.Future[Ack] = asyncio.get_running_loop().create_future()
        self._waiting[op.cid] = fut
        self.outbox[op.cid] = op
        if self._ws is not None and self.connected.is_set():
            await self._send(encode(op))
        return await asyncio.wait_for(fut, timeout)

    async def import_timeline(
        self, items: list[TimelineItem], *, timeout: float | None = None
    ) -> Ack:
        """Add many timeline entries as one op: all of them, or (refused) none. The server
        names a bad entry as "entry N" (counting from 1); at most 500 go in one op."""
        return await self.submit(ImportTimeline(entries=list(items)), timeout=timeout)

    async def _send(self, frame: bytes) -> None:
        try:
            await self._ws.send(frame.decode())
        except ConnectionClosed:
            pass  # the op stays in the outbox and goes again after the reconnect

    async def wait_for_seq(self, seq: int, timeout: float = 10.0) -> None:
        if self.seq >= seq:
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._seq_waiters.append((seq, fut))
        await asyncio.wait_for(fut, timeout)

    # --- the connection loop ------------------------------------------------------------------

    async def _run(self) -> None:
        delay = 0.05
        while not self._closed:
            welcomes = self.welcomes
            try:
                async with websockets.connect(
                    self.url, max_size=4 << 20, compression=None, open_timeout=5
                ) as ws:
                    self._ws = ws
                    await self._session(ws)
            except ConnectionClosed as e:
                code = e.rcvd.code if e.rcvd else None
                if code in FATAL_CLOSES:
                    # The error frame before the close says why in a sentence; the close
                    # reason is a word.
                    self.fatal = self._last_error or (e.rcvd.reason if e.rcvd else "") or "refused"
                    self._fail_all(Rejected("unauthorized", self.fatal or "refused"))
                    return
            except (OSError, WebSocketException, TimeoutError, EOFError):
                # Any failure to connect or stay connected (refused, reset, a server killed in
                # the middle of the handshake, ...) means: try again, with backoff.
                pass
            finally:
                self._ws = None
                self.connected.clear()
                if self.welcomes != welcomes:
                    delay = 0.05  # we were welcomed: the next drop starts backing off afresh
            if self._closed:
                return
            self.reconnects += 1
            self.backoffs.append((self.welcomes, delay))
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 2.0)

    async def _session(self, ws: Any) -> None:
        await ws.send(
            encode(
                Hello(
                    board=self.board_id,
                    credential=self.credential,
                    last_seq=self.seq,
                    epoch=self.epoch,
                    batch=True,
                )
            ).decode()
        )
        pinger = asyncio.get_running_loop().create_task(self._ping(ws))
        try:
            async for frame in ws:
                try:
                    decoded = decode_server(frame)
                except msgspec.DecodeError as e:  # a newer server's frame we cannot read
                    log.warning("ignoring a frame this client does not understand: %s", e)
                    continue
                for message in decoded.messages if isinstance(decoded, Batch) else (decoded,):
                    if isinstance(message, Welcome):
                        self._welcome(message)
                        for op in list(self.outbox.values()):  # same cids: applied at most once
                            await ws.send(encode(op).decode())
                        self.connected.set()
                    else:
                        self._handle(message)
                    if self.on_frame:
                        self.on_frame(message)
        finally:
            pinger.cancel()

    async def _ping(self, ws: Any) -> None:
        while True:
            await asyncio.sleep(self.ping_interval)
            await ws.send(encode(Ping(t=0)).decode())

    def _welcome(self, w: Welcome) -> None:
        self.welcomes += 1
        self.you, self.role, self.epoch = w.you, w.role, w.epoch
        if w.snapshot is not None:
            self.local.reset(w.snapshot)
            self.seq = 0  # the snapshot replaces everything, whatever we had
            self._advance(w.seq)
        # Without a snapshot, the events after our last_seq up to w.seq follow: keep our seq,
        # or they would look like duplicates and be skipped.

    def _handle(self, message: Any) -> None:
        if isinstance(message, Event):
            if message.seq <= self.seq:
                return  # already applied (a replay overlapping what we had)
            self.local.apply(message.changes)
            self._advance(message.seq)
        elif isinstance(message, Ack):
            self.outbox.pop(message.cid, None)
            fut = self._waiting.pop(message.cid, None)
            if fut and not fut.done():
                fut.set_result(message)
        elif isinstance(message, Reject):
            self.outbox.pop(message.cid, None)
            fut = self._waiting.pop(message.cid, None)
            if fut and not fut.done():
                fut.set_exception(Rejected(message.code, message.message))
        elif isinstance(message, Presence):
            self.online = message.online
        elif isinstance(message, (Error, Pong)):
            if isinstance(message, Error):
                self._last_error = message.message
                log.warning("server error: %s: %s", message.code, message.message)

    def _advance(self, seq: int) -> None:
        self.seq = max(self.seq, seq)
        still = []
        for target, fut in self._seq_waiters:
            if self.seq >= target:
                if not fut.done():
                    fut.set_result(None)
            else:
                still.append((target, fut))
        self._seq_waiters = still

    def _fail_all(self, error: Exception) -> None:
        for fut in self._waiting.values():
            if not fut.done():
                fut.set_exception(error)
        self._waiting.clear()
        self.connected.set()  # wake start() so it can see `fatal`
