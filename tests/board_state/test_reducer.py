"""The meeting, the agenda, reveal and voting (board_state/reducer.py)."""

from __future__ import annotations

import pytest

from hindsight.board_state import SYSTEM, Board, encode_board, replay
from hindsight.board_state import ops as o
from hindsight.board_state.limits import MAX_OBSERVERS, MAX_PARTICIPANTS
from hindsight.board_state.ops import Entry
from hindsight.board_state.projection import round_view

from .helpers import (
    ALICE,
    BOB,
    FAC,
    OBS,
    T0,
    add_sticky,
    do,
    go_to,
    make_board,
    phase_of,
    rejected,
)


@pytest.fixture
def board() -> Board:
    return make_board()


# --- the meeting ---------------------------------------------------------------------------


def test_create_board_copies_the_template_and_makes_the_facilitator(board: Board) -> None:
    assert [p.kind for p in board.agenda][:3] == ["set_the_room", "summary", "timeline"]
    assert board.facilitator == FAC
    assert board.role_of(FAC) == "facilitator"
    assert board.participants[FAC].name == "Fran"
    assert board.current is None


def test_create_board_twice_is_invalid(board: Board) -> None:
    rejected(board, o.CreateBoard(), SYSTEM, "invalid")


def test_create_board_with_an_unknown_template_lists_the_known_ones() -> None:
    message = rejected(Board(id="b"), o.CreateBoard(template="nope"), SYSTEM, "invalid")
    assert "blameless-90" in message


def test_join_as_facilitator_is_refused(board: Board) -> None:
    rejected(board, o.Join(name="Eve", role="facilitator"), SYSTEM, "invalid")


def test_join_with_a_taken_id_is_refused(board: Board) -> None:
    rejected(board, o.Join(name="Alice again"), SYSTEM, "invalid", new_id=ALICE)


def test_join_without_a_name_gets_a_guest_name(board: Board) -> None:
    do(board, o.Join(name="  "), SYSTEM, new_id="u-guest")
    assert board.participants["u-guest"].name.startswith("Guest ")


def test_rename_to_blank_is_invalid(board: Board) -> None:
    rejected(board, o.Rename(name="   "), ALICE, "invalid")


def test_hand_over_swaps_roles(board: Board) -> None:
    do(board, o.HandOver(participant_id=BOB), FAC)
    assert board.facilitator == BOB
    assert board.role_of(BOB) == "facilitator"
    assert board.role_of(FAC) == "participant"
    do(board, o.AdvancePhase(), BOB)  # the new facilitator steers
    rejected(board, o.AdvancePhase(), FAC, "forbidden")  # the old one no longer does


def test_hand_over_to_an_observer_or_a_stranger_is_refused(board: Board) -> None:
    rejected(board, o.HandOver(participant_id=OBS), FAC, "invalid")
    rejected(board, o.HandOver(participant_id="u-nobody"), FAC, "not_found")


def test_edit_header_normalises_times_and_leaves_unsent_fields(board: Board) -> None:
    do(board, o.EditHeader(started_at="2026-08-14T11:02:00+02:00", cost="2k EUR"), FAC)
    assert board.header.started_at == "2026-08-14T09:02:00Z"
    assert board.header.impact.cost == "2k EUR"
    assert board.header.title == "Checkout outage"
    do(board, o.EditHeader(started_at=""), FAC)  # an empty string clears
    assert board.header.started_at == ""


def test_edit_header_with_a_bad_time_changes_nothing(board: Board) -> None:
    rejected(board, o.EditHeader(title="New", detected_at="09:12"), FAC, "invalid")


def test_a_named_board_with_content_cannot_turn_anonymous() -> None:
    board = make_board(anonymity="named")
    do(board, o.AddTimelineEntry(at="2026-08-14T09:00:00Z", text="deploy"), FAC)
    rejected(board, o.EditSettings(anonymity="anonymous"), FAC, "invalid")


def test_edit_settings_dedupes_nudges(board: Board) -> None:
    do(board, o.EditSettings(nudges=["blame", "blame", "five_whys"], dot_budget=3), FAC)
    assert board.settings.nudges == ["blame", "five_whys"]
    assert board.settings.dot_budget == 3


# --- the agenda ----------------------------------------------------------------------------


def test_advance_walks_the_agenda_in_order_and_stops_at_the_end(board: Board) -> None:
    seen = []
    for i in range(len(board.agenda)):
        do(board, o.AdvancePhase(), FAC, now=T0 + i)
        seen.append(board.current)
    assert seen == [p.id for p in board.agenda]
    rejected(board, o.AdvancePhase(), FAC, "invalid", now=T0 + 99)


def test_go_back_from_the_first_phase_or_the_lobby_is_invalid(board: Board) -> None:
    rejected(board, o.GoBack(), FAC, "invalid")
    do(board, o.AdvancePhase(), FAC)
    rejected(board, o.GoBack(), FAC, "invalid")


def test_go_to_the_current_phase_is_invalid(board: Board) -> None:
    go_to(board, "timeline")
    rejected(board, o.GoToPhase(phase_id=phase_of(board, "timeline").id), FAC, "invalid")
    rejected(board, o.GoToPhase(phase_id="p999"), FAC, "not_found")


def test_add_phase_at_an_index_with_default_sections(board: Board) -> None:
    do(board, o.AddPhase(kind="discussion", title="Talk", index=1), FAC)
    added = board.agenda[1]
    assert (added.kind, added.title, added.sections) == (
        "discussion",
        "Talk",
        ["went_well", "went_badly"],
    )
    assert added.id == "p10"  # ids are a counter, not a position
    rejected(board, o.AddPhase(kind="discussion", title="Far", index=99), FAC, "invalid")


def test_move_and_remove_phase(board: Board) -> None:
    wrap = phase_of(board, "wrap_up")
    do(board, o.MovePhase(phase_id=wrap.id, index=0), FAC)
    assert board.agenda[0] is wrap
    do(board, o.RemovePhase(phase_id=wrap.id), FAC)
    assert wrap not in board.agenda
    rejected(
        board, o.MovePhase(phase_id=board.agenda[0].id, index=len(board.agenda)), FAC, "invalid"
    )


def test_the_current_phase_cannot_be_removed(board: Board) -> None:
    phase = go_to(board, "timeline")
    rejected(board, o.RemovePhase(phase_id=phase.id), FAC, "invalid")


def test_a_phase_with_unrevealed_private_writing_cannot_be_removed(board: Board) -> None:
    reflection = go_to(board, "reflection")
    add_sticky(board, ALICE, "s1")
    go_to(board, "themes")
    rejected(board, o.RemovePhase(phase_id=reflection.id), FAC, "invalid")
    do(board, o.Reveal(phase_id=reflection.id), FAC)
    do(board, o.RemovePhase(phase_id=reflection.id), FAC)


def test_agenda_count_limit() -> None:
    board = make_board()
    while len(board.agenda) < 30:
        do(board, o.AddPhase(kind="discussion", title="More"), FAC)
    rejected(board, o.AddPhase(kind="discussion", title="One too many"), FAC, "limit")


# --- reveal --------------------------------------------------------------------------------


def test_writing_in_a_private_phase_is_hidden_until_revealed(board: Board) -> None:
    reflection = go_to(board, "reflection")
    add_sticky(board, ALICE, "s1")
    add_sticky(board, BOB, "s2", section="went_badly")
    assert board.stickies["s1"].hidden and board.stickies["s2"].hidden
    applied = do(board, o.Reveal(phase_id=reflection.id), FAC)
    assert not board.stickies["s1"].hidden and not board.stickies["s2"].hidden
    assert [c.id for c in applied.changes if c.kind == "sticky"] == ["s1", "s2"]  # by id
    add_sticky(board, ALICE, "s3")  # after the reveal, new writing is public
    assert not board.stickies["s3"].hidden


def test_private_notes_can_never_be_stranded_by_making_the_phase_public(board: Board) -> None:
    """Unrevealed notes keep the phase private until they are revealed; then it may go public."""
    reflection = go_to(board, "reflection")
    add_sticky(board, ALICE, "s1")
    rejected(board, o.EditPhase(phase_id=reflection.id, private=False), FAC, "invalid")
    do(board, o.Reveal(phase_id=reflection.id), FAC)
    do(board, o.EditPhase(phase_id=reflection.id, private=False), FAC)
    add_sticky(board, BOB, "s2")  # written in public: visible at once
    assert not board.stickies["s1"].hidden and not board.stickies["s2"].hidden


def test_reveal_twice_or_of_a_public_phase_is_invalid(board: Board) -> None:
    reflection = phase_of(board, "reflection")
    do(board, o.Reveal(phase_id=reflection.id), FAC)
    rejected(board, o.Reveal(phase_id=reflection.id), FAC, "invalid")
    rejected(board, o.Reveal(phase_id=phase_of(board, "timeline").id), FAC, "invalid")


# --- voting --------------------------------------------------------------------------------


@pytest.fixture
def voting(board: Board) -> Board:
    """Themes phase with three public stickies and an open round r1 of 3 dots."""
    go_to(board, "themes")
    for sid in ("s1", "s2", "s3"):
        add_sticky(board, FAC, sid)
    do(board, o.OpenVote(budget=3), FAC, new_id="r1")
    return board


def test_open_vote_uses_the_board_budget_by_default(board: Board) -> None:
    do(board, o.EditSettings(dot_budget=7), FAC)
    do(board, o.OpenVote(), FAC, new_id="r1")
    assert board.rounds["r1"].budget == 7


def test_only_one_round_is_open_at_a_time(voting: Board) -> None:
    rejected(voting, o.OpenVote(), FAC, "invalid")


def test_votes_up_to_the_budget_then_budget_exceeded(voting: Board) -> None:
    for sid in ("s1", "s1", "s2"):
        do(voting, o.CastVote(round_id="r1", item_id=sid), ALICE)
    rejected(voting, o.CastVote(round_id="r1", item_id="s3"), ALICE, "budget_exceeded")
    do(voting, o.CastVote(round_id="r1", item_id="s3"), BOB)  # Bob's budget is his own
    assert voting.rounds["r1"].votes[ALICE] == {"s1": 2, "s2": 1}


def test_a_single_dot_round_refuses_a_second_dot_on_one_item(board: Board) -> None:
    go_to(board, "themes")
    add_sticky(board, FAC, "s1")
    do(board, o.OpenVote(multi=False), FAC, new_id="r1")
    do(board, o.CastVote(round_id="r1", item_id="s1"), ALICE)
    rejected(board, o.CastVote(round_id="r1", item_id="s1"), ALICE, "invalid")


def test_no_voting_outside_an_open_round(voting: Board) -> None:
    do(voting, o.CloseVote(round_id="r1"), FAC)
    rejected(voting, o.CastVote(round_id="r1", item_id="s1"), ALICE, "vote_closed")
    rejected(voting, o.Unvote(round_id="r1", item_id="s1"), ALICE, "vote_closed")
    rejected(voting, o.CloseVote(round_id="r1"), FAC, "vote_closed")
    rejected(voting, o.CastVote(round_id="r-none", item_id="s1"), ALICE, "not_found")


def test_voting_is_allowed_in_any_phase_while_a_round_is_open(voting: Board) -> None:
    go_to(voting, "timeline")
    do(voting, o.CastVote(round_id="r1", item_id="s1"), ALICE)


def test_unvote_refunds_a_dot(voting: Board) -> None:
    for _ in range(3):
        do(voting, o.CastVote(round_id="r1", item_id="s1"), ALICE)
    do(voting, o.Unvote(round_id="r1", item_id="s1"), ALICE)
    assert round_view(voting.rounds["r1"], ALICE).remaining == 1
    do(voting, o.CastVote(round_id="r1", item_id="s2"), ALICE)
    rejected(voting, o.Unvote(round_id="r1", item_id="s3"), ALICE, "invalid")


def test_unvoting_the_last_dot_forgets_the_voter(voting: Board) -> None:
    do(voting, o.CastVote(round_id="r1", item_id="s1"), ALICE)
    do(voting, o.Unvote(round_id="r1", item_id="s1"), ALICE)
    assert ALICE not in voting.rounds["r1"].votes


def test_parking_lot_and_unknown_items_take_no_dots(voting: Board) -> None:
    do(voting, o.ParkQuestion(text="why?"), ALICE, new_id="q1")
    rejected(voting, o.CastVote(round_id="r1", item_id="q1"), BOB, "not_found")
    rejected(voting, o.CastVote(round_id="r1", item_id="s-none"), BOB, "not_found")


def test_a_round_of_themes_takes_theme_ids_only(board: Board) -> None:
    go_to(board, "themes")
    add_sticky(board, FAC, "s1")
    do(board, o.AddTheme(name="Alerts", sticky_ids=["s1"]), ALICE, new_id="t1")
    do(board, o.OpenVote(target="themes"), FAC, new_id="r1")
    rejected(board, o.CastVote(round_id="r1", item_id="s1"), ALICE, "not_found")
    do(board, o.CastVote(round_id="r1", item_id="t1"), ALICE)


def test_reveal_vote_ends_voting_and_only_once(voting: Board) -> None:
    do(voting, o.CastVote(round_id="r1", item_id="s1"), ALICE)
    do(voting, o.RevealVote(round_id="r1"), FAC)
    rejected(voting, o.CastVote(round_id="r1", item_id="s1"), BOB, "vote_closed")
    rejected(voting, o.RevealVote(round_id="r1"), FAC, "invalid")
    do(voting, o.OpenVote(), FAC, new_id="r2")  # a new round may open


def test_round_count_limit(board: Board) -> None:
    for i in range(50):
        do(board, o.OpenVote(), FAC, new_id=f"r{i}")
        do(board, o.CloseVote(round_id=f"r{i}"), FAC)
    rejected(board, o.OpenVote(), FAC, "limit")


# --- replay --------------------------------------------------------------------------------


def test_replay_of_the_accepted_entries_is_byte_identical() -> None:
    board = Board(id="b-test")
    entries = []

    def log(op: o.Op, actor: str, new_id: str, at: int) -> None:
        do(board, op, actor, now=at, new_id=new_id)
        entries.append(Entry(seq=len(entries) + 1, actor=actor, at=at, new_id=new_id, op=op))

    log(o.CreateBoard(), SYSTEM, FAC, T0)
    log(o.Join(name="Alice"), SYSTEM, ALICE, T0 + 1)
    log(o.AddTimelineEntry(at="2026-08-14T09:00:00+01:00", text="deploy"), ALICE, "e1", T0 + 2)
    log(o.AdvancePhase(), FAC, "n1", T0 + 3)
    log(o.ExtendTimer(minutes=2), FAC, "n2", T0 + 4)
    assert encode_board(replay("b-test", entries)) == encode_board(board)


def test_observers_fill_their_own_places_and_a_participant_still_joins() -> None:
    board = make_board()  # a facilitator, participants and one observer
    watching = sum(p.role == "observer" for p in board.participants.values())
    for i in range(MAX_OBSERVERS - watching):
        do(board, o.Join(name=f"Watcher {i}", role="observer"), "system", new_id=f"w{i}")
    assert "observers" in rejected(
        board, o.Join(name="One too many", role="observer"), "system", "limit", new_id="w-extra"
    )
    do(board, o.Join(name="Late participant"), "system", new_id="late")
    assert board.participants["late"].role == "participant"
    writing = sum(p.role != "observer" for p in board.participants.values())
    assert writing < MAX_PARTICIPANTS


# --- what an op made (the receipt's ids) -------------------------------------------------------


def _ids(board: Board) -> list[str]:
    """Every id on the board, of every kind, in the board's own order."""
    return [
        *board.participants,
        *(p.id for p in board.agenda),
        *board.timeline,  # before stickies, as restore_writing makes them
        *board.stickies,
        *board.chains,
        *(s.id for c in board.chains.values() for s in c.steps),
        *board.themes,
        *board.rounds,
        *board.actions,
    ]


def test_made_by_names_exactly_what_each_op_created_in_order() -> None:
    from hindsight.board_state import made_by

    board = make_board()
    go_to(board, "five_whys")
    item = o.TimelineItem(at="2026-08-14T09:12Z", text="alert")
    note = o.RestoredNote(section="went_well", text="rollback")
    steps: list[tuple[o.Op, str]] = [
        (o.Join(name="Dee"), SYSTEM),
        (o.AddPhase(kind="discussion", title="More", index=2), FAC),
        (o.AddSticky(section="contributing", text="no canary"), ALICE),
        (o.ParkQuestion(text="who owns it?"), BOB),
        (o.AddTimelineEntry(at="2026-08-14T09:30Z", text="paged"), FAC),
        (o.ImportTimeline(entries=[item, item, item]), FAC),
        (o.RestoreWriting(author=ALICE, entries=[item], notes=[note, note]), SYSTEM),
        (o.AddChain(problem="checkout failed"), FAC),
        (o.AddTheme(name="alerting"), FAC),
        (o.AddAction(text="add a canary stage"), FAC),
        (o.OpenVote(target="stickies"), FAC),
        (o.Rename(name="Alice B"), ALICE),  # makes nothing
        (o.RotateLink(role="participant"), FAC),  # a secret token, not an id
    ]
    for n, (op, actor) in enumerate(steps):
        before = set(_ids(board))
        nid = f"n{n}"
        assert do(board, op, actor, new_id=nid).changes  # accepted
        new = [i for i in _ids(board) if i not in before]
        assert list(made_by(board, op, nid)) == new, type(op).__name__
    chain = next(iter(board.chains))
    before = set(_ids(board))
    do(board, o.AddWhy(chain_id=chain, why="why?", answer="no alert"), FAC, new_id="w1")
    assert made_by(board, o.AddWhy(chain_id=chain, why="why?"), "w1") == ("w1",)
    assert [i for i in _ids(board) if i not in before] == ["w1"]


def test_create_board_with_an_agenda_uses_its_phases_instead_of_the_templates() -> None:
    phases = [
        o.AgendaPhase(kind="set_the_room", title="Why we are here", minutes=3),
        o.AgendaPhase(
            kind="reflection",
            title="Quiet writing",
            minutes=7,
            private=True,
            sections=["went_well", "went_badly"],
        ),
    ]
    board = Board(id="b")
    do(board, o.CreateBoard(agenda=phases, review_actions=True), SYSTEM, new_id=FAC)
    assert [(p.id, p.kind, p.title, p.minutes, p.private, p.sections) for p in board.agenda] == [
        ("p1", "set_the_room", "Why we are here", 3, False, []),
        ("p3", "action_review", "Review earlier actions", 10, False, []),
        ("p2", "reflection", "Quiet writing", 7, True, ["went_well", "went_badly"]),
    ]
