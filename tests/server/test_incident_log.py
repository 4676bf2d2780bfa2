"""The incident log: rows derived from each board's public view, full-text search, filters, CSV
and tag editing, over a real SQLite file through the real app.

Boards are made through the JSON API and then changed through their Room (`submit_as`, the
same path an HTTP endpoint takes), run on the TestClient's event loop via its portal.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from starlette.testclient import TestClient

from hindsight.board_state import Rejected
from hindsight.board_state import ops as o
from hindsight.server.meeting.hub import Hub
from hindsight.server.meeting.room import Room
from hindsight.server.storage.schema import migrations
from hindsight.server.storage.store import Store, WriteBatch, fts_query
from tests.pgserver import on_postgres
from tests.server.stored import sqlite_only, stored

from .conftest import create_board, join, make_client


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as c:
        c.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        yield c


# --- helpers (the actions tests use them too) ---------------------------------------------------


def room_of(client: TestClient, board_id: str) -> Room:
    room = client.portal.call(client.app.state.hub.room, board_id)  # type: ignore[attr-defined]
    assert room is not None
    return room


def do(client: TestClient, board_id: str, actor: str, op: o.Op) -> int:
    """Apply an op as `actor` through the board's room; its seq (or Rejected)."""
    seq: int = client.portal.call(room_of(client, board_id).submit_as, actor, op).seq
    return seq


def commit_action(client: TestClient, board_id: str, actor: str, add: o.AddAction) -> str:
    """Add an action and select it, as the facilitator does when the meeting commits to it
    (only selected actions reach the log); its id."""
    do(client, board_id, actor, add)
    action_id = room_of(client, board_id).board.action_order[-1]
    facilitator = room_of(client, board_id).board.facilitator
    do(client, board_id, facilitator, o.SelectAction(action_id=action_id))
    return action_id


def new_board(
    client: TestClient,
    title: str,
    *,
    severity: str = "sev2",
    started: str = "",
    tags: tuple[str, ...] = (),
    anonymity: str = "anonymous",
    template: str = "blameless-90",
) -> dict[str, Any]:
    """A board with a header; the body of POST /api/boards (board_id, participant_id, ...)."""
    b = create_board(client, title=title, severity=severity, anonymity=anonymity, template=template)
    if started:
        do(client, b["board_id"], b["participant_id"], o.EditHeader(started_at=started))
    if tags:
        do(client, b["board_id"], b["participant_id"], o.SetTags(tags=list(tags)))
    return b


def api_log(client: TestClient, **params: str) -> list[dict[str, Any]]:
    r = client.get("/api/log", params=params)
    assert r.status_code == 200, r.text
    entries: list[dict[str, Any]] = r.json()["post_mortems"]
    return entries


def titles(client: TestClient, **params: str) -> list[str]:
    return [e["title"] for e in api_log(client, **params)]


def phase_id(client: TestClient, board_id: str, kind: str) -> str:
    return next(p.id for p in room_of(client, board_id).board.agenda if p.kind == kind)


# --- search ---------------------------------------------------------------------------------


def test_search_finds_a_board_by_a_word_only_in_its_timeline(client: TestClient) -> None:
    a = new_board(client, "Checkout errors")
    new_board(client, "Slow dashboards")
    do(
        client,
        a["board_id"],
        a["participant_id"],
        o.AddTimelineEntry(at="2026-08-14T09:12:00Z", text="Resolver cache stampede begins"),
    )

    assert titles(client, q="stampede") == ["Checkout errors"]
    assert titles(client, q="STAMPEDE resolver") == ["Checkout errors"]  # words are ANDed
    assert titles(client, q="stamp*") == ["Checkout errors"]  # prefix search
    assert titles(client, q="giraffe") == []
    assert titles(client, q="stampede giraffe") == []
    assert sorted(titles(client)) == ["Checkout errors", "Slow dashboards"]


def test_search_looks_through_causes_contributing_notes_and_actions(client: TestClient) -> None:
    b = new_board(client, "Queue backlog")
    bid, fac = b["board_id"], b["participant_id"]
    do(client, bid, fac, o.AddChain(problem="Consumers stalled overnight"))
    chain_id = next(iter(room_of(client, bid).board.chains))
    do(client, bid, fac, o.AddWhy(chain_id=chain_id, why="Why stalled?", answer="Heartbeat lapsed"))
    do(client, bid, fac, o.MarkRootCause(chain_id=chain_id, cause="No backpressure on ingestion"))
    do(
        client,
        bid,
        fac,
        o.AddSticky(section="contributing", text="Runbook was stale", category="knowledge"),
    )
    commit_action(client, bid, fac, o.AddAction(text="Add a lag alert on the consumer group"))
    for word in ("overnight", "heartbeat", "backpressure", "runbook", "lag"):
        assert titles(client, q=word) == ["Queue backlog"], word
    (entry,) = api_log(client)
    assert entry["root_cause"] == "No backpressure on ingestion"
    assert entry["categories"] == ["knowledge"]


def test_search_looks_through_what_went_well_and_badly_lessons_and_parked_questions(
    client: TestClient,
) -> None:
    b = new_board(client, "Queue backlog", template="reflection-4")
    bid, fac = b["board_id"], b["participant_id"]
    do(client, bid, fac, o.AddSticky(section="went_well", text="Failover to the quokka region"))
    do(client, bid, fac, o.AddSticky(section="went_badly", text="Pager storm of wombat alerts"))
    do(client, bid, fac, o.AddSticky(section="lessons", text="Numbat dashboards lie at night"))
    do(client, bid, fac, o.ParkQuestion(text="Who owns the axolotl cluster?"))
    new_board(client, "Unrelated")
    for word in ("quokka", "wombat", "numbat", "axolotl"):
        assert titles(client, q=word) == ["Queue backlog"], word


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "AND (",
        "NEAR(",
        "title:x",
        "*",
        "-",
        '"unbalanced',
        "a OR",
        "^",
        "((",
        "'; DROP TABLE log; --",
    ],
)
def test_search_text_is_never_parsed_as_fts_syntax(client: TestClient, q: str) -> None:
    new_board(client, "Disk full")
    r = client.get("/api/log", params={"q": q})
    assert r.status_code == 200, r.text
    assert client.get("/log", params={"q": q}).status_code == 200
    assert client.get("/api/log.csv", params={"q": q}).status_code == 200


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('dns "AND" (x') == '"dns" """AND""" "(x"'
    assert fts_query("time*") == '"time"*'
    assert fts_query('" ( ) *') == ""  # no letters or digits: no search at all


# --- filters and order --------------------------------------------------------------------------


@pytest.fixture
def four_boards(client: TestClient) -> TestClient:
    specs = [
        ("B1", "sev1", "2026-03-10T09:00:00Z", ("dns",), "monitoring"),
        ("B2", "sev1", "2026-05-01T09:00:00Z", ("dns",), "testing"),
        ("B3", "sev2", "2026-03-12T09:00:00Z", ("dns",), "monitoring"),
        ("B4", "sev1", "2026-03-15T09:00:00Z", ("db",), "monitoring"),
    ]
    for title, sev, started, tags, category in specs:
        b = new_board(client, title, severity=sev, started=started, tags=tags)
        do(
            client,
            b["board_id"],
            b["participant_id"],
            o.AddSticky(section="contributing", text="common words here", category=category),
        )
    return client


def test_the_log_is_newest_incident_first(four_boards: TestClient) -> None:
    entries = api_log(four_boards)
    assert [e["title"] for e in entries] == ["B2", "B4", "B3", "B1"]
    assert [e["date"] for e in entries] == ["2026-05-01", "2026-03-15", "2026-03-12", "2026-03-10"]


def test_filters_combine_and_each_one_narrows(four_boards: TestClient) -> None:
    c = four_boards
    assert titles(c, severity="sev1") == ["B2", "B4", "B1"]
    assert titles(c, severity="sev1", tag="dns") == ["B2", "B1"]
    assert titles(c, severity="sev1", tag="DNS", category="monitoring") == ["B1"]
    assert titles(c, severity="sev1", tag="dns", **{"from": "2026-04-01"}) == ["B2"]
    assert titles(c, severity="sev1", tag="dns", **{"to": "2026-03-31"}) == ["B1"]
    assert titles(c, **{"from": "2026-03-11", "to": "2026-03-15"}) == ["B4", "B3"]
    assert titles(c, q="common", category="testing") == ["B2"]
    assert titles(c, q="common", severity="sev2", tag="db") == []
    # The HTML page runs the same search.
    page = c.get("/log", params={"severity": "sev1", "tag": "dns", "category": "monitoring"})
    assert page.status_code == 200
    assert ">B1</a>" in page.text and ">B2</a>" not in page.text and ">B4</a>" not in page.text


@pytest.mark.parametrize(
    "params",
    [
        {"severity": "sev9"},
        {"category": "blame"},
        {"from": "yesterday"},
        {"to": "2026-02-30"},
        {"from": "20260814"},
        {"to": "2026W335"},
        {"q": "x" * 501},
    ],
)
def test_a_filter_that_makes_no_sense_is_refused_clearly(
    client: TestClient, params: dict[str, str]
) -> None:
    r = client.get("/api/log", params=params)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"
    assert client.get("/api/log.csv", params=params).status_code == 422
    page = client.get("/log", params=params)
    assert page.status_code == 422 and "That search could not run" in page.text


# --- the row ------------------------------------------------------------------------------------


def test_a_row_has_the_post_mortems_facts(client: TestClient) -> None:
    b = new_board(
        client,
        "Payments timeout",
        severity="sev1",
        started="2026-08-14T09:12:00+02:00",
        tags=("Payments", "gateway", "payments"),
    )
    bid, fac = b["board_id"], b["participant_id"]
    do(client, bid, fac, o.EditHeader(learning_question="Why did detection take 40 minutes?"))
    commit_action(
        client, bid, fac, o.AddAction(text="Alert on error rate", owner_id=fac, due="2000-01-01")
    )
    (e,) = api_log(client)
    assert e["date"] == "2026-08-14" and e["severity"] == "sev1" and e["status"] == "open"
    assert e["tags"] == ["payments", "gateway"]
    assert e["learning_question"] == "Why did detection take 40 minutes?"
    (a,) = e["actions"]
    assert a["owner"] == "Fay" and a["due"] == "2000-01-01" and a["overdue"] is True
    assert e["completion"]["total"] == 1 and e["completion"]["overdue"] == 1
    do(client, bid, fac, o.CloseMeeting())
    assert api_log(client)[0]["status"] == "closed"


def test_a_board_without_an_incident_time_is_dated_by_its_creation(client: TestClient) -> None:
    new_board(client, "Undated")
    (e,) = api_log(client)
    created = room_of(client, e["board_id"]).board.created_at
    assert e["date"] == dt.datetime.fromtimestamp(created / 1000, dt.UTC).date().isoformat()


def test_a_board_without_an_incident_time_is_dated_by_its_earliest_timeline_entry(
    client: TestClient,
) -> None:
    b = new_board(client, "Dated by its timeline")
    for at in ("2026-05-02T01:00Z", "2026-04-30T22:00Z"):
        do(client, b["board_id"], b["participant_id"], o.AddTimelineEntry(at=at, text="seen"))
    (e,) = api_log(client)
    assert e["date"] == "2026-04-30"  # as the write-up dates it
    assert client.get(f"/api/boards/{b['board_id']}/writeup").json()["date"] == "2026-04-30"


# --- privacy ------------------------------------------------------------------------------------


def _everything(client: TestClient) -> str:
    return "\n".join(
        client.get(path).text
        for path in ("/log", "/api/log", "/api/log.csv", "/actions", "/api/actions")
    )


def test_unrevealed_private_writing_never_reaches_the_log(client: TestClient) -> None:
    b = new_board(client, "Cache outage")
    bid, fac = b["board_id"], b["participant_id"]
    alice = join(client, bid, "Alice")
    reflection = phase_id(client, bid, "reflection")
    do(client, bid, fac, o.GoToPhase(phase_id=reflection))
    do(
        client,
        bid,
        alice["participant_id"],
        o.AddSticky(section="went_badly", text="Platypus dashboards misled us"),
    )
    # The facilitator may file a contributing factor in any phase; written here, it is private.
    do(
        client,
        bid,
        fac,
        o.AddSticky(section="contributing", text="Okapi runbook was missing", category="knowledge"),
    )
    assert titles(client, q="okapi") == []
    assert titles(client, q="platypus") == []
    assert titles(client, category="knowledge") == []
    assert "kapi" not in _everything(client) and "latypus" not in _everything(client)
    assert api_log(client)[0]["categories"] == []
    # Once revealed it is the board's, and the log may show it.
    do(client, bid, fac, o.Reveal(phase_id=reflection))
    assert titles(client, q="okapi") == ["Cache outage"]
    assert titles(client, q="platypus") == ["Cache outage"]  # what went badly is searched too
    assert titles(client, category="knowledge") == ["Cache outage"]


def test_an_anonymous_boards_log_names_no_author_but_names_owners(client: TestClient) -> None:
    b = new_board(client, "Login loop", anonymity="anonymous")
    bid, fac = b["board_id"], b["participant_id"]
    alice = join(client, bid, "Alicia Writer")
    bob = join(client, bid, "Bobby Owner")
    do(
        client,
        bid,
        alice["participant_id"],
        o.AddTimelineEntry(at="2026-08-14T09:12:00Z", text="Tokens expired early"),
    )
    do(client, bid, fac, o.AddSticky(section="contributing", text="Clock skew", category="tooling"))
    commit_action(
        client,
        bid,
        fac,
        o.AddAction(text="Sync clocks", owner_id=bob["participant_id"], due="2026-09-01"),
    )
    pages = _everything(client)
    assert "Alicia Writer" not in pages and "Fay" not in pages
    assert "Bobby Owner" in pages
    assert titles(client, q="tokens expired") == ["Login loop"]


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_has_a_header_and_one_quoted_row_per_post_mortem(four_boards: TestClient) -> None:
    c = four_boards
    b = new_board(c, 'Checkout, "payments" down', severity="sev1", started="2026-06-01T00:00:00Z")
    do(c, b["board_id"], b["participant_id"], o.EditHeader(learning_question="=HYPERLINK(1)"))
    r = c.get("/api/log.csv")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][:4] == ["date", "title", "severity", "status"]
    assert [row[1] for row in rows[1:]] == ['Checkout, "payments" down', "B2", "B4", "B3", "B1"]
    assert rows[1][4] == "'=HYPERLINK(1)"  # a spreadsheet reads it as text, not a formula
    assert rows[1][-1].endswith(f"/b/{b['board_id']}")
    filtered = list(csv.reader(io.StringIO(c.get("/api/log.csv", params={"tag": "db"}).text)))
    assert [row[1] for row in filtered] == ["title", "B4"]


# --- tags ---------------------------------------------------------------------------------------


def test_tags_are_set_by_the_facilitator_only_also_after_closing(client: TestClient) -> None:
    b = new_board(client, "Tagged")
    bid, fac_cred = b["board_id"], b["credential"]
    alice = join(client, bid, "Alice")
    url = f"/api/boards/{bid}/tags"

    r = client.post(
        url,
        json={"tags": ["DNS", " Database ", "dns"]},
        headers={"authorization": f"Bearer {fac_cred}"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["tags"] == ["dns", "database"]
    assert titles(client, tag="database") == ["Tagged"]

    r = client.post(
        url, json={"tags": ["vandal"]}, headers={"authorization": f"Bearer {alice['credential']}"}
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert api_log(client)[0]["tags"] == ["dns", "database"]

    assert client.post(url, json={"tags": ["x"]}).status_code == 401
    assert (
        client.post(
            url, json={"tags": ["x"]}, headers={"authorization": f"Bearer {fac_cred}x"}
        ).status_code
        == 401
    )
    assert (
        client.post(
            url, json={"tags": "dns"}, headers={"authorization": f"Bearer {fac_cred}"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/api/boards/nope/tags",
            json={"tags": []},
            headers={"authorization": f"Bearer {fac_cred}"},
        ).status_code
        == 404
    )

    do(client, bid, b["participant_id"], o.CloseMeeting())
    r = client.post(
        url, json={"tags": ["postmortem-done"]}, headers={"authorization": f"Bearer {fac_cred}"}
    )
    assert r.status_code == 200 and r.json()["tags"] == ["postmortem-done"]
    assert titles(client, tag="postmortem-done") == ["Tagged"]


def test_the_log_page_offers_tag_editing_only_through_its_script(client: TestClient) -> None:
    new_board(client, "Page", tags=("edge",))
    page = client.get("/log")
    assert page.status_code == 200
    assert '<script type="module" src="/static/log.js"></script>' in page.text
    assert "data-tag-editor" in page.text and 'href="/log?tag=edge"' in page.text
    assert client.get("/static/log.js").status_code == 200
    assert client.get("/static/log.css").status_code == 200


# --- keeping it fresh ---------------------------------------------------------------------------


def test_a_missing_or_stale_row_is_rebuilt_before_the_log_is_read(
    client: TestClient, tmp_path: Path
) -> None:
    b = new_board(client, "Old board")
    # As if the board predated the log, or a crash ate the debounced refresh.
    stored(tmp_path, "DELETE FROM log")
    if not on_postgres():  # PostgreSQL's search text is a column of the row
        stored(tmp_path, "DELETE FROM log_fts")
    client.app.state.hub.log_delay = 3600  # type: ignore[attr-defined]  # no debounce help
    do(
        client,
        b["board_id"],
        b["participant_id"],
        o.AddTimelineEntry(at="2026-08-14T09:00:00Z", text="Wombat"),
    )
    assert titles(client, q="wombat") == ["Old board"]


def test_commits_refresh_the_row_after_the_debounce(tmp_path: Path) -> None:
    """Without anyone reading the log, the hub rewrites a board's row after its commits."""

    async def run() -> None:
        store = Store(tmp_path / "hub.db")
        store.open()
        hub = Hub(store, log_delay=0)
        board_id, fac, _ = await hub.create_board(o.CreateBoard(title="Fresh"))
        assert [r.title for r in store.log_rows()] == ["Fresh"]  # written with the board
        room = await hub.room(board_id)
        assert room is not None
        receipt = await room.submit_as(
            fac, o.AddTimelineEntry(at="2026-08-14T09:00:00Z", text="Quokka")
        )
        seq = receipt.seq
        deadline = asyncio.get_running_loop().time() + 5
        while store.log_rows()[0].seq < seq:
            assert asyncio.get_running_loop().time() < deadline, "no refresh"
            await asyncio.sleep(0.01)
        assert [r.title for r in store.search_log("quokka")] == ["Fresh"]
        await hub.close()
        store.close()

    asyncio.run(run())


def test_a_failing_hook_never_breaks_the_room(tmp_path: Path) -> None:
    async def run() -> None:
        store = Store(tmp_path / "hook.db")
        store.open()
        hub = Hub(store)
        board_id, fac, _ = await hub.create_board(o.CreateBoard(title="Hooked"))
        room = await hub.room(board_id)
        assert room is not None

        def broken(_: Room) -> None:
            raise RuntimeError("log is down")

        room.after_commit = broken
        first = await room.submit_as(fac, o.SetTags(tags=["a"]))
        second = await room.submit_as(fac, o.SetTags(tags=["b"]))
        assert second.seq == first.seq + 1 and not room.closed
        with pytest.raises(Rejected):
            await room.submit_as("nobody", o.SetTags(tags=["c"]))
        await hub.close()
        store.close()

    asyncio.run(run())


def test_an_older_row_never_replaces_a_newer_one(tmp_path: Path) -> None:
    async def run() -> None:
        store = Store(tmp_path / "order.db")
        store.open()
        hub = Hub(store, log_delay=3600)
        board_id, fac, _ = await hub.create_board(o.CreateBoard(title="Ordered"))
        room = await hub.room(board_id)
        assert room is not None
        await room.submit_as(fac, o.EditHeader(title="Renamed"))
        newer = await hub.refresh_log(board_id)
        assert newer is not None and newer.title == "Renamed"
        await store.write(WriteBatch(log_rows=(replace(newer, seq=1, title="Ordered"),)))
        assert [r.title for r in store.log_rows()] == ["Renamed"]
        await hub.close()
        store.close()

    asyncio.run(run())


@sqlite_only("m002 runs on a SQLite file of the version before the log")
def test_upgrading_a_database_from_before_the_log_lists_its_boards(tmp_path: Path) -> None:
    """m002 on a file that has boards already: they are listed on the first read."""
    path = tmp_path / "t.db"
    with sqlite3.connect(path) as conn:
        migrations.apply(Database(conn), stop_before="m002_incident_log")
    old = Store(path)
    old.open()  # runs m002 on the old file

    async def make() -> str:
        hub = Hub(old)
        board_id, fac, _ = await hub.create_board(o.CreateBoard(title="From before"))
        room = await hub.room(board_id)
        assert room is not None
        await room.submit_as(fac, o.AddTimelineEntry(at="2026-01-02T03:04:05Z", text="Narwhal"))
        await hub.close()
        return board_id

    board_id = asyncio.run(make())
    with sqlite3.connect(path) as db:  # as the previous version left it: no log rows
        db.execute("DELETE FROM log")
    old.close()
    with make_client(tmp_path) as client:
        assert titles(client, q="narwhal") == ["From before"]
        assert api_log(client)[0]["board_id"] == board_id
