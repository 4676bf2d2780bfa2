"""Sealed at close: the database of a closed anonymous meeting ties no person to any content.

The same meeting runs twice on two real SQLite files, with two participants' parts swapped: in
one run Alice writes the timeline entry, the private note and the feedback that Bob writes in
the other, and the dots go the other way round too. Each run closes the meeting. Then the two
databases are compared:

- every table, row by row (encoded boards and entries decoded), after replacing what is random
  per run (ids, secrets' hashes, times) and naming each participant id by its person: the two
  dumps must be equal, so nothing stored says which person wrote or voted for what;
- the raw bytes of the database file and its WAL, scanned for every participant id and display
  name: each person's id and name occur equally often in both, so no stray copy (a deleted
  row in a free page, an old WAL frame) pairs a person with what they did.

The control runs the same two meetings without closing them (the store as it was before
sealing, and as it still is while a meeting runs): both comparisons find the difference.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import msgspec
import pytest
from starlette.testclient import WebSocketTestSession

from hindsight.board_state import decode_board, decode_entry
from tests.server.stored import sqlite_only, stored

from .conftest import create_board, hello, join, make_client, recv_skipping, send

NAMES = ("Alice Quill", "Bob Marrow")
RANDOM_ID = re.compile(r"^[a-z2-7]{16}$|^[a-z2-7]{24}$|^[a-z2-7]{32}$")  # ids, boards, links
HEX_HASH = re.compile(r"^[0-9a-f]{64}$")


ON_DISK = sqlite_only(
    "the bytes of the file and its WAL (PostgreSQL keeps deleted rows until VACUUM: docs/operators.md, Running several nodes)"
)


class Run(msgspec.Struct):
    db: Path
    board_id: str
    pids: dict[str, str]  # display name -> participant id
    raw_at_close: bytes = b""  # database + WAL bytes just after the close was acked


def _phase(view: dict[str, Any], kind: str) -> str:
    return next(p["id"] for p in view["board"]["agenda"] if p["kind"] == kind)


def _meeting(tmp_path: Path, swapped: bool, close: bool) -> Run:
    tmp_path.mkdir(parents=True, exist_ok=True)
    with make_client(tmp_path) as client:
        board = create_board(client, title="Checkout outage", facilitator_name="Fran Lead")
        bid = board["board_id"]
        seats = {name: join(client, bid, name) for name in NAMES}
        run = Run(
            db=tmp_path / "t.db",
            board_id=bid,
            pids={name: seat["participant_id"] for name, seat in seats.items()},
        )
        with (
            client.websocket_connect("/ws") as fac,
            client.websocket_connect("/ws") as w1,
            client.websocket_connect("/ws") as w2,
        ):
            view = hello(fac, bid, board["credential"])["snapshot"]
            sockets = dict(zip(NAMES, (w1, w2)))
            for name, ws in sockets.items():
                hello(ws, bid, seats[name]["credential"])
            # The parts: `a` and `b` write, vote and answer; swapping them is the experiment.
            a, b = (sockets[NAMES[1]], sockets[NAMES[0]]) if swapped else (w1, w2)
            _script(fac, a, b, view, seats[NAMES[0]]["participant_id"], close)
            if close:
                run.raw_at_close = _raw(run.db)
        return run


def _script(
    fac: WebSocketTestSession,
    a: WebSocketTestSession,
    b: WebSocketTestSession,
    view: dict[str, Any],
    owner: str,
    close: bool,
) -> None:
    n = iter(range(1, 1000))

    def do(ws: WebSocketTestSession, op_type: str, **fields: Any) -> dict[str, Any]:
        cid = f"c{next(n)}"
        send(ws, {"type": op_type, "cid": cid, **fields})
        answer = recv_skipping(ws, lambda f: f.get("cid") == cid)
        assert answer["type"] == "ack", answer
        event: dict[str, Any] = recv_skipping(
            ws, lambda f: f["type"] == "event" and f["seq"] == answer["seq"]
        )
        return event

    def new_id(event: dict[str, Any], kind: str) -> str:
        return next(c["id"] for c in event["changes"] if c["type"] == kind)

    do(a, "add_timeline_entry", at="2026-08-14T09:02:00Z", text="deploy 4.2 started")
    do(b, "add_timeline_entry", at="2026-08-14T09:12:00Z", text="checkout errors", kind="signal")
    do(fac, "go_to_phase", phase_id=_phase(view, "reflection"))
    x = new_id(do(a, "add_sticky", section="went_badly", text="the canary was skipped"), "sticky")
    y = new_id(do(b, "add_sticky", section="went_well", text="rollback took two minutes"), "sticky")
    do(fac, "reveal", phase_id=_phase(view, "reflection"))
    # A phase made private and never revealed: its notes reach nobody but their authors.
    do(fac, "edit_phase", phase_id=_phase(view, "contributing_factors"), private=True)
    do(fac, "go_to_phase", phase_id=_phase(view, "contributing_factors"))
    do(b, "add_sticky", section="contributing", text="a thought never revealed")
    do(a, "add_sticky", section="contributing", text="another one kept private")
    do(fac, "go_to_phase", phase_id=_phase(view, "themes"))
    vote = new_id(do(fac, "open_vote", budget=3), "round")
    do(a, "cast_vote", round_id=vote, item_id=x)
    do(a, "cast_vote", round_id=vote, item_id=x)
    do(b, "cast_vote", round_id=vote, item_id=y)
    do(fac, "close_vote", round_id=vote)
    do(fac, "reveal_vote", round_id=vote)
    do(a, "refocus")
    do(fac, "go_to_phase", phase_id=_phase(view, "wrap_up"))
    do(
        fac,
        "add_action",
        text="alert when the canary is skipped",
        owner_id=owner,
        due="2026-09-01",
        success="an alert fires in staging",
    )
    do(
        fac,
        "edit_header",
        summary="Checkout failed for 40 minutes.",
        sign_off=[{"role": "Facilitator", "name": "Fran Lead"}],
    )
    do(a, "send_feedback", safety=4, change="more time for the timeline")
    do(b, "send_feedback", safety=2, change="fewer people in the room")
    if close:
        do(fac, "close_meeting")
        # Everyone is handed the sealed board: a fresh welcome, under a new epoch.
        for ws in (fac, a, b):
            sealed = recv_skipping(ws, lambda f: f["type"] == "welcome")
            assert sealed["snapshot"]["board"]["closed_at"] is not None
            assert not any(s["mine"] for s in sealed["snapshot"]["stickies"])


def _raw(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (db, db.with_name(db.name + "-wal")) if p.exists())


# --- the comparison ------------------------------------------------------------------------

TIME_KEYS = re.compile(r"(_at|_ms|^at|since)$")


def _normalise(value: Any, names: dict[str, str], key: str = "") -> Any:
    """Random per run becomes a placeholder; a participant id becomes its person's name."""
    if isinstance(value, dict):
        items = [(_normalise(k, names), _normalise(v, names, str(k))) for k, v in value.items()]
        return sorted(([k, v] for k, v in items), key=json.dumps)  # ids as keys: no order
    if isinstance(value, (list, tuple)):
        return [_normalise(v, names, key) for v in value]
    if isinstance(value, str):
        if value in names:
            return f"<{names[value]}>"
        if RANDOM_ID.match(value) or HEX_HASH.match(value):
            return "<id>"
        if key == "credential" or re.match(r"^[a-z2-7]{16}\.", value):
            return "<credential>"
        if ":" in value:  # a composite key (webhook events: "meeting.closed:<board id>")
            return ":".join(_normalise(part, names) for part in value.split(":"))
        return value
    if isinstance(value, int) and not isinstance(value, bool) and TIME_KEYS.search(key):
        return "<time>"
    return value


def _decoded(table: str, column: str, value: Any) -> Any:
    if isinstance(value, bytes) and table == "snapshots" and column == "state":
        return msgspec.to_builtins(decode_board(value))
    if isinstance(value, bytes) and table == "ops" and column == "body":
        return msgspec.to_builtins(decode_entry(value))
    if isinstance(value, bytes) and column == "cids":
        return json.loads(value)
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _dump(run: Run) -> dict[str, list[Any]]:
    """Every table's rows, decoded and normalised, in an order that does not depend on ids.
    The full-text index's shadow tables are binary segments of public text; they are left to
    the byte scan."""
    names = {pid: name for name, pid in run.pids.items()}
    conn = sqlite3.connect(run.db)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'log_fts%' AND name != '_sqlite_migrations' ORDER BY name"
            )
        ]
        dump = {}
        for table in tables:
            cursor = conn.execute(f"SELECT * FROM {table}")
            columns = [d[0] for d in cursor.description]
            rows = [
                {c: _normalise(_decoded(table, c, v), names, c) for c, v in zip(columns, row)}
                for row in cursor
            ]
            dump[table] = sorted(rows, key=lambda r: json.dumps(r, default=str))
        return dump
    finally:
        conn.close()


def _counts(raw: bytes, run: Run) -> dict[str, tuple[int, int]]:
    """Per person: how often their participant id and their name occur in the raw bytes."""
    return {
        name: (raw.count(pid.encode()), raw.count(name.encode())) for name, pid in run.pids.items()
    }


def _first_difference(one: dict[str, list[Any]], other: dict[str, list[Any]]) -> str:
    for table in sorted(set(one) | set(other)):
        if one.get(table) != other.get(table):
            for x, y in zip(one.get(table, []), other.get(table, [])):
                if x != y:
                    return f"{table}:\n  {json.dumps(x)[:1500]}\n  {json.dumps(y)[:1500]}"
            return f"{table}: {len(one.get(table, []))} rows vs {len(other.get(table, []))}"
    return "no difference"


@pytest.fixture(scope="module")
def sealed_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Run]:
    return (
        _meeting(tmp_path_factory.mktemp("as_written"), swapped=False, close=True),
        _meeting(tmp_path_factory.mktemp("swapped"), swapped=True, close=True),
    )


@pytest.fixture(scope="module")
def open_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Run]:
    return (
        _meeting(tmp_path_factory.mktemp("open_as_written"), swapped=False, close=False),
        _meeting(tmp_path_factory.mktemp("open_swapped"), swapped=True, close=False),
    )


@ON_DISK
def test_two_sealed_databases_differ_only_in_random_ids_and_times(
    sealed_runs: tuple[Run, Run],
) -> None:
    one, other = (_dump(r) for r in sealed_runs)
    assert one == other, _first_difference(one, other)
    assert one["ops"] == [], "a sealed board keeps no op rows from before its close"
    (snapshot,) = one["snapshots"]
    assert "the canary was skipped" in json.dumps(snapshot), "the content itself is kept"


@ON_DISK
def test_the_raw_file_and_wal_hold_each_persons_id_and_name_equally_often_after_the_seal(
    sealed_runs: tuple[Run, Run],
) -> None:
    one, other = sealed_runs
    at_close = (_counts(one.raw_at_close, one), _counts(other.raw_at_close, other))
    assert at_close[0] == at_close[1], at_close
    after = (_counts(_raw(one.db), one), _counts(_raw(other.db), other))
    assert after[0] == after[1], after
    assert all(ids > 0 and names > 0 for ids, names in after[0].values()), (
        "the scan must find the people who are still on the board (their seats, names)"
    )


@ON_DISK
def test_control_two_unsealed_databases_tell_who_wrote_and_voted(
    open_runs: tuple[Run, Run],
) -> None:
    one, other = (_dump(r) for r in open_runs)
    assert one != other
    ops = json.dumps(one["ops"])
    assert '"<Alice Quill>"' in ops, "unsealed, the op log names the sender of every op"
    raw = (
        _counts(_raw(open_runs[0].db), open_runs[0]),
        _counts(_raw(open_runs[1].db), open_runs[1]),
    )
    assert raw[0] != raw[1], raw


def test_the_sealed_board_still_shows_everything_an_outsider_saw(
    sealed_runs: tuple[Run, Run], tmp_path: Path
) -> None:
    """The write-up and the log read the sealed board: texts, totals, feedback aggregate."""
    run = sealed_runs[0]
    board = decode_board(
        stored(run.db.parent, "SELECT state FROM snapshots WHERE board_id = ?", (run.board_id,))[0][
            0
        ]
    )
    texts = {s.text for s in board.stickies.values()}
    assert texts == {"the canary was skipped", "rollback took two minutes"}
    assert {s.author for s in board.stickies.values()} == {"anonymous"}
    (round_,) = board.rounds.values()
    assert round_.votes == {} and sorted(round_.sealed_totals.values()) == [1, 2]  # type: ignore[union-attr]
    assert round_.sealed_voters == 2
    assert sorted(f.safety for f in board.feedback.values()) == [2, 4]
    assert not set(board.feedback) & set(run.pids.values())
    factors = next(p for p in board.agenda if p.kind == "contributing_factors")
    assert factors.sealed_private == 2  # the two never revealed are counted, not kept
    assert board.sealed_nudges is not None


@sqlite_only("the board is staged in a file of the version before sealing")
def test_a_board_closed_before_sealing_existed_is_sealed_when_first_loaded(tmp_path: Path) -> None:
    """A database from before: a closed board whose log still says who wrote the timeline
    entry. The first time a server of this version loads it, it is sealed like any other."""
    from hindsight.board_state import SYSTEM, Board, Entry, apply, encode_entry
    from hindsight.board_state import ops as o
    from hindsight.server.storage.store import BoardRow, OpRow, Store, WriteBatch

    board_id, fac, ann, now = (
        "closedbeforeseal00000000",
        "fac0000000000000",
        "ann0000000000000",
        1_790_000_000_000,
    )
    entries = [
        Entry(seq=1, actor=SYSTEM, at=now, new_id=fac, op=o.CreateBoard(title="Old")),
        Entry(seq=2, actor=SYSTEM, at=now + 1, new_id=ann, op=o.Join(name="Ann Old")),
        Entry(
            seq=3,
            actor=ann,
            at=now + 2,
            new_id="e000000000000001",
            op=o.AddTimelineEntry(at="2026-08-14T09:00Z", text="Ann's own entry"),
        ),
        Entry(seq=4, actor=fac, at=now + 3, new_id="n000000000000001", op=o.CloseMeeting()),
    ]
    board = Board(id=board_id)
    for e in entries:
        apply(board, e.op, actor=e.actor, now=e.at, new_id=e.new_id)
    store = Store(tmp_path / "t.db")
    store.open()
    store.write_sync(
        WriteBatch(
            boards=(BoardRow(id=board_id, epoch="e0", created_at=now, meta="{}"),),
            ops=tuple(OpRow(board_id, e.seq, e.actor, "", encode_entry(e)) for e in entries),
        )
    )
    store.close()
    assert _raw(tmp_path / "t.db").count(ann.encode()) > 2  # control: the log names Ann's op
    with make_client(tmp_path) as client:
        r = client.get(f"/api/boards/{board_id}/writeup")  # any first use loads it
        assert r.status_code == 200 and "Ann's own entry" in r.text
    with sqlite3.connect(tmp_path / "t.db") as conn:
        assert conn.execute(
            "SELECT COUNT(*) FROM ops WHERE board_id = ?", (board_id,)
        ).fetchone() == (0,)
        (state,) = conn.execute(
            "SELECT state FROM snapshots WHERE board_id = ?", (board_id,)
        ).fetchone()
    sealed = decode_board(state)
    assert sealed.sealed and {e.author for e in sealed.timeline.values()} == {"anonymous"}
    assert b"Ann's own entry" in _raw(tmp_path / "t.db")  # the content itself is kept


def test_the_pages_say_what_a_named_and_an_anonymous_board_keep(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        named = create_board(client, anonymity="named")
        anonymous = create_board(client)
        join_named = client.get(f"/b/{named['board_id']}/join").text
        assert (
            "This board is\n        named:" in join_named
            and "keeps\n        those names" in join_named
        )
        join_anon = client.get(f"/b/{anonymous['board_id']}/join").text
        assert "the server forgets who wrote and voted what" in join_anon
        assert "This board is named: it keeps who wrote each note" in " ".join(
            client.get(f"/b/{named['board_id']}").text.split()
        )
        assert "Sealed: the server no longer knows who wrote, voted for or answered" in " ".join(
            client.get(f"/b/{anonymous['board_id']}").text.split()
        )
        landing = " ".join(client.get("/").text.split())
        assert "the board keeps those names after the meeting" in landing
