"""Timeboxes: planned vs actual time, the running timer, deadlines (board_state/timebox.py)."""

from __future__ import annotations

import pytest

from hindsight.board_state import SYSTEM, Board, next_deadline, on_deadline
from hindsight.board_state import ops as o
from hindsight.board_state.model import Phase
from hindsight.board_state.timebox import elapsed_ms, planned_ms, remaining_ms, spent_ms

from .helpers import FAC, MIN, T0, do, make_board, rejected


@pytest.fixture
def board() -> Board:
    """In the first phase ("Set the room", 5 minutes), timer started at T0."""
    board = make_board()
    do(board, o.AdvancePhase(), FAC, now=T0)
    return board


def current(board: Board) -> Phase:
    phase = board.current_phase()
    assert phase is not None
    return phase


def test_advancing_starts_the_timer_of_the_new_phase(board: Board) -> None:
    assert current(board).running_since == T0
    assert next_deadline(board) == T0 + 5 * MIN


def test_advancing_without_starting_the_timer_sets_no_deadline() -> None:
    board = make_board()
    do(board, o.AdvancePhase(start_timer=False), FAC, now=T0)
    assert next_deadline(board) is None
    do(board, o.StartTimer(), FAC, now=T0 + MIN)
    assert next_deadline(board) == T0 + 6 * MIN


def test_no_deadline_in_the_lobby() -> None:
    board = make_board()
    assert next_deadline(board) is None
    assert on_deadline(board, T0 + 999 * MIN) is None


def test_pause_banks_elapsed_time_and_resume_continues_it(board: Board) -> None:
    do(board, o.PauseTimer(), FAC, now=T0 + 2 * MIN)
    assert next_deadline(board) is None
    assert elapsed_ms(current(board), T0 + 10 * MIN) == 2 * MIN  # paused time does not count
    do(board, o.ResumeTimer(), FAC, now=T0 + 10 * MIN)
    assert next_deadline(board) == T0 + 13 * MIN  # 3 minutes were left
    assert remaining_ms(current(board), T0 + 11 * MIN) == 2 * MIN


def test_timer_state_errors_are_invalid(board: Board) -> None:
    rejected(board, o.StartTimer(), FAC, "invalid", now=T0 + 1)
    rejected(board, o.ResumeTimer(), FAC, "invalid", now=T0 + 1)
    do(board, o.PauseTimer(), FAC, now=T0 + 1)
    rejected(board, o.PauseTimer(), FAC, "invalid", now=T0 + 2)


def test_timer_ops_in_the_lobby_are_invalid() -> None:
    board = make_board()
    message = rejected(board, o.StartTimer(), FAC, "invalid")
    assert "not started" in message


def test_extend_moves_the_deadline_and_counts_extensions(board: Board) -> None:
    do(board, o.ExtendTimer(minutes=3), FAC, now=T0 + MIN)
    assert next_deadline(board) == T0 + 8 * MIN
    assert planned_ms(current(board)) == 8 * MIN
    assert current(board).extensions == 1


def test_overtime_is_negative_remaining_time(board: Board) -> None:
    assert remaining_ms(current(board), T0 + 7 * MIN) == -2 * MIN


def test_on_deadline_returns_an_expiry_only_once_the_deadline_passed(board: Board) -> None:
    deadline = next_deadline(board)
    assert deadline is not None
    assert on_deadline(board, deadline - 1) is None
    op = on_deadline(board, deadline)
    assert op == o.TimeboxExpired(phase_id=board.current)


def test_an_early_expiry_is_refused(board: Board) -> None:
    message = rejected(
        board, o.TimeboxExpired(phase_id=board.current or ""), SYSTEM, "invalid", now=T0 + MIN
    )
    assert "not ended" in message


def test_expiry_disarms_the_deadline_but_does_not_advance_the_phase(board: Board) -> None:
    phase_id = board.current
    deadline = next_deadline(board)
    assert deadline is not None
    op = on_deadline(board, deadline + 5)
    assert op is not None
    do(board, op, SYSTEM, now=deadline + 5)
    assert board.current == phase_id
    assert current(board).expired
    assert current(board).running_since is not None  # the clock runs on into overtime
    assert next_deadline(board) is None
    assert on_deadline(board, deadline + 10 * MIN) is None
    rejected(
        board, o.TimeboxExpired(phase_id=phase_id or ""), SYSTEM, "invalid", now=deadline + 6
    )  # only once


def test_extending_after_expiry_re_arms_the_deadline(board: Board) -> None:
    at = T0 + 6 * MIN
    do(board, o.TimeboxExpired(phase_id=board.current or ""), SYSTEM, now=at)
    do(board, o.ExtendTimer(minutes=5), FAC, now=at)
    assert not current(board).expired
    assert next_deadline(board) == T0 + 10 * MIN
    assert on_deadline(board, T0 + 10 * MIN) == o.TimeboxExpired(phase_id=board.current)


def test_a_too_short_extension_after_expiry_stays_expired(board: Board) -> None:
    at = T0 + 10 * MIN  # five minutes into overtime
    do(board, o.TimeboxExpired(phase_id=board.current or ""), SYSTEM, now=at)
    do(board, o.ExtendTimer(minutes=1), FAC, now=at)
    assert current(board).expired
    assert next_deadline(board) is None


def test_restart_forgets_elapsed_time_extensions_and_expiry(board: Board) -> None:
    do(board, o.ExtendTimer(minutes=2), FAC, now=T0)
    do(board, o.TimeboxExpired(phase_id=board.current or ""), SYSTEM, now=T0 + 8 * MIN)
    do(board, o.StartTimer(restart=True), FAC, now=T0 + 9 * MIN)
    phase = current(board)
    assert (phase.expired, phase.extended_ms, phase.elapsed_ms) == (False, 0, 0)
    assert next_deadline(board) == T0 + 14 * MIN


def test_lengthening_an_expired_phase_re_arms_it(board: Board) -> None:
    do(board, o.TimeboxExpired(phase_id=board.current or ""), SYSTEM, now=T0 + 6 * MIN)
    do(board, o.EditPhase(phase_id=board.current or "", minutes=10), FAC, now=T0 + 6 * MIN)
    assert next_deadline(board) == T0 + 10 * MIN


def test_leaving_a_phase_stops_its_timer_and_banks_actual_time(board: Board) -> None:
    first = current(board)
    do(board, o.AdvancePhase(), FAC, now=T0 + 3 * MIN)
    assert first.running_since is None
    assert first.elapsed_ms == 3 * MIN
    assert first.spent_ms == 3 * MIN
    assert next_deadline(board) == T0 + 3 * MIN + 5 * MIN  # the summary's own timebox


def test_going_back_resumes_the_banked_time(board: Board) -> None:
    first = current(board)
    do(board, o.AdvancePhase(), FAC, now=T0 + 3 * MIN)
    do(board, o.GoBack(start_timer=True), FAC, now=T0 + 20 * MIN)
    assert board.current == first.id
    assert next_deadline(board) == T0 + 22 * MIN  # 2 of its 5 minutes were left
    do(board, o.AdvancePhase(), FAC, now=T0 + 21 * MIN)
    assert first.spent_ms == 4 * MIN  # 3 minutes the first time, 1 the second


def test_going_back_leaves_the_timer_paused_by_default(board: Board) -> None:
    do(board, o.AdvancePhase(), FAC, now=T0 + 3 * MIN)
    do(board, o.GoBack(), FAC, now=T0 + 4 * MIN)
    assert next_deadline(board) is None


def test_actual_time_keeps_counting_while_the_timer_is_paused(board: Board) -> None:
    do(board, o.PauseTimer(), FAC, now=T0 + MIN)
    phase = current(board)
    assert spent_ms(phase, T0 + 9 * MIN) == 9 * MIN
    assert elapsed_ms(phase, T0 + 9 * MIN) == MIN


def test_planned_vs_actual_after_a_whole_meeting() -> None:
    board = make_board(template="incident-60")
    at = T0
    for phase in board.agenda:
        do(board, o.AdvancePhase(), FAC, now=at)
        at += phase.minutes * MIN + MIN  # every phase overruns by a minute
    do(board, o.GoToPhase(phase_id=board.agenda[0].id), FAC, now=at)
    assert [p.spent_ms for p in board.agenda[1:]] == [
        (p.minutes + 1) * MIN for p in board.agenda[1:]
    ]
    assert sum(p.minutes for p in board.agenda) == 60
    assert all(p.visited for p in board.agenda)
