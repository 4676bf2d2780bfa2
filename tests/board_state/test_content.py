"""What people write: stickies, timeline, five whys, themes, actions (board_state/content.py)."""

from __future__ import annotations

import pytest

from hindsight.board_state import Board
from hindsight.board_state import ops as o
from hindsight.board_state.util import Change

from .helpers import ALICE, BOB, FAC, OBS, add_sticky, do, go_to, make_board, rejected


@pytest.fixture
def board() -> Board:
    board = make_board()
    go_to(board, "themes")
    return board


# --- stickies ------------------------------------------------------------------------------


def test_editing_someone_elses_sticky_is_forbidden(board: Board) -> None:
    add_sticky(board, ALICE, "s1", "alerts were late")
    rejected(board, o.EditSticky(sticky_id="s1", text="mine now"), BOB, "forbidden")


def test_facilitator_may_delete_but_not_edit_a_participants_sticky(board: Board) -> None:
    add_sticky(board, ALICE, "s1", "alerts were late")
    rejected(board, o.EditSticky(sticky_id="s1", text="rephrased"), FAC, "forbidden")
    do(board, o.DeleteSticky(sticky_id="s1"), FAC)
    assert "s1" not in board.stickies


def test_participant_cannot_delete_someone_elses_sticky(board: Board) -> None:
    add_sticky(board, ALICE, "s1")
    rejected(board, o.DeleteSticky(sticky_id="s1"), BOB, "forbidden")


def test_author_edits_text_and_category_of_a_contributing_factor(board: Board) -> None:
    add_sticky(board, ALICE, "s1", "no alert on queue depth", section="contributing")
    assert board.stickies["s1"].category == "other"  # contributing factors always have one
    do(board, o.EditSticky(sticky_id="s1", category="monitoring"), ALICE)
    assert (board.stickies["s1"].text, board.stickies["s1"].category) == (
        "no alert on queue depth",
        "monitoring",
    )


def test_only_contributing_factors_have_a_category(board: Board) -> None:
    rejected(
        board, o.AddSticky(section="went_well", text="x", category="testing"), ALICE, "invalid"
    )
    add_sticky(board, ALICE, "s1")
    rejected(board, o.EditSticky(sticky_id="s1", category="testing"), ALICE, "invalid")


def test_moving_a_sticky_in_and_out_of_contributing_sets_and_clears_its_category(
    board: Board,
) -> None:
    add_sticky(board, ALICE, "s1")
    do(board, o.MoveSticky(sticky_id="s1", section="contributing"), ALICE)
    assert board.stickies["s1"].category == "other"
    do(board, o.MoveSticky(sticky_id="s1", section="went_badly"), FAC)  # facilitator may move
    assert board.stickies["s1"].category is None
    rejected(board, o.MoveSticky(sticky_id="s1", section="went_well"), BOB, "forbidden")


def test_stickies_do_not_go_to_the_parking_lot_directly(board: Board) -> None:
    rejected(board, o.AddSticky(section="parking_lot", text="q"), FAC, "invalid")
    add_sticky(board, ALICE, "s1")
    rejected(board, o.MoveSticky(sticky_id="s1", section="parking_lot"), ALICE, "invalid")


def test_a_note_on_an_unrevealed_ballot_waits_for_the_reveal_to_be_deleted(board: Board) -> None:
    """Deleting it earlier would lower everyone's "N dots cast" by exactly its dots."""
    add_sticky(board, ALICE, "s1")
    add_sticky(board, ALICE, "s2")
    do(board, o.OpenVote(budget=2), FAC, new_id="r1")
    do(board, o.CastVote(round_id="r1", item_id="s1"), BOB)
    for actor in (ALICE, FAC):  # with dots or without, the answer is the same
        for sticky in ("s1", "s2"):
            assert "reveals" in rejected(
                board, o.DeleteSticky(sticky_id=sticky), actor, "vote_pending"
            )
    do(board, o.CloseVote(round_id="r1"), FAC)
    rejected(board, o.DeleteSticky(sticky_id="s1"), ALICE, "vote_pending")
    do(board, o.ParkQuestion(text="Should pushes wait for business hours?"), ALICE, new_id="q1")
    do(board, o.DeleteSticky(sticky_id="q1"), ALICE)  # parked questions are never on a ballot
    do(board, o.RevealVote(round_id="r1"), FAC)
    do(board, o.DeleteSticky(sticky_id="s2"), ALICE)


def test_deleting_a_voted_sticky_after_the_reveal_refunds_the_dots_and_unlinks_it(
    board: Board,
) -> None:
    add_sticky(board, ALICE, "s1")
    do(board, o.OpenVote(budget=2), FAC, new_id="r1")
    do(board, o.CastVote(round_id="r1", item_id="s1"), BOB)
    do(board, o.CastVote(round_id="r1", item_id="s1"), BOB)
    do(board, o.RevealVote(round_id="r1"), FAC)
    go_to(board, "actions")
    do(board, o.AddAction(text="alert on queue depth", links=["s1"]), BOB, new_id="a1")
    go_to(board, "themes")
    applied = do(board, o.DeleteSticky(sticky_id="s1"), ALICE)
    assert board.rounds["r1"].votes == {}
    assert board.actions["a1"].links == []
    assert Change("round", "r1") in applied.changes
    assert Change("action", "a1") in applied.changes


def test_someone_elses_hidden_sticky_is_not_found_not_forbidden() -> None:
    board = make_board()
    go_to(board, "reflection")
    add_sticky(board, ALICE, "s1", "secret")
    for op in (
        o.EditSticky(sticky_id="s1", text="x"),
        o.DeleteSticky(sticky_id="s1"),
        o.MoveSticky(sticky_id="s1", section="went_badly"),
    ):
        assert "no such sticky" in rejected(board, op, BOB, "not_found")
        rejected(board, op, FAC, "not_found")
    do(board, o.EditSticky(sticky_id="s1", text="still secret"), ALICE)


def test_sticky_count_limit() -> None:
    board = make_board()
    for i in range(2000):
        do(board, o.ParkQuestion(text=f"q{i}"), ALICE, new_id=f"q{i}")
    rejected(board, o.ParkQuestion(text="one more"), ALICE, "limit")
    go_to(board, "themes")
    rejected(board, o.AddSticky(section="went_well", text="one more"), ALICE, "limit")


# --- the timeline --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2026-08-14T09:12:00Z", "2026-08-14T09:12:00Z"),
        ("2026-08-14T09:12", "2026-08-14T09:12:00Z"),  # naive means UTC
        ("2026-08-14 11:12:30+02:00", "2026-08-14T09:12:30Z"),  # offsets are converted
        ("2026-08-14T01:00:00-08:00", "2026-08-14T09:00:00Z"),
        ("  2026-08-14t09:12:00z ", "2026-08-14T09:12:00Z"),
    ],
)
def test_timeline_times_are_normalised_to_utc(typed: str, stored: str) -> None:
    board = make_board()
    do(board, o.AddTimelineEntry(at=typed, text="alert"), ALICE, new_id="e1")
    assert board.timeline["e1"].at == stored


def test_a_time_without_a_date_is_rejected_with_an_example() -> None:
    board = make_board()
    message = rejected(board, o.AddTimelineEntry(at="09:12", text="alert"), ALICE, "invalid")
    assert "needs a date" in message and "T09:12" in message


@pytest.mark.parametrize(
    "typed",
    [
        "yesterday",
        "2026-08-14T25:00",
        "2026-08-14T09:12:00+24:00",
        "9999-12-31T23:59:59-05:00",
        "0001-01-01T00:30:00+01:00",  # out of range once in UTC
    ],
)
def test_impossible_times_are_rejected_not_crashed_on(typed: str) -> None:
    rejected(make_board(), o.AddTimelineEntry(at=typed, text="x"), ALICE, "invalid")
    rejected(make_board(), o.EditHeader(resolved_at=typed), FAC, "invalid")


def test_early_years_keep_four_digits() -> None:
    board = make_board()
    do(board, o.AddTimelineEntry(at="0999-01-01T00:00:00Z", text="odd"), ALICE, new_id="e1")
    assert board.timeline["e1"].at == "0999-01-01T00:00:00Z"


def test_timeline_entries_are_edited_by_their_author_or_the_facilitator() -> None:
    board = make_board()
    do(board, o.AddTimelineEntry(at="2026-08-14T09:12:00Z", text="alert"), ALICE, new_id="e1")
    rejected(board, o.EditTimelineEntry(entry_id="e1", text="mine"), BOB, "forbidden")
    do(
        board,
        o.EditTimelineEntry(entry_id="e1", at="2026-08-14T10:00:00+01:00", kind="signal"),
        FAC,
    )
    e = board.timeline["e1"]
    assert (e.at, e.text, e.kind) == ("2026-08-14T09:00:00Z", "alert", "signal")
    rejected(board, o.EditTimelineEntry(entry_id="e1", at="9am", text="new"), ALICE, "invalid")
    rejected(board, o.DeleteTimelineEntry(entry_id="e1"), BOB, "forbidden")
    do(board, o.DeleteTimelineEntry(entry_id="e1"), ALICE)
    assert board.timeline == {}


# --- five whys -----------------------------------------------------------------------------


def test_a_five_whys_chain_with_a_marked_root_cause() -> None:
    board = make_board()
    go_to(board, "five_whys")
    do(board, o.AddChain(problem="checkout returned 500s"), ALICE, new_id="c1")
    do(board, o.AddWhy(chain_id="c1", why="why?", answer="db pool exhausted"), BOB, new_id="w1")
    do(board, o.AddWhy(chain_id="c1", why="why?", answer="no pool limit alert"), ALICE, new_id="w2")
    do(board, o.MarkRootCause(chain_id="c1", step_id="w2", cause="  no alerting on pools "), BOB)
    chain = board.chains["c1"]
    assert [s.id for s in chain.steps] == ["w1", "w2"]
    assert (chain.root_step_id, chain.root_cause) == ("w2", "no alerting on pools")
    rejected(board, o.MarkRootCause(chain_id="c1", step_id="w-none"), ALICE, "not_found")
    do(board, o.DeleteWhy(chain_id="c1", step_id="w2"), ALICE)
    assert chain.root_step_id is None


def test_chain_step_limit() -> None:
    board = make_board()
    go_to(board, "five_whys")
    do(board, o.AddChain(problem="p"), ALICE, new_id="c1")
    for i in range(30):
        do(board, o.AddWhy(chain_id="c1", why=f"why {i}"), ALICE)
    rejected(board, o.AddWhy(chain_id="c1", why="why 31"), ALICE, "limit")


# --- themes --------------------------------------------------------------------------------


def test_themes_group_stickies_and_deleting_one_ungroups_and_refunds(board: Board) -> None:
    add_sticky(board, ALICE, "s1")
    add_sticky(board, BOB, "s2")
    do(board, o.AddTheme(name=" Alerting ", sticky_ids=["s1", "s1"]), BOB, new_id="t1")
    assert board.themes["t1"].name == "Alerting"
    do(board, o.Group(sticky_id="s2", theme_id="t1"), ALICE)
    assert board.stickies["s1"].theme_id == board.stickies["s2"].theme_id == "t1"
    do(board, o.OpenVote(target="themes"), FAC, new_id="r1")
    do(board, o.CastVote(round_id="r1", item_id="t1"), ALICE)
    rejected(board, o.DeleteTheme(theme_id="t1"), BOB, "vote_pending")
    do(board, o.RevealVote(round_id="r1"), FAC)
    do(board, o.DeleteTheme(theme_id="t1"), BOB)
    assert board.stickies["s1"].theme_id is None and board.stickies["s2"].theme_id is None
    assert board.rounds["r1"].votes == {}


def test_a_theme_needs_a_name_and_known_stickies(board: Board) -> None:
    rejected(board, o.AddTheme(name="   "), ALICE, "invalid")
    rejected(board, o.AddTheme(name="X", sticky_ids=["s-none"]), ALICE, "not_found")
    rejected(board, o.Group(sticky_id="s-none", theme_id=None), ALICE, "not_found")


# --- actions -------------------------------------------------------------------------------


@pytest.fixture
def actions() -> Board:
    board = make_board()
    go_to(board, "actions")
    for aid in ("a1", "a2", "a3"):
        do(board, o.AddAction(text=f"action {aid}"), BOB, new_id=aid)
    return board


def test_only_whoever_added_an_action_or_the_facilitator_deletes_it(actions: Board) -> None:
    rejected(actions, o.DeleteAction(action_id="a1"), ALICE, "forbidden")
    assert "a1" in actions.actions, "a refused delete leaves the action"
    do(actions, o.EditAction(action_id="a1", text="alert on pool usage above 80%"), ALICE)
    assert actions.actions["a1"].text == "alert on pool usage above 80%", "the group refines it"
    do(actions, o.DeleteAction(action_id="a1"), BOB)
    do(actions, o.DeleteAction(action_id="a2"), FAC)
    assert list(actions.actions) == ["a3"]


def test_only_whoever_started_a_chain_or_the_facilitator_deletes_it() -> None:
    board = make_board()
    go_to(board, "five_whys")
    for cid in ("c1", "c2", "c3"):
        do(board, o.AddChain(problem=f"problem {cid}"), ALICE, new_id=cid)
    do(board, o.AddWhy(chain_id="c1", why="why?", answer="pool exhausted"), BOB)
    do(board, o.EditChain(chain_id="c1", problem="checkout 500s"), BOB)
    rejected(board, o.DeleteChain(chain_id="c1"), BOB, "forbidden")
    assert board.chains["c1"].problem == "checkout 500s" and len(board.chains["c1"].steps) == 1
    do(board, o.DeleteChain(chain_id="c1"), ALICE)
    do(board, o.DeleteChain(chain_id="c2"), FAC)
    board.chains["c3"].author = ""  # a board from before authors were kept on chains
    rejected(board, o.DeleteChain(chain_id="c3"), ALICE, "forbidden")
    do(board, o.DeleteChain(chain_id="c3"), FAC)
    assert board.chains == {}


def test_only_the_owner_confirms_an_action(actions: Board) -> None:
    do(actions, o.EditAction(action_id="a1", owner_id=ALICE), BOB)
    rejected(actions, o.ConfirmOwner(action_id="a1"), BOB, "forbidden")
    rejected(actions, o.ConfirmOwner(action_id="a1"), FAC, "forbidden")
    do(actions, o.ConfirmOwner(action_id="a1"), ALICE)
    assert actions.actions["a1"].confirmed


def test_changing_the_owner_resets_the_confirmation(actions: Board) -> None:
    do(actions, o.EditAction(action_id="a1", owner_id=ALICE), BOB)
    do(actions, o.ConfirmOwner(action_id="a1"), ALICE)
    do(actions, o.EditAction(action_id="a1", owner_id=ALICE, text="reworded"), BOB)
    assert actions.actions["a1"].confirmed  # same owner: still confirmed
    do(actions, o.EditAction(action_id="a1", owner_id=BOB), FAC)
    assert not actions.actions["a1"].confirmed
    do(actions, o.EditAction(action_id="a1", owner_id=""), FAC)  # "" clears
    assert actions.actions["a1"].owner_id is None


def test_an_action_owner_must_be_a_participant(actions: Board) -> None:
    rejected(actions, o.EditAction(action_id="a1", owner_id=OBS), BOB, "invalid")
    rejected(actions, o.AddAction(text="x", owner_id="u-nobody"), BOB, "invalid")


def test_ranking_moves_an_action_within_the_order(actions: Board) -> None:
    do(actions, o.RankAction(action_id="a3", index=0), ALICE)
    assert actions.action_order == ["a3", "a1", "a2"]
    do(actions, o.RankAction(action_id="a3", index=2), ALICE)
    assert actions.action_order == ["a1", "a2", "a3"]
    rejected(actions, o.RankAction(action_id="a1", index=3), ALICE, "invalid")
    do(actions, o.DeleteAction(action_id="a2"), BOB)  # who added it
    assert actions.action_order == ["a1", "a3"]


def test_status_is_set_by_the_owner_or_the_facilitator_only(actions: Board) -> None:
    do(actions, o.EditAction(action_id="a1", owner_id=ALICE), BOB)
    rejected(actions, o.SetActionStatus(action_id="a1", status="done"), BOB, "forbidden")
    do(actions, o.SetActionStatus(action_id="a1", status="in_progress"), ALICE)
    do(actions, o.SetActionStatus(action_id="a1", status="done"), FAC)
    assert actions.actions["a1"].status == "done"


def test_only_the_facilitator_selects_actions(actions: Board) -> None:
    rejected(actions, o.SelectAction(action_id="a1"), BOB, "forbidden")
    do(actions, o.SelectAction(action_id="a1"), FAC)
    assert actions.actions["a1"].selected


def test_action_due_dates_and_links_are_checked(actions: Board) -> None:
    do(actions, o.AddAction(text="x", due=" 2026-09-01 "), BOB, new_id="a4")
    assert actions.actions["a4"].due == "2026-09-01"
    rejected(actions, o.AddAction(text="x", due="next week"), BOB, "invalid")
    rejected(actions, o.EditAction(action_id="a1", links=["nowhere"]), BOB, "not_found")


def test_action_count_limit(actions: Board) -> None:
    for i in range(197):
        do(actions, o.AddAction(text=f"more {i}"), BOB)
    rejected(actions, o.AddAction(text="one too many"), BOB, "limit")


def test_a_timeline_import_adds_every_entry_or_none() -> None:
    from .helpers import ALICE, do, make_board, rejected

    board = make_board()
    items = [
        o.TimelineItem(at="2026-08-14T09:12Z", text="alert"),
        o.TimelineItem(at="2026-08-14 10:38", text="reported", kind="signal"),
    ]
    do(board, o.ImportTimeline(entries=items), ALICE, new_id="imp")
    assert sorted((e.at, e.text) for e in board.timeline.values()) == [
        ("2026-08-14T09:12:00Z", "alert"),
        ("2026-08-14T10:38:00Z", "reported"),
    ]
    bad = [*items, o.TimelineItem(at="10:51", text="paused")]
    message = rejected(board, o.ImportTimeline(entries=bad), ALICE, "invalid", new_id="imp2")
    assert message.startswith("entry 3:") and len(board.timeline) == 2


def test_imported_entries_with_the_same_time_keep_the_files_order() -> None:
    from hindsight.board_state import view_for

    from .helpers import ALICE, do, make_board

    board = make_board()
    items = [o.TimelineItem(at="2026-08-14T09:12Z", text=f"line {i}") for i in range(12)]
    do(board, o.ImportTimeline(entries=items), ALICE, new_id="imp")
    assert [e.text for e in view_for(board, ALICE).timeline] == [f"line {i}" for i in range(12)]


def test_an_action_on_an_unrevealed_ballot_waits_for_the_reveal_to_be_deleted(board: Board) -> None:
    go_to(board, "actions")
    do(board, o.AddAction(text="alert on queue depth"), BOB, new_id="a1")
    do(board, o.OpenVote(target="actions"), FAC, new_id="r1")
    rejected(board, o.DeleteAction(action_id="a1"), BOB, "vote_pending")
    do(board, o.RevealVote(round_id="r1"), FAC)
    do(board, o.DeleteAction(action_id="a1"), BOB)
    assert "a1" not in board.actions


# --- an import's writing (restore_writing, issued by the server) ---------------------------


def test_restored_writing_is_the_named_authors_in_the_lobby() -> None:
    from hindsight.board_state import SYSTEM

    board = make_board("blameless-90", "named")
    assert board.current is None  # people may not write notes in the lobby; an import may
    op = o.RestoreWriting(
        author=ALICE,
        entries=[o.TimelineItem(at="2026-08-14T09:12Z", text="alert fired", kind="signal")],
        notes=[
            o.RestoredNote(section="went_badly", text="paging was slow"),
            o.RestoredNote(section="contributing", text="no canary"),
            o.RestoredNote(section="parking_lot", text="who owns the pool?"),
        ],
    )
    do(board, op, SYSTEM, new_id="rw")
    assert {e.id: (e.author, e.kind) for e in board.timeline.values()} == {
        "rw-000": (ALICE, "signal")
    }
    assert {s.id: (s.author, s.section, s.category) for s in board.stickies.values()} == {
        "rw-001": (ALICE, "went_badly", None),
        "rw-002": (ALICE, "contributing", "other"),
        "rw-003": (ALICE, "parking_lot", None),
    }
    assert board.facilitator == FAC  # nobody's role changed on the way


def test_restored_writing_is_refused_whole_naming_what_is_wrong() -> None:
    from hindsight.board_state import SYSTEM

    board = make_board()
    note = o.RestoredNote(section="went_well", text="rollback")
    rejected(board, o.RestoreWriting(author=OBS, notes=[note]), SYSTEM, "not_found")
    rejected(board, o.RestoreWriting(author="nobody", notes=[note]), SYSTEM, "not_found")
    bad_time = [o.TimelineItem(at="2026-08-14T09:12Z", text="a"), o.TimelineItem(at="9", text="b")]
    message = rejected(
        board, o.RestoreWriting(author=ALICE, entries=bad_time, notes=[note]), SYSTEM, "invalid"
    )
    assert message.startswith("entry 2:")
    misfiled = o.RestoredNote(section="went_well", text="x", category="tooling")
    message = rejected(board, o.RestoreWriting(author=ALICE, notes=[misfiled]), SYSTEM, "invalid")
    assert message == "note 1: only contributing factors have a category"


def test_only_the_server_restores_writing() -> None:
    board = make_board()
    note = o.RestoredNote(section="went_well", text="rollback")
    for actor in (FAC, ALICE):
        rejected(board, o.RestoreWriting(author=ALICE, notes=[note]), actor, "forbidden")
