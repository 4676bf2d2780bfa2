"""What the load generator is given and what it keeps: each board's plan, a record per op in
flight, a step's tallies, and their summary as the figures a step reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hindsight.client.bench.stats import percentiles


@dataclass
class BoardPlan:
    """One board as the generator needs it: for Hindsight its id, every seat's credential
    (the facilitator's first), the open round and the notes to vote on."""

    board_id: str
    credentials: list[str] = field(default_factory=list)
    round_id: str = ""
    vote_items: list[str] = field(default_factory=list)


class OpRec:
    __slots__ = ("t", "step", "left", "acked")

    def __init__(self, t: float, step: int, left: int) -> None:
        self.t, self.step, self.left, self.acked = t, step, left, False


@dataclass
class StepStats:
    step: int = 0
    window: tuple[float, float] = (0.0, 0.0)
    sent: int = 0
    acked: int = 0
    duplicates: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    frames: int = 0  # messages delivered (a batch frame counts each message it holds)
    batches: int = 0  # batch frames among them
    ack_lat: list[float] = field(default_factory=list)
    fan_lat: list[float] = field(default_factory=list)
    fan_expected: int = 0
    lag: list[float] = field(default_factory=list)


def summarize(stats: StepStats, rate: float, duration: float) -> dict[str, Any]:
    unacked = stats.sent - stats.acked - sum(stats.rejected.values())
    return {
        "offered": rate,
        "sent": stats.sent,
        "acked": stats.acked,
        "achieved_ops_s": round(stats.acked / duration, 1),
        "delivered_msgs_s": round(stats.frames / duration, 1),
        "batch_frames_s": round(stats.batches / duration, 1),
        "rejected": dict(stats.rejected),
        "duplicates": stats.duplicates,
        "unacked": unacked,
        "errors": unacked + sum(stats.rejected.values()),
        "fanout_expected": stats.fan_expected,
        "fanout_received": len(stats.fan_lat),
        "ack_ms": percentiles(stats.ack_lat),
        "fanout_ms": percentiles(stats.fan_lat),
        "gen_lag_ms": percentiles(stats.lag),
    }
