"""The Jira CSV export of the actions, and the tracker settings (server/outputs/trackers.py,
tracker_clients.py, config.py, cli.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from hindsight.board_state import SYSTEM
from hindsight.board_state import ops as o
from hindsight.server.cli import build_parser
from hindsight.server.config import Settings
from hindsight.server.outputs.tracker_clients import tracker_from

from .conftest import join, make_client
from .test_incident_log import commit_action, do, new_board

HEAD = ["Summary", "Description", "Issue Type", "Due Date", "Status", "Resolution", "Owner"]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as c:
        c.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        yield c


def jira_csv(client: TestClient, **params: str) -> list[list[str]]:
    r = client.get("/api/actions.jira.csv", params=params)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "actions-jira.csv" in r.headers["content-disposition"]
    assert "\r\n" in r.text  # RFC 4180 line ends
    return list(csv.reader(io.StringIO(r.text)))


def actions_board(client: TestClient) -> dict[str, Any]:
    board = new_board(
        client, "Checkout outage", started="2026-08-14T09:00:00Z", tags=("payments", "on call")
    )
    bid, fac = board["board_id"], board["participant_id"]
    alice = join(client, bid, "Alice")["participant_id"]
    first = o.AddAction(
        text="Alert on payment errors", owner_id=alice, due="2026-09-01", success="A drill pages"
    )
    commit_action(client, bid, fac, first)
    commit_action(client, bid, fac, o.AddAction(text='=HYPERLINK("http://x")'))
    done = commit_action(client, bid, fac, o.AddAction(text="Runbook for the pool"))
    do(client, bid, fac, o.SetActionStatus(action_id=done, status="done"))
    linked = commit_action(client, bid, fac, o.AddAction(text="Already in Jira"))
    do(
        client,
        bid,
        SYSTEM,
        o.LinkIssue(
            action_id=linked, tracker="jira", key="OPS-7", url="https://j.example/browse/OPS-7"
        ),
    )
    do(client, bid, fac, o.AddAction(text="A proposal the meeting did not take"))
    return board


def test_the_jira_csv_has_the_columns_jiras_importer_maps_and_one_row_per_action(
    client: TestClient,
) -> None:
    board = actions_board(client)
    head, *rows = jira_csv(client)
    assert head == HEAD + ["Labels", "Labels", "Labels"]  # repeated: Jira's way to several labels
    by_summary = {r[0]: r for r in rows}
    # Committed actions only, and not the one that already has an issue.
    assert set(by_summary) == {
        "Alert on payment errors",
        '\'=HYPERLINK("http://x")',
        "Runbook for the pool",
    }
    first = by_summary["Alert on payment errors"]
    assert first[2:] == [
        "Task",
        "2026-09-01",
        "To Do",
        "",
        "Alice",
        "postmortem",
        "payments",
        "on-call",
    ]
    assert "Success criterion: A drill pages" in first[1]
    assert f"http://testserver/b/{board['board_id']}/writeup" in first[1]
    assert "Checkout outage (2026-08-14)" in first[1]
    assert by_summary["Runbook for the pool"][4:6] == ["Done", "Done"]


def test_the_jira_csv_can_hold_one_post_mortem_and_only_unfinished_actions(
    client: TestClient,
) -> None:
    board = actions_board(client)
    other = new_board(client, "DNS outage")
    commit_action(
        client, other["board_id"], other["participant_id"], o.AddAction(text="Lower the TTL")
    )
    assert len(jira_csv(client)) == 1 + 4
    summaries = [r[0] for r in jira_csv(client, board=board["board_id"], open="1")[1:]]
    assert sorted(summaries) == ['\'=HYPERLINK("http://x")', "Alert on payment errors"]
    assert jira_csv(client, board="no-such-board") == [HEAD + ["Labels"]]


# --- settings ------------------------------------------------------------------------------------


def test_tracker_settings_come_from_the_environment_and_flags_win(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "HINDSIGHT_TRACKER": "GitLab",
        "HINDSIGHT_TRACKER_URL": "https://gitlab.example.com/api/v4/",
        "HINDSIGHT_TRACKER_PROJECT": "acme/ops",
        "HINDSIGHT_TRACKER_TOKEN": "secret",
        "HINDSIGHT_TRACKER_POLL": "60",
    }.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    assert (settings.tracker, settings.tracker_poll) == ("gitlab", 60.0)
    assert "secret" not in repr(settings)
    t = tracker_from(settings)
    assert t is not None and (t.kind, t.api_url, t.project) == (
        "gitlab",
        "https://gitlab.example.com/api/v4",
        "acme/ops",
    )
    assert "secret" not in repr(t)
    args = build_parser().parse_args(
        [
            "serve",
            "--tracker",
            "Jira",
            "--tracker-url",
            "https://x.atlassian.net",
            "--tracker-project",
            "OPS",
            "--tracker-poll",
            "0",
        ]
    )
    flags = Settings.from_env(
        tracker=args.tracker,
        tracker_url=args.tracker_url,
        tracker_project=args.tracker_project,
        tracker_poll=args.tracker_poll,
    )
    t = tracker_from(flags)
    assert t is not None and (t.kind, t.project, flags.tracker_poll) == ("jira", "OPS", 0.0)


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ({"tracker": "trac"}, "choose github, gitlab or jira"),
        ({"tracker": "github", "tracker_token": "t"}, "needs a project"),
        ({"tracker": "github", "tracker_project": "ops", "tracker_token": "t"}, "owner/repository"),
        ({"tracker": "gitlab", "tracker_project": "acme/ops"}, "HINDSIGHT_TRACKER_TOKEN"),
        (
            {"tracker": "jira", "tracker_project": "OPS", "tracker_token": "t"},
            "Jira needs its address",
        ),
        (
            {
                "tracker": "jira",
                "tracker_project": "OPS",
                "tracker_token": "t",
                "tracker_url": "jira.example",
            },
            "https://",
        ),
    ],
)
def test_a_wrong_tracker_setting_stops_the_server_at_start_saying_which(
    tmp_path: Path, settings: dict[str, str], says: str
) -> None:
    with pytest.raises(ValueError, match=says):
        make_client(tmp_path, **settings)


def test_without_a_tracker_setting_there_is_no_tracker() -> None:
    assert tracker_from(Settings()) is None
    t = tracker_from(Settings(tracker="github", tracker_project="acme/ops", tracker_token="t"))
    assert t is not None and t.api_url == "https://api.github.com"
