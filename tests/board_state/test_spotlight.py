"""The spotlight: one item the facilitator puts in focus for everyone (board_state/spotlight.py)."""

from __future__ import annotations

import msgspec
import pytest

from hindsight.board_state import Board, Rejected, project, view_for, viewer_key
from hindsight.board_state import ops as o
from hindsight.board_state.protocol import decode_client
from hindsight.board_state.views import BoardMeta, SpotlightView

from .helpers import ALICE, BOB, FAC, OBS, T0, add_sticky, do, go_to, make_board, rejected

AT = "2026-08-14T09:12:00Z"


@pytest.fixture
def board() -> Board:
    """In the themes phase, with a public note of Alice's, a timeline entry, a theme and a chain."""
    board = make_board()
    do(board, o.AddTimelineEntry(at=AT, text="alert fired"), ALICE, new_id="e-1")
    go_to(board, "five_whys")
    do(board, o.AddChain(problem="checkout 500s"), ALICE, new_id="c-1")
    go_to(board, "themes")
    add_sticky(board, ALICE, "s-1", "rollback was quick")
    do(board, o.AddTheme(name="detection"), BOB, new_id="t-1")
    return board


def spot(board: Board, kind: str | None, item_id: str | None, *, now: int = T0) -> None:
    do(board, o.Spotlight(kind=kind, item_id=item_id), FAC, now=now)  # type: ignore[arg-type]


def test_the_facilitator_spotlights_a_note_and_every_viewer_sees_the_same_reference(
    board: Board,
) -> None:
    changes = do(board, o.Spotlight(kind="sticky", item_id="s-1"), FAC, now=T0 + 5).changes
    assert board.spotlight is not None
    assert (board.spotlight.kind, board.spotlight.id, board.spotlight.at) == (
        "sticky",
        "s-1",
        T0 + 5,
    )
    metas = [view_for(board, v).board for v in (FAC, ALICE, BOB, OBS)]
    assert {m.spotlight for m in metas} == {SpotlightView(kind="sticky", id="s-1", at=T0 + 5)}
    live = [project(changes, board, v) for v in (FAC, ALICE, BOB, OBS)]
    assert all(len(views) == 1 and isinstance(views[0], BoardMeta) for views in live)


def test_every_kind_of_item_everyone_sees_can_be_spotlighted(board: Board) -> None:
    for kind, item in (("timeline", "e-1"), ("chain", "c-1"), ("theme", "t-1"), ("sticky", "s-1")):
        spot(board, kind, item)
        assert board.spotlight is not None and board.spotlight.id == item
    go_to(board, "actions")
    do(board, o.AddAction(text="alert on pool usage", owner_id=ALICE), ALICE, new_id="a-1")
    spot(board, "action", "a-1")
    assert board.spotlight is not None and board.spotlight.kind == "action"


def test_spotlighting_again_moves_it_and_refreshes_its_time(board: Board) -> None:
    spot(board, "sticky", "s-1", now=T0)
    spot(board, "sticky", "s-1", now=T0 + 9)
    assert board.spotlight is not None and board.spotlight.at == T0 + 9
    spot(board, "theme", "t-1", now=T0 + 10)
    assert board.spotlight is not None and board.spotlight.id == "t-1"


def test_a_null_kind_or_item_clears_the_spotlight_and_clearing_nothing_changes_nothing(
    board: Board,
) -> None:
    spot(board, "sticky", "s-1")
    assert do(board, o.Spotlight(), FAC).changes  # the board meta is re-sent
    assert board.spotlight is None
    assert do(board, o.Spotlight(), FAC).changes == ()  # already clear: a harmless no-op
    spot(board, "sticky", "s-1")
    spot(board, "sticky", None)
    assert board.spotlight is None
    assert view_for(board, ALICE).board.spotlight is None


def test_only_the_facilitator_may_spotlight(board: Board) -> None:
    for who in (ALICE, OBS):
        message = rejected(board, o.Spotlight(kind="sticky", item_id="s-1"), who, "forbidden")
        assert message == "only the facilitator may spotlight an item for everyone"
    assert "spotlight" in view_for(board, FAC).board.can
    assert "spotlight" not in view_for(board, ALICE).board.can


def test_the_facilitator_may_spotlight_in_any_phase_including_the_lobby() -> None:
    board = make_board()
    do(board, o.AddTimelineEntry(at=AT, text="deploy"), FAC, new_id="e-1")
    spot(board, "timeline", "e-1")
    assert board.spotlight is not None


def test_a_missing_item_or_one_of_the_wrong_kind_is_not_found(board: Board) -> None:
    assert "no such sticky" in rejected(
        board, o.Spotlight(kind="sticky", item_id="s-nope"), FAC, "not_found"
    )
    assert "no such theme" in rejected(
        board, o.Spotlight(kind="theme", item_id="s-1"), FAC, "not_found"
    )


def test_hidden_private_writing_cannot_be_spotlighted_and_the_refusal_tells_nothing() -> None:
    board = make_board()
    reflection = go_to(board, "reflection")
    assert reflection.private
    add_sticky(board, ALICE, "s-hidden")
    add_sticky(board, FAC, "s-own-hidden")  # not even the facilitator's own hidden note
    hidden = rejected(board, o.Spotlight(kind="sticky", item_id="s-hidden"), FAC, "not_found")
    missing = rejected(board, o.Spotlight(kind="sticky", item_id="s-nothing"), FAC, "not_found")
    assert hidden == missing  # the same words whether it exists or not
    assert "once revealed" in hidden
    rejected(board, o.Spotlight(kind="sticky", item_id="s-own-hidden"), FAC, "not_found")
    do(board, o.Reveal(phase_id=reflection.id), FAC)
    spot(board, "sticky", "s-hidden")
    assert board.spotlight is not None and board.spotlight.id == "s-hidden"


@pytest.mark.parametrize(
    "removal",
    [
        o.DeleteSticky(sticky_id="s-1"),
        o.DeleteTheme(theme_id="t-1"),
    ],
    ids=["delete_sticky", "delete_theme"],
)
def test_deleting_the_spotlighted_item_clears_the_spotlight_for_everyone(
    board: Board, removal: o.Op
) -> None:
    item = "s-1" if isinstance(removal, o.DeleteSticky) else "t-1"
    spot(board, "sticky" if item == "s-1" else "theme", item)
    changes = do(board, removal, FAC).changes
    assert board.spotlight is None
    assert ("board", "") in [(c.kind, c.id) for c in changes]
    for viewer in (ALICE, BOB, OBS):
        metas = [v for v in project(changes, board, viewer) if isinstance(v, BoardMeta)]
        assert [m.spotlight for m in metas] == [None]


def test_deleting_a_spotlighted_timeline_entry_chain_or_action_clears_it() -> None:
    board = make_board()
    do(board, o.AddTimelineEntry(at=AT, text="alert"), ALICE, new_id="e-1")
    spot(board, "timeline", "e-1")
    do(board, o.DeleteTimelineEntry(entry_id="e-1"), ALICE)
    assert board.spotlight is None
    go_to(board, "five_whys")
    do(board, o.AddChain(problem="500s"), ALICE, new_id="c-1")
    spot(board, "chain", "c-1")
    do(board, o.DeleteChain(chain_id="c-1"), ALICE)
    assert board.spotlight is None
    go_to(board, "actions")
    do(board, o.AddAction(text="alert on pool usage"), ALICE, new_id="a-1")
    spot(board, "action", "a-1")
    do(board, o.DeleteAction(action_id="a-1"), ALICE)
    assert board.spotlight is None


def test_deleting_or_changing_another_item_keeps_the_spotlight(board: Board) -> None:
    add_sticky(board, BOB, "s-2")
    spot(board, "sticky", "s-1")
    changes = do(board, o.DeleteSticky(sticky_id="s-2"), BOB).changes
    do(board, o.EditSticky(sticky_id="s-1", text="rollback took 4 minutes"), ALICE)
    do(board, o.Group(sticky_id="s-1", theme_id="t-1"), ALICE)
    assert board.spotlight is not None and board.spotlight.id == "s-1"
    assert ("board", "") not in [(c.kind, c.id) for c in changes]


def test_moving_the_spotlighted_sticky_clears_the_spotlight(board: Board) -> None:
    spot(board, "sticky", "s-1")
    do(board, o.MoveSticky(sticky_id="s-1", section="went_badly"), ALICE)
    assert board.spotlight is None


@pytest.mark.parametrize("step", ["advance", "go_back", "go_to"])
def test_changing_the_phase_clears_the_spotlight(board: Board, step: str) -> None:
    spot(board, "sticky", "s-1")
    op = {
        "advance": o.AdvancePhase(),
        "go_back": o.GoBack(),
        "go_to": o.GoToPhase(phase_id=board.agenda[0].id),
    }[step]
    do(board, op, FAC)
    assert board.spotlight is None
    assert view_for(board, ALICE).board.spotlight is None


def test_timer_ops_in_the_same_phase_keep_the_spotlight(board: Board) -> None:
    spot(board, "sticky", "s-1")
    do(board, o.PauseTimer(), FAC)
    do(board, o.ExtendTimer(minutes=2), FAC)
    assert board.spotlight is not None


def test_closing_the_meeting_clears_the_spotlight_and_it_cannot_be_set_again(board: Board) -> None:
    spot(board, "sticky", "s-1")
    do(board, o.CloseMeeting(), FAC)
    assert board.spotlight is None
    rejected(board, o.Spotlight(kind="sticky", item_id="s-1"), FAC, "closed")
    rejected(board, o.Spotlight(), FAC, "closed")
    assert "spotlight" not in view_for(board, FAC).board.can


def test_the_spotlight_needs_no_viewer_key_of_its_own(board: Board) -> None:
    """It names no person: viewers who shared a key before share one, and one projection."""
    changes = do(board, o.Spotlight(kind="sticky", item_id="s-1"), FAC).changes
    assert viewer_key(changes, board, ALICE) == viewer_key(changes, board, BOB)
    assert project(changes, board, ALICE) == project(changes, board, BOB)


def test_the_spotlight_op_and_view_on_the_wire(board: Board) -> None:
    op = decode_client(b'{"type": "spotlight", "cid": "c9", "kind": "sticky", "item_id": "s-1"}')
    assert op == o.Spotlight(cid="c9", kind="sticky", item_id="s-1")
    assert decode_client(b'{"type": "spotlight"}') == o.Spotlight()
    do(board, op, FAC, now=T0 + 1)
    meta = msgspec.json.decode(msgspec.json.encode(view_for(board, OBS).board))
    assert meta["spotlight"] == {"kind": "sticky", "id": "s-1", "at": T0 + 1}
    with pytest.raises(Rejected, match=r"\$\.kind"):
        decode_client(b'{"type": "spotlight", "kind": "person", "item_id": "u-alice"}')


def test_an_old_board_meta_without_a_spotlight_still_decodes() -> None:
    meta = msgspec.json.encode(view_for(make_board(), ALICE).board)
    old = msgspec.json.decode(meta)
    del old["spotlight"]
    assert msgspec.json.decode(msgspec.json.encode(old), type=BoardMeta).spotlight is None
