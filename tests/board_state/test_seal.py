"""Sealing a closed anonymous board (board_state/seal.py), in the core.

The meeting of the differential anonymity test is played with authors or voters swapped, given
feedback and closed; the sealed boards must then be byte-identical (the ids are drawn the same
in every run, so nothing needs normalising). The unsealed boards differ: that is the control.
The server's own two-database test is tests/server/test_sealing.py.
"""

from __future__ import annotations

import msgspec
import pytest

from hindsight.board_state import Board, apply, encode_board, view_for
from hindsight.board_state import ops as o
from hindsight.board_state.seal import seal

from .helpers import ALICE, BOB, CAROL, FAC, MIN, T0
from .test_anonymity_differential import AS_WRITTEN, AUTHORS_SWAPPED, VOTERS_SWAPPED, Cast, script


def closed_meeting(cast: Cast, anonymity: str = "anonymous", *, close: bool = True) -> Board:
    board = Board(id="b-seal")
    steps = list(script(cast, anonymity))
    steps += [
        (FAC, o.GoToPhase(phase_id="p9"), "n-90"),
        (cast.a, o.SendFeedback(safety=5, change="more time"), "n-91"),
        (cast.b, o.SendFeedback(safety=2, change="smaller room"), "n-92"),
        (CAROL, o.SendFeedback(safety=4), "n-93"),
        (cast.a, o.RaiseHand(), "n-94"),
    ]
    if close:
        steps.append((FAC, o.CloseMeeting(), "n-99"))
    for seq, (actor, op, new_id) in enumerate(steps, start=1):
        apply(board, op, actor=actor, now=T0 + seq * MIN, new_id=new_id)
    return board


@pytest.mark.parametrize(
    "swapped", [AUTHORS_SWAPPED, VOTERS_SWAPPED], ids=["authors_swapped", "voters_swapped"]
)
def test_sealed_boards_of_swapped_meetings_are_byte_identical(swapped: Cast) -> None:
    one, other = closed_meeting(AS_WRITTEN), closed_meeting(swapped)
    assert encode_board(one) != encode_board(other), "control: the live board knows who"
    assert encode_board(seal(one)) == encode_board(seal(other))


def test_sealing_changes_nothing_an_outsider_or_the_facilitator_sees_but_mine() -> None:
    board = closed_meeting(AS_WRITTEN)
    sealed = seal(board)
    outsider = [msgspec.to_builtins(view_for(b, "")) for b in (board, sealed)]
    assert [v["board"].pop("sealed") for v in outsider] == [False, True]
    assert outsider[0] == outsider[1]
    fac_before = msgspec.to_builtins(view_for(board, FAC))
    fac_after = msgspec.to_builtins(view_for(sealed, FAC))
    for view in (fac_before, fac_after):
        view["board"]["sealed"] = None
        for s in view["stickies"] + view["timeline"]:
            s["mine"] = False
        view["feedback"]["mine"] = False
        view["feedback"]["my_safety"], view["feedback"]["my_change"] = None, ""
    assert fac_after == fac_before
    assert view_for(sealed, FAC).feedback.safety_counts == [0, 1, 0, 1, 1]


def test_a_sealed_board_names_nobody_as_author_voter_or_answerer() -> None:
    sealed = seal(closed_meeting(AS_WRITTEN))
    people = {ALICE, BOB, CAROL}
    assert {s.author for s in sealed.stickies.values()} == {"anonymous"}
    assert {e.author for e in sealed.timeline.values()} <= {"anonymous"}
    assert all(r.votes == {} and r.sealed_totals for r in sealed.rounds.values())
    assert not people & set(sealed.feedback) and sealed.hands == []
    assert all(s.created_at == 0 for s in sealed.stickies.values())
    assert {c.author for c in sealed.chains.values()} == {"anonymous"}
    assert {a.author for a in sealed.actions.values()} == {"anonymous"}
    # What the meeting named on purpose stays: the people, the action owner.
    assert people <= set(sealed.participants)
    assert {a.owner_id for a in sealed.actions.values()} == {CAROL}
    view = view_for(sealed, ALICE)
    assert not any(s.mine for s in view.stickies) and not view.feedback.mine
    assert all(r.mine == {} for r in view.rounds)


def test_unrevealed_private_writing_is_dropped_but_counted() -> None:
    board = closed_meeting(AS_WRITTEN, close=False)
    apply(board, o.GoToPhase(phase_id="p6"), actor=FAC, now=T0 + 200 * MIN, new_id="n-a")
    apply(
        board, o.EditPhase(phase_id="p6", private=True), actor=FAC, now=T0 + 201 * MIN, new_id="n-b"
    )
    apply(
        board,
        o.AddSticky(section="went_badly", text="only mine"),
        actor=ALICE,
        now=T0 + 202 * MIN,
        new_id="s-hidden",
    )
    if board.stickies["s-hidden"].hidden:  # p6 was revealed already: a fresh private phase
        apply(board, o.CloseMeeting(), actor=FAC, now=T0 + 203 * MIN, new_id="n-c")
        sealed = seal(board)
        assert "s-hidden" not in sealed.stickies
        assert (
            view_for(sealed, "").board.agenda[5].private_count
            == view_for(board, "").board.agenda[5].private_count
            == 1
        )
    else:
        assert board.phase("p6").revealed  # type: ignore[union-attr]


def test_a_named_board_keeps_its_authors_but_not_its_ballots_or_feedback_owners() -> None:
    named = seal(closed_meeting(AS_WRITTEN, "named"))
    assert named.sealed and {s.author for s in named.stickies.values()} >= {ALICE, BOB}
    assert all(r.votes == {} and r.sealed_totals for r in named.rounds.values())
    assert not {ALICE, BOB, CAROL} & set(named.feedback)
    # Votes were anonymous there too: swapping the voters leaves the sealed board unchanged.
    assert encode_board(named) == encode_board(seal(closed_meeting(VOTERS_SWAPPED, "named")))
    # ... while swapping authors shows, as it did to everyone during the meeting.
    assert encode_board(named) != encode_board(seal(closed_meeting(AUTHORS_SWAPPED, "named")))


def test_sealing_twice_changes_nothing() -> None:
    for anonymity in ("anonymous", "named"):
        sealed = seal(closed_meeting(AS_WRITTEN, anonymity))
        assert encode_board(seal(sealed)) == encode_board(sealed)
