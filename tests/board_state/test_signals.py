"""Raised hands, the anonymous refocus request, wrap-up feedback, and the per-viewer `can` list."""

from __future__ import annotations

from hindsight.board_state import ANONYMOUS, encode_board, project, view_for
from hindsight.board_state import ops as o
from hindsight.board_state.views import BoardMeta, FeedbackView

from .helpers import ALICE, BOB, CAROL, FAC, MIN, OBS, T0, do, go_to, make_board, rejected


def test_hands_queue_in_raising_order_and_raising_twice_changes_nothing() -> None:
    board = make_board()
    do(board, o.RaiseHand(), BOB)
    do(board, o.RaiseHand(), ALICE)
    before = encode_board(board)
    assert do(board, o.RaiseHand(), BOB).changes == ()
    assert encode_board(board) == before
    assert view_for(board, OBS).board.hands == [BOB, ALICE]


def test_a_participant_lowers_their_own_hand_and_the_facilitator_lowers_anyones() -> None:
    board = make_board()
    do(board, o.RaiseHand(), BOB)
    do(board, o.RaiseHand(), ALICE)
    do(board, o.RaiseHand(raised=False), BOB)
    assert board.hands == [ALICE]
    rejected(board, o.LowerHand(participant_id=ALICE), BOB, "forbidden")
    do(board, o.LowerHand(participant_id=ALICE), FAC)
    assert board.hands == []
    assert "not raised" in rejected(board, o.LowerHand(participant_id=ALICE), FAC, "not_found")


def test_observers_watch_and_cannot_queue_to_speak() -> None:
    board = make_board()
    rejected(board, o.RaiseHand(), OBS, "forbidden")


def test_refocus_is_open_to_everyone_once_a_minute_and_records_no_one() -> None:
    board, twin = make_board(), make_board()
    changes = do(board, o.Refocus(), OBS, now=T0).changes
    do(twin, o.Refocus(), BOB, now=T0)
    assert encode_board(board) == encode_board(twin)  # the state cannot tell who asked
    assert board.refocus_at == T0 and board.refocus_count == 1
    assert "less than a minute" in rejected(board, o.Refocus(), ALICE, "too_soon", now=T0 + MIN - 1)
    do(board, o.Refocus(), ALICE, now=T0 + MIN)
    assert board.refocus_count == 2
    # Every viewer learns exactly the same thing from it, the sender included.
    views = {v: project(changes, board, v) for v in (FAC, ALICE, BOB, OBS)}
    metas = [[m for m in vs if isinstance(m, BoardMeta)][0] for vs in views.values()]
    assert {(m.refocus_at, m.refocus_count) for m in metas} == {(T0 + MIN, 2)}


def test_a_forgotten_sender_replays_a_refocus_and_nothing_else() -> None:
    board, twin = make_board(), make_board()
    do(board, o.Refocus(), BOB, now=T0)
    do(twin, o.Refocus(), ANONYMOUS, now=T0)  # how the server stores and replays it
    assert encode_board(board) == encode_board(twin)
    for op in (
        o.RaiseHand(),
        o.AddTimelineEntry(at="2026-08-14T09:12:00Z", text="x"),
        o.AdvancePhase(),
    ):
        rejected(twin, op, ANONYMOUS, "unauthorized")


def test_feedback_belongs_to_the_wrap_up_and_a_second_answer_replaces_the_first() -> None:
    board = make_board(carol=True)
    go_to(board, "actions")
    assert "wrap-up" in rejected(board, o.SendFeedback(safety=4), ALICE, "wrong_phase")
    go_to(board, "wrap_up")
    do(board, o.SendFeedback(safety=2, change="Shorter timeline phase"), ALICE)
    do(board, o.SendFeedback(safety=4, change="More time for actions"), ALICE)
    mine = view_for(board, ALICE).feedback
    assert mine is not None and (mine.my_safety, mine.my_change) == (4, "More time for actions")
    assert mine.responses == 1


def test_the_facilitator_sees_feedback_only_as_an_aggregate_and_only_from_three_answers() -> None:
    board = make_board(carol=True)
    go_to(board, "wrap_up")
    do(board, o.SendFeedback(safety=5, change="Keep the timeline prep"), ALICE)
    do(board, o.SendFeedback(safety=3), BOB)
    early = view_for(board, FAC).feedback
    assert early is not None and early.responses == 2 and early.safety_counts is None
    assert early.changes is None and early.safety_average is None
    changes = do(board, o.SendFeedback(safety=4, change="Ask quieter people first"), CAROL).changes
    fac = [v for v in project(changes, board, FAC) if isinstance(v, FeedbackView)][0]
    assert fac.safety_counts == [0, 0, 1, 1, 1] and fac.safety_average == 4.0
    assert fac.changes == ["Ask quieter people first", "Keep the timeline prep"]
    assert not fac.mine and fac.my_safety is None
    # Participants never get the aggregate, only the count and their own answer.
    bob = view_for(board, BOB).feedback
    assert bob is not None and bob.safety_counts is None and bob.changes is None
    assert (bob.responses, bob.my_safety) == (3, 3)


def test_handing_over_moves_the_feedback_aggregate_with_the_role() -> None:
    board = make_board(carol=True)
    go_to(board, "wrap_up")
    for who in (ALICE, BOB, CAROL):
        do(board, o.SendFeedback(safety=4), who)
    changes = do(board, o.HandOver(participant_id=BOB), FAC).changes
    bob = [v for v in project(changes, board, BOB) if isinstance(v, FeedbackView)][0]
    fac = [v for v in project(changes, board, FAC) if isinstance(v, FeedbackView)][0]
    assert bob.safety_counts == [0, 0, 0, 3, 0] and fac.safety_counts is None


def test_can_lists_what_each_viewer_may_send_in_the_current_phase() -> None:
    board = make_board()
    lobby = view_for(board, ALICE).board.can
    assert "add_timeline_entry" in lobby and "add_sticky" not in lobby
    assert "advance_phase" not in lobby and "advance_phase" in view_for(board, FAC).board.can
    go_to(board, "contributing_factors")
    alice = view_for(board, ALICE).board.can
    assert "add_sticky" in alice and "add_timeline_entry" not in alice
    assert view_for(board, OBS).board.can == ["refocus", "rename"]
    do(board, o.CloseMeeting(), FAC)
    assert "add_sticky" not in view_for(board, FAC).board.can
    assert "set_action_status" in view_for(board, FAC).board.can
