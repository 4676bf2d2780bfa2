"""What people are shown of the guardrails: hints for the writer under the board's settings, and
per-phase counts for the facilitator without private writing or premature write-up gaps."""

from __future__ import annotations

import pytest

from board_state import Rejected
from board_state import ops as o
from board_state.nudges import advise, counts_for, nudge_counts

from .helpers import ALICE, BOB, FAC, do, go_to, make_board, phase_of


def test_hints_name_the_blameful_words_and_action_checks_only_for_actions() -> None:
    board = make_board()
    [blame] = advise(board, "text", "Alice forgot to drain the node")
    assert blame.check == "blame" and "forgot" in " ".join(blame.words)
    assert advise(board, "text", "Improve monitoring") == []
    assert [f.check for f in advise(board, "action", "Improve monitoring")] == ["vague_action"]


def test_hints_follow_the_kinds_the_facilitator_left_on() -> None:
    board = make_board()
    do(board, o.EditSettings(nudges=["vague_action"]), FAC)
    assert advise(board, "text", "Human error again") == []
    assert advise(board, "action", "Be more careful with DNS")


def test_counts_are_per_phase_once_per_item_and_kind() -> None:
    board = make_board()
    go_to(board, "contributing_factors")
    do(board, o.AddSticky(section="contributing", text="Obviously a careless human error"), BOB)
    do(board, o.AddTimelineEntry(at="2026-08-14T09:12:00Z", text="Operator forgot the drain"), FAC)
    counts = nudge_counts(board)
    assert counts == {phase_of(board, "contributing_factors").id: 1,
                      phase_of(board, "timeline").id: 1}


def test_private_writing_is_not_counted_until_revealed() -> None:
    board = make_board()
    reflection = go_to(board, "reflection")
    do(board, o.AddSticky(section="went_badly", text="Bob should have known better"), ALICE)
    assert nudge_counts(board) == {}
    do(board, o.Reveal(phase_id=reflection.id), FAC)
    assert nudge_counts(board) == {reflection.id: 1}


def test_write_up_gaps_count_only_from_the_wrap_up() -> None:
    board = make_board()
    assert nudge_counts(board) == {}
    wrap = go_to(board, "wrap_up")
    assert nudge_counts(board).get(wrap.id, 0) >= 1  # no communications recorded yet


def test_only_the_facilitator_may_see_the_counts() -> None:
    board = make_board()
    assert counts_for(board, FAC) == {}
    with pytest.raises(Rejected) as info:
        counts_for(board, ALICE)
    assert info.value.code == "forbidden"
