"""An action's issue in the issue tracker: who may ask for one, and the server's `link_issue`
(board_state/action_items.py)."""

from __future__ import annotations

import pytest

from hindsight.board_state import SYSTEM, Board, Rejected, view_for
from hindsight.board_state import ops as o
from hindsight.board_state.action_items import check_link_issue
from hindsight.board_state.rules import allowed

from .helpers import ALICE, BOB, FAC, OBS, do, go_to, make_board, rejected

LINK = o.LinkIssue(
    action_id="a-1",
    tracker="github",
    key="acme/ops#12",
    url="https://github.com/acme/ops/issues/12",
)


def _board(*, selected: bool = True) -> Board:
    board = make_board()
    go_to(board, "actions")
    do(board, o.AddAction(text="Alert on pool usage", owner_id=ALICE), FAC, new_id="a-1")
    if selected:
        do(board, o.SelectAction(action_id="a-1"), FAC)
    return board


def _refusal(board: Board, actor: str, action_id: str = "a-1") -> str:
    with pytest.raises(Rejected) as info:
        check_link_issue(board, action_id, actor)
    return info.value.code


def test_the_owner_and_the_facilitator_may_ask_for_an_issue_and_nobody_else() -> None:
    board = _board()
    assert check_link_issue(board, "a-1", ALICE).id == "a-1"
    assert check_link_issue(board, "a-1", FAC).id == "a-1"
    assert _refusal(board, BOB) == "forbidden"
    assert _refusal(board, OBS) == "forbidden"
    assert _refusal(board, "u-stranger") == "unauthorized"
    assert _refusal(board, FAC, "a-missing") == "not_found"


def test_only_a_committed_action_becomes_an_issue() -> None:
    assert _refusal(_board(selected=False), FAC) == "invalid"


def test_the_server_links_the_issue_and_everyone_sees_it_on_the_action() -> None:
    board = _board()
    do(board, LINK, SYSTEM)
    for viewer in (FAC, ALICE, BOB, OBS, ""):
        (action,) = view_for(board, viewer).actions
        assert action.issue is not None
        assert (action.issue.tracker, action.issue.key, action.issue.url) == (
            "github",
            "acme/ops#12",
            "https://github.com/acme/ops/issues/12",
        )


def test_an_action_has_one_issue_a_second_link_and_a_second_request_are_refused() -> None:
    board = _board()
    do(board, LINK, SYSTEM)
    second = o.LinkIssue(action_id="a-1", tracker="jira", key="OPS-1", url="https://j/browse/OPS-1")
    assert "acme/ops#12" in rejected(board, second, SYSTEM, "already_linked")
    assert _refusal(board, FAC) == "already_linked"


def test_link_issue_is_the_servers_and_works_after_the_meeting_is_closed() -> None:
    board = _board()
    assert "link_issue" not in allowed(board, FAC)
    rejected(board, LINK, FAC, "forbidden")
    do(board, o.CloseMeeting(), FAC)
    do(board, LINK, SYSTEM)
    assert board.actions["a-1"].issue is not None
    # The tracker's state comes back as the server's status change, also once closed.
    do(board, o.SetActionStatus(action_id="a-1", status="done"), SYSTEM)
    assert board.actions["a-1"].status == "done"


def test_an_action_without_an_issue_shows_null() -> None:
    (action,) = view_for(_board(), FAC).actions
    assert action.issue is None
