"""Small helpers for the core's tests: a board with people on it, and one-line op application."""

from __future__ import annotations

import itertools

import pytest

from hindsight.board_state import SYSTEM, Applied, Board, Rejected, apply, encode_board
from hindsight.board_state import ops as o
from hindsight.board_state.model import Phase

T0 = 1_786_000_000_000  # an arbitrary server time, in ms
MIN = 60_000

FAC = "u-fac"
ALICE = "u-alice"
BOB = "u-bob"
CAROL = "u-carol"
OBS = "u-obs"

_ids = itertools.count(1)


def fresh_id(prefix: str = "x") -> str:
    return f"{prefix}{next(_ids):06d}"


def do(board: Board, op: o.Op, actor: str, *, now: int = T0, new_id: str | None = None) -> Applied:
    """Apply `op`; `new_id` defaults to a fresh unique id."""
    return apply(board, op, actor=actor, now=now, new_id=new_id or fresh_id())


def rejected(
    board: Board, op: o.Op, actor: str, code: str, *, now: int = T0, new_id: str | None = None
) -> str:
    """Assert that `op` is refused with `code` and leaves the board byte-for-byte unchanged;
    return the message."""
    before = encode_board(board)
    with pytest.raises(Rejected) as info:
        do(board, op, actor, now=now, new_id=new_id)
    assert encode_board(board) == before
    assert info.value.code == code, info.value
    return info.value.message


def make_board(
    template: str = "blameless-90",
    anonymity: str = "anonymous",
    *,
    carol: bool = False,
    observer: bool = True,
) -> Board:
    """A created board with the facilitator FAC, participants ALICE and BOB (and CAROL), and the
    observer OBS; still in the lobby."""
    board = Board(id="b-test")
    create = o.CreateBoard(
        template=template, title="Checkout outage", facilitator_name="Fran", anonymity=anonymity
    )
    do(board, create, SYSTEM, new_id=FAC)
    do(board, o.Join(name="Alice"), SYSTEM, new_id=ALICE)
    do(board, o.Join(name="Bob"), SYSTEM, new_id=BOB)
    if carol:
        do(board, o.Join(name="Carol"), SYSTEM, new_id=CAROL)
    if observer:
        do(board, o.Join(name="Olga", role="observer"), SYSTEM, new_id=OBS)
    return board


def phase_of(board: Board, kind: str) -> Phase:
    return next(p for p in board.agenda if p.kind == kind)


def go_to(board: Board, kind: str, *, now: int = T0, start_timer: bool = True) -> Phase:
    """The facilitator moves the meeting to the first phase of `kind`."""
    phase = phase_of(board, kind)
    if board.current != phase.id:
        do(board, o.GoToPhase(phase_id=phase.id, start_timer=start_timer), FAC, now=now)
    return phase


def add_sticky(
    board: Board, actor: str, sid: str, text: str = "a note", section: str = "went_well"
) -> str:
    do(board, o.AddSticky(section=section, text=text), actor, new_id=sid)
    return sid
