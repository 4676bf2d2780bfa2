"""The HTTP surface: the JSON API, the landing form, the pages, health checks and headers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from .conftest import TEMPLATES, board_view, create_board, join, secret_of

needs_page = {
    name: pytest.mark.skipif(
        not (TEMPLATES / name).exists(), reason=f"server/templates/{name} not written yet"
    )
    for name in ("landing.html", "board.html", "join.html")
}


def assert_security_headers(r: Any) -> None:
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"


# --- the API ---------------------------------------------------------------------------------


def test_create_board_answers_201_with_the_credential_and_the_links(client: TestClient) -> None:
    r = client.post(
        "/api/boards",
        json={
            "title": "DNS outage",
            "severity": "sev1",
            "template": "incident-60",
            "facilitator_name": "Fay",
        },
    )
    assert r.status_code == 201
    b = r.json()
    bid, cred = b["board_id"], b["credential"]
    assert len(bid) >= 16 and cred.startswith(b["participant_id"] + ".")
    assert len(secret_of(cred)) >= 32
    assert b["facilitator_url"] == f"/b/{bid}#k={cred}"
    # Join links carry their own tokens (in the fragment), not the board id alone.
    assert b["join_url"] == f"/b/{bid}/join#t={b['join_token']}"
    assert b["observer_url"] == f"/b/{bid}/join?role=observer#t={b['observer_token']}"
    assert len(b["join_token"]) >= 32 and b["join_token"] != b["observer_token"]
    for link in ("join_url", "observer_url"):
        assert secret_of(cred) not in b[link]

    body = board_view(client, bid, cred)
    assert body["you"] == b["participant_id"] and body["seq"] == 3  # made, and its two links
    meta = body["view"]["board"]
    assert meta["header"]["title"] == "DNS outage" and meta["header"]["severity"] == "sev1"
    assert meta["template"] == "incident-60" and meta["facilitator"] == b["participant_id"]
    assert [p["name"] for p in body["view"]["participants"]] == ["Fay"]


def test_every_board_gets_its_own_unguessable_id_and_credential(client: TestClient) -> None:
    boards = [create_board(client) for _ in range(3)]
    assert len({b["board_id"] for b in boards}) == 3
    assert len({b["credential"] for b in boards}) == 3


def test_create_board_with_an_empty_body_uses_the_defaults(client: TestClient) -> None:
    r = client.post("/api/boards", content=b"", headers={"content-type": "application/json"})
    assert r.status_code == 201
    meta = board_view(client, r.json()["board_id"], r.json()["credential"])["view"]["board"]
    assert meta["template"] == "blameless-90" and meta["header"]["severity"] == "sev2"
    assert len(meta["agenda"]) == 9


@pytest.mark.parametrize(
    "body, code, names",
    [
        ({"template": "no-such-agenda"}, "invalid", "no-such-agenda"),
        ({"severity": "sev9"}, "bad_message", "$.severity"),
        ({"title": "x" * 201}, "bad_message", "$.title"),
        ({"anonymity": "secret"}, "bad_message", "$.anonymity"),
        ({"title": 5}, "bad_message", "$.title"),
    ],
)
def test_create_board_with_a_bad_field_is_422_naming_it(
    client: TestClient, body: dict[str, Any], code: str, names: str
) -> None:
    r = client.post("/api/boards", json=body)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == code and names in error["message"], error
    assert_security_headers(r)


def test_create_board_with_malformed_json_is_422(client: TestClient) -> None:
    r = client.post("/api/boards", content=b"{nope", headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_message"


def test_join_returns_a_participant_credential_that_opens_the_board(client: TestClient) -> None:
    b = create_board(client)
    r = client.post(
        f"/api/boards/{b['board_id']}/join", json={"name": "Ann", "token": b["join_token"]}
    )
    assert r.status_code == 201
    ann = r.json()
    assert ann["role"] == "participant"
    assert ann["credential"].startswith(ann["participant_id"] + ".")
    assert ann["board_url"] == f"/b/{b['board_id']}#k={ann['credential']}"
    body = board_view(client, b["board_id"], ann["credential"])
    assert body["you"] == ann["participant_id"] and body["seq"] == 4  # after two join links
    me = next(p for p in body["view"]["participants"] if p["me"])
    assert me == {
        "type": "participant",
        "id": ann["participant_id"],
        "name": "Ann",
        "role": "participant",
        "me": True,
    }


def test_join_as_an_observer_gives_the_observer_role(client: TestClient) -> None:
    b = create_board(client)
    olive = join(client, b["board_id"], "Olive", role="observer")
    assert olive["role"] == "observer"
    view = board_view(client, b["board_id"], olive["credential"])["view"]
    assert next(p for p in view["participants"] if p["me"])["role"] == "observer"


def test_join_without_a_name_gets_a_guest_name(client: TestClient) -> None:
    b = create_board(client)
    guest = client.post(f"/api/boards/{b['board_id']}/join", json={"token": b["join_token"]}).json()
    view = board_view(client, b["board_id"], guest["credential"])["view"]
    assert next(p for p in view["participants"] if p["me"])["name"] == "Guest 2"


@pytest.mark.parametrize(
    "body, code",
    [
        ({"role": "facilitator"}, "invalid"),
        ({"role": "admin"}, "bad_message"),
        ({"name": "x" * 81}, "bad_message"),
    ],
)
def test_join_with_a_bad_role_or_name_is_422(
    client: TestClient, body: dict[str, Any], code: str
) -> None:
    b = create_board(client)
    r = client.post(f"/api/boards/{b['board_id']}/join", json={**body, "token": b["join_token"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == code
    assert board_view(client, b["board_id"], b["credential"])["seq"] == 3


def test_joining_an_unknown_board_is_404(client: TestClient) -> None:
    r = client.post("/api/boards/no-such-board/join", json={"name": "Ann"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_reading_a_board_needs_a_valid_bearer_credential(client: TestClient) -> None:
    b, other = create_board(client), create_board(client)
    url = f"/api/boards/{b['board_id']}"
    pid = b["participant_id"]
    for headers in (
        {},
        {"authorization": "Bearer "},
        {"authorization": b["credential"] + "x"},
        {"authorization": f"Bearer {pid}.{'A' * 32}"},
        {"authorization": f"Bearer {other['credential']}"},
        {"authorization": f"Basic {b['credential']}"},
    ):
        r = client.get(url, headers=headers)
        assert r.status_code == 401, headers
        assert r.json()["error"]["code"] == "unauthorized"
    r = client.get(
        "/api/boards/no-such-board", headers={"authorization": f"Bearer {b['credential']}"}
    )
    assert r.status_code == 401
    r = client.get(url, headers={"authorization": f"Bearer {b['credential']}"})
    assert r.status_code == 200 and r.json()["you"] == pid


# --- the forms -------------------------------------------------------------------------------


def test_the_landing_form_redirects_303_with_the_credential_only_in_the_fragment(
    client: TestClient,
) -> None:
    r = client.post(
        "/boards",
        data={
            "title": "Disk full",
            "severity": "sev3",
            "template": "reflection-4",
            "facilitator_name": "Fay",
            "learning_question": "",
            "anonymity": "named",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    location = urlsplit(r.headers["location"])
    assert location.path.startswith("/b/") and location.query == ""
    assert location.fragment.startswith("k=")
    cred = location.fragment.removeprefix("k=")
    assert secret_of(cred) not in location.path
    board_id = location.path.removeprefix("/b/")
    meta = board_view(client, board_id, cred)["view"]["board"]
    assert meta["header"]["title"] == "Disk full" and meta["header"]["severity"] == "sev3"
    assert meta["template"] == "reflection-4" and meta["settings"]["anonymity"] == "named"
    assert "action_review" not in [p["kind"] for p in meta["agenda"]]  # unless asked for


def test_the_landing_forms_review_box_opens_the_agenda_with_the_review(client: TestClient) -> None:
    page = client.get("/").text
    assert '<input type="checkbox" name="review_actions" value="true">' in page
    form = {"title": "Disk full", "template": "blameless-90", "review_actions": "true"}
    r = client.post("/boards", data=form, follow_redirects=False)
    location = urlsplit(r.headers["location"])
    cred = location.fragment.removeprefix("k=")
    meta = board_view(client, location.path.removeprefix("/b/"), cred)["view"]["board"]
    assert [p["kind"] for p in meta["agenda"]][:3] == ["set_the_room", "action_review", "summary"]


@needs_page["landing.html"]
def test_the_landing_form_with_a_bad_field_renders_a_422_page(client: TestClient) -> None:
    r = client.post("/boards", data={"title": "x", "severity": "sev9"}, follow_redirects=False)
    assert r.status_code == 422 and "location" not in r.headers
    assert r.headers["content-type"].startswith("text/html") and "severity" in r.text


def test_the_join_form_redirects_303_with_the_credential_only_in_the_fragment(
    client: TestClient,
) -> None:
    b = create_board(client)
    r = client.post(
        f"/b/{b['board_id']}/join",
        follow_redirects=False,
        data={"name": "Olive", "role": "observer", "token": b["observer_token"]},
    )
    assert r.status_code == 303
    location = urlsplit(r.headers["location"])
    assert location.path == f"/b/{b['board_id']}" and location.query == ""
    cred = location.fragment.removeprefix("k=")
    view = board_view(client, b["board_id"], cred)["view"]
    assert next(p for p in view["participants"] if p["me"])["role"] == "observer"


def test_the_join_form_for_an_unknown_board_is_404(client: TestClient) -> None:
    r = client.post("/b/no-such-board/join", data={"name": "Ann"}, follow_redirects=False)
    assert r.status_code == 404 and "location" not in r.headers


# --- health, pages, headers ------------------------------------------------------------------


def test_healthz_and_readyz_answer_200(client: TestClient) -> None:
    assert client.get("/healthz").status_code == 200 and client.get("/healthz").json() == {
        "ok": True
    }
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json() == {"ready": True}


@needs_page["landing.html"]
def test_the_landing_page_renders_the_form_with_every_template_and_severity(
    client: TestClient,
) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert 'action="/boards"' in r.text
    for value in ("blameless-90", "incident-60", "reflection-4", "sev1", "sev4"):
        assert f'value="{value}"' in r.text


@needs_page["board.html"]
def test_the_board_page_renders_for_a_board_without_any_credential(client: TestClient) -> None:
    b = create_board(client, title="Cache stampede")
    r = client.get(f"/b/{b['board_id']}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert b["board_id"] in r.text and "Cache stampede" in r.text


@needs_page["board.html"]
def test_board_titles_are_escaped_in_the_page(client: TestClient) -> None:
    b = create_board(client, title='<script>alert("x")</script>')
    r = client.get(f"/b/{b['board_id']}")
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "&lt;script&gt;" in r.text


@needs_page["join.html"]
def test_the_join_page_renders_for_participants_and_observers(client: TestClient) -> None:
    b = create_board(client, title="Cache stampede")
    r = client.get(f"/b/{b['board_id']}/join")
    assert r.status_code == 200 and "Cache stampede" in r.text
    assert f'action="/b/{b["board_id"]}/join"' in r.text
    assert 'name="role" value="participant"' in r.text
    r = client.get(f"/b/{b['board_id']}/join?role=observer")
    assert r.status_code == 200 and 'name="role" value="observer"' in r.text


@pytest.mark.parametrize("path", ["/b/no-such-board", "/b/no-such-board/join"])
def test_pages_of_unknown_boards_are_404(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert_security_headers(r)


def test_every_html_and_json_response_carries_the_security_headers(client: TestClient) -> None:
    b = create_board(client)
    responses = [
        client.post("/api/boards", json={}),
        client.post("/api/boards", json={"severity": "sev9"}),
        client.post(f"/api/boards/{b['board_id']}/join", json={"name": "Ann"}),
        client.post("/api/boards/nope/join", json={}),
        client.get(f"/api/boards/{b['board_id']}"),
        client.get(
            f"/api/boards/{b['board_id']}", headers={"authorization": f"Bearer {b['credential']}"}
        ),
        client.post("/boards", data={"title": "t"}, follow_redirects=False),
        client.get("/healthz"),
        client.get("/readyz"),
        client.get("/b/nope"),
    ]
    responses += [
        client.get(p)
        for p, page in (
            ("/", "landing.html"),
            (f"/b/{b['board_id']}", "board.html"),
            (f"/b/{b['board_id']}/join", "join.html"),
        )
        if (TEMPLATES / page).exists()
    ]
    for r in responses:
        assert_security_headers(r)
        assert r.headers["referrer-policy"] == "no-referrer"


def test_the_api_reads_json_even_when_sent_as_a_form(client: TestClient) -> None:
    """curl -d sends a form content type; the API must not silently ignore the JSON fields."""
    r = client.post(
        "/api/boards",
        content=b'{"template": "no-such-agenda"}',
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 422 and "no-such-agenda" in r.json()["error"]["message"]


@needs_page["board.html"]
def test_the_board_page_carries_the_ground_rules_for_set_the_room(client: TestClient) -> None:
    from hindsight.board_state.templates import GROUND_RULES

    made = create_board(client)
    page = client.get(f"/b/{made['board_id']}").text
    assert 'id="ground-rules"' in page
    assert all(rule.replace("'", "&#39;") in page for rule in GROUND_RULES)
