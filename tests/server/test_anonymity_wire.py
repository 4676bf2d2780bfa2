"""The differential anonymity test over the wire (ARCHITECTURE.md, "Anonymity, by construction").

One generated meeting (a seeded random script: timeline entries, parked questions, notes in a
public and in a private phase with edits, moves and deletes, a reveal, themes and grouping, a
vote on notes and one on actions, unvotes, a "refocus", wrap-up feedback, spotlights) is played twice through the real server (in-process
`TestClient` websockets), the second time with the authors and/or the voters swapped between two
participants, Ann and Bob. Every other viewer (Cleo, a participant; Olga, an observer; and the
facilitator) must receive the same frames in both runs, on every path a frame can take:

- live: connected throughout, every event as it happens;
- resume: Cleo drops in the private phase and comes back with `last_seq` a few seqs later
  (the missed events are replayed);
- snapshot: Olga stays away longer than the replay window (`REPLAY_WINDOW` is made small here)
  and gets a snapshot; at the end the room is reloaded from the store (`SNAPSHOT_EVERY` is made
  small, so that is a stored snapshot plus a tail) and everyone resumes into a snapshot.

Normalising: ids come from the same seeded source in both runs (so ids, and the id order that
shuffles a reveal, are identical; with independent random draws, normalising that order away
would also hide an order that leaked authorship), cids are the script's, and server times
(`at`, `server_time`, `running_since`, `deadline`, ...) are blanked. Presence frames are compared
apart (what they say, not where they fall), since a disconnect's presence races the next event.

Controls show the comparison can fail: Ann's own frames differ between the runs, and so do
Cleo's on a board in named mode.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from starlette.testclient import TestClient, WebSocketTestSession

from hindsight.server.meeting import batches as batches_module
from hindsight.server.meeting import catch_up as catch_up_module
from hindsight.server.meeting import hub as hub_module
from hindsight.server.meeting import room as room_module
from hindsight.server.meeting import seats as seats_module

from .conftest import create_board, join, make_client, recv

AT = "2026-08-14T09:12:00Z"
TIME_KEYS = {
    "at",
    "server_time",
    "running_since",
    "deadline",
    "entered_at",
    "elapsed_ms",
    "spent_ms",
    "created_at",
    "closed_at",
    "refocus_at",
    "t",
}
REPLAY_WINDOW = 8
SNAPSHOT_EVERY = 10
Frame = dict[str, Any]


class Cast(NamedTuple):
    """Who plays which part: `a` and `b` write, `v1` and `v2` vote (both are Ann or Bob)."""

    a: str
    b: str
    v1: str
    v2: str


AS_WRITTEN = Cast(a="ann", b="bob", v1="ann", v2="bob")
AUTHORS_SWAPPED = AS_WRITTEN._replace(a="bob", b="ann")
VOTERS_SWAPPED = AS_WRITTEN._replace(v1="bob", v2="ann")
BOTH_SWAPPED = Cast(a="bob", b="ann", v1="bob", v2="ann")


class Name(NamedTuple):
    """A placeholder for the id of an item the script made earlier (or a person: '@cleo')."""

    name: str


class Step(NamedTuple):
    who: str  # a slot of the cast ("a", "v1", ...), or "fac" / "cleo"
    frame: dict[str, Any]  # the op, with Name placeholders; or {"type": "_drop"/"_back"}
    creates: str | None = None  # the name of what it makes
    kind: str | None = None  # ... and its view type


# --- the generated meeting ---------------------------------------------------------------------


def meeting(seed: int) -> list[Step]:
    """A valid meeting on the 90-minute agenda, drawn from `seed`: the same steps whoever plays
    the slots, so both runs accept every op."""
    r = random.Random(seed)
    steps: list[Step] = []
    count = itertools.count(1)
    entries: dict[str, str] = {}  # name -> author slot
    notes: dict[str, dict[str, Any]] = {}  # name -> {author, section, hidden}
    themes: list[str] = []
    writers = ["a", "b"]

    def new(prefix: str) -> str:
        return f"{prefix}{next(count)}"

    def add(who: str, frame: dict[str, Any], prefix: str, kind: str) -> str:
        name = new(prefix)
        steps.append(Step(who, frame, name, kind))
        return name

    def visible() -> list[str]:
        return [n for n, s in notes.items() if not s["hidden"] and s["section"] != "parking_lot"]

    def fac(frame: dict[str, Any]) -> None:
        steps.append(Step("fac", frame))

    # Before the meeting and in the timeline phase.
    add("cleo", {"type": "add_timeline_entry", "at": AT, "text": "deploy started"}, "e", "timeline")
    for phase in (None, "p3"):
        if phase:
            fac({"type": "go_to_phase", "phase_id": phase})
        for _ in range(r.randint(3, 5)):
            who, what = r.choice(writers), r.choice(["add", "add", "edit", "delete", "park"])
            own = [n for n, w in entries.items() if w == who]
            if what == "edit" and own:
                steps.append(
                    Step(
                        who,
                        {
                            "type": "edit_timeline_entry",
                            "entry_id": Name(r.choice(own)),
                            "text": f"corrected {next(count)}",
                            "kind": "signal",
                        },
                    )
                )
            elif what == "delete" and own:
                victim = r.choice(own)
                del entries[victim]
                steps.append(Step(who, {"type": "delete_timeline_entry", "entry_id": Name(victim)}))
            elif what == "park":
                name = add(
                    who, {"type": "park_question", "text": f"question {next(count)}"}, "q", "sticky"
                )
                notes[name] = {"author": who, "section": "parking_lot", "hidden": False}
            else:
                entries[
                    add(
                        who,
                        {"type": "add_timeline_entry", "at": AT, "text": f"event {next(count)}"},
                        "e",
                        "timeline",
                    )
                ] = who

    def write(phase: str, sections: list[str], hidden: bool, n: int) -> None:
        fac({"type": "go_to_phase", "phase_id": phase})
        for i in range(n):
            if i == n // 2 and hidden:
                steps.append(Step("cleo", {"type": "_drop"}))  # Cleo misses a few seqs
            if i == min(n // 2 + 3, n - 1) and hidden:
                steps.append(Step("cleo", {"type": "_back"}))
            who, what = r.choice(writers), r.choice(["add", "add", "edit", "move", "delete"])
            own = [k for k, s in notes.items() if s["author"] == who and s["section"] in sections]
            if what == "edit" and own:
                steps.append(
                    Step(
                        who,
                        {
                            "type": "edit_sticky",
                            "sticky_id": Name(r.choice(own)),
                            "text": f"reworded {next(count)}",
                        },
                    )
                )
            elif what == "move" and own and len(sections) > 1:
                name = r.choice(own)
                notes[name]["section"] = r.choice(sections)
                steps.append(
                    Step(
                        who,
                        {
                            "type": "move_sticky",
                            "sticky_id": Name(name),
                            "section": notes[name]["section"],
                        },
                    )
                )
            elif what == "delete" and own:
                name = r.choice(own)
                del notes[name]
                steps.append(Step(who, {"type": "delete_sticky", "sticky_id": Name(name)}))
            else:
                section = r.choice(sections)
                name = add(
                    who,
                    {"type": "add_sticky", "section": section, "text": f"note {next(count)}"},
                    "s",
                    "sticky",
                )
                notes[name] = {"author": who, "section": section, "hidden": hidden}

    steps.append(Step("olga", {"type": "_drop"}))  # Olga stays away past the replay window
    write("p5", ["contributing"], False, r.randint(4, 6))
    write("p6", ["went_well", "went_badly"], True, r.randint(6, 9))
    fac({"type": "reveal", "phase_id": "p6"})
    for n in notes.values():
        n["hidden"] = False
    steps.append(Step("olga", {"type": "_back"}))

    # The facilitator spotlights a revealed note (a reference the same for everyone), and its
    # author deletes it, which clears the spotlight; then another, cleared by the phase change.
    shown = visible()
    fac({"type": "spotlight", "kind": "sticky", "item_id": Name(shown[0])})
    if len(shown) > 3:
        steps.append(
            Step(notes[shown[0]]["author"], {"type": "delete_sticky", "sticky_id": Name(shown[0])})
        )
        del notes[shown[0]]
        fac({"type": "spotlight", "kind": "sticky", "item_id": Name(visible()[-1])})

    # Themes, then a vote on notes.
    fac({"type": "go_to_phase", "phase_id": "p7"})
    for _ in range(r.randint(1, 2)):
        pick = r.sample(visible(), k=min(2, len(visible())))
        themes.append(
            add(
                r.choice(writers),
                {
                    "type": "add_theme",
                    "name": f"theme {next(count)}",
                    "sticky_ids": [Name(x) for x in pick],
                },
                "t",
                "theme",
            )
        )
    for _ in range(r.randint(1, 3)):
        steps.append(
            Step(
                r.choice(writers),
                {
                    "type": "group",
                    "sticky_id": Name(r.choice(visible())),
                    "theme_id": Name(r.choice(themes)),
                },
            )
        )

    def vote(target: str, items: list[str], budget: int, multi: bool) -> None:
        rnd = add(
            "fac",
            {"type": "open_vote", "target": target, "budget": budget, "multi": multi},
            "r",
            "round",
        )
        dots: dict[str, dict[str, int]] = {"v1": {}, "v2": {}}
        for _ in range(r.randint(4, 7)):
            voter = r.choice(["v1", "v2"])
            mine = dots[voter]
            if mine and r.random() < 0.3:
                item = r.choice(sorted(mine))
                mine[item] -= 1
                if not mine[item]:
                    del mine[item]
                steps.append(
                    Step(voter, {"type": "unvote", "round_id": Name(rnd), "item_id": Name(item)})
                )
                continue
            choices = [i for i in items if multi or i not in mine]
            if sum(mine.values()) >= budget or not choices:
                continue
            item = r.choice(choices)
            mine[item] = mine.get(item, 0) + 1
            steps.append(
                Step(voter, {"type": "cast_vote", "round_id": Name(rnd), "item_id": Name(item)})
            )
        steps.append(
            Step("cleo", {"type": "cast_vote", "round_id": Name(rnd), "item_id": Name(items[0])})
        )
        fac({"type": "close_vote", "round_id": Name(rnd)})
        fac({"type": "reveal_vote", "round_id": Name(rnd)})

    steps.append(Step(r.choice(writers), {"type": "refocus"}))  # "nobody learns who asked"
    vote("stickies", visible(), 3, True)

    # Actions (owners are public by design: Cleo owns them), ranked, and a vote on them.
    fac({"type": "go_to_phase", "phase_id": "p8"})
    actions = [
        add(
            r.choice(writers),
            {"type": "add_action", "text": f"action {next(count)}", "owner_id": Name("@cleo")},
            "x",
            "action",
        )
        for _ in range(r.randint(2, 3))
    ]
    steps.append(
        Step(r.choice(writers), {"type": "rank_action", "action_id": Name(actions[-1]), "index": 0})
    )
    vote("actions", actions, 2, False)
    steps.append(Step("cleo", {"type": "confirm_owner", "action_id": Name(actions[0])}))

    # Wrap-up feedback: the facilitator sees only the aggregate, never whose answer is whose.
    fac({"type": "go_to_phase", "phase_id": "p9"})
    for who, safety in (("a", r.randint(1, 3)), ("cleo", 4), ("b", r.randint(4, 5))):
        steps.append(
            Step(
                who,
                {
                    "type": "send_feedback",
                    "safety": safety,
                    "change": f"more {who} time" if who != "cleo" else "",
                },
            )
        )
    # Left on for the end: the final snapshots carry it.
    fac({"type": "spotlight", "kind": "action", "item_id": Name(actions[0])})
    return steps


# --- playing it through the server -------------------------------------------------------------


def _seeded_ids(seed: int) -> Any:
    rng = random.Random(seed)

    def new_id(nbytes: int = 10) -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyz234567"
        return "".join(rng.choice(alphabet) for _ in range((nbytes * 8 + 4) // 5))

    return new_id


class Seat:
    def __init__(self, pid: str, credential: str) -> None:
        self.pid, self.credential = pid, credential
        self.ws: WebSocketTestSession | None = None
        self.frames: list[Frame] = []
        self.last_seq = 0
        self.epoch = ""


class Run:
    """One play of the meeting: the frames each person received."""

    def __init__(self, client: TestClient, cast: Cast, anonymity: str) -> None:
        self.client = client
        self.cast = cast
        made = create_board(client, anonymity=anonymity)
        self.board = made["board_id"]
        self.seats = {"fac": Seat(made["participant_id"], made["credential"])}
        for name in ("ann", "bob", "cleo"):
            j = join(client, self.board, name.title())
            self.seats[name] = Seat(j["participant_id"], j["credential"])
        o = join(client, self.board, "Olga", role="observer")
        self.seats["olga"] = Seat(o["participant_id"], o["credential"])
        self.ids: dict[str, str] = {"@cleo": self.seats["cleo"].pid}
        self.cids = itertools.count(1)

    def seat(self, who: str) -> Seat:
        return self.seats[getattr(self.cast, who) if who in Cast._fields else who]

    def connect(self, seat: Seat, stack: Any) -> None:
        seat.ws = stack.enter_context(self.client.websocket_connect("/ws"))
        seat.ws.send_text(
            json.dumps(
                {
                    "type": "hello",
                    "board": self.board,
                    "credential": seat.credential,
                    "last_seq": seat.last_seq,
                    "epoch": seat.epoch,
                }
            )
        )
        welcome = self.read(seat, lambda f: f["type"] == "welcome")
        seat.epoch = welcome["epoch"]
        if welcome["snapshot"] is not None:
            seat.last_seq = welcome["seq"]
        self.settle(welcome["seq"])

    def read(self, seat: Seat, until: Any) -> Frame:
        assert seat.ws is not None
        while True:
            frame = recv(seat.ws)
            seat.frames.append(frame)
            if frame["type"] == "event":
                seat.last_seq = frame["seq"]
            if until(frame):
                return frame

    def settle(self, seq: int) -> None:
        """Every connected person has read up to `seq`."""
        for seat in self.seats.values():
            if seat.ws is not None and seat.last_seq < seq:
                self.read(seat, lambda f: f["type"] == "event" and f["seq"] >= seq)

    def resolve(self, x: Any) -> Any:
        if isinstance(x, Name):
            return self.ids[x.name]
        if isinstance(x, list):
            return [self.resolve(v) for v in x]
        return x

    def do(self, step: Step) -> None:
        seat = self.seat(step.who)
        cid = f"c{next(self.cids)}"
        assert seat.ws is not None
        seat.ws.send_text(
            json.dumps({"cid": cid, **{k: self.resolve(v) for k, v in step.frame.items()}})
        )
        answer = self.read(seat, lambda f: f.get("cid") == cid)
        assert answer["type"] == "ack", (step, answer)
        event = self.read(seat, lambda f: f["type"] == "event" and f["seq"] == answer["seq"])
        if step.creates:
            known = set(self.ids.values())
            (made,) = [
                c["id"] for c in event["changes"] if c["type"] == step.kind and c["id"] not in known
            ]
            self.ids[step.creates] = made
        self.settle(answer["seq"])

    def play(self, steps: list[Step], stack_factory: Any) -> None:
        with stack_factory() as stack:
            for seat in self.seats.values():
                self.connect(seat, stack)
            for step in steps:
                if step.frame["type"] == "_drop":
                    seat = self.seats[step.who]
                    assert seat.ws is not None
                    seat.ws.close()
                    seat.ws = None
                elif step.frame["type"] == "_back":
                    self.connect(self.seats[step.who], stack)
                else:
                    self.do(step)
            for seat in self.seats.values():
                if seat.ws is not None:
                    seat.ws.close()
                    seat.ws = None
        # Reload the room from the store (a snapshot plus its tail; a new epoch), then everyone
        # comes back with the seq and epoch they had: the snapshot path.
        hub = self.client.app.state.hub  # type: ignore[attr-defined]
        assert self.client.portal is not None
        self.client.portal.call(hub.rooms[self.board].close)
        with stack_factory() as stack:
            for name in ("cleo", "olga", "fac", "ann"):
                self.connect(self.seats[name], stack)
                assert self.seats[name].frames[-1]["type"] in ("welcome", "presence")


def normal(frame: Any) -> Any:
    """Blank server times; everything else must match exactly."""
    if isinstance(frame, dict):
        return {
            k: ("<time>" if k in TIME_KEYS and v is not None else normal(v))
            for k, v in frame.items()
        }
    if isinstance(frame, list):
        return [normal(v) for v in frame]
    return frame


def streams(frames: list[Frame]) -> tuple[list[Any], list[Any]]:
    """(every frame but presence, in order; the distinct presence frames), normalised. A
    presence sent when someone leaves races the next event, and the last ones may arrive after
    the last read, so only what presence says is compared, not where or how often."""
    return (
        [normal(f) for f in frames if f["type"] != "presence"],
        sorted({json.dumps(f, sort_keys=True) for f in frames if f["type"] == "presence"}),
    )


@pytest.fixture
def play(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setattr(room_module, "REPLAY_WINDOW", REPLAY_WINDOW)
    monkeypatch.setattr(batches_module, "SNAPSHOT_EVERY", SNAPSHOT_EVERY)
    runs = itertools.count()

    def run(steps: list[Step], cast: Cast, anonymity: str = "anonymous") -> dict[str, list[Frame]]:
        ids = _seeded_ids(1234)  # the same ids in every run
        for module in (room_module, hub_module, seats_module, catch_up_module):  # new ids, epochs
            monkeypatch.setattr(module, "new_id", ids)
        with make_client(tmp_path / f"run{next(runs)}", synchronous="OFF") as client:
            r = Run(client, cast, anonymity)
            r.play(steps, ExitStack)
            store = client.app.state.store  # type: ignore[attr-defined]
            assert store.load(r.board).snapshot is not None, "no stored snapshot was used"
            return {name: seat.frames for name, seat in r.seats.items()}

    for i in range(10):
        (tmp_path / f"run{i}").mkdir()
    yield run


def first_difference(one: list[Any], other: list[Any]) -> str:
    for i, (x, y) in enumerate(zip(one, other)):
        if x != y:
            return f"frame {i}:\n  {json.dumps(x)[:600]}\n  {json.dumps(y)[:600]}"
    return f"{len(one)} frames vs {len(other)}"


VIEWERS = ["cleo", "olga", "fac"]


SEEDS = [1, 2, 3, 4]


def test_the_generated_meetings_reach_every_kind_of_authored_or_voted_op() -> None:
    """Between them the seeds write, edit, move and delete in public and in private, group,
    vote and unvote, and so on: a weaker generator would make the comparison below vacuous."""
    kinds = {s.frame["type"] for seed in SEEDS for s in meeting(seed)}
    assert kinds >= {
        "add_timeline_entry",
        "edit_timeline_entry",
        "delete_timeline_entry",
        "park_question",
        "add_sticky",
        "edit_sticky",
        "move_sticky",
        "delete_sticky",
        "reveal",
        "add_theme",
        "group",
        "cast_vote",
        "unvote",
        "reveal_vote",
        "add_action",
        "rank_action",
        "refocus",
        "send_feedback",
        "spotlight",
        "_drop",
        "_back",
    }, kinds


@pytest.mark.parametrize("seed", SEEDS)
def test_other_viewers_frames_are_identical_when_authors_or_voters_are_swapped(
    play: Any, seed: int
) -> None:
    steps = meeting(seed)
    base = play(steps, AS_WRITTEN)
    paths = {f["snapshot"] is None for f in base["cleo"] if f["type"] == "welcome"}
    assert paths == {True, False}, "Cleo should have resumed once and taken snapshots"
    assert any(
        f["type"] == "welcome" and f["snapshot"] is not None and f["seq"] > 20 for f in base["olga"]
    ), "Olga should have got a snapshot past the replay window"
    for swapped in (AUTHORS_SWAPPED, VOTERS_SWAPPED, BOTH_SWAPPED):
        other = play(steps, swapped)
        for viewer in VIEWERS:
            for mine, theirs in zip(streams(base[viewer]), streams(other[viewer])):
                assert mine == theirs, f"{viewer} can tell ({swapped}): " + first_difference(
                    mine, theirs
                )
        # Control: the swapped people's own frames do differ (they see `mine` on their own).
        assert streams(base["ann"])[0] != streams(other["ann"])[0]


def test_control_on_a_named_board_another_viewer_sees_who_wrote(play: Any) -> None:
    steps = meeting(1)
    one, two = play(steps, AS_WRITTEN, "named"), play(steps, AUTHORS_SWAPPED, "named")
    assert streams(one["cleo"])[0] != streams(two["cleo"])[0]
