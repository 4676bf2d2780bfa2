"""The ops the load generator offers: participants add, edit, move and delete their notes and
vote and unvote; a facilitator (FACILITATOR_SHARE of all ops) pauses, resumes and extends the
timer. Drawn from the generator's seeded random source, so a run can be repeated."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from hindsight.board_state import ops as o
from hindsight.board_state.model import Section

if TYPE_CHECKING:
    from hindsight.client.bench.load import Seat

SECTIONS: tuple[Section, ...] = ("went_well", "went_badly", "contributing")
WORDS = (
    "deploy",
    "alert",
    "runbook",
    "pager",
    "rollback",
    "config",
    "cache",
    "dns",
    "queue",
    "latency",
    "dashboard",
    "handover",
    "retry",
    "timeout",
    "canary",
    "quota",
    "backup",
)
STICKY_CAP = 6  # a person deletes their oldest note beyond this, so a long run keeps a board
# at a realistic size instead of hitting the 2,000-note limit
FACILITATOR_SHARE = 0.04  # of all ops: timer ops (pause, resume, extend) by a facilitator


def op_for(seat: Seat, rng: random.Random) -> o.Op:
    """The next op of this seat (its notes and votes are kept up to date here)."""
    plan = seat.board.plan
    if seat.facilitator:
        if rng.random() < 0.2:
            return o.ExtendTimer(minutes=1)
        seat.timer_running = not seat.timer_running
        return o.ResumeTimer() if seat.timer_running else o.PauseTimer()
    r = rng.random()
    if 0.42 <= r < 0.77 and plan.vote_items:
        spent = sum(seat.dots.values())
        if spent < 5 and (spent == 0 or rng.random() < 0.6):
            item = rng.choice(plan.vote_items)
            seat.dots[item] = seat.dots.get(item, 0) + 1
            return o.CastVote(round_id=plan.round_id, item_id=item)
        item = rng.choice([i for i, n in seat.dots.items() if n > 0])
        seat.dots[item] -= 1
        return o.Unvote(round_id=plan.round_id, item_id=item)
    if r >= 0.77 and seat.stickies:
        sticky = rng.choice(seat.stickies)
        if r < 0.90:
            return o.EditSticky(sticky_id=sticky, text=_text(rng))
        return o.MoveSticky(sticky_id=sticky, section=rng.choice(SECTIONS[:2]))
    if len(seat.stickies) >= STICKY_CAP:
        return o.DeleteSticky(sticky_id=seat.stickies.popleft())
    return o.AddSticky(section=rng.choice(SECTIONS[:2]), text=_text(rng))


def _text(rng: random.Random) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(4, 12)))
