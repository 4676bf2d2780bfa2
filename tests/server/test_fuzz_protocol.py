"""A protocol fuzzer over the websocket: whatever a client sends, the server stays up, answers in
documented codes, and its board is unchanged or validly changed.

Frames are built from the real op types (`msgspec.inspect` of every op in `board_state.ops`),
then mutated: fields dropped, added (including fields a client must not set: `seq`, `author`,
`role`, `actor`, ...), given the wrong type, made oversized or deeply nested, given lone
surrogates or invalid UTF-8 (binary frames), an unknown `type`, or the ids of another board.
Some examples send them before `hello`; some say `hello` with a negative or far-future
`last_seq`, a foreign epoch, or another board's credential.

Oracle, per example, on a fresh board with content (stickies, a theme, an open round, a chain,
an action, timeline entries) in a drawn phase:

- every frame the server sends decodes as a documented server message, every `reject` and
  `error` code is in `board_state.errors.CODES` and in docs/protocol.md, and a close, if any,
  carries a documented close code (after `hello` there is none: everything is answered in-band);
- after `hello`, every frame gets exactly one answer (`ack`, `reject`, `error`, `pong`, or the
  answer to a request such as `check`);
- the board in memory equals a replay of its own op log from the store (every accepted op was
  valid, a refused one left no trace), the sender of every logged op had a role the rule table
  allows to send it, every new log entry is this connection's (or a server timebox expiry), one
  per non-duplicate ack, and no id of the other board was taken in;
- a fresh connection still gets a `welcome` (the server is up).
"""

from __future__ import annotations

import json
import os
import re
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import msgspec.inspect as mi
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient, WebSocketTestSession

from hindsight.board_state import (
    ANONYMOUS,
    SYSTEM,
    Board,
    Entry,
    decode_board,
    decode_entry,
    encode_board,
    replay,
)
from hindsight.board_state import ops as o
from hindsight.board_state.errors import CODES
from hindsight.board_state.protocol import MAX_FRAME, ClientMessage, Hello, decode_server
from hindsight.board_state.rules import RULES, role_of

from .conftest import create_board, join, make_client, recv_message

DOCS = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
READ = 10.0  # seconds to wait for an answer that is due (they come in milliseconds)
SENTINEL = "\x00sentinel"  # the cid of the op that closes each example; never drawn
AT = "2026-08-14T09:12:00Z"


# --- what the documentation promises ------------------------------------------------------------


def _section(title: str) -> str:
    text = DOCS.read_text()
    start = text.index(title)
    end = text.find("\n#", start + len(title))
    return text[start : end if end > 0 else None]


def documented_codes() -> set[str]:
    """The codes in the table of section 6 of docs/protocol.md."""
    return set(re.findall(r"^\| `([a-z_]+)` \|", _section("## 6. Error codes"), re.M))


def documented_close_codes() -> set[int]:
    """Every close code named in section 3.9 of docs/protocol.md (1008 is the refused origin)."""
    table = _section("### 3.9 Close codes")
    return {int(c) for c in re.findall(r"\b(1\d{3}|4\d{3})\b", table)}


CODES_OK = set(CODES) & documented_codes()
CLOSES_OK = documented_close_codes()


def test_the_oracles_code_lists_are_the_documented_ones() -> None:
    """The fuzzer checks against the docs; the docs list every code the core can raise."""
    assert set(CODES) <= documented_codes(), set(CODES) - documented_codes()
    assert {4001, 4002, 4008, 1011} <= CLOSES_OK


# --- frames from the real op types ----------------------------------------------------------------


class Ref(msgspec.Struct, frozen=True):
    """A placeholder for a real id, resolved against the example's board when sent: `kind` is a
    pool ('sticky', 'foreign', ...), `i` picks one (modulo the pool's size)."""

    kind: str
    i: int


ID_KINDS = {
    "sticky_id": "sticky",
    "sticky_ids": "sticky",
    "entry_id": "timeline",
    "chain_id": "chain",
    "step_id": "step",
    "theme_id": "theme",
    "round_id": "round",
    "item_id": "item",
    "action_id": "action",
    "participant_id": "participant",
    "owner_id": "participant",
    "phase_id": "phase",
    "links": "item",
}
TIMES = ["2026-08-14T09:12:00Z", "2026-08-14 09:12", "09:12", "2026-08-14", "yesterday", ""]


def _ref(name: str) -> st.SearchStrategy[Any]:
    kind = ID_KINDS[name]
    # Mostly this board's ids; sometimes the other board's (must never be taken in).
    return st.builds(Ref, st.sampled_from([kind] * 4 + ["foreign"]), st.integers(0, 50))


def value(t: mi.Type, name: str) -> st.SearchStrategy[Any]:
    """A valid-looking value for a field of type `t` named `name`."""
    if isinstance(t, mi.UnionType):
        return st.one_of(*(value(x, name) for x in t.types))
    if isinstance(t, mi.NoneType):
        return st.none()
    if isinstance(t, mi.BoolType):
        return st.booleans()
    if isinstance(t, mi.LiteralType):
        return st.sampled_from(t.values)
    if isinstance(t, mi.IntType):
        lo = t.ge if t.ge is not None else -3
        hi = t.le if t.le is not None else 12
        return st.integers(lo, hi)
    if isinstance(t, mi.StrType):
        if name in ID_KINDS:
            return _ref(name)
        if name in ("at", "started_at", "detected_at", "resolved_at", "due", "date"):
            return st.sampled_from(TIMES)
        lo = t.min_length or 0
        return st.text(min_size=lo, max_size=min(t.max_length or 40, lo + 12))
    if isinstance(t, mi.ListType):
        item = _ref(name) if name in ID_KINDS else value(t.item_type, name)
        return st.lists(item, min_size=t.min_length or 0, max_size=min(t.max_length or 3, 3))
    if isinstance(t, mi.StructType):
        return struct_value(t)
    # A type this file does not know yet (ops keep being added): any JSON value will do for a
    # fuzzer; it is refused or accepted like anything else, and the oracle still holds.
    return st.deferred(lambda: WRONG)


def struct_value(t: mi.StructType) -> st.SearchStrategy[dict[str, Any]]:
    required = {f.encode_name: value(f.type, f.name) for f in t.fields if f.required}
    optional = {
        f.encode_name: value(f.type, f.name) for f in t.fields if not f.required and f.name != "cid"
    }
    return st.fixed_dictionaries(required, optional=optional)


CIDS = st.one_of(
    st.just(""),
    st.text("abc", min_size=1, max_size=3),  # collisions: duplicates
    st.text(max_size=64),
    st.text(min_size=65, max_size=70),
)


def op_frame(cls: type[msgspec.Struct]) -> st.SearchStrategy[dict[str, Any]]:
    info = mi.type_info(cls)
    assert isinstance(info, mi.StructType)
    return st.tuples(struct_value(info), CIDS).map(
        lambda p: {"type": info.tag, "cid": p[1], **p[0]}
    )


# Every message a client may send after hello: the ops and the other requests (ping, ...).
CLIENT_TYPES = [t for t in typing.get_args(ClientMessage) if t is not Hello]
OP_FRAMES = st.sampled_from(CLIENT_TYPES).flatmap(op_frame)
CLIENT_SET = [
    "seq",
    "author",
    "actor",
    "role",
    "new_id",
    "at",
    "mine",
    "hidden",
    "me",
    "you",
    "board",
    "board_id",
    "participant_id",
    "epoch",
    "duplicate",
    "version",
]
WRONG = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.text(max_size=5),
)


class Deep(msgspec.Struct, frozen=True):
    """A value nested `depth` lists deep (written straight into the JSON text)."""

    depth: int


class Surrogate(msgspec.Struct, frozen=True):
    """A string holding a lone UTF-16 surrogate."""

    text: str


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    frame = dict(draw(OP_FRAMES))
    for _ in range(draw(st.integers(0, 3))):
        keys = sorted(frame)
        how = draw(
            st.sampled_from(
                [
                    "drop",
                    "client_set",
                    "wrong",
                    "oversize",
                    "deep",
                    "surrogate",
                    "unknown_type",
                    "foreign",
                ]
            )
        )
        key = draw(st.sampled_from(keys)) if keys else "type"
        if how == "drop" and keys:
            del frame[key]
        elif how == "client_set":
            frame[draw(st.sampled_from(CLIENT_SET))] = draw(
                st.one_of(
                    st.integers(-1, 10**6),
                    st.sampled_from(["facilitator", "system", "u-other"]),
                    st.builds(Ref, st.just("participant"), st.integers(0, 9)),
                    st.booleans(),
                )
            )
        elif how == "wrong":
            frame[key] = draw(WRONG)
        elif how == "oversize":
            frame[key] = "x" * draw(st.sampled_from([65, 81, 201, 2001, 4001, MAX_FRAME + 1]))
        elif how == "deep":
            frame[key] = Deep(draw(st.sampled_from([10, 200, 1000, 5000, 30_000])))
        elif how == "surrogate":
            frame[key] = Surrogate(draw(st.sampled_from(["\ud800", "x\udc00y", "\udfff"])))
        elif how == "unknown_type":
            frame["type"] = draw(st.text(max_size=12))
        elif how == "foreign":
            frame[key] = Ref("foreign", draw(st.integers(0, 50)))
    return frame


RAW = st.one_of(
    st.sampled_from(
        [
            b"",
            b"{",
            b"[]",
            b"null",
            b"1",
            b'"x"',
            b"\xff\xfe",
            b'{"type":',
            b'{"type":"ping","t":NaN}',
            b'{"type":"ping","t":1e400}',
            b"[" * 40_000,
            b'{"cid":"r1","x":' + b"[" * 30_000,
            b'{"type":"add_sticky","cid":"r2","section":"went_well","text":"\xc3\x28"}',
            b'{"type":"ping","t":' + b"9" * 5000 + b"}",
        ]
    ),
    st.binary(max_size=40),
    st.text(max_size=40),
)


class Wire(msgspec.Struct, frozen=True):
    """One frame as sent: a JSON-able structure (with placeholders) or raw text/bytes, and how
    it travels (a text frame, a binary frame, escaped or raw non-ASCII)."""

    body: Any
    binary: bool = False
    ascii: bool = True
    bad_utf8: bool = False  # splice an invalid UTF-8 byte into a string (binary frames only)


WIRE = st.one_of(
    st.builds(Wire, mutated(), st.booleans(), st.booleans(), st.booleans()),
    st.builds(Wire, OP_FRAMES, st.just(False), st.booleans()),  # unmutated ops: some are accepted
    st.builds(Wire, st.builds(lambda t: {"type": "ping", "t": t}, st.integers(-(2**70), 2**70))),
    st.builds(Wire, RAW),
)


# --- a board per example ------------------------------------------------------------------------


class Seat(msgspec.Struct):
    pid: str
    credential: str


class Stage(msgspec.Struct):
    board_id: str
    seats: dict[str, Seat]
    pools: dict[str, list[str]]
    epoch: str
    other: Stage | None = None


def _portal(client: TestClient) -> Any:
    assert client.portal is not None
    return client.portal


def stage(client: TestClient, phase_id: str | None, anonymity: str = "anonymous") -> Stage:
    """A board with content of every kind, in `phase_id` (None: the lobby). Seeded through the
    room directly, not the websocket, so it costs milliseconds."""
    made = create_board(client, anonymity=anonymity)
    bid = made["board_id"]
    ann, obs = join(client, bid, "Ann"), join(client, bid, "Obs", role="observer")
    seats = {
        "facilitator": Seat(made["participant_id"], made["credential"]),
        "participant": Seat(ann["participant_id"], ann["credential"]),
        "observer": Seat(obs["participant_id"], obs["credential"]),
    }
    portal = _portal(client)
    room = portal.call(client.app.state.hub.room, bid)  # type: ignore[attr-defined]
    fac, pa = seats["facilitator"].pid, seats["participant"].pid

    def do(actor: str, op: o.Op) -> None:
        portal.call(room.submit_as, actor, op)

    do(pa, o.AddTimelineEntry(at=AT, text="alert fired"))
    do(fac, o.AddTimelineEntry(at=AT, text="page sent", kind="signal"))
    if phase_id is not None:  # the lobby holds only what may be written before the meeting
        seed_phases(do, portal, room, fac, pa, phase_id)

    def pools() -> dict[str, list[str]]:
        b = room.board
        return {
            "sticky": list(b.stickies),
            "timeline": list(b.timeline),
            "chain": list(b.chains),
            "step": [s.id for c in b.chains.values() for s in c.steps],
            "theme": list(b.themes),
            "round": list(b.rounds),
            "action": list(b.actions),
            "participant": list(b.participants),
            "phase": [p.id for p in b.agenda],
            # what votes, links and the spotlight point at (a spotlight: timeline entries too)
            "item": [*b.stickies, *b.themes, *b.actions, *b.chains, *b.timeline],
        }

    return Stage(board_id=bid, seats=seats, pools=portal.call(pools), epoch=room.epoch)


def seed_phases(
    do: Callable[[str, o.Op], None], portal: Any, room: Any, fac: str, pa: str, phase_id: str
) -> None:
    do(fac, o.GoToPhase(phase_id="p4"))
    do(fac, o.AddChain(problem="checkout 500s"))
    chain = portal.call(lambda: next(iter(room.board.chains)))
    do(pa, o.AddWhy(chain_id=chain, why="why?", answer="pool exhausted"))
    do(fac, o.GoToPhase(phase_id="p7"))
    do(pa, o.AddSticky(section="went_well", text="rollback was quick"))
    do(fac, o.AddSticky(section="went_badly", text="runbook was stale"))
    do(fac, o.ParkQuestion(text="canary skipped?"))
    stickies = portal.call(
        lambda: [s for s in room.board.stickies if room.board.stickies[s].section != "parking_lot"]
    )
    do(fac, o.AddTheme(name="detection", sticky_ids=stickies[:1]))
    do(fac, o.OpenVote(budget=3))
    rnd = portal.call(lambda: next(iter(room.board.rounds)))
    do(pa, o.CastVote(round_id=rnd, item_id=stickies[0]))
    do(fac, o.GoToPhase(phase_id="p8"))
    do(fac, o.AddAction(text="alert on pool usage", owner_id=pa))
    if phase_id != "p8":
        do(fac, o.GoToPhase(phase_id=phase_id))


def resolve(x: Any, st_: Stage) -> Any:
    """Replace placeholders with this example's real ids."""
    if isinstance(x, Ref):
        if x.kind == "foreign":
            assert st_.other is not None
            pool = [
                i
                for ids in st_.other.pools.values()
                for i in ids
                if i not in st_.other.pools["phase"]
            ]
        else:
            pool = st_.pools.get(x.kind) or ["nothing-here"]
        return pool[x.i % len(pool)]
    if isinstance(x, dict):
        return {k: resolve(v, st_) for k, v in x.items()}
    if isinstance(x, list):
        return [resolve(v, st_) for v in x]
    return x


def _dump(x: Any, ascii: bool) -> str:
    """JSON text, with Deep and Surrogate values written in by hand."""
    if isinstance(x, Deep):
        return "[" * x.depth + "]" * x.depth
    if isinstance(x, Surrogate):
        return json.dumps(x.text, ensure_ascii=ascii)
    if isinstance(x, dict):
        return (
            "{"
            + ",".join(
                f"{json.dumps(str(k), ensure_ascii=ascii)}:{_dump(v, ascii)}" for k, v in x.items()
            )
            + "}"
        )
    if isinstance(x, list):
        return "[" + ",".join(_dump(v, ascii) for v in x) + "]"
    return json.dumps(x, ensure_ascii=ascii)


def send_wire(ws: WebSocketTestSession, w: Wire, st_: Stage) -> None:
    if isinstance(w.body, (bytes, str)):
        raw: bytes | str = w.body
    else:
        raw = _dump(resolve(w.body, st_), w.ascii)
        if w.binary:
            raw = raw.encode("utf-8", "surrogatepass")
            if w.bad_utf8 and b'":"' in raw:
                raw = raw.replace(b'":"', b'":"\xff', 1)
    if isinstance(raw, bytes):
        ws.send_bytes(raw)
    else:
        ws.send_text(raw)


# --- the oracle ----------------------------------------------------------------------------------


class Seen(msgspec.Struct):
    frames: list[dict[str, Any]] = msgspec.field(default_factory=list)
    closed: int | None = None


def read(ws: WebSocketTestSession, seen: Seen, until: Callable[[dict[str, Any]], bool]) -> None:
    """Read and check frames until one matches `until` (or the server closes)."""
    while True:
        message = recv_message(ws, READ)
        if message["type"] == "websocket.close":
            seen.closed = message.get("code", 1000)
            assert seen.closed in CLOSES_OK, f"undocumented close code {seen.closed}"
            return
        text = message["text"]
        decode_server(text)  # a documented server frame, or this raises
        frame = json.loads(text)
        seen.frames.append(frame)
        if frame["type"] in ("reject", "error"):
            assert frame["code"] in CODES_OK, f"undocumented code in {frame!r}"
        if until(frame):
            return


def board_matches_its_log(
    client: TestClient, st_: Stage, since: int, pid: str
) -> tuple[list[Entry], int]:
    """The room's board equals its stored history: the log replayed, or, once the meeting was
    closed and sealed, the sealed snapshot plus the log after it. Returns the log's entries
    after `since` and the seq the sealed snapshot stands for (0: not sealed)."""
    store = client.app.state.store  # type: ignore[attr-defined]
    room = _portal(client).call(client.app.state.hub.room, st_.board_id)  # type: ignore[attr-defined]
    live = _portal(client).call(lambda: encode_board(room.board))
    loaded = store.load(st_.board_id)
    base = loaded.snapshot.seq if loaded.snapshot is not None else 0
    entries = [decode_entry(r.body) for r in loaded.tail]
    assert [e.seq for e in entries] == list(range(base + 1, base + len(entries) + 1)), (
        "a gap in the log"
    )
    # Replayed one entry at a time, so each accepted op can be checked against the rule table
    # on its own (not through the engine's `check`): its sender had a role the table lets send it.
    if loaded.snapshot is not None:
        board = decode_board(loaded.snapshot.state)
        assert board.closed_at is not None and not any(r.votes for r in board.rounds.values()), (
            "only a sealed board replaces its log with a snapshot this early"
        )
    else:
        board = Board(id=st_.board_id)
    for e in entries:
        role = role_of(board, e.actor)  # the server, a seat, or the forgotten refocuser
        assert role in RULES[type(e.op)].who, f"{role} may not send {e.op!r}, yet it was logged"
        replay(st_.board_id, [e], board)
    assert encode_board(board) == live, "the board is not its log"
    assert st_.other is not None
    foreign = {i for kind, ids in st_.other.pools.items() if kind != "phase" for i in ids}
    taken = [i for i in foreign if i.encode() in live]
    assert not taken, f"ids of another board were taken in: {taken}"
    new = [e for e in entries if e.seq > since]
    for e in new:
        assert (
            e.actor == pid
            or (e.actor == SYSTEM and isinstance(e.op, o.TimeboxExpired))
            or (e.actor == ANONYMOUS and isinstance(e.op, o.Refocus))  # stored as nobody's
        ), e
    return new, base


def fresh_hello_works(client: TestClient, st_: Stage) -> None:
    seat = st_.seats["observer"]
    with client.websocket_connect("/ws") as ws:
        ws.send_text(
            json.dumps({"type": "hello", "board": st_.board_id, "credential": seat.credential})
        )
        seen = Seen()
        read(ws, seen, lambda f: f["type"] == "welcome")
        assert seen.frames[-1]["type"] == "welcome", seen


PHASES = [None, "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"]


def hellos(st_: Stage) -> st.SearchStrategy[dict[str, Any]]:
    """A first frame: mostly a good hello, sometimes a twisted one."""
    return st.fixed_dictionaries(
        {
            "last_seq": st.one_of(
                st.just(0), st.integers(1, 30), st.just(10**12), st.just(2**63), st.just(-1)
            ),
            "epoch": st.sampled_from(["", st_.epoch, "not-this-one", st_.epoch + "x"]),
        }
    )


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    # Durability is not under test here: FULL fsyncs would only slow the fuzzer down.
    with make_client(
        tmp_path_factory.mktemp("fuzz"), synchronous="OFF", rate=1e9, burst=10**9
    ) as client:
        yield client


# Bounded and derandomized for CI (the same 150 examples every run, about 15 s); set
# HINDSIGHT_FUZZ_EXAMPLES for a longer, random hunt on your own machine.
EXAMPLES = int(os.environ.get("HINDSIGHT_FUZZ_EXAMPLES", "150"))
DERANDOMIZE = "HINDSIGHT_FUZZ_EXAMPLES" not in os.environ


@pytest.mark.slow  # about 12 s: the whole suite runs it, the quick lane leaves it out
def test_fuzzed_frames_after_hello_are_answered_in_documented_codes_and_the_board_is_its_log(
    fuzz_client: TestClient,
) -> None:
    client = fuzz_client
    other = stage(client, "p7")
    stats = {"frames": 0, "acks": 0, "examples": 0}

    @settings(
        max_examples=EXAMPLES,
        derandomize=DERANDOMIZE,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(
        phase=st.sampled_from(PHASES),
        role=st.sampled_from(["facilitator"] * 3 + ["participant"] * 2 + ["observer"]),
        wires=st.lists(WIRE, min_size=1, max_size=6),
        data=st.data(),
    )
    def run(phase: str | None, role: str, wires: list[Wire], data: st.DataObject) -> None:
        st_ = stage(client, phase)
        st_.other = other
        seat = st_.seats[role]
        since = _portal(client).call(lambda: client.app.state.hub.rooms[st_.board_id].seq)  # type: ignore[attr-defined]
        h = data.draw(hellos(st_))
        with client.websocket_connect("/ws") as ws:
            seen = Seen()
            ws.send_text(
                json.dumps(
                    {"type": "hello", "board": st_.board_id, "credential": seat.credential, **h}
                )
            )
            read(ws, seen, lambda f: f["type"] in ("welcome", "error"))
            if h["last_seq"] < 0:
                assert seen.frames[-1]["code"] == "bad_message"
                read(ws, seen, lambda f: False)
                assert seen.closed == 4002
                return fresh_hello_works(client, st_)
            welcome = seen.frames[-1]
            assert welcome["type"] == "welcome", welcome
            if h["last_seq"] > since or h["epoch"] != st_.epoch or h["last_seq"] == 0:
                assert welcome["snapshot"] is not None, "a resume that cannot be served"
            for w in wires:
                send_wire(ws, w, st_)
            ws.send_text(json.dumps({"type": "rename", "cid": SENTINEL, "name": "Sentinel"}))
            read(ws, seen, lambda f: f["type"] == "ack" and f["cid"] == SENTINEL)
            assert seen.closed is None, f"closed with {seen.closed} after hello"
        answers = [f for f in seen.frames if f["type"] not in ("welcome", "event", "presence")]
        assert len(answers) == len(wires) + 1, "every frame gets exactly one answer"
        acks = [f for f in answers if f["type"] == "ack" and not f["duplicate"]]
        new, sealed_at = board_matches_its_log(client, st_, since, seat.pid)
        # Acked ops up to a seal live on in the sealed board, not as log rows.
        # (A refocus is logged as nobody's: its ack matches an `anonymous` row.)
        assert sorted(f["seq"] for f in acks if f["seq"] > sealed_at) == [
            e.seq for e in new if e.actor in (seat.pid, ANONYMOUS)
        ]
        stats["frames"] += len(wires)
        stats["acks"] += len(acks) - 1
        stats["examples"] += 1

    run()
    fresh_hello_works(client, other)
    print(
        f"\nfuzz after hello: {stats['examples']} examples, {stats['frames']} frames, "
        f"{stats['acks']} fuzzed ops accepted"
    )
    assert stats["acks"] > 0, "no fuzzed op was ever accepted: the generator is too weak"


def test_fuzzed_first_frames_get_a_welcome_or_a_documented_error_and_close(
    fuzz_client: TestClient,
) -> None:
    """Ops before hello, garbage, hellos for the wrong board or with another board's
    credential: a welcome, or an error with a documented code and a 4001/4002 close."""
    client = fuzz_client
    st_ = stage(client, "p7")
    st_.other = stage(client, "p4")
    before = _portal(client).call(lambda: client.app.state.hub.rooms[st_.board_id].seq)  # type: ignore[attr-defined]
    outcomes: dict[str, int] = {}

    hello_like = st.fixed_dictionaries(
        {
            "type": st.just("hello"),
            "board": st.sampled_from([st_.board_id, st_.other.board_id, "nope", ""]),
            "credential": st.sampled_from(
                [
                    st_.seats["participant"].credential,
                    st_.other.seats["facilitator"].credential,
                    st_.seats["participant"].pid + ".wrong",
                    "x",
                    "",
                ]
            ),
        },
        optional={
            "last_seq": st.one_of(st.integers(-5, 5), st.just(2**64)),
            "epoch": st.text(max_size=70),
            "version": WRONG,
        },
    )

    @settings(
        max_examples=EXAMPLES // 2,
        derandomize=DERANDOMIZE,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    # The deterministic run draws what the strategies make of it; these two are always tried,
    # so both closes are seen whatever the strategies grow (a stranger's hello, garbage).
    @example(first=Wire({"type": "hello", "board": st_.board_id, "credential": "x"}))
    @example(first=Wire("not json"))
    @given(first=st.one_of(WIRE, st.builds(Wire, hello_like)))
    def run(first: Wire) -> None:
        with client.websocket_connect("/ws") as ws:
            seen = Seen()
            send_wire(ws, first, st_)
            read(ws, seen, lambda f: f["type"] in ("welcome", "error"))
            if any(f["type"] == "welcome" for f in seen.frames):
                outcomes["welcome"] = outcomes.get("welcome", 0) + 1
                return
            assert seen.frames and seen.frames[0]["type"] == "error", seen
            read(ws, seen, lambda f: False)
            assert seen.closed in (4001, 4002), seen
            outcomes[str(seen.closed)] = outcomes.get(str(seen.closed), 0) + 1

    run()
    fresh_hello_works(client, st_)
    after = _portal(client).call(lambda: client.app.state.hub.rooms[st_.board_id].seq)  # type: ignore[attr-defined]
    assert after == before, "a frame before hello changed the board"
    print(f"\nfuzz before hello: {outcomes}")
    assert outcomes.get("4002") and outcomes.get("4001"), outcomes


@pytest.mark.parametrize(
    "frame, cid",
    [
        (b'{"type":"add_sticky","cid":"u1","section":"went_well","text":"\xc3\x28"}', "u1"),
        (b'{"type":"ping","x":' + b"[" * 30_000 + b"]" * 30_000 + b"}", None),
        (b'{"cid":"d1","x":' + b"[" * 30_000, None),
        ('{"type":"add_sticky","cid":"s1","section":"went_well","text":"\ud800"}', None),
    ],
    ids=["invalid_utf8_binary", "deep_nesting", "deep_nesting_with_cid", "raw_lone_surrogate"],
)
def test_regression_undecodable_bytes_and_deep_nesting_are_bad_message_not_a_dead_handler(
    fuzz_client: TestClient, frame: bytes | str, cid: str | None
) -> None:
    """Found by the fuzzer: these escaped `decode_client` as UnicodeDecodeError/RecursionError
    and killed the connection's handler (no close frame, a traceback in the log)."""
    st_ = stage(fuzz_client, None)
    with fuzz_client.websocket_connect("/ws") as ws:
        ws.send_text(
            json.dumps(
                {
                    "type": "hello",
                    "board": st_.board_id,
                    "credential": st_.seats["facilitator"].credential,
                }
            )
        )
        seen = Seen()
        read(ws, seen, lambda f: f["type"] == "welcome")
        if isinstance(frame, bytes):
            ws.send_bytes(frame)
        else:
            ws.send_text(frame)
        read(ws, seen, lambda f: f["type"] in ("reject", "error"))
        answer = seen.frames[-1]
        assert answer["code"] == "bad_message", answer
        assert answer.get("cid") == cid
        ws.send_text(json.dumps({"type": "ping", "t": 5}))
        read(ws, seen, lambda f: f["type"] == "pong")
        assert seen.closed is None
