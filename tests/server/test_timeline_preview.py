"""The timeline file preview (server/web/timeline_preview.py): the CLI's parsers over HTTP, every
problem named, nothing added; who may preview is who may import now."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from hindsight.board_state.importers import parse_log_lines, parse_tz

from .conftest import board_view, create_board, join

LOG = "09:12 Alert fired\n09:15 - Rollback started\n  (took 4 minutes)\nno time here\n09:40 Back\n"


def _preview(client: TestClient, board_id: str, credential: str, **body: Any) -> Any:
    return client.post(
        f"/api/boards/{board_id}/timeline/preview",
        headers={"authorization": f"Bearer {credential}"},
        json=body,
    )


def test_a_good_file_previews_the_entries_the_cli_would_import(client: TestClient) -> None:
    b = create_board(client)
    text = "2026-08-14 09:12 Alert fired\n2026-08-14 09:15 | Rollback\n  took 4 minutes\n"
    r = _preview(client, b["board_id"], b["credential"], format="log", text=text, tz="+02:00")
    assert r.status_code == 200, r.text
    expected = parse_log_lines(text, tz=parse_tz("+02:00"))
    assert r.json() == {
        "entries": [{"at": i.at, "text": i.text, "kind": i.kind} for i in expected],
        "problems": [],
    }
    assert r.json()["entries"][0]["at"] == "2026-08-14T07:12:00Z"
    # Nothing was added: a preview is only that.
    assert board_view(client, b["board_id"], b["credential"])["view"]["timeline"] == []


def test_a_bad_file_names_every_bad_line_and_offers_nothing(client: TestClient) -> None:
    b = create_board(client)
    r = _preview(client, b["board_id"], b["credential"], format="log", text=LOG, date="2026-08-14")
    assert r.status_code == 200, r.text
    assert r.json()["entries"] == []
    assert r.json()["problems"] == [
        "line 4: does not start with a time such as 2026-08-14T09:12:00Z, 2026-08-14 09:12 or 09:12"
    ]


def test_bad_requests_are_refused_naming_the_problem(client: TestClient) -> None:
    b = create_board(client)
    board, cred = b["board_id"], b["credential"]
    r = _preview(client, board, cred, format="xml", text="x")
    assert (r.status_code, r.json()["error"]["code"]) == (422, "bad_message")
    r = _preview(client, board, cred, format="log", text=LOG, tz="Mars/Olympus")
    assert r.json()["error"]["message"].startswith("date/tz: ")
    r = _preview(client, board, cred, format="csv", text="a,b", keep_authors=True)
    assert r.json()["error"]["message"] == "keep_authors applies to chat exports only"
    r = _preview(client, board, "nobody.secret", format="log", text=LOG)
    assert r.status_code == 401


def test_observers_may_not_preview_an_import(client: TestClient) -> None:
    b = create_board(client)
    olga = join(client, b["board_id"], "Olga", role="observer")
    r = _preview(client, b["board_id"], olga["credential"], format="log", text=LOG)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")
