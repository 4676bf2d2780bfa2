"""What people are shown of the guardrails: hints for the writer under the board's settings, and
per-phase counts for the facilitator without private writing or premature write-up gaps."""

from __future__ import annotations

import pytest

from hindsight.board_state import Rejected, project, view_for
from hindsight.board_state import ops as o
from hindsight.board_state.nudges import NudgeTally, advise, counts_for, nudge_counts
from hindsight.board_state.util import Change
from hindsight.board_state.views import ActionView, GuidanceView

from .helpers import ALICE, BOB, FAC, T0, do, go_to, make_board, phase_of


def test_hints_name_the_blameful_words_and_action_checks_only_for_actions() -> None:
    board = make_board()
    [blame] = advise(board, "text", "Alice forgot to drain the node")
    assert blame.check == "blame" and "forgot" in " ".join(blame.words)
    assert advise(board, "text", "Improve monitoring") == []
    assert [f.check for f in advise(board, "action", "Improve monitoring")] == ["vague_action"]


def test_hints_follow_the_kinds_the_facilitator_left_on() -> None:
    board = make_board()
    do(board, o.EditSettings(nudges=["vague_action"]), FAC)
    assert advise(board, "text", "Human error again") == []
    assert advise(board, "action", "Be more careful with DNS")


def test_counts_are_per_phase_once_per_item_and_kind() -> None:
    board = make_board()
    go_to(board, "contributing_factors")
    do(board, o.AddSticky(section="contributing", text="Obviously a careless human error"), BOB)
    do(board, o.AddTimelineEntry(at="2026-08-14T09:12:00Z", text="Operator forgot the drain"), FAC)
    counts = nudge_counts(board)
    assert counts == {
        phase_of(board, "contributing_factors").id: 1,
        phase_of(board, "timeline").id: 1,
    }


def test_private_writing_is_not_counted_until_revealed() -> None:
    board = make_board()
    reflection = go_to(board, "reflection")
    do(board, o.AddSticky(section="went_badly", text="Bob should have known better"), ALICE)
    assert nudge_counts(board) == {}
    do(board, o.Reveal(phase_id=reflection.id), FAC)
    assert nudge_counts(board) == {reflection.id: 1}


def test_write_up_gaps_count_only_from_the_wrap_up() -> None:
    board = make_board()
    assert nudge_counts(board) == {}
    wrap = go_to(board, "wrap_up")
    assert nudge_counts(board).get(wrap.id, 0) >= 1  # no communications recorded yet


def test_only_the_facilitator_may_see_the_counts() -> None:
    board = make_board()
    assert counts_for(board, FAC) == {}
    with pytest.raises(Rejected) as info:
        counts_for(board, ALICE)
    assert info.value.code == "forbidden"


def _tally(entries: list[o.Entry]) -> NudgeTally:
    tally = NudgeTally("b-test")
    for e in entries:
        tally.feed(e)
    return tally


def _log(*steps: tuple[o.Op, str]) -> list[o.Entry]:
    ids = iter(["u-fac", "u-alice", *(f"i{n:03d}" for n in range(100))])
    return [
        o.Entry(seq=n, actor=actor, at=T0 + n, new_id=next(ids), op=op)
        for n, (op, actor) in enumerate(steps, 1)
    ]


def test_a_tally_counts_nudges_raised_and_those_resolved_by_rewording() -> None:
    entries = _log(
        (o.CreateBoard(title="t", facilitator_name="Fran"), "system"),
        (o.Join(name="Alice"), "system"),
        (
            o.AddTimelineEntry(at="2026-08-14T09:12:00Z", text="Alice forgot the drain step"),
            "u-alice",
        ),
        (o.AddTimelineEntry(at="2026-08-14T09:13:00Z", text="Obviously careless"), "u-alice"),
        (o.AddTimelineEntry(at="2026-08-14T09:14:00Z", text="Pager fired"), "u-alice"),
    )
    first, second = entries[2].new_id, entries[3].new_id
    entries += [
        o.Entry(
            seq=6,
            actor="u-alice",
            at=T0 + 6,
            new_id="x1",
            op=o.EditTimelineEntry(entry_id=first, text="The drain step is manual"),
        ),
        o.Entry(
            seq=7,
            actor="u-alice",
            at=T0 + 7,
            new_id="x2",
            op=o.DeleteTimelineEntry(entry_id=second),
        ),
    ]
    tally = _tally(entries)
    assert (tally.raised, tally.resolved) == (2, 1)  # deleting is not resolving
    assert tally.seq == 7 and tally.present == {}


def test_private_writing_joins_the_tally_only_when_revealed() -> None:
    board = make_board()
    reflection = phase_of(board, "reflection")
    entries = _log(
        (o.CreateBoard(title="t", facilitator_name="Fran"), "system"),
        (o.Join(name="Alice"), "system"),
        (o.GoToPhase(phase_id=reflection.id), "u-fac"),
        (o.AddSticky(section="went_badly", text="Human error on the deploy"), "u-alice"),
    )
    assert _tally(entries).raised == 0
    entries.append(
        o.Entry(seq=5, actor="u-fac", at=T0 + 5, new_id="r", op=o.Reveal(phase_id=reflection.id))
    )
    assert _tally(entries).raised == 1


def test_switching_a_kind_off_resolves_nothing() -> None:
    entries = _log(
        (o.CreateBoard(title="t", facilitator_name="Fran"), "system"),
        (o.AddTimelineEntry(at="2026-08-14T09:12:00Z", text="Human error on the deploy"), "u-fac"),
        (o.EditSettings(nudges=["vague_action"]), "u-fac"),
    )
    tally = _tally(entries)
    assert (tally.raised, tally.resolved) == (1, 0) and tally.present == {}


def test_an_action_view_carries_its_structural_nudges_for_everyone() -> None:
    board = make_board()
    go_to(board, "actions")
    do(board, o.AddAction(text="Improve alerting so Bob stops forgetting"), ALICE, new_id="a1")
    view = next(
        v for v in project([Change("action", "a1")], board, BOB) if isinstance(v, ActionView)
    )
    checks = {f.check for f in view.nudges}
    assert checks == {"vague_action"}  # wording blame is the writer's hint, not a public one
    assert any("owner" in f.message for f in view.nudges)
    do(board, o.EditSettings(nudges=["blame"]), FAC)
    assert view_for(board, BOB).actions[0].nudges == []


def test_selecting_a_fourth_action_sends_everyone_the_load_advice() -> None:
    board = make_board()
    go_to(board, "actions")
    for n in range(4):
        do(
            board,
            o.AddAction(text=f"Alert when queue {n} lags over 5 minutes"),
            FAC,
            new_id=f"a{n}",
        )
    for n in range(3):
        do(board, o.SelectAction(action_id=f"a{n}"), FAC)
    before = view_for(board, ALICE).guidance
    assert before is not None and before.action_load == []
    changes = do(board, o.SelectAction(action_id="a3"), FAC).changes
    [guidance] = [v for v in project(changes, board, ALICE) if isinstance(v, GuidanceView)]
    assert [f.check for f in guidance.action_load] == ["action_load"]
    assert "4 actions are selected" in guidance.action_load[0].message


def test_a_chain_marked_done_too_early_says_keep_asking_why() -> None:
    board = make_board()
    go_to(board, "five_whys")
    do(board, o.AddChain(problem="Checkout failed for 40 minutes"), ALICE, new_id="c1")
    do(board, o.AddWhy(chain_id="c1", why="Why?", answer="The gateway rejected our key"), ALICE)
    assert view_for(board, BOB).chains[0].nudges == []
    do(board, o.EditChain(chain_id="c1", done=True), ALICE)
    [nudge] = view_for(board, BOB).chains[0].nudges
    assert nudge.check == "five_whys" and nudge.reframe.startswith("Keep asking why")


def test_the_guidance_lists_write_up_gaps_and_follows_header_edits() -> None:
    board = make_board()
    gaps = view_for(board, ALICE).guidance
    assert gaps is not None and any("communications" in f.message for f in gaps.writeup)
    changes = do(
        board,
        o.EditHeader(
            communications="Status page updated at 10:05",
            regulatory="N/A: no personal data involved",
        ),
        FAC,
    ).changes
    [guidance] = [v for v in project(changes, board, ALICE) if isinstance(v, GuidanceView)]
    assert not any("communications" in f.message or "'N/A'" in f.message for f in guidance.writeup)
    do(board, o.EditSettings(nudges=["blame"]), FAC)
    assert view_for(board, ALICE).guidance == GuidanceView(id="", action_load=[], writeup=[])
