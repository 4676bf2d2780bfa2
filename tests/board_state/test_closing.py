"""The end of a meeting: write-up fields, tags, and closing (content final, follow-up open)."""

from __future__ import annotations

from hindsight.board_state import ops as o

from .helpers import ALICE, BOB, FAC, do, go_to, make_board, rejected


def test_the_facilitator_records_communications_regulatory_and_sign_off() -> None:
    board = make_board()
    do(
        board,
        o.EditHeader(
            communications="Head of Finance briefed on 2026-08-14",
            regulatory="EU AI Act Art. 73: N/A, no harm to persons",
            sign_off=[o.SignOffEntry(role="Author", name="Morteza", date="2026-08-19")],
        ),
        FAC,
    )
    h = board.header
    assert h.communications.startswith("Head of Finance") and "N/A" in h.regulatory
    assert [(s.role, s.name, s.date) for s in h.sign_off] == [("Author", "Morteza", "2026-08-19")]


def test_a_sign_off_date_must_be_a_date_and_a_bad_one_changes_nothing() -> None:
    board = make_board()
    entry = o.SignOffEntry(role="Author", name="M", date="next week")
    assert "YYYY-MM-DD" in rejected(
        board, o.EditHeader(sign_off=[entry], summary="x"), FAC, "invalid"
    )


def test_tags_are_lowercased_and_deduplicated_and_only_the_facilitator_sets_them() -> None:
    board = make_board()
    do(board, o.SetTags(tags=["DNS", "dns", " Payments "]), FAC)
    assert board.header.tags == ["dns", "payments"]
    rejected(board, o.SetTags(tags=["x"]), ALICE, "forbidden")


def test_closing_freezes_content_but_not_action_status_or_tags() -> None:
    board = make_board()
    go_to(board, "actions")
    do(
        board,
        o.AddAction(
            text="Alert on wrong-match rate > 15% for 1 h", owner_id=ALICE, due="2026-09-01"
        ),
        BOB,
        new_id="a1",
    )
    do(board, o.CloseMeeting(), FAC, now=5_000)
    assert board.closed_at == 5_000
    assert board.current_phase() is not None and board.current_phase().running_since is None  # type: ignore[union-attr]
    for actor, op in (
        (ALICE, o.AddAction(text="one more")),
        (FAC, o.AdvancePhase()),
        (FAC, o.EditHeader(summary="rewritten")),
        (FAC, o.CloseMeeting()),
    ):
        assert "closed" in rejected(board, op, actor, "closed")
    do(board, o.SetActionStatus(action_id="a1", status="done"), ALICE)
    do(board, o.SetTags(tags=["alerting"]), FAC)
    assert board.actions["a1"].status == "done" and board.header.tags == ["alerting"]
    rejected(board, o.SetActionStatus(action_id="a1", status="open"), BOB, "forbidden")
