"""Who may read a board outside its meeting (board_state/door.py, set_access)."""

from __future__ import annotations

import msgspec
import pytest

from hindsight.board_state import ops as o
from hindsight.board_state import view_for
from hindsight.board_state.seal import seal

from .helpers import ALICE, FAC, OBS, do, make_board, rejected


def test_the_facilitator_restricts_a_board_and_names_its_readers() -> None:
    board = make_board()
    do(
        board,
        o.SetAccess(
            restricted=True, members=["Sec@Example.com", "ann@example.com", "sec@example.com"]
        ),
        FAC,
    )
    assert (board.access.restricted, board.access.members) == (
        True,
        ["ann@example.com", "sec@example.com"],
    )
    do(board, o.SetAccess(restricted=False), FAC)  # the names stay when only the flag changes
    assert (board.access.restricted, board.access.members) == (
        False,
        ["ann@example.com", "sec@example.com"],
    )


def test_everyone_sees_that_a_board_is_restricted_and_only_the_facilitator_sees_who_reads_it() -> (
    None
):
    board = make_board()
    do(board, o.SetAccess(restricted=True, members=["sec@example.com"]), FAC)
    assert view_for(board, FAC).board.readers == ["sec@example.com"]
    for viewer in (ALICE, OBS, ""):
        meta = view_for(board, viewer).board
        assert (meta.restricted, meta.readers) == (True, None)


def test_only_the_facilitator_sets_access_and_also_after_closing() -> None:
    board = make_board()
    rejected(board, o.SetAccess(restricted=True), ALICE, "forbidden")
    do(board, o.CloseMeeting(), FAC)
    do(board, o.SetAccess(restricted=True), FAC)
    assert seal(board).access.restricted  # sealing keeps who may read it


def test_a_reader_must_be_an_email() -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(b'{"type": "set_access", "members": ["not an email"]}', type=o.AnyOp)
