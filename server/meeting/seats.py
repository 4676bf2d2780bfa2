"""Seats on a room's board: joining (with a join link's token, checked by the core), the
lazy migration that gives old boards their links, and telling a removed seat's holder.

A mixin of `Room` (it submits to the room's inbox and speaks to its connections).
"""

from __future__ import annotations

import hmac
import secrets

from hindsight.board_state import Board
from hindsight.board_state import ops as o
from hindsight.board_state.model import Role
from hindsight.board_state.protocol import Error, encode
from hindsight.server.meeting.frames import Peer
from hindsight.server.meeting.ids import hash_secret, new_id
from hindsight.server.meeting.inbox import Receipt, Round
from hindsight.server.storage.store import CredentialRow

REVOKED = "revoked"  # a removed seat's secret hash: no secret hashes to it


class Seats:
    # The Room's state and methods this uses (see room.py).
    board: Board
    peers: set[Peer]
    _secrets: dict[str, str]  # participant id -> sha256 of their secret

    async def _submit_system(
        self, op: o.Op, *, new_id: str = "", credential: CredentialRow | None = None
    ) -> Receipt:
        raise NotImplementedError

    def _send_presence(self) -> None:
        raise NotImplementedError

    async def join(self, name: str, role: Role, token: str | None = None) -> tuple[str, str]:
        """Add a participant; return (participant id, credential) once it is durable. `token`
        is the join link's, as the person brought it (the core checks it); None seats someone
        the server itself vouches for (an import re-seating a board's people)."""
        if token is None:
            token = self.board.links.get(role, "")
        pid, secret = new_id(), secrets.token_urlsafe(24)
        cred = CredentialRow(
            board_id=self.board.id, participant_id=pid, secret_hash=hash_secret(secret), role=role
        )
        await self._submit_system(
            o.Join(name=name, role=role, token=token), new_id=pid, credential=cred
        )
        return pid, f"{pid}.{secret}"

    async def ensure_links(self) -> None:
        """Give a board made before join links its two links (the lazy migration: door.py)."""
        for role in ("participant", "observer"):
            if role not in self.board.links:
                await self._submit_system(o.RotateLink(role=role))

    def _disconnect_removed(self, pids: list[str]) -> None:
        """A removed seat's holder is told and disconnected (4001: do not retry; a new hello
        with that credential is refused, now and after a restart)."""
        frame = encode(
            Error(code="unauthorized", message="the facilitator removed your seat on this board")
        )
        for peer in [p for p in self.peers if p.participant_id in pids]:
            self.peers.discard(peer)
            peer.send(frame)
            peer.close(4001, "seat removed", flush=True)
        self._send_presence()

    def authenticate(self, credential: str) -> str | None:
        """The participant id a credential (`<participant id>.<secret>`) opens, or None."""
        pid, _, secret = credential.partition(".")
        expected = self._secrets.get(pid)
        # compare_digest on the hashes: constant time whatever the input.
        given = hash_secret(secret)
        if expected is None:
            hmac.compare_digest(given, given)
            return None
        return pid if hmac.compare_digest(given, expected) else None

    def _seats_changed(self, op: o.Op, r: Round) -> None:
        """The shell's side of an accepted op that changes seats: a removed seat's credential
        stops working from this round on (and, written with the round, after a restart); a
        hand-over readdresses presence."""
        if isinstance(op, o.HandOver):
            r.handed_over = True
        if isinstance(op, o.RemoveSeat):
            self._secrets.pop(op.participant_id, None)
            r.credentials.append(
                CredentialRow(
                    board_id=self.board.id,
                    participant_id=op.participant_id,
                    secret_hash=REVOKED,
                    role="removed",
                )
            )
            r.revoked.append(op.participant_id)
