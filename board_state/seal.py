"""Sealing: what an anonymous board keeps once its meeting is closed.

While a meeting runs the board must know whose note is whose: only the author edits a note,
the dot budget is per person, feedback is one answer per person. Once the meeting is closed
none of that is needed any more, and keeping it would let anyone holding the database file (or
a backup) tell who wrote which note and who put which dot. So closing an anonymous board
replaces it, everywhere it is stored, with `seal(board)`:

- notes and timeline entries keep their words, section, category, theme and time of the
  incident, but no author and no time of writing (a note's creation time next to the times
  people joined would say who could have written it); they are kept in an order that depends
  only on their random ids or their incident times, never on who wrote first;
- private writing that was never revealed is dropped (its phase keeps how many there were):
  nobody but its author ever saw it, and without an author nobody could;
- each voting round keeps its totals per item and how many people voted, not who voted for what;
- feedback keeps the answers (the facilitator's aggregate), not who gave which;
- raised hands are cleared.

What stays named is what the meeting named on purpose: the participants list (attendance),
action owners, sign-off names and the facilitator. Named boards show authors to everyone while
the meeting runs, so there is nothing to hide afterwards: `seal` leaves them as they are.

Pure and deterministic: the same board seals to the same bytes.
"""

from __future__ import annotations

from collections import Counter

import msgspec

from .model import ANONYMOUS, Board, Feedback, Round, decode_board, encode_board

# Nobody: projection then says `mine: false` to every viewer ("" would be the outsider's
# viewer id, who would then see every note as theirs).
SEALED_AUTHOR = ANONYMOUS


def seals(board: Board) -> bool:
    """Whether closing this board seals it (anonymous boards do; named ones keep authors)."""
    return board.settings.anonymity == "anonymous"


def _sealed_round(r: Round) -> Round:
    if r.sealed_totals is not None:
        return r
    totals: Counter[str] = Counter()
    for dots in r.votes.values():
        totals.update(dots)
    return msgspec.structs.replace(
        r, votes={}, sealed_totals=dict(sorted((k, v) for k, v in totals.items() if v)),
        sealed_voters=len(r.votes))


def seal(board: Board, nudges: tuple[int, int] | None = None) -> Board:
    """A copy of a closed anonymous board with every link from a person to what they wrote,
    voted or answered removed (see the module docstring). Other boards come back as copies.

    `nudges` is (raised, resolved) over the meeting, counted from the op log that the sealed
    board replaces (`nudges.NudgeTally`); the write-up reads it from the sealed board."""
    sealed = decode_board(encode_board(board))  # a deep copy: the caller's board is untouched
    if not seals(sealed):
        return sealed
    if nudges is not None:
        sealed.sealed_nudges = list(nudges)
    for s in sealed.stickies.values():
        if s.hidden and (phase := sealed.phase(s.phase_id)) is not None:
            phase.sealed_private += 1  # "3 written, never revealed" stays true
    stickies = [s for s in sealed.stickies.values() if not s.hidden]
    for s in stickies:
        s.author, s.created_at = SEALED_AUTHOR, 0
    sealed.stickies = {s.id: s for s in sorted(stickies, key=lambda s: s.id)}
    entries = list(sealed.timeline.values())
    for e in entries:
        e.author, e.created_at = SEALED_AUTHOR, 0
    sealed.timeline = {e.id: e for e in sorted(entries, key=lambda e: (e.at, e.id))}
    sealed.rounds = {rid: _sealed_round(r) for rid, r in sealed.rounds.items()}
    answers = sorted(sealed.feedback.values(), key=lambda f: (f.safety, f.change))
    sealed.feedback = {f"answer-{n}": Feedback(safety=f.safety, change=f.change)
                       for n, f in enumerate(answers, 1)}
    sealed.hands = []
    return sealed


def is_sealed(board: Board) -> bool:
    """True for a board `seal` has been through (closed, anonymous)."""
    return board.closed_at is not None and seals(board)
