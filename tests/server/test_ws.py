"""The websocket protocol end to end, in process: several people on one board, live.

Frame order the tests rely on (see server/room.py): the sender of an accepted op gets its `ack`
and then its own `event`; every other connected viewer gets one `event` per accepted op, with
the same `seq`; `presence` goes to everyone on every join and leave. `recv_until` skips presence
frames and fails on any other frame it was not waiting for, so an extra or missing event fails.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from hindsight.board_state.protocol import Batch, decode_server

from .conftest import (
    AT,
    board_view,
    changes,
    create_board,
    entry,
    frames_of,
    hello,
    is_type,
    join,
    make_client,
    meta_of,
    op,
    recv,
    recv_until,
    send,
)


def test_everyone_sees_each_change_live_with_one_seq_and_mine_only_for_the_author(
    client: TestClient,
) -> None:
    b = create_board(client)
    ann, bob = join(client, b["board_id"], "Ann"), join(client, b["board_id"], "Bob")
    with (
        client.websocket_connect("/ws") as f,
        client.websocket_connect("/ws") as a,
        client.websocket_connect("/ws") as bb,
    ):
        welcomes = [
            hello(f, b["board_id"], b["credential"]),
            hello(a, b["board_id"], ann["credential"]),
            hello(bb, b["board_id"], bob["credential"]),
        ]
        assert [w["role"] for w in welcomes] == ["facilitator", "participant", "participant"]
        assert [w["you"] for w in welcomes] == [
            b["participant_id"],
            ann["participant_id"],
            bob["participant_id"],
        ]
        assert {w["seq"] for w in welcomes} == {5}  # create_board, two join links, two joins

        for n, (author, text) in enumerate(
            [(a, "alert fired"), (bb, "pager acked"), (f, "rollback started")]
        ):
            ack, own = op(author, entry(f"c{n}", text))
            assert ack == {"type": "ack", "cid": f"c{n}", "seq": 6 + n, "duplicate": False}
            (mine,) = changes(own, "timeline")
            assert mine["text"] == text and mine["mine"] is True and mine["at"] == AT
            for other in {f, a, bb} - {author}:
                event = recv_until(other, is_type("event"))
                assert event["seq"] == ack["seq"] and event["at"] == own["at"]
                (theirs,) = changes(event, "timeline")
                assert theirs == {**mine, "mine": False}

        for credential in (b["credential"], ann["credential"], bob["credential"]):
            body = board_view(client, b["board_id"], credential)
            assert body["seq"] == 8
            assert sorted(e["text"] for e in body["view"]["timeline"]) == [
                "alert fired",
                "pager acked",
                "rollback started",
            ]


def test_resent_cid_is_applied_once_and_acked_as_duplicate_with_the_original_seq(
    client: TestClient,
) -> None:
    b = create_board(client)
    ann = join(client, b["board_id"], "Ann")
    with client.websocket_connect("/ws") as f, client.websocket_connect("/ws") as a:
        hello(f, b["board_id"], b["credential"])
        hello(a, b["board_id"], ann["credential"])
        ack, _ = op(a, entry("c1", "alert fired"))
        assert recv_until(f, is_type("event"))["seq"] == ack["seq"]

        send(a, entry("c1", "alert fired"))
        assert recv_until(a, is_type("ack")) == {
            "type": "ack",
            "cid": "c1",
            "seq": ack["seq"],
            "duplicate": True,
        }
        # No event went out for the resend: the next event anyone sees is the next op's.
        ack2, _ = op(f, entry("f1", "rollback"))
        assert ack2["seq"] == ack["seq"] + 1
        assert recv_until(a, is_type("event"))["seq"] == ack2["seq"]

    with client.websocket_connect("/ws") as a:  # the outbox replays after a reconnect
        hello(a, b["board_id"], ann["credential"])
        send(a, entry("c1", "alert fired"))
        assert recv_until(a, is_type("ack")) == {
            "type": "ack",
            "cid": "c1",
            "seq": ack["seq"],
            "duplicate": True,
        }

    body = board_view(client, b["board_id"], ann["credential"])
    assert body["seq"] == ack2["seq"]
    assert sorted(e["text"] for e in body["view"]["timeline"]) == ["alert fired", "rollback"]


def test_the_same_cid_from_two_people_is_two_ops(client: TestClient) -> None:
    b = create_board(client)
    ann = join(client, b["board_id"], "Ann")
    with client.websocket_connect("/ws") as f, client.websocket_connect("/ws") as a:
        hello(f, b["board_id"], b["credential"])
        hello(a, b["board_id"], ann["credential"])
        ack_a, _ = op(a, entry("c1", "from Ann"))
        recv_until(f, is_type("event", seq=ack_a["seq"]))
        ack_f, _ = op(f, entry("c1", "from Fay"))
        assert ack_f["duplicate"] is False and ack_f["seq"] == ack_a["seq"] + 1
    assert len(board_view(client, b["board_id"], ann["credential"])["view"]["timeline"]) == 2


def test_reconnect_with_last_seq_and_epoch_gets_no_snapshot_and_exactly_the_missed_events(
    client: TestClient,
) -> None:
    b = create_board(client)
    ann = join(client, b["board_id"], "Ann")
    with client.websocket_connect("/ws") as f:
        hello(f, b["board_id"], b["credential"])
        with client.websocket_connect("/ws") as a:
            first = hello(a, b["board_id"], ann["credential"])
            assert first["snapshot"] is not None
            ack, _ = op(a, entry("a1", "seen live"))
            recv_until(f, is_type("event", seq=ack["seq"]))
        missed = [op(f, entry(f"f{n}", f"missed {n}"))[0]["seq"] for n in range(2)]
        assert missed == [ack["seq"] + 1, ack["seq"] + 2]

        with client.websocket_connect("/ws") as a:
            send(
                a,
                {
                    "type": "hello",
                    "board": b["board_id"],
                    "credential": ann["credential"],
                    "last_seq": ack["seq"],
                    "epoch": first["epoch"],
                },
            )
            welcome = recv(a)
            assert welcome["type"] == "welcome" and welcome["snapshot"] is None
            assert welcome["seq"] == missed[-1] and welcome["epoch"] == first["epoch"]
            replay = [recv(a), recv(a)]
            assert [e["type"] for e in replay] == ["event", "event"]
            assert [e["seq"] for e in replay] == missed
            assert [changes(e, "timeline")[0]["text"] for e in replay] == ["missed 0", "missed 1"]
            assert all(changes(e, "timeline")[0]["mine"] is False for e in replay)
            # ... and then nothing but the presence that counts Ann in again.
            assert recv(a) == {"type": "presence", "online": 2, "names": [], "seats_online": []}


def test_hello_with_a_wrong_epoch_or_without_last_seq_or_from_the_future_gets_a_snapshot(
    client: TestClient,
) -> None:
    b = create_board(client)
    with client.websocket_connect("/ws") as f:
        first = hello(f, b["board_id"], b["credential"])
        op(f, entry("f1", "alert fired"))
    seq = first["seq"] + 1
    for last_seq, epoch in [(seq, "not-the-epoch"), (0, first["epoch"]), (seq + 5, first["epoch"])]:
        with client.websocket_connect("/ws") as f:
            welcome = hello(f, b["board_id"], b["credential"], last_seq=last_seq, epoch=epoch)
            assert welcome["seq"] == seq and welcome["epoch"] == first["epoch"]
            snapshot = welcome["snapshot"]
            assert snapshot is not None, (last_seq, epoch)
            assert [e["text"] for e in snapshot["timeline"]] == ["alert fired"]
            assert snapshot["board"]["id"] == b["board_id"]
            # No replayed events follow a snapshot: the next frame is the presence.
            assert recv(f)["type"] == "presence"


def _advance_to_reflection(f: Any, others: list[Any]) -> str:
    """Advance the facilitator through the blameless-90 agenda to its private phase."""
    meta: dict[str, Any] = {}
    for n in range(6):
        _, event = op(f, {"type": "advance_phase", "cid": f"adv{n}"})
        meta = meta_of(event)
        for other in others:
            assert recv_until(other, is_type("event", seq=event["seq"]))
    current = next(p for p in meta["agenda"] if p["id"] == meta["current"])
    assert current["kind"] == "reflection" and current["private"] is True
    assert current["title"] == "What went well, what went badly"
    assert current["sections"] == ["went_well", "went_badly"]
    phase_id: str = current["id"]
    return phase_id


def _phase(meta: dict[str, Any], phase_id: str) -> dict[str, Any]:
    return next(p for p in meta["agenda"] if p["id"] == phase_id)


def test_private_writing_reaches_only_its_author_until_the_facilitator_reveals_it(
    client: TestClient,
) -> None:
    secret = "SECRET kill switch worked"
    b = create_board(client)
    ann, bob = join(client, b["board_id"], "Ann"), join(client, b["board_id"], "Bob")
    with (
        client.websocket_connect("/ws") as f,
        client.websocket_connect("/ws") as a,
        client.websocket_connect("/ws") as bb,
    ):
        hello(f, b["board_id"], b["credential"])
        hello(a, b["board_id"], ann["credential"])
        hello(bb, b["board_id"], bob["credential"])
        phase_id = _advance_to_reflection(f, [a, bb])

        ack, own = op(
            a, {"type": "add_sticky", "cid": "s1", "section": "went_well", "text": secret}
        )
        (sticky,) = changes(own, "sticky")
        assert sticky["text"] == secret and sticky["hidden"] is True and sticky["mine"] is True
        assert _phase(meta_of(own), phase_id)["private_count"] == 1
        for other in (f, bb):
            event = recv_until(other, is_type("event", seq=ack["seq"]))
            assert changes(event, "sticky") == []
            assert _phase(meta_of(event), phase_id)["private_count"] == 1

        # Neither what the others were sent, nor what they can fetch, nor a newcomer's
        # snapshot holds the text or the sticky's id.
        for ws in (f, bb):
            wire = json.dumps(frames_of(ws))
            assert secret not in wire and sticky["id"] not in wire
        for credential in (b["credential"], bob["credential"]):
            view = json.dumps(board_view(client, b["board_id"], credential))
            assert secret not in view and sticky["id"] not in view
        observer = join(client, b["board_id"], "Olive", role="observer")
        recv_until(a, is_type("event"))  # the observer's join
        for ws in (f, bb):
            recv_until(ws, is_type("event"))
        with client.websocket_connect("/ws") as o:
            welcome = hello(o, b["board_id"], observer["credential"])
            assert secret not in json.dumps(welcome)
            assert _phase(welcome["snapshot"]["board"], phase_id)["private_count"] == 1
        # Its author still sees it.
        assert secret in json.dumps(board_view(client, b["board_id"], ann["credential"]))

        ack, own = op(f, {"type": "reveal", "cid": "r1", "phase_id": phase_id})
        for ws, event in (
            (f, own),
            (bb, recv_until(bb, is_type("event", seq=ack["seq"]))),
            (a, recv_until(a, is_type("event", seq=ack["seq"]))),
        ):
            (shown,) = changes(event, "sticky")
            assert shown["text"] == secret and shown["hidden"] is False
            assert shown["mine"] is (ws is a) and shown["author"] is None
            phase = _phase(meta_of(event), phase_id)
            assert phase["revealed"] is True and phase["private_count"] == 0
        assert secret in json.dumps(board_view(client, b["board_id"], bob["credential"]))


def test_vote_totals_stay_hidden_until_revealed_and_no_one_learns_who_voted(
    client: TestClient,
) -> None:
    b = create_board(client)
    ann, bob = join(client, b["board_id"], "Ann"), join(client, b["board_id"], "Bob")
    voters = {ann["participant_id"], bob["participant_id"]}
    with (
        client.websocket_connect("/ws") as f,
        client.websocket_connect("/ws") as a,
        client.websocket_connect("/ws") as bb,
    ):
        hello(f, b["board_id"], b["credential"])
        hello(a, b["board_id"], ann["credential"])
        hello(bb, b["board_id"], bob["credential"])
        everyone = (f, a, bb)

        def by(ws: Any, frame: dict[str, Any]) -> dict[str, dict[str, Any]]:
            """Send an accepted op; each connection's event for it."""
            ack, own = op(ws, frame)
            return {
                name: own if other is ws else recv_until(other, is_type("event", seq=ack["seq"]))
                for name, other in zip("fab", everyone)
            }

        items = []
        for n, text in enumerate(["alerts were noisy", "runbook was stale"]):
            event = by(
                f, {"type": "add_sticky", "cid": f"s{n}", "section": "contributing", "text": text}
            )["f"]
            items.append(changes(event, "sticky")[0]["id"])
        opened = by(f, {"type": "open_vote", "cid": "v0", "budget": 3})
        round_id = changes(opened["f"], "round")[0]["id"]

        casts = [(a, "a", items[0]), (a, "a", items[0]), (bb, "b", items[1])]
        for n, (ws, who, item) in enumerate(casts):
            seen = by(
                ws, {"type": "cast_vote", "cid": f"c{n}", "round_id": round_id, "item_id": item}
            )
            for name, event in seen.items():
                (rv,) = changes(event, "round")
                assert rv["totals"] is None and rv["state"] == "open"
                assert rv["dots_cast"] == n + 1
                if name != who:
                    assert ann["participant_id"] not in json.dumps(event)
                    assert bob["participant_id"] not in json.dumps(event)
        view = board_view(client, b["board_id"], b["credential"])["view"]
        assert view["rounds"][0]["totals"] is None and view["rounds"][0]["voters"] == 2

        revealed = by(f, {"type": "reveal_vote", "cid": "rv", "round_id": round_id})
        mine = {"f": {}, "a": {items[0]: 2}, "b": {items[1]: 1}}
        for name, event in revealed.items():
            (rv,) = changes(event, "round")
            assert rv["state"] == "revealed"
            assert rv["totals"] == {items[0]: 2, items[1]: 1}
            assert rv["mine"] == mine[name]

        for ws in everyone:
            for frame in frames_of(ws):
                for view in frame.get("changes", []):
                    if view["type"] == "round":
                        assert all(pid not in json.dumps(view) for pid in voters), view


def test_presence_counts_people_not_connections_and_names_no_one_on_an_anonymous_board(
    client: TestClient,
) -> None:
    b = create_board(client)
    ann = join(client, b["board_id"], "Ann")
    fay, ann_id = b["participant_id"], ann["participant_id"]

    def seen(online: int, seats: list[str]) -> dict[str, object]:
        return {"type": "presence", "online": online, "names": [], "seats_online": seats}

    with client.websocket_connect("/ws") as f:
        hello(f, b["board_id"], b["credential"])
        assert recv(f) == seen(1, [fay])  # only the facilitator's copy lists the seats in use
        with client.websocket_connect("/ws") as a1:
            hello(a1, b["board_id"], ann["credential"])
            assert recv(a1) == seen(2, [])
            assert recv(f) == seen(2, sorted([fay, ann_id]))
            with client.websocket_connect("/ws") as a2:  # Ann's second tab
                hello(a2, b["board_id"], ann["credential"])
                for ws in (a2, a1):
                    assert recv(ws) == seen(2, [])
                assert recv(f) == seen(2, sorted([fay, ann_id]))
            assert recv(a1) == seen(2, [])  # the second tab closed: Ann is still here
            assert recv(f) == seen(2, sorted([fay, ann_id]))
        assert recv(f) == seen(1, [fay])


def test_presence_names_people_on_a_named_board(client: TestClient) -> None:
    b = create_board(client, anonymity="named", facilitator_name="Fay")
    ann = join(client, b["board_id"], "Ann")
    fay = b["participant_id"]
    with client.websocket_connect("/ws") as f:
        hello(f, b["board_id"], b["credential"])
        assert recv(f) == {"type": "presence", "online": 1, "names": ["Fay"], "seats_online": [fay]}
        with client.websocket_connect("/ws") as a:
            hello(a, b["board_id"], ann["credential"])
            assert recv(a) == {
                "type": "presence",
                "online": 2,
                "names": ["Ann", "Fay"],
                "seats_online": [],
            }
            assert recv(f) == {
                "type": "presence",
                "online": 2,
                "names": ["Ann", "Fay"],
                "seats_online": sorted([fay, ann["participant_id"]]),
            }
        assert recv(f) == {"type": "presence", "online": 1, "names": ["Fay"], "seats_online": [fay]}


def test_a_new_boards_facilitator_drives_phases_and_the_timer_and_everyone_gets_the_meta(
    client: TestClient,
) -> None:
    b = create_board(client)
    ann = join(client, b["board_id"], "Ann")
    with client.websocket_connect("/ws") as f, client.websocket_connect("/ws") as a:
        welcome = hello(f, b["board_id"], b["credential"])
        assert welcome["snapshot"]["board"]["current"] is None  # the lobby
        hello(a, b["board_id"], ann["credential"])

        def drive(frame: dict[str, Any]) -> dict[str, Any]:
            ack, own = op(f, frame)
            theirs = recv_until(a, is_type("event", seq=ack["seq"]))
            # Everyone gets the same meta, except the list of ops each may send and the
            # facilitator's join links and named readers.
            mine_only = {"can": None, "links": None, "readers": None}
            assert {**meta_of(theirs), **mine_only} == {**meta_of(own), **mine_only}
            assert meta_of(theirs)["links"] is None and set(meta_of(own)["links"]) == {
                "participant",
                "observer",
            }
            assert "advance_phase" in meta_of(own)["can"]
            assert "advance_phase" not in meta_of(theirs)["can"]
            return meta_of(own)

        meta = drive({"type": "advance_phase", "cid": "a1"})
        first = meta["agenda"][0]
        assert meta["current"] == first["id"] and first["visited"] is True
        assert first["running_since"] is not None
        assert first["deadline"] == first["running_since"] + first["minutes"] * 60_000

        meta = drive({"type": "pause_timer", "cid": "t1"})
        first = meta["agenda"][0]
        assert first["running_since"] is None and first["deadline"] is None

        meta = drive({"type": "extend_timer", "cid": "t2", "minutes": 5})
        first = meta["agenda"][0]
        assert first["extended_ms"] == 300_000 and first["extensions"] == 1
        assert first["deadline"] is None  # still paused

        meta = drive({"type": "start_timer", "cid": "t3"})
        first = meta["agenda"][0]
        assert first["running_since"] is not None
        assert first["deadline"] == (
            first["running_since"] + (first["minutes"] + 5) * 60_000 - first["elapsed_ms"]
        )

        meta = drive({"type": "advance_phase", "cid": "a2", "start_timer": False})
        assert meta["current"] == meta["agenda"][1]["id"]
        assert meta["agenda"][0]["running_since"] is None  # leaving a phase stops its timer
        assert meta["agenda"][1]["running_since"] is None

        meta = drive({"type": "go_back", "cid": "a3"})
        assert meta["current"] == meta["agenda"][0]["id"]
        assert meta["agenda"][0]["extended_ms"] == 300_000  # returning keeps its timebox

    seen_by_ann = board_view(client, b["board_id"], ann["credential"])["view"]["board"]
    mine_only = {"can": None, "links": None, "readers": None}
    assert {**seen_by_ann, **mine_only} == {**meta, **mine_only}


def test_events_survive_a_restart_of_the_app(tmp_path: Path) -> None:
    """Acknowledged ops are durable: a new app on the same file shows them and resumes seq."""
    with make_client(tmp_path) as client:
        b = create_board(client)
        with client.websocket_connect("/ws") as f:
            hello(f, b["board_id"], b["credential"])
            ack, _ = op(f, entry("f1", "alert fired"))
    with make_client(tmp_path) as client:
        body = board_view(client, b["board_id"], b["credential"])
        assert body["seq"] == ack["seq"]
        assert [e["text"] for e in body["view"]["timeline"]] == ["alert fired"]
        with client.websocket_connect("/ws") as f:
            hello(f, b["board_id"], b["credential"])
            send(f, entry("f1", "alert fired"))  # still recognised as a resend
            assert recv_until(f, is_type("ack"))["duplicate"] is True
            assert op(f, entry("f2", "next"))[0]["seq"] == ack["seq"] + 1


def test_a_client_that_asks_for_batches_gets_its_ack_and_event_in_one_frame_and_others_do_not(
    client: TestClient,
) -> None:
    """`batch: true` in the hello: what is queued together goes out as one `batch` frame, in
    order, holding the very messages a client without it gets one frame each."""
    b = create_board(client)
    ann = join(client, b["board_id"], "Ann")
    with client.websocket_connect("/ws") as f, client.websocket_connect("/ws") as a:
        hello(f, b["board_id"], b["credential"])
        send(
            a,
            {
                "type": "hello",
                "board": b["board_id"],
                "credential": ann["credential"],
                "batch": True,
            },
        )
        first = recv(a)
        # The welcome may come alone or batched with the presence that follows it.
        opening = first["messages"] if first["type"] == "batch" else [first]
        assert opening[0]["type"] == "welcome"
        assert all(m["type"] in ("welcome", "presence") for m in opening)

        send(a, entry("c1", "alert fired"))
        frame = recv_until(a, is_type("batch"))
        ack, own = frame["messages"]
        assert ack == {"type": "ack", "cid": "c1", "seq": ack["seq"], "duplicate": False}
        assert own["type"] == "event" and own["seq"] == ack["seq"]
        assert decode_server(json.dumps(frame)) == Batch(
            messages=[decode_server(json.dumps(ack)), decode_server(json.dumps(own))]
        )

        # The facilitator did not ask: one message a frame, the same event apart from `mine`.
        event = recv_until(f, is_type("event"))
        assert event["seq"] == ack["seq"]
        (theirs,) = changes(event, "timeline")
        assert theirs == {**changes(own, "timeline")[0], "mine": False}
        send(f, entry("c2", "pager acked"))
        assert recv_until(f, is_type("ack"))["cid"] == "c2"
        assert recv(f)["type"] == "event"
