"""Any op that passes decoding is either applied or refused with `Rejected`: `apply` never raises
anything else (which would take down the board's writer), and a refused op changes nothing.

Ops are generated from the structs' own field types and limits (`msgspec.inspect`), with ids
drawn mostly from what is on the board, and go through the wire decoder first, like a client's.
"""

from __future__ import annotations

from typing import Any

import msgspec
import msgspec.inspect as mi
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hindsight.board_state import Board, Rejected, apply, decode_board, encode_board, project
from hindsight.board_state import ops as o
from hindsight.board_state.protocol import decode_client, encode

from .helpers import ALICE, BOB, FAC, OBS, T0, add_sticky, do, go_to, make_board

TIMES = [
    "2026-08-14T09:12:00Z",
    "2026-08-14T11:12+02:00",
    "09:12",
    "2026-08-14",
    "9999-12-31T23:59:59-05:00",
    "0001-01-01T00:30:00+01:00",
    "0999-01-01T00:00:00Z",
    "2026-02-30",
    "tomorrow",
]
TIME_FIELDS = {"at", "started_at", "detected_at", "resolved_at", "due", "date"}
CLIENT_OPS = [t for t in o.OP_TYPES if t not in (o.CreateBoard, o.Join, o.TimeboxExpired)]


def rich_board() -> Board:
    """A board with something of every kind: timeline, chain, notes (one hidden), theme, round,
    action."""
    board = make_board()
    do(board, o.AddTimelineEntry(at="2026-08-14T09:00Z", text="deploy"), ALICE, new_id="e1")
    go_to(board, "five_whys")
    do(board, o.AddChain(problem="500s"), ALICE, new_id="c1")
    do(board, o.AddWhy(chain_id="c1", why="why?"), BOB, new_id="w1")
    go_to(board, "reflection")
    add_sticky(board, BOB, "s-hidden")
    go_to(board, "themes")
    add_sticky(board, ALICE, "s1")
    do(board, o.AddTheme(name="alerts", sticky_ids=["s1"]), ALICE, new_id="t1")
    do(board, o.OpenVote(budget=2), FAC, new_id="r1")
    do(board, o.CastVote(round_id="r1", item_id="s1"), BOB)
    go_to(board, "actions")
    do(board, o.AddAction(text="alert on pools", owner_id=ALICE, links=["t1"]), BOB, new_id="a1")
    return board


BOARD = rich_board()
IDS = sorted(
    {
        *BOARD.stickies,
        *BOARD.themes,
        *BOARD.rounds,
        *BOARD.actions,
        *BOARD.chains,
        *BOARD.timeline,
        *BOARD.participants,
        "w1",
        *(p.id for p in BOARD.agenda),
    }
)
TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)


def values(t: mi.Type, name: str) -> st.SearchStrategy[Any]:
    """Values of a field type, within its limits: times for time fields, mostly board ids for
    the others."""
    if isinstance(t, mi.StrType):
        lo, hi = t.min_length or 0, t.max_length or 100
        if t.pattern:  # a shaped string (an email): within its pattern, as the decoder wants
            return st.from_regex(t.pattern, fullmatch=True).filter(lambda s: lo <= len(s) <= hi)
        known = st.sampled_from(TIMES if name in TIME_FIELDS else IDS)
        return st.one_of(known, known, known, TEXT).filter(lambda s: lo <= len(s) <= hi)
    if isinstance(t, mi.IntType):
        lo = t.ge if t.ge is not None else -3
        return st.integers(lo, t.le if t.le is not None else lo + 300)
    if isinstance(t, mi.BoolType):
        return st.booleans()
    if isinstance(t, mi.NoneType):
        return st.none()
    if isinstance(t, mi.LiteralType):
        return st.sampled_from(t.values)
    if isinstance(t, mi.UnionType):
        return st.one_of([values(x, name) for x in t.types])
    if isinstance(t, mi.ListType):
        lo = t.min_length or 0
        return st.lists(
            values(t.item_type, name), min_size=lo, max_size=max(lo, min(t.max_length or 3, 3))
        )
    if isinstance(t, mi.StructType):  # a nested record, e.g. a sign-off entry
        return st.fixed_dictionaries(
            {f.encode_name: values(f.type, f.name) for f in t.fields if f.required},
            optional={f.encode_name: values(f.type, f.name) for f in t.fields if not f.required},
        )
    raise NotImplementedError(t)


def op_frames(op_type: type[o.Op]) -> st.SearchStrategy[bytes]:
    """JSON frames of one op type: its required fields always, the others sometimes."""
    info = mi.type_info(op_type)
    assert isinstance(info, mi.StructType)
    tag = op_type.__struct_config__.tag
    return st.fixed_dictionaries(
        {f.name: values(f.type, f.name) for f in info.fields if f.required},
        optional={f.name: values(f.type, f.name) for f in info.fields if not f.required},
    ).map(lambda fields: msgspec.json.encode({"type": tag, **fields}))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    frame=st.sampled_from(CLIENT_OPS).flatmap(op_frames),
    actor=st.sampled_from([FAC, ALICE, FAC, BOB, OBS]),
    phase=st.sampled_from(["timeline", "five_whys", "reflection", "themes", "actions"]),
)
def test_any_decodable_op_is_applied_or_rejected(frame: bytes, actor: str, phase: str) -> None:
    op = decode_client(frame)  # generated within the limits, so it decodes
    assert isinstance(op, o.Op)
    board = decode_board(encode_board(BOARD))
    go_to(board, phase)
    before = encode_board(board)
    try:
        applied = apply(board, op, actor=actor, now=T0 + 1, new_id="n-new")
    except Rejected:
        assert encode_board(board) == before
        return
    for viewer in board.participants:  # and what it changed can be shown to everyone
        for view in project(applied.changes, board, viewer):
            encode(view)
