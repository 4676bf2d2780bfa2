"""Actions into issue trackers, against a fake tracker on loopback (server/outputs/trackers.py,
tracker_clients.py, tracker_sync.py).

`FakeTracker` is a real HTTP server on 127.0.0.1, started by the test in a thread, that
implements the subset of each tracker's REST API Hindsight uses, and checks what it is sent
(the auth header, the path, the body's fields) as the tracker would:

- GitHub (https://docs.github.com/en/rest/issues/issues), header `Authorization: Bearer`,
  `Accept: application/vnd.github+json`, `X-GitHub-Api-Version: 2022-11-28`, a User-Agent:
  `POST /repos/{owner}/{repo}/issues` {title, body} -> 201 {number, html_url, state}
  (https://docs.github.com/en/rest/issues/issues#create-an-issue);
  `GET /repos/{owner}/{repo}/issues/{number}` -> {state: open|closed, state_reason}
  (https://docs.github.com/en/rest/issues/issues#get-an-issue); 401 "Bad credentials".
- GitLab (https://docs.gitlab.com/api/issues/), header `PRIVATE-TOKEN`, the project's path
  url-encoded as its id: `POST /api/v4/projects/{id}/issues` {title, description, due_date}
  -> 201 {iid, web_url, references.full, state: opened}
  (https://docs.gitlab.com/api/issues/#new-issue); `GET /api/v4/projects/{id}/issues/{iid}`
  -> {state: opened|closed} (https://docs.gitlab.com/api/issues/#single-project-issue);
  401 {"message": "401 Unauthorized"}.
- Jira (https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issues/),
  header `Authorization: Basic base64(email:token)` (Cloud) or `Bearer` (Data Center):
  `POST /rest/api/2/issue` {fields: {project: {key}, summary, description, issuetype: {name},
  duedate}} -> 201 {id, key, self}, or 400 {errors: {duedate: ...}} when the project's create
  screen has no due date; `GET /rest/api/2/issue/{key}?fields=status,resolution` ->
  {fields: {status: {statusCategory: {key}}, resolution}}; 401 with a plain-text body.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from hindsight.board_state import ops as o

from .conftest import board_view, join, make_client
from .test_incident_log import commit_action, do, new_board

# HTTP servers of its own on loopback: the whole suite, not the quick lane.
pytestmark = pytest.mark.slow

TOKEN = "t0ken-of-the-bot"
PROJECTS = {"github": "acme/ops", "gitlab": "acme/ops", "jira": "OPS"}


class FakeTracker:
    """GitHub, GitLab or Jira, as far as Hindsight uses them (see the module's docstring)."""

    def __init__(self, kind: str, *, user: str = "", due_on_screen: bool = True) -> None:
        self.kind, self.user, self.due_on_screen = kind, user, due_on_screen
        self.token = TOKEN
        self.issues: dict[str, dict[str, Any]] = {}  # by number (GitHub, GitLab) or key (Jira)
        self.seen: list[tuple[str, str, dict[str, str], Any]] = []  # method, path, headers, body
        self.gate: threading.Event | None = None  # set: a POST waits for it (a slow tracker)
        self.posting = threading.Event()  # a POST has arrived
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        return base + "/api/v4" if self.kind == "gitlab" else base

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def close_issue(self, ref: str, reason: str = "completed") -> None:
        issue = self.issues[ref]
        issue["state"] = "closed"
        issue["state_reason"] = reason  # GitHub's
        issue["resolution"] = {"completed": "Done", "not_planned": "Won't Do"}[reason]

    # --- what the tracker answers ----------------------------------------------------------

    def authorised(self, headers: dict[str, str]) -> bool:
        if self.kind == "github":
            return (
                headers.get("authorization") == f"Bearer {self.token}"
                and headers.get("accept") == "application/vnd.github+json"
                and headers.get("x-github-api-version") == "2022-11-28"
                and bool(headers.get("user-agent"))
            )
        if self.kind == "gitlab":
            return headers.get("private-token") == self.token
        if self.user:
            pair = base64.b64encode(f"{self.user}:{self.token}".encode()).decode()
            return headers.get("authorization") == f"Basic {pair}"
        return headers.get("authorization") == f"Bearer {self.token}"

    def answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        return {"github": self._github, "gitlab": self._gitlab, "jira": self._jira}[self.kind](
            method, path, body
        )

    def _github(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if method == "POST" and path == "/repos/acme/ops/issues":
            if not isinstance(body.get("title"), str) or not isinstance(body.get("body"), str):
                return 422, {"message": "Invalid request"}
            n = str(len(self.issues) + 1)
            url = f"https://github.com/acme/ops/issues/{n}"
            self.issues[n] = {**body, "state": "open", "state_reason": None, "html_url": url}
            return 201, {"number": int(n), "html_url": url, "state": "open"}
        prefix = "/repos/acme/ops/issues/"
        if method == "GET" and path.startswith(prefix) and path[len(prefix) :] in self.issues:
            i = self.issues[path[len(prefix) :]]
            return 200, {"state": i["state"], "state_reason": i["state_reason"]}
        return 404, {"message": "Not Found"}

    def _gitlab(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        prefix = "/api/v4/projects/acme%2Fops/issues"  # the path, url-encoded, is the project id
        if method == "POST" and path == prefix:
            if not isinstance(body.get("title"), str) or "description" not in body:
                return 400, {"message": {"title": ["can't be blank"]}}
            n = str(len(self.issues) + 1)
            url = f"https://gitlab.example.com/acme/ops/-/issues/{n}"
            self.issues[n] = {**body, "state": "opened"}
            return 201, {"iid": int(n), "web_url": url, "references": {"full": f"acme/ops#{n}"}}
        if (
            method == "GET"
            and path.startswith(prefix + "/")
            and path[len(prefix) + 1 :] in self.issues
        ):
            return 200, {"state": self.issues[path[len(prefix) + 1 :]]["state"]}
        return 404, {"message": "404 Project Not Found"}

    def _jira(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if method == "POST" and path == "/rest/api/2/issue":
            f = body.get("fields", {})
            if "duedate" in f and not self.due_on_screen:
                return 400, {
                    "errorMessages": [],
                    "errors": {
                        "duedate": "Field 'duedate' cannot be set. It is not on the "
                        "appropriate screen, or unknown."
                    },
                }
            if f.get("project") != {"key": "OPS"} or not f.get("summary"):
                return 400, {
                    "errorMessages": [],
                    "errors": {"project": "valid project is required"},
                }
            key = f"OPS-{len(self.issues) + 1}"
            self.issues[key] = {**f, "state": "open", "resolution": None}
            return 201, {"id": "100", "key": key, "self": f"{self.url}/rest/api/2/issue/100"}
        parts = urlsplit(path)
        key = parts.path.removeprefix("/rest/api/2/issue/")
        if method == "GET" and key in self.issues and parts.query == "fields=status,resolution":
            i = self.issues[key]
            done = i["state"] == "closed"
            category = {"key": "done" if done else "indeterminate"}
            resolution = {"name": i["resolution"]} if done else None
            return 200, {
                "key": key,
                "fields": {"status": {"statusCategory": category}, "resolution": resolution},
            }
        return 404, {"errorMessages": ["Issue does not exist or you do not have permission."]}


def _handler(fake: FakeTracker) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self, method: str) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            body = json.loads(raw) if raw else {}
            fake.seen.append((method, self.path, headers, body))
            if method == "POST":
                fake.posting.set()
                if fake.gate is not None:
                    fake.gate.wait(10)
            if not fake.authorised(headers):
                if fake.kind == "jira":
                    return self._send(401, b"Client must be authenticated to access this resource.")
                message = "Bad credentials" if fake.kind == "github" else "401 Unauthorized"
                return self._send(401, json.dumps({"message": message}).encode())
            status, answer = fake.answer(method, self.path, body)
            self._send(status, json.dumps(answer).encode())

        def _send(self, status: int, data: bytes) -> None:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


# --- the app, a board, an action -----------------------------------------------------------------


@pytest.fixture(params=["github", "gitlab", "jira"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeTracker]:
    f = FakeTracker(request.param, user="bot@example.com" if request.param == "jira" else "")
    yield f
    f.stop()


def tracker_client(tmp_path: Path, fake: FakeTracker, **settings: Any) -> TestClient:
    settings = {
        "tracker": fake.kind,
        "tracker_url": fake.url,
        "tracker_project": PROJECTS[fake.kind],
        "tracker_token": TOKEN,
        "tracker_user": fake.user,
        "tracker_poll": 0.0,  # the tests poll by hand, except the one about the task
        **settings,
    }
    client = make_client(tmp_path, **settings)
    return client


@pytest.fixture
def client(tmp_path: Path, fake: FakeTracker) -> Iterator[TestClient]:
    with tracker_client(tmp_path, fake) as c:
        c.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        yield c


def board_with_action(client: TestClient) -> tuple[dict[str, Any], dict[str, Any], str]:
    """(the board, its participant Alice, the committed action Alice owns)."""
    board = new_board(client, "Checkout outage", tags=("payments", "on call"))
    alice = join(client, board["board_id"], "Alice")
    add = o.AddAction(
        text="Alert when payment errors exceed 1% for 5 minutes",
        owner_id=alice["participant_id"],
        due="2026-09-01",
        success="A drill pages on-call within 6 minutes",
    )
    action_id = commit_action(client, board["board_id"], board["participant_id"], add)
    return board, alice, action_id


def create(client: TestClient, board_id: str, action_id: str, credential: str) -> Any:
    return client.post(
        f"/api/boards/{board_id}/actions/{action_id}/issue",
        headers={"authorization": f"Bearer {credential}"},
    )


def issue_on_board(client: TestClient, board: dict[str, Any]) -> Any:
    view = board_view(client, board["board_id"], board["credential"])["view"]
    (action,) = view["actions"]
    return action["issue"]


def logged(client: TestClient, board_id: str) -> dict[str, Any]:
    body = client.get("/api/actions").json()
    (action,) = [a for a in body["actions"] if a["board_id"] == board_id]
    return {"action": action, "completion": body["completion"]}


def poll(client: TestClient) -> int:
    changed: int = client.portal.call(client.app.state.trackers.poll_once)  # type: ignore[attr-defined]
    return changed


# --- creating the issue ----------------------------------------------------------------------------


def test_the_owner_creates_the_issue_and_it_is_linked_on_the_board_and_in_the_log(
    client: TestClient, fake: FakeTracker
) -> None:
    board, alice, action_id = board_with_action(client)
    assert client.get("/api/tracker").json()["tracker"] == fake.kind
    r = create(client, board["board_id"], action_id, alice["credential"])
    assert r.status_code == 201, r.text
    issue = r.json()["issue"]
    (ref,) = fake.issues
    expected = {
        "github": ("acme/ops#1", "https://github.com/acme/ops/issues/1"),
        "gitlab": ("acme/ops#1", "https://gitlab.example.com/acme/ops/-/issues/1"),
        "jira": ("OPS-1", f"{fake.url}/browse/OPS-1"),
    }[fake.kind]
    assert (issue["tracker"], issue["key"], issue["url"]) == (fake.kind, *expected)
    assert issue_on_board(client, board) == issue
    assert logged(client, board["board_id"])["action"]["issue"] == issue
    # What the tracker was sent: the action as a title, the rest in the body.
    sent = fake.issues[ref]
    title = sent.get("title") or sent.get("summary")
    body = sent.get("body") or sent.get("description")
    assert title == "Alert when payment errors exceed 1% for 5 minutes"
    for part in ("A drill pages on-call within 6 minutes", "2026-09-01", "Owner: Alice"):
        assert part in body
    assert f"http://testserver/b/{board['board_id']}/writeup" in body
    if fake.kind == "gitlab":
        assert sent["due_date"] == "2026-09-01"
    if fake.kind == "jira":
        assert (sent["duedate"], sent["issuetype"]) == ("2026-09-01", {"name": "Task"})


def test_a_closed_issue_marks_the_action_done_and_the_completion_rate_moves(
    client: TestClient, fake: FakeTracker
) -> None:
    board, alice, action_id = board_with_action(client)
    do(client, board["board_id"], board["participant_id"], o.CloseMeeting())
    assert create(client, board["board_id"], action_id, board["credential"]).status_code == 201
    assert poll(client) == 0  # still open in the tracker
    assert logged(client, board["board_id"])["action"]["status"] == "open"
    before = logged(client, board["board_id"])["completion"]["done"]
    (ref,) = fake.issues
    fake.close_issue(ref)
    assert poll(client) == 1
    after = logged(client, board["board_id"])
    assert after["action"]["status"] == "done"
    assert after["completion"]["done"] == before + 1
    view = board_view(client, board["board_id"], alice["credential"])["view"]
    assert view["actions"][0]["status"] == "done"
    reads = [s for s in fake.seen if s[0] == "GET"]
    assert poll(client) == 0 and [s for s in fake.seen if s[0] == "GET"] == reads  # done: not asked


def test_the_token_refused_is_a_clear_error_and_nothing_is_linked(
    client: TestClient, fake: FakeTracker
) -> None:
    board, alice, action_id = board_with_action(client)
    fake.token = "another-token"  # the tracker no longer takes the server's
    r = create(client, board["board_id"], action_id, alice["credential"])
    assert r.status_code == 502
    error = r.json()["error"]
    assert error["code"] == "tracker_refused"
    name = {"github": "GitHub", "gitlab": "GitLab", "jira": "Jira"}[fake.kind]
    assert error["message"].startswith(f"{name} refused the token")
    assert "HINDSIGHT_TRACKER_TOKEN" in error["message"] and "HTTP 401" in error["message"]
    assert TOKEN not in r.text
    assert fake.issues == {} and issue_on_board(client, board) is None
    assert logged(client, board["board_id"])["action"]["issue"] is None


def test_the_tracker_down_is_a_clear_error_and_nothing_is_linked(
    client: TestClient, fake: FakeTracker
) -> None:
    board, alice, action_id = board_with_action(client)
    fake.stop()  # nothing listens on its port any more
    r = create(client, board["board_id"], action_id, alice["credential"])
    assert r.status_code == 502
    error = r.json()["error"]
    assert error["code"] == "tracker_unavailable"
    assert "could not be reached" in error["message"] and fake.url in error["message"]
    assert issue_on_board(client, board) is None


def test_an_action_gets_one_issue(client: TestClient, fake: FakeTracker) -> None:
    board, alice, action_id = board_with_action(client)
    assert create(client, board["board_id"], action_id, alice["credential"]).status_code == 201
    r = create(client, board["board_id"], action_id, board["credential"])
    assert (r.status_code, r.json()["error"]["code"]) == (409, "already_linked")
    assert len(fake.issues) == 1


@pytest.mark.parametrize("fake", ["github"], indirect=True)
def test_a_second_request_while_the_first_is_under_way_is_refused(
    client: TestClient, fake: FakeTracker
) -> None:
    board, alice, action_id = board_with_action(client)
    fake.gate = threading.Event()
    first: list[Any] = []
    worker = threading.Thread(
        target=lambda: first.append(
            create(client, board["board_id"], action_id, alice["credential"])
        )
    )
    worker.start()
    assert fake.posting.wait(10)  # the first is at the tracker
    r = create(client, board["board_id"], action_id, board["credential"])
    assert (r.status_code, r.json()["error"]["code"]) == (409, "already_linked")
    fake.gate.set()
    worker.join(10)
    assert first[0].status_code == 201 and len(fake.issues) == 1


@pytest.mark.parametrize("fake", ["github"], indirect=True)
def test_only_the_owner_or_the_facilitator_and_only_a_committed_action(
    client: TestClient, fake: FakeTracker
) -> None:
    board, _, action_id = board_with_action(client)
    bob = join(client, board["board_id"], "Bob")
    r = create(client, board["board_id"], action_id, bob["credential"])
    assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")
    assert create(client, board["board_id"], action_id, "nobody.secret").status_code == 401
    assert (
        create(client, board["board_id"], "no-such-action", board["credential"]).status_code == 404
    )
    fac = board["participant_id"]
    do(client, board["board_id"], fac, o.SelectAction(action_id=action_id, selected=False))
    r = create(client, board["board_id"], action_id, board["credential"])
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid")
    assert fake.seen == []  # the tracker was never asked


def test_without_a_tracker_there_is_nothing_to_create(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        assert client.get("/api/tracker").json() == {"tracker": None, "name": None, "project": None}
        board, alice, action_id = board_with_action(client)
        r = create(client, board["board_id"], action_id, alice["credential"])
        assert (r.status_code, r.json()["error"]["code"]) == (404, "not_found")


# --- reading states back -----------------------------------------------------------------------


@pytest.mark.parametrize("fake", ["github", "jira"], indirect=True)
def test_an_issue_closed_without_doing_it_drops_the_action(
    client: TestClient, fake: FakeTracker
) -> None:
    board, alice, action_id = board_with_action(client)
    create(client, board["board_id"], action_id, alice["credential"])
    (ref,) = fake.issues
    fake.close_issue(ref, "not_planned")  # GitHub's "not planned", Jira's "Won't Do"
    assert poll(client) == 1
    assert logged(client, board["board_id"])["action"]["status"] == "dropped"


@pytest.mark.parametrize("fake", ["gitlab"], indirect=True)
def test_a_refused_token_stops_the_poll_and_changes_nothing(
    client: TestClient, fake: FakeTracker
) -> None:
    board, alice, action_id = board_with_action(client)
    create(client, board["board_id"], action_id, alice["credential"])
    (ref,) = fake.issues
    fake.close_issue(ref)
    fake.token = "rotated"
    assert poll(client) == 0
    assert logged(client, board["board_id"])["action"]["status"] == "open"
    fake.token = TOKEN
    assert poll(client) == 1


@pytest.mark.parametrize("fake", ["github"], indirect=True)
def test_the_poll_runs_by_itself_at_the_interval_set(tmp_path: Path, fake: FakeTracker) -> None:
    with tracker_client(tmp_path, fake, tracker_poll=0.05) as client:
        client.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        board, alice, action_id = board_with_action(client)
        create(client, board["board_id"], action_id, alice["credential"])
        fake.close_issue("1")
        for _ in range(200):  # up to 10 s; it takes a few intervals
            if logged(client, board["board_id"])["action"]["status"] == "done":
                break
            client.portal.call(anyio_sleep, 0.05)
        assert logged(client, board["board_id"])["action"]["status"] == "done"


async def anyio_sleep(seconds: float) -> None:
    import anyio

    await anyio.sleep(seconds)


# --- Jira's particulars -----------------------------------------------------------------------------


def test_jira_without_a_due_date_on_its_create_screen_still_gets_the_issue(tmp_path: Path) -> None:
    fake = FakeTracker("jira", due_on_screen=False)  # and Data Center's bearer token
    try:
        with tracker_client(tmp_path, fake) as client:
            board, alice, action_id = board_with_action(client)
            r = create(client, board["board_id"], action_id, alice["credential"])
            assert r.status_code == 201, r.text
            assert "duedate" not in fake.issues["OPS-1"]
            assert "Due: 2026-09-01" in fake.issues["OPS-1"]["description"]
            assert fake.seen[-1][2]["authorization"] == f"Bearer {TOKEN}"
    finally:
        fake.stop()
