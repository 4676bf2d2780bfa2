"""Reminders and digests follow the calendar: the app's webhook clock (`app.state.webhook_clock`)
is moved through two weeks of March 2030 instead of waiting for them, and a real receiver on
loopback records what arrives. Each fact is sent once, however many passes run while it holds;
moving a due date is a new fact. The validation of the webhooks file is here too."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from hindsight.board_state import ops as o
from hindsight.server.outputs.webhooks_config import WebhookConfigError, parse_config
from hindsight.server.outputs.webhooks_schedule import backoff

from .conftest import join
from .test_incident_log import do, new_board, room_of
from .test_webhooks import Receiver, hook, hooks_file, receiver, webhook_client

# HTTP servers of its own on loopback: the whole suite, not the quick lane.
pytestmark = pytest.mark.slow

__all__ = ["receiver"]  # the fixture, shared


def at(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp()


def set_clock(client: TestClient, text: str) -> None:
    client.app.state.webhook_clock = lambda: at(text)  # type: ignore[attr-defined]


def settle(receiver: Receiver, total: int) -> list[dict[str, Any]]:
    """Wait for `total` messages in all, let more passes run, and check that nothing else came;
    the documents received, oldest first."""
    receiver.wait_for(total)
    time.sleep(0.4)  # about eight scheduling passes
    got = receiver.got()
    assert len(got) == total, [g.json["id"] for g in got[total - 1 :]]
    return [g.json for g in got]


def add(client: TestClient, b: dict[str, Any], text: str, owner: str | None, due: str) -> str:
    bid, fac = b["board_id"], b["participant_id"]
    do(client, bid, fac, o.AddAction(text=text, owner_id=owner, due=due))
    action_id = room_of(client, bid).board.action_order[-1]
    do(client, bid, fac, o.SelectAction(action_id=action_id))
    return action_id


def test_due_soon_overdue_and_weekly_digests_are_sent_once_each_as_the_days_pass(
    tmp_path: Path, receiver: Receiver
) -> None:
    events = ["action.due_soon", "action.overdue", "digest.weekly"]
    path = hooks_file(
        tmp_path,
        hook("auto", receiver.url, events=events, due_days=3, digest_weekday="wednesday"),
    )
    with webhook_client(tmp_path, path) as client:
        client.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        set_clock(client, "2030-01-01T08:00")  # while the board is set up: nothing is due
        b = new_board(client, "Payments outage", tags=("payments",))
        fay, sam = b["participant_id"], join(client, b["board_id"], "Sam")["participant_id"]
        alert = add(client, b, "Add an alert", sam, "2030-03-13")
        runbook = add(client, b, "Write the runbook", fay, "2030-03-20")
        keys = add(client, b, "Rotate keys", sam, "2030-03-12")
        do(client, b["board_id"], fay, o.SetActionStatus(action_id=keys, status="done"))
        orphan = add(client, b, "Nobody's", None, "2030-03-13")
        time.sleep(0.2)  # passes at that time: nothing is sent
        assert receiver.got() == []

        set_clock(client, "2030-03-11T08:00")  # a Monday
        first = settle(receiver, 2)  # Monday: two actions due Wednesday, none within 3 days else
        assert sorted((d["event"], d["action"]["id"], d["days"]) for d in first) == sorted(
            [("action.due_soon", alert, 2), ("action.due_soon", orphan, 2)]
        )
        set_clock(client, "2030-03-13T08:59")  # due today, same date: not again; no digest yet
        settle(receiver, 2)

        set_clock(client, "2030-03-13T09:00")  # the digest hour of week 11
        digests = settle(receiver, 4)[2:]
        assert {d["owner"]: [a["id"] for a in d["actions"]] for d in digests} == {
            "Fay": [runbook],
            "Sam": [alert],  # not the done one; the ownerless one is in nobody's digest
        }
        assert {d["week"] for d in digests} == {"2030-W11"}
        assert all(d["id"].startswith("digest.weekly:") and "Sam" not in d["id"] for d in digests)

        set_clock(client, "2030-03-14T10:00")  # Thursday: a day late
        late = settle(receiver, 6)[4:]
        assert sorted((d["event"], d["action"]["id"], d["days"]) for d in late) == sorted(
            [("action.overdue", alert, 1), ("action.overdue", orphan, 1)]
        )

        do(client, b["board_id"], fay, o.EditAction(action_id=alert, due="2030-03-16"))
        (moved,) = settle(receiver, 7)[6:]  # a new date is a new reminder
        assert (moved["event"], moved["action"]["due"], moved["days"]) == (
            "action.due_soon",
            "2030-03-16",
            2,
        )

        set_clock(client, "2030-03-20T09:30")  # Wednesday of week 12
        week12 = settle(receiver, 11)[7:]
    assert sorted(
        (d["event"], d.get("owner") or d["action"]["id"], d.get("days")) for d in week12
    ) == sorted(
        [
            ("action.due_soon", runbook, 0),
            ("action.overdue", alert, 4),  # its new date passed
            ("digest.weekly", "Fay", None),
            ("digest.weekly", "Sam", None),
        ]
    )
    sam12 = next(d for d in week12 if d.get("owner") == "Sam")
    assert [(a["id"], a["overdue"]) for a in sam12["actions"]] == [(alert, True)]
    assert sam12["actions"][0]["board"]["writeup_url"].endswith(f"/b/{b['board_id']}/writeup")


def test_a_digest_lists_only_boards_with_the_hooks_tags(tmp_path: Path, receiver: Receiver) -> None:
    path = hooks_file(
        tmp_path, hook("pay", receiver.url, "slack", events=["digest.weekly"], tags=["payments"])
    )
    with webhook_client(tmp_path, path) as client:
        client.app.state.hub.log_delay = 0  # type: ignore[attr-defined]
        set_clock(client, "2030-03-11T08:00")
        pay = new_board(client, "Payments outage", tags=("payments",))
        other = new_board(client, "Search outage", tags=("search",))
        add(client, pay, "Pay action", pay["participant_id"], "2030-04-01")
        add(client, other, "Search action", other["participant_id"], "2030-04-01")
        set_clock(client, "2030-03-11T09:00")
        (doc,) = settle(receiver, 1)
    assert doc["text"].startswith("Weekly actions for *Fay* (2030-W11): 1 open")
    assert "Pay action" in doc["text"] and "Search action" not in doc["text"]


# --- retries -------------------------------------------------------------------------------


def test_the_backoff_doubles_with_jitter_up_to_an_hour_and_honours_retry_after() -> None:
    import random

    rng = random.Random(1)
    waits = [backoff(n, 30.0, rng) for n in range(1, 12)]
    for n, wait in enumerate(waits, 1):
        full = min(3600.0, 30.0 * 2 ** (n - 1))
        assert full / 2 <= wait <= full
    assert max(waits) <= 3600.0
    assert backoff(1, 30.0, rng, retry_after=600) == 600
    assert backoff(1, 30.0, rng, retry_after=10**6) == 3600.0


# --- the webhooks file ---------------------------------------------------------------------

GOOD = '[[hook]]\nname = "a"\nurl = "https://x.example/h"\nformat = "json"\n'


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ("[[hook]]\nurl = 'https://x'\nformat = 'slack'", {}, "hook 1: 'name' is required"),
        (GOOD + "secret = 's'\ncolour = 'red'", {}, "hook 1 (a): unknown key 'colour'"),
        (GOOD, {}, "hook 1 (a): a json hook needs 'secret' or 'secret_env'"),
        (GOOD + "secret_env = 'NOPE'", {}, "'secret_env': the variable NOPE is not set"),
        (GOOD + "secret = 's'\nevents = ['action.due']", {}, "'events' has 'action.due'"),
        (GOOD + "secret = 's'\ndue_days = 31", {}, "'due_days' must be a whole number from 0"),
        (GOOD + "secret = 's'\ndigest_weekday = 'someday'", {}, "'digest_weekday' must be"),
        (GOOD + "secret = 's'\ndigest_hour = 24", {}, "'digest_hour' must be a whole number"),
        (GOOD.replace("https://x.example/h", "ftp://x"), {}, "'url' must be an http"),
        (GOOD.replace('"json"', '"teams"'), {}, "'format' must be one of"),
        (GOOD + "secret = 's'\n" + GOOD + "secret = 't'\n", {}, "two hooks are named 'a'"),
        ("hooks = 1", {}, "unknown key 'hooks' at the top"),
        ("[[hook]\n", {}, "not valid TOML"),
    ],
)
def test_a_bad_webhooks_file_is_refused_naming_the_hook_and_the_key(
    text: str, env: dict[str, str], message: str
) -> None:
    with pytest.raises(WebhookConfigError, match="^webhooks file w.toml: ") as e:
        parse_config(text, "webhooks file w.toml", env)
    assert message in str(e.value)


def test_a_good_webhooks_file_reads_its_defaults_and_a_secret_from_the_environment() -> None:
    config = parse_config(
        GOOD + "secret_env = 'HOOK_SECRET'\ntags = ['Payments']\ndigest_weekday = 5\n",
        "w.toml",
        {"HOOK_SECRET": "from-env"},
    )
    (h,) = config.hooks
    assert (h.secret, h.tags, h.due_days, h.digest_weekday, h.digest_hour) == (
        "from-env",
        frozenset({"payments"}),
        3,
        5,
        9,
    )
    assert len(h.events) == 5 and "from-env" not in repr(h) and "x.example" not in repr(h)


def test_a_server_with_a_bad_webhooks_file_or_public_url_does_not_start(tmp_path: Path) -> None:
    from hindsight.server.app import create_app
    from hindsight.server.config import Settings

    bad = tmp_path / "w.toml"
    bad.write_text(GOOD)
    with pytest.raises(WebhookConfigError, match="needs 'secret'"):
        create_app(Settings(db=str(tmp_path / "t.db"), webhooks=str(bad)))
    with pytest.raises(WebhookConfigError, match="No such file"):
        create_app(Settings(db=str(tmp_path / "t.db"), webhooks=str(tmp_path / "none.toml")))
    with pytest.raises(WebhookConfigError, match="public URL"):
        create_app(Settings(db=str(tmp_path / "t.db"), public_url="retro.example.com"))
