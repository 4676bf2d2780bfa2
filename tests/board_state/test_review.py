"""The review of earlier open actions (board_state/review.py)."""

from __future__ import annotations

from hindsight.board_state import SYSTEM, Board
from hindsight.board_state import ops as o
from hindsight.board_state.limits import MAX_REVIEW_BOARDS

from .helpers import ALICE, BOB, FAC, do, make_board, rejected


def _item(action_id: str, status: str = "open", board_id: str = "b-earlier") -> o.ReviewItemInput:
    return o.ReviewItemInput(
        board_id=board_id,
        board_title="Earlier outage",
        board_date="2026-07-01",
        action_id=action_id,
        text=f"action {action_id}",
        owner="Alice",
        status=status,  # type: ignore[arg-type]
    )


def _loaded(*items: o.ReviewItemInput) -> Board:
    board = make_board()
    do(board, o.LoadReview(items=list(items)), SYSTEM)
    return board


def _statuses(board: Board) -> list[tuple[str, str, str | None]]:
    return [(i.action_id, i.status, i.was) for i in board.review.items]


def test_a_load_replaces_the_items_but_keeps_what_the_meeting_changed() -> None:
    board = _loaded(_item("a1"), _item("a2"))
    do(board, o.ReviewAction(board_id="b-earlier", action_id="a1", status="done"), FAC)
    assert _statuses(board) == [("a1", "done", "open"), ("a2", "open", None)]
    # The log no longer lists a1 as unfinished and a2 was started elsewhere meanwhile.
    do(board, o.LoadReview(items=[_item("a2", "in_progress")]), SYSTEM)
    assert _statuses(board) == [("a2", "in_progress", None), ("a1", "done", "open")]


def test_setting_a_status_back_leaves_no_change_on_the_record() -> None:
    board = _loaded(_item("a1"))
    do(board, o.ReviewAction(board_id="b-earlier", action_id="a1", status="dropped"), FAC)
    do(board, o.ReviewAction(board_id="b-earlier", action_id="a1", status="open"), FAC)
    assert _statuses(board) == [("a1", "open", None)]


def test_a_boards_own_actions_are_never_loaded_into_its_review() -> None:
    board = _loaded(_item("a1", board_id="b-test"), _item("a2"))
    assert _statuses(board) == [("a2", "open", None)]


def test_the_owner_by_name_or_the_facilitator_changes_a_status_and_nobody_else() -> None:
    board = _loaded(_item("a1"))
    board.current = next(p.id for p in board.agenda)  # any phase: the op's rule is checked apart
    board.agenda[0].kind = "action_review"
    op = o.ReviewAction(board_id="b-earlier", action_id="a1", status="in_progress")
    message = rejected(board, op, BOB, "forbidden")
    assert message == "only the action's owner (Alice) or the facilitator can change its status"
    do(board, op, ALICE)
    assert _statuses(board) == [("a1", "in_progress", "open")]
    rejected(
        board, o.ReviewAction(board_id="b-earlier", action_id="zz", status="done"), FAC, "not_found"
    )


def test_picking_post_mortems_is_bounded_and_never_the_board_itself() -> None:
    board = make_board()
    rejected(board, o.PickReviewBoard(board_id=board.id), FAC, "invalid")
    for n in range(MAX_REVIEW_BOARDS):
        do(board, o.PickReviewBoard(board_id=f"b{n}"), FAC)
    rejected(board, o.PickReviewBoard(board_id="one-more"), FAC, "limit")
    do(board, o.PickReviewBoard(board_id="b3", picked=False), FAC)
    assert len(board.review.boards) == MAX_REVIEW_BOARDS - 1 and "b3" not in board.review.boards


def test_a_board_can_open_with_the_review_right_after_setting_the_room() -> None:
    from hindsight.board_state import apply
    from hindsight.board_state.templates import TEMPLATES

    for template in TEMPLATES:
        board = Board(id="b")
        create = o.CreateBoard(template=template, review_actions=True)
        apply(board, create, actor=SYSTEM, now=0, new_id="fac")
        kinds = [p.kind for p in board.agenda]
        assert kinds.count("action_review") == 1, template
        assert kinds.index("action_review") == int(kinds[0] == "set_the_room"), template
        assert kinds.index("action_review") < kinds.index("summary"), template
        assert len({p.id for p in board.agenda}) == len(board.agenda)  # ids stay unique
    plain = Board(id="b")
    apply(plain, o.CreateBoard(), actor=SYSTEM, now=0, new_id="fac")
    assert "action_review" not in [p.kind for p in plain.agenda]
