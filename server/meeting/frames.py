"""What a room sends, and what it counts when it seals: pure functions of the board and the
connections, so `room.py` keeps to sequencing, storing and the order of sending.

- Events are projected once per distinct view (`viewer_key`): most members of a board see the
  same event (all but a note's author, say), so most rounds encode one frame for everyone.
- Presence is a count (names on named boards); the facilitator's copy also lists who is
  connected, so they can tell the seats nobody uses.
"""

from __future__ import annotations

from typing import Protocol

from hindsight.board_state import Board, Entry, decode_entry, project, view_for, viewer_key
from hindsight.board_state.nudges import NudgeTally
from hindsight.board_state.protocol import Event, Presence, Welcome, encode
from hindsight.board_state.util import Change
from hindsight.server.storage.store import Store


class Peer(Protocol):
    """What a room needs of a connection: a non-blocking send and a way to close it."""

    participant_id: str

    def send(self, frame: bytes) -> None: ...
    def send_all(self, frames: list[bytes]) -> None: ...  # in order; as a batch if it can
    def close(self, code: int, reason: str, *, flush: bool = False) -> None: ...


def event_frames(
    peers: set[Peer], board: Board, seq: int, at: int, changes: tuple[Change, ...]
) -> list[tuple[Peer, bytes]]:
    by_viewer: dict[str, bytes] = {}
    by_key: dict[tuple[object, ...], bytes] = {}
    frames = []
    for peer in peers:
        viewer = peer.participant_id
        frame = by_viewer.get(viewer)
        if frame is None:
            key = viewer_key(changes, board, viewer)
            frame = by_key.get(key)
            if frame is None:
                frame = by_key[key] = encode(
                    Event(seq=seq, at=at, changes=project(changes, board, viewer))
                )
            by_viewer[viewer] = frame
        frames.append((peer, frame))
    return frames


def welcome_frame(
    board: Board, viewer: str, *, seq: int, epoch: str, now: int, snapshot: bool
) -> bytes:
    role = board.role_of(viewer) or "observer"
    return encode(
        Welcome(
            board_id=board.id,
            you=viewer,
            role=role,
            seq=seq,
            epoch=epoch,
            server_time=now,
            snapshot=view_for(board, viewer) if snapshot else None,
        )
    )


def presence_frames(
    peers: list[Peer], board: Board, elsewhere: frozenset[str] = frozenset()
) -> list[tuple[Peer, bytes]]:
    """`elsewhere`: who is connected to the board through other nodes (a shared store)."""
    online = {p.participant_id for p in peers} | elsewhere
    names: list[str] = []
    if board.settings.anonymity == "named":
        names = sorted(board.participants[i].name for i in online if i in board.participants)
    frame = encode(Presence(online=len(online), names=names))
    if board.facilitator not in online:  # nobody to tell which seats are in use
        return [(peer, frame) for peer in peers]
    seats = encode(Presence(online=len(online), names=names, seats_online=sorted(online)))
    return [(peer, seats if peer.participant_id == board.facilitator else frame) for peer in peers]


def tally_nudges(store: Store, board_id: str, pending: list[Entry]) -> tuple[int, int]:
    """(raised, resolved) nudges over a whole meeting: the committed log, then `pending`
    entries not yet committed. A blocking read: run it in a thread (once per board, when it
    is sealed, after which the write-up reads the figures from the sealed board)."""
    tally = NudgeTally(board_id)
    for row in store.ops_since(board_id, 0):
        tally.feed(decode_entry(row.body))
    for entry in pending:
        tally.feed(entry)
    return tally.raised, tally.resolved
