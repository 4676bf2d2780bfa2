"""Board settings: anonymity is chosen before anyone writes; names follow renames."""

from __future__ import annotations

from hindsight.board_state import ops as o
from hindsight.board_state import project
from hindsight.board_state.util import Change
from hindsight.board_state.views import TimelineView

from .helpers import ALICE, BOB, FAC, do, make_board, rejected


def test_anonymity_can_change_while_nothing_is_written() -> None:
    board = make_board()
    do(board, o.EditSettings(anonymity="named"), FAC)
    assert board.settings.anonymity == "named"
    do(board, o.EditSettings(anonymity="anonymous"), FAC)
    assert board.settings.anonymity == "anonymous"


def test_an_anonymous_board_with_writing_cannot_become_named() -> None:
    """People who wrote anonymously must never be named afterwards."""
    board = make_board()
    do(board, o.AddTimelineEntry(at="2026-08-14T09:12Z", text="Alert fired"), ALICE)
    message = rejected(board, o.EditSettings(anonymity="named"), FAC, "invalid")
    assert "before anyone writes" in message


def test_a_named_board_with_writing_cannot_become_anonymous() -> None:
    board = make_board(anonymity="named")
    do(board, o.AddTimelineEntry(at="2026-08-14T09:12Z", text="Alert fired"), ALICE)
    rejected(board, o.EditSettings(anonymity="anonymous"), FAC, "invalid")


def test_on_a_named_board_a_rename_refreshes_the_authors_items_for_everyone() -> None:
    board = make_board(anonymity="named")
    do(board, o.AddTimelineEntry(at="2026-08-14T09:12Z", text="Alert fired"), ALICE)
    applied = do(board, o.Rename(name="Alice P."), ALICE)
    [_, entry] = project(applied.changes, board, BOB)
    assert isinstance(entry, TimelineView) and entry.author == "Alice P."


def test_on_an_anonymous_board_a_rename_sends_no_items() -> None:
    board = make_board()
    do(board, o.AddTimelineEntry(at="2026-08-14T09:12Z", text="Alert fired"), ALICE)
    applied = do(board, o.Rename(name="Alice P."), ALICE)
    assert [type(v).__name__ for v in project(applied.changes, board, BOB)] == ["ParticipantView"]


def test_making_a_revealed_phase_private_again_hides_new_writing_until_the_next_reveal() -> None:
    from .helpers import go_to

    board = make_board()
    go_to(board, "reflection")
    phase = board.current_phase()
    assert phase is not None
    do(board, o.Reveal(phase_id=phase.id), FAC)
    do(board, o.EditPhase(phase_id=phase.id, private=False), FAC)
    do(board, o.EditPhase(phase_id=phase.id, private=True), FAC)
    do(board, o.AddSticky(section="went_well", text="written after"), ALICE, new_id="s-late")
    assert board.stickies["s-late"].hidden
    assert project([Change("sticky", "s-late")], board, BOB) == []


def test_a_phase_with_hidden_writing_cannot_stop_being_private() -> None:
    from .helpers import go_to

    board = make_board()
    go_to(board, "reflection")
    phase = board.current_phase()
    assert phase is not None
    do(board, o.AddSticky(section="went_well", text="secret for now"), ALICE)
    assert "reveal it first" in rejected(
        board, o.EditPhase(phase_id=phase.id, private=False), FAC, "invalid"
    )
