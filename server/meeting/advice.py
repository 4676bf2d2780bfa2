"""Guardrail hints over the websocket: answers to `check` and `count_nudges`.

Neither is an op: nothing is stored or broadcast, and the answer goes to the asking connection
alone. What to say, and to whom, is the core's decision (`board_state.nudges`); this module only
asks the room (committed state only, between its rounds) and reads the server's date (a due
date's distance is measured from today).
"""

from __future__ import annotations

from datetime import UTC, datetime

from hindsight.board_state.nudges import advise, counts_for
from hindsight.board_state.protocol import Advice, Check, NudgeCounts, encode
from hindsight.server.meeting.frames import Peer
from hindsight.server.meeting.room import Room


def today() -> str:
    return datetime.now(UTC).date().isoformat()


async def answer_check(room: Room, conn: Peer, check: Check) -> None:
    findings = await room.consult(lambda board: advise(board, check.kind, check.text))
    conn.send(encode(Advice(cid=check.cid, findings=findings)))


async def answer_count(room: Room, conn: Peer) -> None:
    """Raises `Rejected` (forbidden) for anyone but the facilitator."""
    day, pid = today(), conn.participant_id
    counts = await room.consult(lambda board: counts_for(board, pid, today=day))
    conn.send(encode(NudgeCounts(by_phase=counts, total=sum(counts.values()))))
