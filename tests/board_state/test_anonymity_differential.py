"""The differential anonymity test (ARCHITECTURE.md, "Anonymity, by construction").

One scripted meeting is played several times, with the authors (or, separately, the voters) of
some items swapped between two participants, Alice and Bob. Every other viewer (Carol, the
facilitator, an observer) must receive byte-identical frames: the live events (`project` of each
op's changes) and the final whole view (`view_for`). Random ids are drawn the same in every run,
so there is nothing to normalise.

Controls show the comparison can fail: Alice's own frames do change, and so do Carol's when the
board runs in named mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import pytest

from hindsight.board_state import SYSTEM, Board, apply, project, view_for
from hindsight.board_state import ops as o
from hindsight.board_state.protocol import Event, encode

from .helpers import ALICE, BOB, CAROL, FAC, MIN, OBS, T0


class Cast(NamedTuple):
    """Who plays which part: `a` and `b` write, `v1` and `v2` vote."""

    a: str
    b: str
    v1: str
    v2: str


AS_WRITTEN = Cast(a=ALICE, b=BOB, v1=ALICE, v2=BOB)
AUTHORS_SWAPPED = AS_WRITTEN._replace(a=BOB, b=ALICE)
VOTERS_SWAPPED = AS_WRITTEN._replace(v1=BOB, v2=ALICE)

Step = tuple[str, o.Op, str]  # actor, op, the id the server draws for it


def script(c: Cast, anonymity: str = "anonymous") -> Iterator[Step]:
    """A whole meeting on the 90-minute agenda, touching every kind of authored or voted item."""
    yield SYSTEM, o.CreateBoard(template="blameless-90", anonymity=anonymity), FAC
    for pid, name in ((ALICE, "Alice"), (BOB, "Bob"), (CAROL, "Carol")):
        yield SYSTEM, o.Join(name=name), pid
    yield SYSTEM, o.Join(name="Olga", role="observer"), OBS
    # Before the meeting and in the timeline phase: timeline entries and a parked question.
    yield c.a, o.AddTimelineEntry(at="2026-08-14T09:02:00Z", text="deploy 4.2 starts"), "e-1"
    yield (
        c.b,
        o.AddTimelineEntry(at="2026-08-14T09:12", text="checkout errors", kind="signal"),
        "e-2",
    )
    yield FAC, o.GoToPhase(phase_id="p3"), "n-1"
    yield c.a, o.EditTimelineEntry(entry_id="e-1", at="2026-08-14T11:03:00+02:00"), "n-2"
    yield c.b, o.ParkQuestion(text="was the canary skipped on purpose?"), "q-1"
    yield c.b, o.DeleteTimelineEntry(entry_id="e-2"), "n-3"
    # Five whys (group-owned) and contributing factors (authored).
    yield FAC, o.AdvancePhase(), "n-4"
    yield c.a, o.AddChain(problem="checkout returned 500s"), "c-1"
    yield c.b, o.AddWhy(chain_id="c-1", why="why?", answer="pool exhausted"), "w-1"
    yield FAC, o.AdvancePhase(), "n-5"
    yield c.a, o.AddSticky(section="contributing", text="no alert on pool usage"), "s-c1"
    yield c.b, o.AddSticky(section="contributing", text="runbook was stale"), "s-c2"
    yield c.a, o.EditSticky(sticky_id="s-c1", category="monitoring"), "n-6"
    yield CAROL, o.AddSticky(section="contributing", text="new hire on call"), "s-c3"
    # Private reflection: written alone, edited, one deleted, then revealed.
    yield FAC, o.AdvancePhase(), "n-7"
    yield c.a, o.AddSticky(section="went_badly", text="I restarted the wrong pod"), "s-r1"
    yield c.a, o.AddSticky(section="went_well", text="rollback took 2 minutes"), "s-r2"
    yield c.b, o.AddSticky(section="went_badly", text="I missed the first page"), "s-r3"
    yield c.b, o.AddSticky(section="went_well", text="to be deleted"), "s-r4"
    yield CAROL, o.AddSticky(section="went_well", text="status page was quick"), "s-r5"
    yield c.a, o.EditSticky(sticky_id="s-r1", text="the wrong pod was restarted"), "n-8"
    yield c.b, o.MoveSticky(sticky_id="s-r3", section="went_well"), "n-9"
    yield c.b, o.DeleteSticky(sticky_id="s-r4"), "n-10"
    yield SYSTEM, o.TimeboxExpired(phase_id="p6"), "n-11"
    yield FAC, o.Reveal(phase_id="p6"), "n-12"
    # Themes and a vote.
    yield FAC, o.AdvancePhase(), "n-13"
    yield c.a, o.AddTheme(name="detection", sticky_ids=["s-c1", "s-r3"]), "t-1"
    yield c.b, o.Group(sticky_id="s-c2", theme_id="t-1"), "n-14"
    yield c.b, o.EditSticky(sticky_id="s-c2", text="runbook was two years old"), "n-15"
    yield FAC, o.OpenVote(budget=3), "r-1"
    yield c.v1, o.CastVote(round_id="r-1", item_id="s-c1"), "n-16"
    yield c.v1, o.CastVote(round_id="r-1", item_id="s-c1"), "n-17"
    yield c.v2, o.CastVote(round_id="r-1", item_id="s-r3"), "n-18"
    yield CAROL, o.CastVote(round_id="r-1", item_id="s-r5"), "n-19"
    yield c.v2, o.Unvote(round_id="r-1", item_id="s-r3"), "n-20"
    yield c.v2, o.CastVote(round_id="r-1", item_id="s-c2"), "n-21"
    yield c.v1, o.CastVote(round_id="r-1", item_id="s-r2"), "n-22"
    yield FAC, o.CloseVote(round_id="r-1"), "n-23"
    yield FAC, o.RevealVote(round_id="r-1"), "n-24"
    yield c.a, o.DeleteSticky(sticky_id="s-r2"), "n-25"  # a voted sticky: its dot is refunded
    # Actions (owners are public by design, so the owner is not swapped) and a vote on them.
    yield FAC, o.AdvancePhase(), "n-26"
    yield c.a, o.AddAction(text="alert on pool usage", owner_id=CAROL, links=["t-1"]), "a-1"
    yield c.b, o.AddAction(text="review runbooks quarterly", owner_id=CAROL), "a-2"
    yield c.b, o.RankAction(action_id="a-2", index=0), "n-27"
    yield FAC, o.OpenVote(target="actions", budget=2, multi=False), "r-2"
    yield c.v1, o.CastVote(round_id="r-2", item_id="a-1"), "n-28"
    yield c.v2, o.CastVote(round_id="r-2", item_id="a-2"), "n-29"
    yield FAC, o.RevealVote(round_id="r-2"), "n-30"
    yield CAROL, o.ConfirmOwner(action_id="a-1"), "n-31"


def frames(cast: Cast, viewer: str, anonymity: str = "anonymous") -> list[bytes]:
    """Everything `viewer` receives during the scripted meeting, as wire bytes."""
    board = Board(id="b-diff")
    out = []
    for seq, (actor, op, new_id) in enumerate(script(cast, anonymity), start=1):
        at = T0 + seq * MIN
        applied = apply(board, op, actor=actor, now=at, new_id=new_id)
        if viewer in board.participants:
            views = project(applied.changes, board, viewer)
            out.append(encode(Event(seq=seq, at=at, changes=views)))
    out.append(encode(view_for(board, viewer)))
    return out


def first_difference(one: list[bytes], other: list[bytes]) -> str:
    for i, (x, y) in enumerate(zip(one, other)):
        if x != y:
            return f"frame {i}:\n  {x!r}\n  {y!r}"
    return f"{len(one)} frames vs {len(other)}"


@pytest.mark.parametrize(
    "swapped", [AUTHORS_SWAPPED, VOTERS_SWAPPED], ids=["authors_swapped", "voters_swapped"]
)
@pytest.mark.parametrize(
    "viewer", [CAROL, FAC, OBS], ids=["participant", "facilitator", "observer"]
)
def test_other_viewers_cannot_tell_who_wrote_or_voted(swapped: Cast, viewer: str) -> None:
    original, changed = frames(AS_WRITTEN, viewer), frames(swapped, viewer)
    assert original == changed, first_difference(original, changed)


@pytest.mark.parametrize(
    "swapped", [AUTHORS_SWAPPED, VOTERS_SWAPPED], ids=["authors_swapped", "voters_swapped"]
)
def test_control_the_swapped_participants_own_frames_do_differ(swapped: Cast) -> None:
    assert frames(AS_WRITTEN, ALICE) != frames(swapped, ALICE)


def test_control_on_a_named_board_authors_are_visible_to_others() -> None:
    assert frames(AS_WRITTEN, CAROL, "named") != frames(AUTHORS_SWAPPED, CAROL, "named")


def test_control_the_scripted_meeting_is_fully_accepted_and_reaches_every_item() -> None:
    board = Board(id="b-diff")
    for seq, (actor, op, new_id) in enumerate(script(AS_WRITTEN), start=1):
        apply(board, op, actor=actor, now=T0 + seq * MIN, new_id=new_id)
    assert board.phase("p6") is not None and board.phase("p6").revealed  # type: ignore[union-attr]
    assert set(board.stickies) == {"q-1", "s-c1", "s-c2", "s-c3", "s-r1", "s-r3", "s-r5"}
    assert board.rounds["r-1"].votes == {ALICE: {"s-c1": 2}, BOB: {"s-c2": 1}, CAROL: {"s-r5": 1}}
    assert board.rounds["r-2"].state == "revealed"
