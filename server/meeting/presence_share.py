"""Who is online, across nodes: each node tells the others who is connected to a board
through it, and every room counts everyone.

On SQLite there is one process and none of this runs. On a shared store (PostgreSQL) a board's
people may be spread over several nodes (a proxy without affinity, or after a node died), and
each room only has its own connections. So:

* A room tells its hub when the set of people connected to it changes (`on_presence`); the hub
  publishes it (NOTIFY on `hindsight_presence`, `<board> <node> <participant ids>`), and the
  other nodes' rooms of that board keep it (`Room.elsewhere`) and count it in presence.
* Each node also says it is alive every few seconds (a heartbeat with no board). A node not
  heard for `NODE_TIMEOUT` is gone: its people are dropped from every room. A node heard for
  the first time (just started) makes every other node publish all its rooms' people, so it
  learns who is already there.

Presence is not part of the board (nothing of it is stored): a late or lost notice only makes
the count wrong until the next one, never the board.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from hindsight.board_state import Board
from hindsight.server.meeting.frames import Peer, presence_frames

log = logging.getLogger("hindsight.hub")

HEARTBEAT = 5.0  # seconds between a node's "still here"
NODE_TIMEOUT = 15.0  # seconds of silence after which a node's people are dropped
MAX_IDS = 400  # a NOTIFY payload is at most 8000 bytes: this many ids fit with room to spare


class Presence:
    # The Room's state this uses (see room.py).
    board: Board
    peers: set[Peer]
    elsewhere: dict[str, frozenset[str]]
    on_presence: Callable[[Any], None] | None
    _announced: frozenset[str]

    def _send_presence(self) -> None:
        elsewhere = frozenset().union(*self.elsewhere.values()) if self.elsewhere else frozenset()
        for peer, frame in presence_frames(list(self.peers), self.board, elsewhere):
            peer.send(frame)
        if self.on_presence is not None:  # other nodes count this node's people too
            online = frozenset(p.participant_id for p in self.peers)
            if online != self._announced:
                self._announced = online
                self.on_presence(self)

    def set_elsewhere(self, node: str, online: frozenset[str]) -> None:
        """Who is connected to this board through `node` (empty: nobody, or it is gone)."""
        if self.elsewhere.get(node, frozenset()) != online:
            if online:
                self.elsewhere[node] = online
            else:
                self.elsewhere.pop(node, None)
            self._send_presence()


def notice(board_id: str, node: str, online: frozenset[str]) -> str:
    """The payload that tells other nodes who is connected to a board through `node`."""
    return " ".join([board_id, node, *sorted(online)[:MAX_IDS]])


def read_notice(payload: str) -> tuple[str, str, frozenset[str]]:
    board_id, node, *ids = payload.split(" ")
    return board_id, node, frozenset(ids)


class PresenceShare:
    """A hub's side: publish its rooms' people, keep the others', forget silent nodes."""

    def __init__(
        self,
        node: str,
        rooms: Callable[[], dict[str, Any]],
        publish: Callable[[str], None],
        clock: Callable[[], float],
    ) -> None:
        self.node, self._rooms, self._publish, self._clock = node, rooms, publish, clock
        self._seen: dict[str, float] = {}  # other node -> when last heard
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._beat())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def changed(self, room: Any) -> None:
        """A room's own people changed: tell the other nodes (from a thread: it is a query)."""
        online = frozenset(p.participant_id for p in room.peers)
        self._send(notice(room.board_id, self.node, online))

    def _send(self, payload: str) -> None:
        task = asyncio.get_running_loop().create_task(asyncio.to_thread(self._publish, payload))
        task.add_done_callback(lambda t: t.cancelled() or t.exception())

    def heard(self, payload: str) -> None:
        """A notice from another node (a heartbeat when it names no board)."""
        board_id, node, online = read_notice(payload)
        if node == self.node:
            return
        new = node not in self._seen
        self._seen[node] = self._clock()
        if new:  # it just started (or came back): it should know who is here
            for room in list(self._rooms().values()):
                if room.peers:
                    self.changed(room)
        if board_id:
            room = self._rooms().get(board_id)
            if room is not None and not room.closed:
                room.set_elsewhere(node, online)

    def forget_silent(self) -> None:
        now = self._clock()
        for node in [n for n, at in self._seen.items() if now - at > NODE_TIMEOUT]:
            del self._seen[node]
            log.info("node %s fell silent: its people are no longer counted", node)
            for room in list(self._rooms().values()):
                room.set_elsewhere(node, frozenset())

    async def _beat(self) -> None:
        while True:
            try:
                self._send(notice("", self.node, frozenset()))
                self.forget_silent()
            except Exception:
                log.exception("presence heartbeat failed")
            await asyncio.sleep(HEARTBEAT)
