"""The door: join links that are not board ids, their rotation, the lazy migration of old
boards, per-link join limits and seats the facilitator removes (board_state/door.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from hindsight.board_state import SYSTEM, Board, Entry, apply, encode_board, encode_entry
from hindsight.board_state import ops as o
from hindsight.server.meeting.ids import hash_secret
from hindsight.server.storage.store import BoardRow, CredentialRow, OpRow, Store, WriteBatch
from tests.server.stored import sqlite_only

from .conftest import (
    board_view,
    close_code,
    create_board,
    frames_of,
    hello,
    is_type,
    join,
    make_client,
    op,
    recv_skipping,
    recv_until,
)


def _join(client: TestClient, board_id: str, **body: Any) -> Any:
    return client.post(f"/api/boards/{board_id}/join", json={"name": "Mallory", **body})


def test_a_board_id_read_from_the_log_joins_nothing(client: TestClient) -> None:
    made = create_board(client, title="Payroll breach")
    (row,) = [
        r
        for r in client.get("/api/log").json()["post_mortems"]
        if r["board_id"] == made["board_id"]
    ]
    board_id = row["board_id"]
    for body in (
        {},
        {"token": ""},
        {"token": "x" * 32},
        {"token": board_id},
        {"token": made["observer_token"]},
    ):  # the observer link seats observers only
        r = _join(client, board_id, **body)
        assert r.status_code == 403, (body, r.text)
        assert r.json()["error"]["code"] == "join_link"
        assert "ask the facilitator" in r.json()["error"]["message"]
    page = client.post(f"/b/{board_id}/join", data={"name": "Mallory"}, follow_redirects=False)
    assert page.status_code == 403 and "ask the facilitator" in page.text
    # Nobody was seated: the facilitator is alone on the board.
    assert len(board_view(client, board_id, made["credential"])["view"]["participants"]) == 1
    # The right links do seat people; the participant link may also seat an observer.
    assert _join(client, board_id, token=made["join_token"]).status_code == 201
    assert _join(client, board_id, token=made["join_token"], role="observer").status_code == 201
    assert _join(client, board_id, token=made["observer_token"], role="observer").status_code == 201


def test_the_join_page_of_an_id_only_link_carries_the_ask_the_facilitator_notice(
    client: TestClient,
) -> None:
    made = create_board(client)
    page = client.get(f"/b/{made['board_id']}/join").text
    assert 'id="no-link"' in page and "Ask the facilitator for the current join link" in page
    assert 'name="token"' in page  # join.js fills it from the #t= fragment
    assert made["join_token"] not in page  # the server never puts a token in a page


def test_a_rotated_link_stops_working_at_once_and_seated_people_keep_their_seats(
    client: TestClient,
) -> None:
    made = create_board(client)
    bid, old = made["board_id"], made["join_token"]
    ann = join(client, bid, "Ann")
    with client.websocket_connect("/ws") as f:
        welcome = hello(f, bid, made["credential"])
        assert welcome["snapshot"]["board"]["links"] == {
            "participant": old,
            "observer": made["observer_token"],
        }
        _, event = op(f, {"type": "rotate_link", "cid": "r1", "role": "participant"})
        (meta,) = [c for c in event["changes"] if c["type"] == "board"]
        new = meta["links"]["participant"]
        assert new != old and len(new) >= 32 and meta["links"]["observer"] == made["observer_token"]
    r = _join(client, bid, token=old)
    assert r.status_code == 403 and r.json()["error"]["code"] == "join_link"
    assert _join(client, bid, token=new).status_code == 201
    # Ann joined with the old link and is still seated: her credential opens the board.
    with client.websocket_connect("/ws") as a:
        assert hello(a, bid, ann["credential"])["role"] == "participant"
        view = hello_view = board_view(client, bid, ann["credential"])["view"]
        assert view["board"]["links"] is None, "only the facilitator sees the links"
        assert hello_view["board"]["can"] and "rotate_link" not in view["board"]["can"]


def _old_board(db: Path) -> tuple[str, str, str]:
    """A board as a server before join links wrote it: created, one person joined, no links."""
    board_id, fac, ann, now = (
        "oldboard0000000000000000",
        "fac0000000000000",
        "ann0000000000000",
        1_790_000_000_000,
    )
    board = Board(id=board_id)
    entries = [
        Entry(
            seq=1,
            actor=SYSTEM,
            at=now,
            new_id=fac,
            op=o.CreateBoard(title="Old outage", facilitator_name="Fay"),
        ),
        Entry(seq=2, actor=SYSTEM, at=now + 1, new_id=ann, op=o.Join(name="Ann")),
    ]
    for e in entries:
        apply(board, e.op, actor=e.actor, now=e.at, new_id=e.new_id)
    assert board.links == {}
    store = Store(db)
    store.open()
    store.write_sync(
        WriteBatch(
            boards=(BoardRow(id=board_id, epoch="e0", created_at=now, meta="{}"),),
            credentials=(
                CredentialRow(board_id, fac, hash_secret("fac-secret-" + "x" * 24), "facilitator"),
                CredentialRow(board_id, ann, hash_secret("ann-secret-" + "x" * 24), "participant"),
            ),
            ops=tuple(OpRow(board_id, e.seq, e.actor, "", encode_entry(e)) for e in entries),
        )
    )
    store.close()
    assert encode_board(board)  # the board replays as it was
    return board_id, f"{fac}.fac-secret-{'x' * 24}", f"{ann}.ann-secret-{'x' * 24}"


@sqlite_only("a board from before join links is staged in a file of that version")
def test_a_board_from_before_join_links_gets_them_and_keeps_its_seated_people(
    tmp_path: Path,
) -> None:
    board_id, fac_cred, ann_cred = _old_board(tmp_path / "t.db")
    with make_client(tmp_path) as client:
        # The old id-only link: refused, with the message to ask for the new one.
        r = _join(client, board_id)
        assert r.status_code == 403 and "ask the facilitator" in r.json()["error"]["message"]
        # The facilitator sees the new links; Ann, seated before, keeps her seat.
        links = board_view(client, board_id, fac_cred)["view"]["board"]["links"]
        assert set(links) == {"participant", "observer"} and all(
            len(t) >= 32 for t in links.values()
        )
        ann = board_view(client, board_id, ann_cred)
        assert next(p for p in ann["view"]["participants"] if p["me"])["name"] == "Ann"
        with client.websocket_connect("/ws") as a:
            assert hello(a, board_id, ann_cred)["role"] == "participant"
        assert _join(client, board_id, token=links["participant"]).status_code == 201
    # The links were minted once, in the log: a restart keeps them.
    with make_client(tmp_path) as client:
        assert board_view(client, board_id, fac_cred)["view"]["board"]["links"] == links


def test_joins_through_one_link_are_limited_and_do_not_lock_out_the_other_link(
    tmp_path: Path,
) -> None:
    """A leaked observer link flooded from many addresses (the per-address limit is off here,
    as if each join came from elsewhere) stops at the link's burst; people with the
    participant link still get in."""
    with make_client(tmp_path, link_join_rate=0.01, link_join_burst=5) as client:
        made = create_board(client)
        codes = [
            _join(
                client, made["board_id"], role="observer", token=made["observer_token"]
            ).status_code
            for _ in range(9)
        ]
        assert codes == [201] * 5 + [429] * 4
        r = _join(client, made["board_id"], role="observer", token=made["observer_token"])
        assert r.json()["error"] == {
            "code": "rate_limited",
            "message": "too many people joined with this link in a short time; "
            "try again in a minute",
        }
        real = _join(client, made["board_id"], name="Ann", token=made["join_token"])
        assert real.status_code == 201


def test_the_facilitator_removes_an_unused_seat_and_its_credential_stops_working(
    tmp_path: Path,
) -> None:
    with make_client(tmp_path) as client:
        made = create_board(client)
        bid = made["board_id"]
        ghost, bob = join(client, bid, "Ghost", "observer"), join(client, bid, "Bob")
        with client.websocket_connect("/ws") as f, client.websocket_connect("/ws") as b:
            hello(f, bid, made["credential"])
            hello(b, bid, bob["credential"])
            presence = recv_skipping(f, lambda x: x["type"] == "presence" and x["online"] == 2)
            assert presence["seats_online"] == sorted(
                [made["participant_id"], bob["participant_id"]]
            )
            assert ghost["participant_id"] not in presence["seats_online"]  # a seat nobody uses
            _, event = op(
                f, {"type": "remove_seat", "cid": "x1", "participant_id": ghost["participant_id"]}
            )
            assert {"type": "removed", "kind": "participant", "id": ghost["participant_id"]} in [
                {k: c.get(k) for k in ("type", "kind", "id")} for c in event["changes"]
            ]
            # A connected seat can be removed too: its holder is told and disconnected.
            op(f, {"type": "remove_seat", "cid": "x2", "participant_id": bob["participant_id"]})
            assert close_code(b) == 4001
            assert any(
                fr.get("code") == "unauthorized" and "removed your seat" in fr["message"]
                for fr in frames_of(b)
            )
        for cred in (ghost["credential"], bob["credential"]):
            got = client.get(f"/api/boards/{bid}", headers={"authorization": f"Bearer {cred}"})
            assert got.status_code == 401
        names = [
            p["name"] for p in board_view(client, bid, made["credential"])["view"]["participants"]
        ]
        assert names == ["Fay"]
    with make_client(tmp_path) as client:  # and after a restart
        got = client.get(
            f"/api/boards/{bid}", headers={"authorization": f"Bearer {bob['credential']}"}
        )
        assert got.status_code == 401


def test_removing_the_facilitator_or_an_action_owner_is_refused(client: TestClient) -> None:
    made = create_board(client)
    bid = made["board_id"]
    ann = join(client, bid, "Ann")
    with client.websocket_connect("/ws") as f:
        hello(f, bid, made["credential"])
        op(
            f,
            {
                "type": "add_action",
                "cid": "a1",
                "text": "alert on pool usage",
                "owner_id": ann["participant_id"],
            },
        )
        for target, why in (
            (made["participant_id"], "hand the role over"),
            (ann["participant_id"], "owns an action"),
        ):
            f.send_text(
                json.dumps({"type": "remove_seat", "cid": f"r-{target}", "participant_id": target})
            )
            refused = recv_until(f, is_type("reject", cid=f"r-{target}"))
            assert refused["code"] == "invalid" and why in refused["message"]


def test_after_a_hand_over_the_new_facilitator_is_told_which_seats_are_in_use(
    client: TestClient,
) -> None:
    made = create_board(client)
    bid = made["board_id"]
    ann = join(client, bid, "Ann")
    with client.websocket_connect("/ws") as f, client.websocket_connect("/ws") as a:
        hello(f, bid, made["credential"])
        hello(a, bid, ann["credential"])
        assert recv_skipping(a, lambda x: x["type"] == "presence")["seats_online"] == []
        op(f, {"type": "hand_over", "cid": "h1", "participant_id": ann["participant_id"]})
        presence = recv_skipping(a, lambda x: x["type"] == "presence")
        assert presence["seats_online"] == sorted([made["participant_id"], ann["participant_id"]])
        assert recv_skipping(f, lambda x: x["type"] == "presence")["seats_online"] == []


def test_a_refused_join_form_answers_with_the_join_page_ready_for_the_current_link(
    client: TestClient,
) -> None:
    made = create_board(client)
    page = client.post(
        f"/b/{made['board_id']}/join", data={"name": "Sam", "token": "old"}, follow_redirects=False
    )
    assert page.status_code == 403
    assert 'id="refused"' in page.text and "ask the facilitator" in page.text
    assert 'id="join-form"' in page.text  # join.js shows it once the current link is opened
