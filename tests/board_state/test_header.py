"""The incident header's impact table (board_state/header.py), and old boards without one."""

from __future__ import annotations

import msgspec
import pytest

from hindsight.board_state import Board, Rejected, decode_board, encode_board, view_for
from hindsight.board_state import ops as o
from hindsight.board_state.model import ImpactRow
from hindsight.board_state.protocol import decode_client

from .helpers import ALICE, FAC, do, make_board, rejected

Row = o.ImpactRowInput


@pytest.fixture
def board() -> Board:
    return make_board()


def test_impact_rows_are_stored_in_order_stripped(board: Board) -> None:
    do(
        board,
        o.EditHeader(
            impact_rows=[
                Row(dimension="  Wrong matches generated ", impact=" 47 over ~3 hours "),
                Row(dimension="Support tickets", impact=""),
            ]
        ),
        FAC,
    )
    assert board.header.impact.rows == [
        ImpactRow(dimension="Wrong matches generated", impact="47 over ~3 hours"),
        ImpactRow(dimension="Support tickets", impact=""),
    ]


def test_impact_rows_replace_the_whole_table(board: Board) -> None:
    do(board, o.EditHeader(impact_rows=[Row(dimension="A", impact="1"), Row(dimension="B")]), FAC)
    do(board, o.EditHeader(impact_rows=[Row(dimension="C", impact="3")]), FAC)
    assert [r.dimension for r in board.header.impact.rows] == ["C"]


def test_leaving_impact_rows_out_keeps_them_and_an_empty_list_clears_them(board: Board) -> None:
    do(board, o.EditHeader(impact_rows=[Row(dimension="A", impact="1")]), FAC)
    do(board, o.EditHeader(summary="Payments failed", users_affected="4% of checkouts"), FAC)
    assert len(board.header.impact.rows) == 1
    assert board.header.impact.users_affected == "4% of checkouts"
    do(board, o.EditHeader(impact_rows=[]), FAC)
    assert board.header.impact.rows == []


def test_rows_with_neither_dimension_nor_impact_are_dropped(board: Board) -> None:
    do(
        board,
        o.EditHeader(
            impact_rows=[Row(), Row(dimension=" ", impact="  "), Row(dimension="A", impact="1")]
        ),
        FAC,
    )
    assert board.header.impact.rows == [ImpactRow(dimension="A", impact="1")]


def test_an_impact_without_a_dimension_is_refused_naming_the_row_and_changes_nothing(
    board: Board,
) -> None:
    message = rejected(
        board,
        o.EditHeader(
            title="New title",
            impact_rows=[
                Row(dimension="A", impact="1"),
                Row(dimension="  ", impact="47 over ~3 hours"),
            ],
        ),
        FAC,
        "invalid",
    )
    assert "row 2" in message and "dimension" in message
    assert board.header.title == "Checkout outage"


def test_only_the_facilitator_edits_the_impact_table(board: Board) -> None:
    rejected(board, o.EditHeader(impact_rows=[Row(dimension="A")]), ALICE, "forbidden")


def test_impact_rows_reach_every_viewer_through_the_header(board: Board) -> None:
    do(board, o.EditHeader(impact_rows=[Row(dimension="Wrong matches", impact="47")]), FAC)
    meta = msgspec.json.decode(msgspec.json.encode(view_for(board, ALICE).board))
    assert meta["header"]["impact"]["rows"] == [{"dimension": "Wrong matches", "impact": "47"}]


def test_impact_row_limits_are_checked_when_the_frame_is_decoded() -> None:
    row = {"dimension": "d", "impact": "i"}
    frame = {"type": "edit_header", "cid": "c1", "impact_rows": [row] * 20}
    op = decode_client(msgspec.json.encode(frame))
    assert isinstance(op, o.EditHeader) and op.impact_rows is not None
    for bad, where in (
        ({**frame, "impact_rows": [row] * 21}, "$.impact_rows"),
        ({**frame, "impact_rows": [{"dimension": "x" * 201}]}, "$.impact_rows[0].dimension"),
        (
            {**frame, "impact_rows": [{"dimension": "d", "impact": "x" * 2001}]},
            "$.impact_rows[0].impact",
        ),
    ):
        with pytest.raises(Rejected) as info:
            decode_client(msgspec.json.encode(bad))
        assert info.value.code == "bad_message" and where in info.value.message


def test_a_board_encoded_before_impact_rows_existed_still_decodes(board: Board) -> None:
    """Snapshots taken before this field existed have no `rows` in the header's impact (and no
    `spotlight` on the board): they decode with the defaults, and re-encode with them."""
    do(board, o.EditHeader(users_affected="4% of checkouts"), FAC)
    raw = msgspec.msgpack.decode(encode_board(board))
    del raw["header"]["impact"]["rows"]
    del raw["spotlight"]
    old = msgspec.msgpack.encode(raw)
    assert b"rows" not in old and b"spotlight" not in old
    decoded = decode_board(old)
    assert decoded.header.impact.rows == [] and decoded.spotlight is None
    assert decoded.header.impact.users_affected == "4% of checkouts"
    assert encode_board(decoded) == encode_board(board)
