"""Checks over a whole board: five whys, write-up completeness, every finding on a board, and the
history of nudges raised and resolved, read from the op log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import msgspec

from ..model import Board, Chain
from ..ops import Entry
from ..reducer import apply
from .actions import check_action, check_load
from .blame import check_text, is_person_phrase
from .findings import (
    ALIASES,
    BLAME,
    CHECKS,
    ENDS_AT_PERSON,
    FIVE_WHYS,
    NO_ACTIONS,
    NO_COMMUNICATIONS,
    NO_CONFIRMED,
    REGULATORY_BARE,
    REGULATORY_MISSING,
    SHORT_CHAIN,
    WRITEUP,
    Finding,
    finding,
)

MIN_WHYS = 5
_BARE_NA = re.compile(
    r"^\s*(?:n\s*/\s*a|na|none|nil|not applicable|no|nothing|-+|—|tbd|n\.a\.)"
    r"\s*[.!]?\s*$",
    re.IGNORECASE,
)


def _retarget(findings: Iterable[Finding], target: str) -> list[Finding]:
    return [Finding(f.check, f.words, f.message, f.reframe, target) for f in findings]


def check_chain(chain: Chain, *, names: Iterable[str] = ()) -> list[Finding]:
    """A five-whys chain: blameful wording in its problem, questions, answers and root cause
    (targeted at the chain or the step), and "keep asking why" when the chain is marked done
    with fewer than five steps, or when its last answer ends at a person or at human error."""
    names = tuple(names)
    out = _retarget(check_text(chain.problem, names=names), chain.id)
    for step in chain.steps:
        out += _retarget(
            check_text(step.why, names=names) + check_text(step.answer, names=names), step.id
        )
    if chain.root_cause:
        out += _retarget(check_text(chain.root_cause, names=names), chain.id)
    if chain.done and len(chain.steps) < MIN_WHYS:
        n = len(chain.steps)
        out.append(
            finding(FIVE_WHYS, SHORT_CHAIN, target=chain.id, n=n, whys="why" if n == 1 else "whys")
        )
    # Where the chain ends now: the marked root step, or the last answer given, or the stated
    # root cause. It is checked while the meeting goes on too: that is when asking on helps.
    ends: list[str] = []
    root = next((s for s in chain.steps if s.id == chain.root_step_id), None)
    if root is not None and root.answer.strip():
        ends.append(root.answer)
    else:
        answered = [s for s in chain.steps if s.answer.strip()]
        if answered:
            ends.append(answered[-1].answer)
    if chain.root_cause.strip():
        ends.append(chain.root_cause)
    for text in ends:
        blame = check_text(text, names=names)
        person = is_person_phrase(text, names=names)
        if blame or person:
            words = tuple(w for f in blame for w in f.words) or ((person,) if person else ())
            out.append(finding(FIVE_WHYS, ENDS_AT_PERSON, words, chain.id))
            break
    return out


def check_writeup(board: Board) -> list[Finding]:
    """What a complete write-up needs: regulatory considerations (a bare "N/A" needs a reason),
    the communications made, and at least one action its owner has confirmed."""
    h = board.header
    out: list[Finding] = []
    if not h.regulatory.strip():
        out.append(finding(WRITEUP, REGULATORY_MISSING, target="header.regulatory"))
    elif _BARE_NA.match(h.regulatory):
        out.append(finding(WRITEUP, REGULATORY_BARE, (h.regulatory.strip(),), "header.regulatory"))
    if not h.communications.strip():
        out.append(finding(WRITEUP, NO_COMMUNICATIONS, target="header.communications"))
    live = [a for a in board.actions.values() if a.status != "dropped"]
    if not live:
        out.append(finding(WRITEUP, NO_ACTIONS, target="actions"))
    elif not any(a.confirmed for a in live):
        out.append(finding(WRITEUP, NO_CONFIRMED, target="actions"))
    return out


def _off(off: Iterable[str]) -> frozenset[str]:
    return frozenset(ALIASES.get(k, k) for k in off)


def board_names(board: Board) -> tuple[str, ...]:
    return tuple(p.name for p in board.participants.values())


def board_findings(
    board: Board, *, today: str | None = None, off: Iterable[str] = ()
) -> list[Finding]:
    """Every finding on a board, each with `target` set to the item's id (or "actions",
    "header.<field>" for board-wide ones), skipping the check kinds in `off`.

    Hidden stickies (private writing not yet revealed) are checked too: whoever shows a finding
    must show it to the sticky's author only, as the sticky itself."""
    skip = _off(off)
    names = board_names(board)
    out: list[Finding] = []
    if BLAME not in skip:
        if board.header.summary:
            out += _retarget(check_text(board.header.summary, names=names), "header.summary")
        for s in board.stickies.values():
            out += _retarget(check_text(s.text, names=names), s.id)
        for e in board.timeline.values():
            out += _retarget(check_text(e.text, names=names), e.id)
    for c in board.chains.values():
        out += check_chain(c, names=names)
    order = [a for a in board.action_order if a in board.actions]
    order += [a for a in board.actions if a not in set(order)]
    for aid in order:
        out += check_action(board.actions[aid], today=today, names=names)
    out += check_load(board)
    out += check_writeup(board)
    return [f for f in out if f.check not in skip]


class CheckHistory(msgspec.Struct, frozen=True):
    raised: int = 0
    resolved: int = 0


class NudgeHistory(msgspec.Struct, frozen=True):
    raised: int
    resolved: int
    by_check: dict[str, CheckHistory]


def _exists(board: Board, target: str) -> bool:
    if (
        target in board.stickies
        or target in board.timeline
        or target in board.chains
        or target in board.actions
        or target == "actions"
        or target.startswith("header.")
    ):
        return True
    return any(s.id == target for c in board.chains.values() for s in c.steps)


def nudge_history(entries: Iterable[Entry], *, board_id: str = "") -> NudgeHistory:
    """Nudges raised and resolved over a meeting, by replaying its op log.

    After each op, the set of (item, check) pairs with a finding is compared with the set
    before it: a pair that appears is a nudge raised; a pair that disappears while its item
    still exists (an edit cleared it) is a nudge resolved. Deleting an item resolves nothing,
    and only the checks the board has switched on count. Due-date windows are measured from
    the day each action was written, so time passing alone raises or resolves nothing."""
    board = Board(id=board_id)
    present: set[tuple[str, str]] = set()
    raised = {c: 0 for c in CHECKS}
    resolved = {c: 0 for c in CHECKS}
    for e in entries:
        apply(board, e.op, actor=e.actor, now=e.at, new_id=e.new_id)
        enabled = _off(board.settings.nudges)
        now = {(f.target, f.check) for f in board_findings(board) if f.check in enabled}
        for _, check in now - present:
            raised[check] += 1
        for target, check in present - now:
            if check in enabled and _exists(board, target):
                resolved[check] += 1
        present = now
    return NudgeHistory(
        raised=sum(raised.values()),
        resolved=sum(resolved.values()),
        by_check={c: CheckHistory(raised[c], resolved[c]) for c in CHECKS},
    )
