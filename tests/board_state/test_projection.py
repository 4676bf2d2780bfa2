"""Per-viewer projection: who may see what (board_state/projection.py)."""

from __future__ import annotations

import pytest

from hindsight.board_state import Board, project, view_for
from hindsight.board_state import ops as o
from hindsight.board_state.protocol import encode
from hindsight.board_state.views import (
    BoardMeta,
    BoardView,
    PhaseView,
    Removed,
    RoundView,
    StickyView,
)

from .helpers import (
    ALICE,
    BOB,
    FAC,
    OBS,
    add_sticky,
    do,
    go_to,
    make_board,
    phase_of,
)

EVERYONE = (FAC, ALICE, BOB, OBS)


def stickies(board: Board, viewer: str) -> dict[str, StickyView]:
    return {s.id: s for s in view_for(board, viewer).stickies}


def phase_view(view: BoardView, phase_id: str) -> PhaseView:
    return next(p for p in view.board.agenda if p.id == phase_id)


def round_of(board: Board, viewer: str, round_id: str = "r1") -> RoundView:
    return next(r for r in view_for(board, viewer).rounds if r.id == round_id)


@pytest.fixture
def private() -> Board:
    """The private reflection phase, where Alice has written one note."""
    board = make_board()
    go_to(board, "reflection")
    add_sticky(board, ALICE, "s1", "I restarted the wrong pod")
    return board


# --- private writing -------------------------------------------------------------------------


def test_a_hidden_sticky_is_seen_by_its_author_as_hidden_and_mine(private: Board) -> None:
    mine = stickies(private, ALICE)["s1"]
    assert (mine.hidden, mine.mine, mine.text) == (True, True, "I restarted the wrong pod")


@pytest.mark.parametrize("viewer", [FAC, BOB, OBS])
def test_others_see_only_the_count_of_hidden_stickies(private: Board, viewer: str) -> None:
    view = view_for(private, viewer)
    assert view.stickies == []
    assert phase_view(view, phase_of(private, "reflection").id).private_count == 1
    assert b"wrong pod" not in encode(view)


def test_the_live_event_of_a_hidden_sticky_reaches_only_its_author(private: Board) -> None:
    applied = do(
        private, o.AddSticky(section="went_badly", text="paged nobody"), BOB, new_id="note-of-bob"
    )
    bob = project(applied.changes, private, BOB)
    assert [v.id for v in bob if isinstance(v, StickyView)] == ["note-of-bob"]
    reflection = phase_of(private, "reflection").id
    for viewer in (FAC, ALICE, OBS):
        [meta] = project(applied.changes, private, viewer)  # only the new count
        assert isinstance(meta, BoardMeta)
        assert next(p.private_count for p in meta.agenda if p.id == reflection) == 2
        assert b"note-of-bob" not in encode(meta)
        assert b"paged nobody" not in encode(view_for(private, viewer))


def test_editing_a_hidden_sticky_tells_no_one_else(private: Board) -> None:
    applied = do(private, o.EditSticky(sticky_id="s1", text="restarted the pod"), ALICE)
    assert [
        v.id for v in project(applied.changes, private, ALICE) if isinstance(v, StickyView)
    ] == ["s1"]
    for viewer in (FAC, BOB, OBS):
        assert project(applied.changes, private, viewer) == []


def test_removal_of_a_hidden_sticky_reaches_only_its_author(private: Board) -> None:
    add_sticky(private, BOB, "note-of-bob")
    applied = do(private, o.DeleteSticky(sticky_id="note-of-bob"), BOB)
    assert Removed(kind="sticky", id="note-of-bob") in project(applied.changes, private, BOB)
    for viewer in (FAC, ALICE, OBS):
        views = project(applied.changes, private, viewer)
        assert not any(isinstance(v, Removed) for v in views)
        assert b"note-of-bob" not in b"".join(encode(v) for v in views)


def test_reveal_shows_every_note_to_everyone(private: Board) -> None:
    add_sticky(private, BOB, "s2", "paged nobody", section="went_badly")
    reflection = phase_of(private, "reflection")
    applied = do(private, o.Reveal(phase_id=reflection.id), FAC)
    for viewer in EVERYONE:
        assert set(stickies(private, viewer)) == {"s1", "s2"}
        assert not any(s.hidden for s in stickies(private, viewer).values())
        live = [
            v.id for v in project(applied.changes, private, viewer) if isinstance(v, StickyView)
        ]
        assert live == ["s1", "s2"]
        assert phase_view(view_for(private, viewer), reflection.id).private_count == 0


# --- mine and author ---------------------------------------------------------------------------


def test_mine_is_set_only_on_the_viewers_own_items() -> None:
    board = make_board()
    do(board, o.AddTimelineEntry(at="2026-08-14T09:00:00Z", text="deploy"), ALICE, new_id="e1")
    go_to(board, "themes")
    add_sticky(board, ALICE, "s1")
    add_sticky(board, BOB, "s2")
    assert {k: v.mine for k, v in stickies(board, ALICE).items()} == {"s1": True, "s2": False}
    assert {k: v.mine for k, v in stickies(board, BOB).items()} == {"s1": False, "s2": True}
    assert not any(v.mine for v in stickies(board, FAC).values())
    assert [e.mine for e in view_for(board, ALICE).timeline] == [True]
    assert [e.mine for e in view_for(board, OBS).timeline] == [False]
    assert [p.id for p in view_for(board, BOB).participants if p.me] == [BOB]


def test_author_is_none_on_anonymous_boards() -> None:
    board = make_board(anonymity="anonymous")
    do(board, o.AddTimelineEntry(at="2026-08-14T09:00:00Z", text="deploy"), ALICE)
    go_to(board, "themes")
    add_sticky(board, ALICE, "s1")
    for viewer in EVERYONE:
        view = view_for(board, viewer)
        assert [s.author for s in view.stickies] == [None]
        assert [e.author for e in view.timeline] == [None]


def test_author_is_a_name_on_named_boards() -> None:
    board = make_board(anonymity="named")
    do(board, o.AddTimelineEntry(at="2026-08-14T09:00:00Z", text="deploy"), ALICE)
    go_to(board, "themes")
    add_sticky(board, BOB, "s1")
    view = view_for(board, OBS)
    assert [s.author for s in view.stickies] == ["Bob"]
    assert [e.author for e in view.timeline] == ["Alice"]


def test_no_view_carries_a_participant_id_as_author() -> None:
    board = make_board()
    go_to(board, "themes")
    add_sticky(board, ALICE, "s1")
    for viewer in (FAC, BOB, OBS):
        sticky_part = b"".join(encode(s) for s in view_for(board, viewer).stickies)
        assert ALICE.encode() not in sticky_part


# --- votes -----------------------------------------------------------------------------------


@pytest.fixture
def voted() -> Board:
    board = make_board()
    go_to(board, "themes")
    add_sticky(board, FAC, "s1")
    add_sticky(board, FAC, "s2")
    do(board, o.OpenVote(budget=3), FAC, new_id="r1")
    do(board, o.CastVote(round_id="r1", item_id="s1"), ALICE)
    do(board, o.CastVote(round_id="r1", item_id="s1"), ALICE)
    do(board, o.CastVote(round_id="r1", item_id="s2"), BOB)
    return board


def test_vote_totals_are_none_until_revealed(voted: Board) -> None:
    for viewer in EVERYONE:
        assert round_of(voted, viewer).totals is None
    do(voted, o.CloseVote(round_id="r1"), FAC)
    assert round_of(voted, OBS).totals is None
    do(voted, o.RevealVote(round_id="r1"), FAC)
    for viewer in EVERYONE:
        assert round_of(voted, viewer).totals == {"s1": 2, "s2": 1}


def test_each_voter_sees_only_their_own_dots_and_aggregate_progress(voted: Board) -> None:
    alice, bob, obs = (round_of(voted, v) for v in (ALICE, BOB, OBS))
    assert (alice.mine, alice.remaining) == ({"s1": 2}, 1)
    assert (bob.mine, bob.remaining) == ({"s2": 1}, 2)
    assert (obs.mine, obs.remaining) == ({}, 3)
    assert {(r.dots_cast, r.voters) for r in (alice, bob, obs)} == {(3, 2)}


def test_a_vote_event_carries_no_voter(voted: Board) -> None:
    applied = do(voted, o.CastVote(round_id="r1", item_id="s2"), ALICE)
    for viewer in (FAC, BOB, OBS):
        frame = b"".join(encode(v) for v in project(applied.changes, voted, viewer))
        assert ALICE.encode() not in frame and b"Alice" not in frame


# --- removals ----------------------------------------------------------------------------------


def test_a_public_removal_reaches_everyone(voted: Board) -> None:
    for r in list(voted.rounds):
        if voted.rounds[r].state != "revealed":
            do(voted, o.RevealVote(round_id=r), FAC)
    applied = do(voted, o.DeleteSticky(sticky_id="s2"), FAC)
    for viewer in EVERYONE:
        views = project(applied.changes, voted, viewer)
        assert Removed(kind="sticky", id="s2") in views
        assert any(isinstance(v, RoundView) for v in views)  # Bob's dot came back


def test_project_sends_each_entity_once(voted: Board) -> None:
    """Changes naming the same entity twice (here: a doubled list) project it once."""
    applied = do(voted, o.Rename(name="Fran K."), FAC)
    views = project(applied.changes + applied.changes, voted, OBS)
    keys = [(type(v).__name__, getattr(v, "id", "")) for v in views]
    assert len(keys) == len(set(keys)) == 1


def test_a_chain_or_action_is_mine_to_its_author_alone_and_no_view_names_who_added_it() -> None:
    board = make_board()
    go_to(board, "five_whys")
    chain = do(board, o.AddChain(problem="checkout 500s"), ALICE, new_id="c1")
    go_to(board, "actions")
    action = do(board, o.AddAction(text="alert on pool usage above 80%"), ALICE, new_id="a1")
    for viewer, mine in ((ALICE, True), (BOB, False), (FAC, False), (OBS, False), ("", False)):
        view = view_for(board, viewer)
        assert [c.mine for c in view.chains] == [mine] and [a.mine for a in view.actions] == [mine]
        for applied in (chain, action):
            [item] = [v for v in project(applied.changes, board, viewer) if v.id in ("c1", "a1")]
            assert item.mine is mine
            assert ALICE.encode() not in encode(item), "the id of who added it never leaves"
