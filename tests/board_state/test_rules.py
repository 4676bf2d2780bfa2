"""The rules table: which role may send which op, in which phase (board_state/rules.py)."""

from __future__ import annotations

import pytest

from hindsight.board_state import SYSTEM, Board
from hindsight.board_state import ops as o
from hindsight.board_state.rules import RULES

from .helpers import ALICE, BOB, FAC, OBS, T0, add_sticky, do, go_to, make_board, rejected


@pytest.fixture
def board() -> Board:
    return make_board()


def test_every_op_kind_has_exactly_one_rule() -> None:
    assert set(RULES) == set(o.OP_TYPES)


@pytest.mark.parametrize(
    "op",
    [
        o.AdvancePhase(),
        o.GoToPhase(phase_id="p1"),
        o.AddPhase(kind="discussion", title="More"),
        o.EditPhase(phase_id="p1", minutes=9),
        o.MovePhase(phase_id="p1", index=2),
        o.RemovePhase(phase_id="p2"),
        o.StartTimer(),
        o.ExtendTimer(),
        o.Reveal(phase_id="p6"),
        o.OpenVote(),
        o.HandOver(participant_id=BOB),
        o.EditHeader(title="Mine now"),
        o.EditSettings(dot_budget=9),
    ],
    ids=lambda op: o.op_tag(op),
)
def test_participants_cannot_steer_the_meeting(board: Board, op: o.Op) -> None:
    message = rejected(board, op, ALICE, "forbidden")
    assert "only the facilitator" in message


def test_participants_cannot_close_or_reveal_a_vote(board: Board) -> None:
    do(board, o.OpenVote(), FAC, new_id="r1")
    rejected(board, o.CloseVote(round_id="r1"), ALICE, "forbidden")
    rejected(board, o.RevealVote(round_id="r1"), BOB, "forbidden")


@pytest.mark.parametrize(
    "op",
    [
        o.AddSticky(section="went_well", text="x"),
        o.ParkQuestion(text="why?"),
        o.AddTimelineEntry(at="2026-08-14T09:12:00Z", text="alert fired"),
        o.CastVote(round_id="r1", item_id="s1"),
        o.AddAction(text="fix it"),
        o.AdvancePhase(),
        o.OpenVote(),
    ],
    ids=lambda op: o.op_tag(op),
)
def test_observers_cannot_write(board: Board, op: o.Op) -> None:
    rejected(board, op, OBS, "forbidden")


def test_observers_may_rename_themselves(board: Board) -> None:
    do(board, o.Rename(name="Olga (SRE)"), OBS)
    assert board.participants[OBS].name == "Olga (SRE)"


@pytest.mark.parametrize(
    "op",
    [
        o.CreateBoard(),
        o.Join(name="Mallory"),
        o.TimeboxExpired(phase_id="p1"),
    ],
    ids=lambda op: o.op_tag(op),
)
@pytest.mark.parametrize("actor", [FAC, ALICE, OBS])
def test_clients_cannot_send_system_ops(board: Board, op: o.Op, actor: str) -> None:
    message = rejected(board, op, actor, "forbidden")
    assert "issued by the server" in message


def test_strangers_are_unauthorized(board: Board) -> None:
    rejected(board, o.ParkQuestion(text="hello?"), "u-nobody", "unauthorized")


def test_the_server_may_send_system_ops(board: Board) -> None:
    do(board, o.Join(name="Dana"), SYSTEM, new_id="u-dana")
    assert board.role_of("u-dana") == "participant"


def test_participant_writing_went_well_during_the_timeline_is_wrong_phase(board: Board) -> None:
    go_to(board, "timeline")
    message = rejected(board, o.AddSticky(section="went_well", text="early"), ALICE, "wrong_phase")
    assert "Timeline" in message  # names the phase the meeting is in


def test_facilitator_may_write_went_well_during_the_timeline(board: Board) -> None:
    go_to(board, "timeline")
    add_sticky(board, FAC, "s-fac")
    assert board.stickies["s-fac"].section == "went_well"


def test_participant_cannot_write_stickies_in_the_lobby(board: Board) -> None:
    message = rejected(board, o.AddSticky(section="went_well", text="x"), ALICE, "wrong_phase")
    assert "lobby" in message


def test_participant_may_add_timeline_entries_in_the_lobby_but_not_in_themes(board: Board) -> None:
    do(board, o.AddTimelineEntry(at="2026-08-14T09:12:00Z", text="deploy"), ALICE)
    go_to(board, "themes")
    rejected(
        board, o.AddTimelineEntry(at="2026-08-14T09:13:00Z", text="late"), ALICE, "wrong_phase"
    )


def test_sections_outside_the_phase_are_wrong_phase_for_participants(board: Board) -> None:
    go_to(board, "contributing_factors")  # collects only contributing factors
    rejected(board, o.AddSticky(section="went_well", text="x"), ALICE, "wrong_phase")
    add_sticky(board, ALICE, "s1", section="contributing")
    add_sticky(board, FAC, "s2", section="went_well")  # the facilitator is not bound


def test_park_question_works_in_every_phase() -> None:
    board = make_board()
    do(board, o.ParkQuestion(text="in the lobby?"), ALICE)
    for i, phase in enumerate(board.agenda):
        do(board, o.GoToPhase(phase_id=phase.id), FAC, now=T0 + i)
        do(board, o.ParkQuestion(text=f"question in {phase.kind}"), BOB, now=T0 + i)
    parked = [s for s in board.stickies.values() if s.section == "parking_lot"]
    assert len(parked) == len(board.agenda) + 1
    assert not any(s.hidden for s in parked)


def test_five_whys_ops_only_in_the_five_whys_phase(board: Board) -> None:
    go_to(board, "timeline")
    rejected(board, o.AddChain(problem="checkout 500s"), ALICE, "wrong_phase")
    go_to(board, "five_whys")
    do(board, o.AddChain(problem="checkout 500s"), ALICE)


def test_action_ops_only_in_the_actions_and_wrap_up_phases(board: Board) -> None:
    go_to(board, "themes")
    message = rejected(board, o.AddAction(text="add alert"), ALICE, "wrong_phase")
    assert "actions and wrap-up" in message
    go_to(board, "wrap_up")
    do(board, o.AddAction(text="add alert"), ALICE)
