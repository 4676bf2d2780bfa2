"""Sealing: what a board keeps once its meeting is closed.

While a meeting runs the board must know whose note is whose: only the author edits a note,
the dot budget is per person, feedback is one answer per person. Once the meeting is closed
none of that is needed any more, and keeping it would let anyone holding the database file (or
a backup) tell who wrote which note and who put which dot. So closing a board replaces it,
everywhere it is stored, with `seal(board)`. On every board:

- each voting round keeps its totals per item and how many people voted, not who voted for what
  (votes are anonymous on named boards too);
- feedback keeps the answers (the facilitator's aggregate), not who gave which;
- private writing that was never revealed is dropped (its phase keeps how many there were):
  nobody but its author ever saw it;
- raised hands are cleared;
- five-whys chains and actions forget who started them (kept only so that a whole one is deleted
  by whoever added it or the facilitator; no view ever showed it).

On an anonymous board, besides:

- notes and timeline entries keep their words, section, category, theme and time of the
  incident, but no author and no time of writing (a note's creation time next to the times
  people joined would say who could have written it); they are kept in an order that depends
  only on their random ids or their incident times, never on who wrote first.

A named board showed every note's author to everyone while the meeting ran, so it keeps them
(and the write-up and exports name them); that is the one thing it keeps that an anonymous
board does not. What stays named on every board is what the meeting named on purpose: the
participants list (attendance), action owners, sign-off names and the facilitator.

Pure and deterministic: the same board seals to the same bytes, and sealing twice changes
nothing.
"""

from __future__ import annotations

from collections import Counter

import msgspec

from .model import ANONYMOUS, Board, Feedback, Round, decode_board, encode_board

# Nobody: projection then says `mine: false` to every viewer ("" would be the outsider's
# viewer id, who would then see every note as theirs).
SEALED_AUTHOR = ANONYMOUS


def _sealed_round(r: Round) -> Round:
    if r.sealed_totals is not None:
        return r
    totals: Counter[str] = Counter()
    for dots in r.votes.values():
        totals.update(dots)
    return msgspec.structs.replace(
        r,
        votes={},
        sealed_totals=dict(sorted((k, v) for k, v in totals.items() if v)),
        sealed_voters=len(r.votes),
    )


def seal(board: Board, nudges: tuple[int, int] | None = None) -> Board:
    """A sealed copy of a closed board (see the module docstring); the caller's board is
    untouched.

    `nudges` is (raised, resolved) over the meeting, counted from the op log that the sealed
    board replaces (`nudges.NudgeTally`); the write-up reads it from the sealed board."""
    sealed = decode_board(encode_board(board))  # a deep copy
    if sealed.sealed:
        return sealed
    sealed.sealed = True
    if nudges is not None:
        sealed.sealed_nudges = list(nudges)
    for s in sealed.stickies.values():
        if s.hidden and (phase := sealed.phase(s.phase_id)) is not None:
            phase.sealed_private += 1  # "3 written, never revealed" stays true
    sealed.stickies = {k: s for k, s in sealed.stickies.items() if not s.hidden}
    sealed.rounds = {rid: _sealed_round(r) for rid, r in sealed.rounds.items()}
    answers = sorted(sealed.feedback.values(), key=lambda f: (f.safety, f.change))
    sealed.feedback = {
        f"answer-{n}": Feedback(safety=f.safety, change=f.change) for n, f in enumerate(answers, 1)
    }
    sealed.hands = []
    if sealed.settings.anonymity == "anonymous":
        stickies = list(sealed.stickies.values())
        for s in stickies:
            s.author, s.created_at = SEALED_AUTHOR, 0
        sealed.stickies = {s.id: s for s in sorted(stickies, key=lambda s: s.id)}
        entries = list(sealed.timeline.values())
        for e in entries:
            e.author, e.created_at = SEALED_AUTHOR, 0
        sealed.timeline = {e.id: e for e in sorted(entries, key=lambda e: (e.at, e.id))}
    for c in sealed.chains.values():
        c.author = SEALED_AUTHOR
    for a in sealed.actions.values():
        a.author = SEALED_AUTHOR
    return sealed
