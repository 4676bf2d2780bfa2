"""Saved agendas (server/web/agendas.py, storage/agendas.py): saved from a board by its
facilitator, offered on the landing page, copied into a new board's create_board op."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.testclient import TestClient

from hindsight.board_state import ops as o

from .conftest import board_view, create_board, join, make_client
from .test_incident_log import do, room_of


def _auth(credential: str) -> dict[str, str]:
    return {"authorization": f"Bearer {credential}"}


def _save(client: TestClient, b: dict[str, Any], name: str, **extra: Any) -> Any:
    return client.post(
        f"/api/boards/{b['board_id']}/agenda/save",
        headers=_auth(b["credential"]),
        json={"name": name, **extra},
    )


def _agenda(client: TestClient, b: dict[str, Any]) -> list[tuple[str, str, int, bool]]:
    meta = board_view(client, b["board_id"], b["credential"])["view"]["board"]
    return [(p["kind"], p["title"], p["minutes"], p["private"]) for p in meta["agenda"]]


def _shaped(client: TestClient) -> dict[str, Any]:
    """A board whose facilitator reshaped the agenda: a phase removed, one added, one renamed."""
    b = create_board(client, template="incident-60")
    board_id, fac = b["board_id"], b["participant_id"]
    agenda = room_of(client, board_id).board.agenda
    do(
        client,
        board_id,
        fac,
        o.EditPhase(phase_id=agenda[0].id, title="Why we are here", minutes=3),
    )
    do(client, board_id, fac, o.RemovePhase(phase_id=agenda[-1].id))
    do(
        client,
        board_id,
        fac,
        o.AddPhase(kind="reflection", title="Quiet writing", minutes=7, private=True),
    )
    return b


def test_a_saved_agenda_makes_new_boards_with_the_same_phases(client: TestClient) -> None:
    b = _shaped(client)
    r = _save(client, b, "  Payments   review ")
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "Payments review"
    made = create_board(client, template="saved:payments review")  # any case
    assert _agenda(client, made) == _agenda(client, b)
    assert ("contributing_factors", "Quiet writing", 7, True) not in _agenda(client, made)
    assert ("reflection", "Quiet writing", 7, True) in _agenda(client, made)
    listed = client.get("/api/agendas").json()["agendas"]
    assert [(a["name"], a["minutes"]) for a in listed] == [
        ("Payments review", sum(m for _, _, m, _ in _agenda(client, b)))
    ]


def test_a_taken_name_needs_replace_and_a_later_change_leaves_old_boards_alone(
    client: TestClient,
) -> None:
    b = _shaped(client)
    assert _save(client, b, "Weekly").status_code == 201
    made = create_board(client, template="saved:Weekly")
    before = _agenda(client, made)
    other = create_board(client, template="reflection-4")
    r = _save(client, other, "WEEKLY")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "name_taken")
    assert "'Weekly' is saved already" in r.json()["error"]["message"]
    assert _save(client, other, "WEEKLY", replace=True).status_code == 200
    assert _agenda(client, made) == before  # the board kept its own copy
    assert _agenda(client, create_board(client, template="saved:weekly")) == _agenda(client, other)


def test_only_the_facilitator_saves_and_an_unknown_name_is_refused(client: TestClient) -> None:
    b = create_board(client)
    bob = join(client, b["board_id"], "Bob")
    r = client.post(
        f"/api/boards/{b['board_id']}/agenda/save",
        headers=_auth(bob["credential"]),
        json={"name": "x"},
    )
    assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")
    r = client.post("/api/boards", json={"template": "saved:Nope"})
    assert (r.status_code, r.json()["error"]) == (
        422,
        {"code": "invalid", "message": "no agenda named 'Nope' is saved"},
    )
    assert (
        _save(client, b, "   ").status_code,
        _save(client, b, "   ").json()["error"]["code"],
    ) == (
        422,
        "invalid",
    )


def test_the_landing_page_offers_saved_agendas_and_its_form_uses_them(client: TestClient) -> None:
    b = _shaped(client)
    _save(client, b, "Payments review")
    page = client.get("/").text
    assert '<input type="radio" name="template" value="saved:Payments review">' in page
    assert "Saved: Payments review (" in page
    r = client.post(
        "/boards", data={"title": "x", "template": "saved:Payments review"}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    location = urlsplit(r.headers["location"])
    made = {"board_id": location.path.removeprefix("/b/"), "credential": location.fragment[2:]}
    assert _agenda(client, made) == _agenda(client, b)


def test_saved_agendas_outlive_a_restart_and_only_the_operator_deletes_them(
    tmp_path: Path,
) -> None:
    with make_client(tmp_path, operator_token="op-secret") as client:
        _save(client, _shaped(client), "Kept")
    with make_client(tmp_path, operator_token="op-secret") as client:
        assert [a["name"] for a in client.get("/api/agendas").json()["agendas"]] == ["Kept"]
        assert client.delete("/api/agendas/Kept").status_code == 401
        assert client.delete("/api/agendas/Kept", headers=_auth("wrong")).status_code == 401
        assert client.delete("/api/agendas/Kept", headers=_auth("op-secret")).status_code == 204
        assert client.delete("/api/agendas/Kept", headers=_auth("op-secret")).status_code == 404
        assert client.get("/api/agendas").json()["agendas"] == []
