"""The whole authorization matrix: every op type in `RULES` x every role x every phase kind (plus
the lobby and a closed meeting), generated from the rule table and checked against `apply`.

For each cell a board is built in that phase, with content the op can refer to (its actor's own
sticky, timeline entry and action, a chain with a step, a theme, an open round), and the op is
built from its msgspec type info so that it would otherwise be valid. The table says allow or
refuse (`forbidden`, `wrong_phase`, `closed`, `unauthorized`); `apply` must agree:

- zero unexpected allows: every cell the table refuses is refused, with the table's code, and
  leaves the board byte-for-byte unchanged;
- every cell the table allows is accepted, except a short, explicit list of refusals by the
  op's own data rules (say, a timer op in the lobby), each with its reason; an entry of that list
  that no longer happens fails the test too, so the list cannot rot.

Ops are built generically, because op types are being added: a new op whose required fields
this file cannot fill (an id it does not know) fails with a message naming it, never skips.
"""

from __future__ import annotations

import typing
from collections import Counter
from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

import msgspec
import msgspec.inspect as mi
import pytest

from hindsight.board_state import (
    SYSTEM,
    Board,
    Rejected,
    apply,
    decode_board,
    encode_board,
    timebox,
)
from hindsight.board_state import ops as o
from hindsight.board_state.model import PhaseKind, Role
from hindsight.board_state.rules import AFTER_CLOSE, LOBBY, RULES

from .helpers import ALICE, BOB, FAC, OBS, T0

CLOSED = "closed"  # a column: the meeting was closed (in its actions phase)
STRANGER = "u-nobody"  # a fifth role: someone who is not on the board at all
NOW = T0 + 10 * 3_600_000  # ops are applied well after every timebox began, so they have run out
AT = "2026-08-14T09:12:00Z"

PHASE_KINDS: tuple[str, ...] = typing.get_args(PhaseKind)
COLUMNS: tuple[str, ...] = (LOBBY, *PHASE_KINDS, CLOSED)
ACTORS: dict[str, str] = {
    "facilitator": FAC,
    "participant": ALICE,
    "observer": OBS,
    SYSTEM: SYSTEM,
    "stranger": STRANGER,
}
assert set(typing.get_args(Role)) <= set(ACTORS), "a new role: give it an actor here"

# Content every built board holds, by the id the "server" drew for it.
OWN_STICKY = {FAC: "s-fac", ALICE: "s-alice"}
OWN_ENTRY = {FAC: "e-fac", ALICE: "e-alice"}
OWN_ACTION = {FAC: "a-fac", ALICE: "a-alice"}


# --- boards --------------------------------------------------------------------------------------


def _do(board: Board, op: o.Op, actor: str, new_id: str = "") -> None:
    apply(board, op, actor=actor, now=T0, new_id=new_id or f"n-{len(encode_board(board))}")


@cache
def _base() -> bytes:
    """A board with content of every kind, its meeting in the actions phase."""
    board = Board(id="b-matrix")
    _do(board, o.CreateBoard(template="blameless-90", title="Checkout outage"), SYSTEM, FAC)
    _do(board, o.Join(name="Alice"), SYSTEM, ALICE)
    _do(board, o.Join(name="Bob"), SYSTEM, BOB)
    _do(board, o.Join(name="Olga", role="observer"), SYSTEM, OBS)
    earlier = o.ReviewItemInput(
        board_id="b-earlier",
        board_title="Earlier outage",
        board_date="2026-07-01",
        action_id="a-earlier",
        text="alert on pool usage",
        owner="Alice",  # so the participant may change it by name in the review phase
    )
    _do(board, o.LoadReview(items=[earlier]), SYSTEM)
    for actor in (FAC, ALICE):
        _do(board, o.AddTimelineEntry(at=AT, text="alert fired"), actor, OWN_ENTRY[actor])
    _do(board, o.GoToPhase(phase_id="p4"), FAC)  # five whys
    _do(board, o.AddChain(problem="checkout 500s"), FAC, "c-1")
    _do(board, o.AddWhy(chain_id="c-1", why="why?", answer="pool exhausted"), ALICE, "w-1")
    _do(board, o.AddChain(problem="slow deploys"), ALICE, "c-alice")  # hers to delete
    _do(board, o.GoToPhase(phase_id="p7"), FAC)  # themes
    for actor in (FAC, ALICE):
        _do(
            board,
            o.AddSticky(section="went_well", text="rollback was quick"),
            actor,
            OWN_STICKY[actor],
        )
    _do(board, o.AddTheme(name="detection", sticky_ids=["s-fac"]), ALICE, "t-1")
    _do(board, o.GoToPhase(phase_id="p8"), FAC)  # actions
    for actor in (FAC, ALICE):
        _do(
            board, o.AddAction(text="alert on pool usage", owner_id=actor), actor, OWN_ACTION[actor]
        )
    _do(board, o.OpenVote(target="stickies"), FAC, "r-1")
    _do(board, o.RaiseHand(), BOB)  # a hand for the facilitator to lower
    return encode_board(board)


@cache
def board_bytes(column: str) -> bytes:
    """The base board moved to a phase of kind `column` (added at index 1 of the agenda, so a
    phase comes before it and several after), to the lobby, or closed."""
    board = decode_board(_base())
    if column == LOBBY:
        # Not reachable by ops once a meeting has begun, but the gate must not care how the
        # content got there: stop the clock and leave the current phase.
        current = board.current_phase()
        assert current is not None
        timebox.leave(current, T0)
        board.current = None
    elif column == CLOSED:
        _do(board, o.CloseMeeting(), FAC)
    else:
        pid = f"p{board.next_phase}"
        _do(board, o.AddPhase(kind=column, title=f"A {column} phase", index=1), FAC)  # type: ignore[arg-type]
        _do(board, o.GoToPhase(phase_id=pid), FAC)
        assert board.current == pid
    return encode_board(board)


# --- ops, from their type info --------------------------------------------------------------


class CannotBuild(Exception):
    pass


class Cell(NamedTuple):
    op_type: type[o.Op]
    role: str
    column: str

    @property
    def actor(self) -> str:
        return ACTORS[self.role]


def _section(board: Board) -> str:
    phase = board.current_phase()
    return phase.sections[0] if phase and phase.sections else "went_well"


# Fields that need real ids (or a meaningful value), by name; (op type, field) wins over a name.
FIELD_VALUES: dict[str, Callable[[Board, str], Any]] = {
    "sticky_id": lambda b, a: OWN_STICKY.get(a, "s-fac"),
    "entry_id": lambda b, a: OWN_ENTRY.get(a, "e-fac"),
    "action_id": lambda b, a: OWN_ACTION.get(a, "a-fac"),
    "chain_id": lambda b, a: "c-1",
    "step_id": lambda b, a: "w-1",
    "theme_id": lambda b, a: "t-1",
    "round_id": lambda b, a: "r-1",
    "item_id": lambda b, a: "s-fac",
    "participant_id": lambda b, a: BOB,
    "owner_id": lambda b, a: ALICE,
    "phase_id": lambda b, a: "p1",
    "board_id": lambda b, a: "b-earlier",  # an earlier post-mortem under review
    "members": lambda b, a: ["ann@example.com"],  # readers of a restricted board
    "sticky_ids": lambda b, a: ["s-fac"],
    "links": lambda b, a: ["t-1"],
    "section": lambda b, a: _section(b),
    "at": lambda b, a: AT,
    "due": lambda b, a: "2026-09-01",
    "date": lambda b, a: "2026-09-01",
}
OP_FIELD_VALUES: dict[tuple[type[o.Op], str], Callable[[Board, str], Any]] = {
    (o.Reveal, "phase_id"): lambda b, a: "p6",  # the private reflection phase
    (o.RemovePhase, "phase_id"): lambda b, a: "p2",  # never the current one
    (o.TimeboxExpired, "phase_id"): lambda b, a: b.current or "p1",
    (o.RestoreWriting, "author"): lambda b, a: ALICE,
    (o.DeleteChain, "chain_id"): lambda b, a: "c-alice" if a == ALICE else "c-1",
    (o.ReviewAction, "action_id"): lambda b, a: "a-earlier",  # an import writes as a participant
}


# Data a few ops need beyond their fields, set up on the cell's board before applying.
def _no_open_round(b: Board, actor: str) -> None:
    b.rounds["r-1"].state = "closed"


def _a_dot_to_take_back(b: Board, actor: str) -> None:
    b.rounds["r-1"].votes[actor] = {"s-fac": 1}


def _vote_revealed(b: Board, actor: str) -> None:
    # A note on the ballot of a vote not revealed yet cannot be deleted (its dots would show in
    # the progress figures); the role/phase gate is what this matrix is about.
    b.rounds["r-1"].state = "revealed"


def _timer_paused(b: Board, actor: str) -> None:
    if (phase := b.current_phase()) is not None:
        timebox.pause(phase, T0)


PREPARE: dict[type[o.Op], Callable[[Board, str], None]] = {
    o.OpenVote: _no_open_round,
    o.Unvote: _a_dot_to_take_back,
    o.DeleteSticky: _vote_revealed,
    o.ResumeTimer: _timer_paused,
    o.StartTimer: _timer_paused,
}


def _value(t: mi.Type, name: str, op_type: type[o.Op], board: Board, actor: str) -> Any:
    if (op_type, name) in OP_FIELD_VALUES:
        return OP_FIELD_VALUES[(op_type, name)](board, actor)
    if name in FIELD_VALUES:
        return FIELD_VALUES[name](board, actor)
    if name.endswith("_id") or name.endswith("_ids"):
        raise CannotBuild(f"field '{name}' needs a real id: add it to FIELD_VALUES")
    if isinstance(t, mi.UnionType):
        return _value(
            next(x for x in t.types if not isinstance(x, mi.NoneType)), name, op_type, board, actor
        )
    if isinstance(t, mi.StrType):
        return "x" * max(1, t.min_length or 0)
    if isinstance(t, mi.IntType):
        return t.ge if t.ge is not None else (t.gt + 1 if t.gt is not None else 0)
    if isinstance(t, mi.BoolType):
        return True
    if isinstance(t, mi.LiteralType):
        return t.values[0]
    if isinstance(t, mi.ListType):
        return [_value(t.item_type, name, op_type, board, actor) for _ in range(t.min_length or 0)]
    if isinstance(t, mi.StructType):
        return t.cls(
            **{
                f.name: _value(f.type, f.name, op_type, board, actor)
                for f in t.fields
                if f.required
            }
        )
    raise CannotBuild(f"field '{name}' has a type this test cannot fill: {t!r}")


def build(op_type: type[o.Op], board: Board, actor: str) -> o.Op:
    """An instance of `op_type` with every required field filled, valid for `actor` on `board`."""
    info = mi.type_info(op_type)
    assert isinstance(info, mi.StructType)
    try:
        fields = {
            f.name: _value(f.type, f.name, op_type, board, actor) for f in info.fields if f.required
        }
        op = op_type(**fields)
        # Through the wire decoder, so field limits (Meta) hold for what we built.
        return msgspec.json.decode(msgspec.json.encode(op), type=o.AnyOp)  # type: ignore[arg-type]
    except (CannotBuild, msgspec.ValidationError, TypeError) as e:
        raise CannotBuild(
            f"cannot construct a valid '{info.tag}' ({op_type.__name__}): {e}"
        ) from None


# --- the table's verdict and the engine's --------------------------------------------------------


def expected(cell: Cell) -> str | None:
    """What the rule table says: None (allowed) or the code of the refusal."""
    rule = RULES[cell.op_type]
    if cell.column == CLOSED and cell.op_type not in AFTER_CLOSE:
        return "closed"
    if cell.role == "stranger":
        return "unauthorized"
    if cell.role not in rule.who:
        return "forbidden"
    kind = "actions" if cell.column == CLOSED else cell.column  # closed in its actions phase
    if (
        rule.phases is not None
        and cell.role not in (SYSTEM, "facilitator")
        and kind not in rule.phases
    ):
        return "wrong_phase"
    return None


def actual(cell: Cell) -> str | None:
    """What `apply` does: None (accepted) or the refusal's code (the board then unchanged)."""
    board = decode_board(board_bytes(cell.column))
    op = build(cell.op_type, board, cell.actor)
    if cell.op_type in PREPARE and cell.actor in board.participants:
        PREPARE[cell.op_type](board, cell.actor)
    before = encode_board(board)
    try:
        apply(board, op, actor=cell.actor, now=NOW, new_id="n-matrix")
    except Rejected as e:
        assert encode_board(board) == before, f"{cell}: refused but the board changed"
        return e.code
    return None


# Allowed by the table, refused by the op's own data rules, and why. Keyed by (op, column).
ANY = "*"
DATA_REFUSALS: dict[tuple[type[o.Op], str], tuple[str, str]] = {
    (o.CreateBoard, ANY): ("invalid", "a board is created once; every board here exists"),
    **{
        (t, LOBBY): ("invalid", "there is no current phase (and no timer) in the lobby")
        for t in (
            o.GoBack,
            o.StartTimer,
            o.PauseTimer,
            o.ResumeTimer,
            o.ExtendTimer,
            o.TimeboxExpired,
        )
    },
    (o.TimeboxExpired, CLOSED): ("invalid", "closing stopped the last phase's timer"),
}


def data_refusal(cell: Cell) -> tuple[str, str] | None:
    return DATA_REFUSALS.get((cell.op_type, cell.column)) or DATA_REFUSALS.get((cell.op_type, ANY))


def cells_of(op_type: type[o.Op]) -> list[Cell]:
    return [Cell(op_type, role, column) for role in ACTORS for column in COLUMNS]


OP_TYPES = sorted(RULES, key=lambda t: t.__name__)


@pytest.mark.parametrize("op_type", OP_TYPES, ids=lambda t: t.__name__)
def test_every_op_type_can_be_built_valid_from_its_type_info(op_type: type[o.Op]) -> None:
    board = decode_board(board_bytes("actions"))
    build(op_type, board, FAC)  # raises CannotBuild naming the op type
    assert op_type in typing.get_args(o.AnyOp), f"{op_type.__name__} is in RULES but not AnyOp"


@pytest.mark.parametrize("op_type", OP_TYPES, ids=lambda t: t.__name__)
def test_the_engine_allows_exactly_what_the_rule_table_allows(op_type: type[o.Op]) -> None:
    unexpected_allows, wrong_codes, unexpected_refusals = [], [], []
    accepted_somewhere = False
    for cell in cells_of(op_type):
        want, got = expected(cell), actual(cell)
        accepted_somewhere |= got is None
        if want is not None and got is None:
            unexpected_allows.append(f"{cell.role} in {cell.column}: table says {want}")
        elif want is not None and got != want:
            wrong_codes.append(f"{cell.role} in {cell.column}: {got}, table says {want}")
        elif want is None and got is not None:
            known = data_refusal(cell)
            if known is None or known[0] != got:
                unexpected_refusals.append(f"{cell.role} in {cell.column}: refused with {got}")
    assert not unexpected_allows, (
        f"{op_type.__name__} allowed against the table: {unexpected_allows}"
    )
    assert not wrong_codes, f"{op_type.__name__} refused with the wrong code: {wrong_codes}"
    assert not unexpected_refusals, (
        f"{op_type.__name__} refused where the table allows it (a data rule? then list it in "
        f"DATA_REFUSALS with its reason): {unexpected_refusals}"
    )
    if op_type is not o.CreateBoard:
        assert accepted_somewhere, f"{op_type.__name__} is never accepted: the cells are not valid"


def test_every_listed_data_refusal_still_happens() -> None:
    """The list of data refusals cannot outlive the behaviour it excuses."""
    for (op_type, column), (code, why) in DATA_REFUSALS.items():
        if op_type not in RULES:
            continue
        columns = COLUMNS if column == ANY else (column,)
        roles = [r for r in ACTORS if expected(Cell(op_type, r, columns[0])) is None]
        assert roles, f"{op_type.__name__} in {column}: the table refuses it anyway ({why})"
        got = {
            actual(Cell(op_type, r, c))
            for r in roles
            for c in columns
            if expected(Cell(op_type, r, c)) is None
        }
        assert got == {code}, f"{op_type.__name__} in {column}: now {got}, listed as {code} ({why})"


def test_matrix_size_and_verdicts(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the size of the matrix; every cell was checked by the parametrized test above."""
    verdicts: Counter[str] = Counter()
    for op_type in OP_TYPES:
        for cell in cells_of(op_type):
            want = expected(cell)
            verdicts["allowed" if want is None else want] += 1
    total = len(OP_TYPES) * len(ACTORS) * len(COLUMNS)
    assert sum(verdicts.values()) == total
    with capsys.disabled():
        print(
            f"\nauthorization matrix: {len(OP_TYPES)} op types x {len(ACTORS)} roles x "
            f"{len(COLUMNS)} phases (lobby, {len(PHASE_KINDS)} kinds, closed) = {total} cells; "
            + ", ".join(f"{k} {v}" for k, v in verdicts.most_common())
        )
    assert verdicts["allowed"] > 0 and verdicts["forbidden"] > 0 and verdicts["wrong_phase"] > 0
