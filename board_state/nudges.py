"""Where the guardrails meet the meeting: hints for a writer, counts for the facilitator.

Theory of operation. The checks themselves live in `guardrails/` and know nothing of who is
asking. This module decides what each person is shown of them:

- A writer asks about their own words while typing (`advise`): the findings go back to that
  connection alone, because a hint about blameful wording would otherwise point at its author.
  Nothing is stored; the writer may keep their wording.
- The facilitator sees how many nudges are open per phase (`nudge_counts`), never which item or
  whose. Private writing that is not yet revealed is not counted: it reaches no one, not even
  as a number.
- Write-up gaps (no communications recorded, no confirmed action) are true of every board at
  the start; they count only from the wrap-up on, when filling them is the task at hand.
- Kinds the facilitator turned off in the board settings are skipped everywhere.
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

from . import ops as o
from .errors import Rejected
from .guardrails import (
    Finding,
    board_findings,
    check_action,
    check_action_text,
    check_chain,
    check_load,
    check_text,
)
from .guardrails.board import board_names
from .model import ALL_NUDGES, Board
from .reducer import apply

AdviceKind = Literal["text", "action"]

# Which phase kind a finding belongs to when its item does not say (timeline entries, chains,
# actions, the header). Stickies carry the phase they were written in.
_HOME = {
    "timeline": "timeline",
    "chain": "five_whys",
    "action": "actions",
    "header": "summary",
    "writeup": "wrap_up",
}


def turned_off(board: Board) -> list[str]:
    return [n for n in ALL_NUDGES if n not in board.settings.nudges]


def advise(board: Board, kind: AdviceKind, text: str) -> list[Finding]:
    """What to tell a writer about `text` they are typing (a note, an entry, an answer, or with
    `kind="action"` an action's wording), under this board's settings."""
    on = set(board.settings.nudges)
    found: list[Finding] = []
    if "blame" in on:
        found += check_text(text, names=board_names(board), learned=kind != "action")
    if kind == "action" and "vague_action" in on:
        found += check_action_text(text)
    return found


def _phase_for(board: Board, home: str) -> str:
    for p in board.agenda:
        if p.kind == home:
            return p.id
    return ""


def _home_of(board: Board, target: str) -> str | None:
    """The phase id a finding is counted under; None when it must not be counted."""
    sticky = board.stickies.get(target)
    if sticky is not None:
        return None if sticky.hidden else sticky.phase_id
    if target in board.timeline:
        return _phase_for(board, _HOME["timeline"])
    if target in board.chains or any(
        s.id == target for c in board.chains.values() for s in c.steps
    ):
        return _phase_for(board, _HOME["chain"])
    if target in board.actions or target == "actions":
        return _phase_for(board, _HOME["action"])
    if target.startswith("header.summary"):
        return _phase_for(board, _HOME["header"])
    return _phase_for(board, _HOME["writeup"])


def nudge_counts(board: Board, *, today: str | None = None) -> dict[str, int]:
    """Open nudges per phase id ("" for anything that belongs to no phase of this agenda). An
    item counts once per kind of nudge, however many words in it were found."""
    counts: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    off = turned_off(board)
    current = board.current_phase()
    if board.closed_at is None and (current is None or current.kind != "wrap_up"):
        off.append("completeness")
    for f in board_findings(board, today=today, off=off):
        if (f.target, f.check) in seen:
            continue
        seen.add((f.target, f.check))
        home = _home_of(board, f.target)
        if home is not None:
            counts[home] += 1
    return dict(sorted(counts.items()))


def counts_for(board: Board, viewer: str, *, today: str | None = None) -> dict[str, int]:
    """`nudge_counts` for the facilitator; anyone else is refused (the counts are theirs to
    steer the meeting with, and a participant gains nothing from them but a guess at authors)."""
    if viewer != board.facilitator:
        raise Rejected("forbidden", "only the facilitator sees how many nudges are open")
    return nudge_counts(board, today=today)


# --- the meeting's history of nudges, for the write-up ------------------------------------------

_RECHECK_ALL = (o.CreateBoard, o.Join, o.Rename, o.EditSettings)  # names or switches changed
_ITEM_KINDS = ("sticky", "timeline", "chain", "action")


class NudgeTally:
    """Nudges raised and resolved over a meeting, fed its op log one entry at a time.

    A nudge is an (item, kind) pair with a finding. It is raised when it appears; it is resolved
    when it disappears while the item still exists (someone reworded it). Deleting an item
    resolves nothing. Only what others could see counts: private writing joins when revealed.
    Write-up gaps are not history (every meeting starts with them) and are left out.

    Incremental on purpose: after each op only the items it changed are checked again (all of
    them when names or settings change), so a tally can follow a live board cheaply and a
    write-up can bring it up to date from where it left off."""

    def __init__(self, board_id: str) -> None:
        self.board = Board(id=board_id)
        self.seq = 0
        self.present: dict[str, frozenset[str]] = {}  # item id (or "actions") -> kinds found
        self.raised = 0
        self.resolved = 0

    def feed(self, entry: o.Entry) -> None:
        changes = apply(
            self.board, entry.op, actor=entry.actor, now=entry.at, new_id=entry.new_id
        ).changes
        self.seq = entry.seq
        b = self.board
        if isinstance(entry.op, _RECHECK_ALL):
            targets = set(b.stickies) | set(b.timeline) | set(b.chains) | set(b.actions)
            targets |= set(self.present)
        else:
            targets = {c.id for c in changes if c.kind in _ITEM_KINDS}
        for target in targets:
            self._settle(target, self._kinds_of(target))
        on = set(b.settings.nudges)
        self._settle("actions", frozenset(f.check for f in check_load(b) if f.check in on))

    def _kinds_of(self, target: str) -> frozenset[str] | None:
        """The kinds of nudge an item has now; None when the item is gone (or private)."""
        b = self.board
        on = set(b.settings.nudges)
        names = board_names(b)
        found: list[Finding]
        if (s := b.stickies.get(target)) is not None:
            if s.hidden:
                return None
            found = check_text(s.text, names=names)
        elif (e := b.timeline.get(target)) is not None:
            found = check_text(e.text, names=names)
        elif (c := b.chains.get(target)) is not None:
            found = check_chain(c, names=names)
        elif (a := b.actions.get(target)) is not None:
            found = check_action(a, names=names)  # due dates measured from the day written
        else:
            return None
        return frozenset(f.check for f in found if f.check in on)

    def _settle(self, target: str, now: frozenset[str] | None) -> None:
        before = self.present.get(target, frozenset())
        after = now or frozenset()
        self.raised += len(after - before)
        if now is not None:  # switched-off kinds vanish without anyone resolving them
            self.resolved += len((before - after) & set(self.board.settings.nudges))
        if after:
            self.present[target] = after
        else:
            self.present.pop(target, None)
