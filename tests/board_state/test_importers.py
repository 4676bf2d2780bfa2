"""Timeline importers: every format, and malformed input reported line by line, exactly."""

from __future__ import annotations

import json
from datetime import date

import pytest

from hindsight.board_state.importers import (
    ImportProblem,
    parse_chat_json,
    parse_csv,
    parse_log_lines,
    parse_tz,
)
from hindsight.board_state.ops import TimelineItem

DAY = date(2026, 8, 14)


def problems(call: object, *args: object, **kw: object) -> list[str]:
    with pytest.raises(ImportProblem) as e:
        call(*args, **kw)  # type: ignore[operator]
    assert str(e.value) == "\n".join(e.value.problems)
    return e.value.problems


# --- CSV -------------------------------------------------------------------------------------


def test_csv_with_header_kinds_quotes_and_a_bom() -> None:
    text = (
        "\ufefftime,text,kind\n"
        "2026-08-14T09:12:00Z,Alert fired,signal\n"
        '2026-08-14 09:15,"Rollback, then ""pause""",decision\n'
        "\n"
        "2026-08-14T11:20+02:00,Traffic back,\n"
        "2026-08-14T09:30Z,  Status page updated  \n"
    )
    assert parse_csv(text) == [
        TimelineItem(at="2026-08-14T09:12:00Z", text="Alert fired", kind="signal"),
        TimelineItem(at="2026-08-14T09:15:00Z", text='Rollback, then "pause"', kind="decision"),
        TimelineItem(at="2026-08-14T09:20:00Z", text="Traffic back", kind="fact"),
        TimelineItem(at="2026-08-14T09:30:00Z", text="Status page updated", kind="fact"),
    ]


def test_csv_keeps_a_quoted_line_break_and_takes_any_line_ending() -> None:
    text = 'time,text\r\n2026-08-14T09:12Z,"Paged twice\r\nthen ack"\r2026-08-14T09:13Z,Rolled back'
    assert parse_csv(text) == [
        TimelineItem(at="2026-08-14T09:12:00Z", text="Paged twice\r\nthen ack", kind="fact"),
        TimelineItem(at="2026-08-14T09:13:00Z", text="Rolled back", kind="fact"),
    ]


def test_csv_without_header_with_bare_times_a_date_and_a_zone() -> None:
    items = parse_csv("09:12,Alert fired\n09:40,Fixed,DECISION\n", date=DAY, tz=parse_tz("+02:00"))
    assert [(i.at, i.kind) for i in items] == [
        ("2026-08-14T07:12:00Z", "fact"),
        ("2026-08-14T07:40:00Z", "decision"),
    ]


def test_csv_reports_every_bad_line_with_its_number() -> None:
    text = (
        "time,text,kind\n"
        "yesterday,Alert fired\n"
        "2026-08-14T09:12Z,,guess\n"
        "2026-08-14T09:13Z,a,fact,extra\n"
        '2026-08-14T09:14Z,"two\nlines",fact\n'
        "09:15,no date\n"
        "2026-08-14T09:16Z," + "x" * 2001 + "\n"
        "2026-08-14T09:17Z,fine\n"
    )
    assert problems(parse_csv, text) == [
        "line 2: 'yesterday' is not a time; use ISO 8601 such as 2026-08-14T09:12:00Z, "
        "or HH:MM with --date",
        "line 3: kind 'guess' is not one of fact, signal, decision; the text is empty",
        "line 4: expected 2 or 3 columns (time, text, kind); found 4",
        "line 7: '09:15' has no date; give one with --date YYYY-MM-DD",
        "line 8: the text is 2001 characters long; an entry holds at most 2000",
    ]


def test_csv_limits_an_import_to_500_entries_and_refuses_an_empty_file() -> None:
    rows = "".join(f"2026-08-14T09:00Z,entry {n}\n" for n in range(501))
    assert problems(parse_csv, rows) == [
        "501 entries; one import takes at most 500, so split the file"
    ]
    assert len(parse_csv(rows.split("\n", 1)[1])) == 500
    assert problems(parse_csv, "time,text,kind\n\n") == ["no timeline entries found"]


# --- chat exports ----------------------------------------------------------------------------

SLACK = [
    {
        "type": "message",
        "subtype": "channel_join",
        "ts": "1786698000.000100",
        "user": "U1",
        "text": "<@U1> has joined the channel",
    },
    {
        "type": "message",
        "ts": "1786698720.000200",
        "user": "U1",
        "user_profile": {"real_name": "Ann Lee", "display_name": "ann"},
        "text": "Error rate is up",
    },
    {
        "type": "message",
        "subtype": "bot_message",
        "ts": "1786698730",
        "username": "PagerDuty",
        "text": "Triggered: checkout 5xx",
    },
    {"type": "message", "ts": "1786698800.0", "user": "U2", "text": "", "files": [{}]},
    {"type": "message", "subtype": "channel_topic", "ts": "1786698900", "text": "topic: sev1"},
    {"type": "message", "ts": 1786699000, "user_name": "bob", "text": "Rolling back now"},
]


def test_a_slack_export_keeps_messages_and_alerts_and_drops_system_messages_and_authors() -> None:
    assert parse_chat_json(json.dumps(SLACK)) == [
        TimelineItem(at="2026-08-14T09:12:00Z", text="Error rate is up"),
        TimelineItem(at="2026-08-14T09:12:10Z", text="Triggered: checkout 5xx"),
        TimelineItem(at="2026-08-14T09:16:40Z", text="Rolling back now"),
    ]


def test_authors_are_kept_only_when_asked() -> None:
    texts = [i.text for i in parse_chat_json(json.dumps({"messages": SLACK}), keep_authors=True)]
    assert texts == [
        "ann: Error rate is up",
        "PagerDuty: Triggered: checkout 5xx",
        "bob: Rolling back now",
    ]


def test_discord_and_telegram_shapes() -> None:
    discord = {
        "guild": {},
        "messages": [
            {
                "type": "GuildMemberJoin",
                "timestamp": "2026-08-14T09:00:00+00:00",
                "content": "",
                "author": {"name": "ann"},
            },
            {
                "type": "Default",
                "timestamp": "2026-08-14T11:12:00+02:00",
                "content": "DNS fails",
                "author": {"name": "ann", "nickname": "Ann"},
            },
        ],
    }
    assert parse_chat_json(json.dumps(discord), keep_authors=True) == [
        TimelineItem(at="2026-08-14T09:12:00Z", text="Ann: DNS fails")
    ]
    telegram = {
        "name": "ops",
        "messages": [
            {
                "type": "service",
                "date": "2026-08-14T09:00:00",
                "action": "invite_members",
                "text": "",
            },
            {
                "type": "message",
                "date": "2026-08-14T09:13:00",
                "from": "Bob",
                "text": ["Failover ", {"type": "bold", "text": "done"}],
            },
        ],
    }
    assert parse_chat_json(json.dumps(telegram), tz=parse_tz("-0100")) == [
        TimelineItem(at="2026-08-14T10:13:00Z", text="Failover done")
    ]


def test_chat_problems_name_each_message_by_position() -> None:
    text = json.dumps(
        [
            {"ts": "1786698720", "text": "fine"},
            {"text": "when?"},
            {"ts": "1786698720"},
            "just a string",
            {"timestamp": "soon", "text": "x"},
            {"ts": "1786698720", "text": {"rich": True}},
            {"ts": "1786698720", "text": "y" * 2001},
        ]
    )
    assert problems(parse_chat_json, text) == [
        "message 2: no time (ts, timestamp, date, time, created_at)",
        "message 3: no text (text, content, message)",
        "message 4: expected an object, found str",
        "message 5: 'soon' is not a time; use ISO 8601 such as 2026-08-14T09:12:00Z, "
        "or HH:MM with --date",
        "message 6: the text is a dict, not a string",
        "message 7: the text is 2001 characters long; an entry holds at most 2000",
    ]


def test_chat_json_that_is_not_json_or_not_messages() -> None:
    assert problems(parse_chat_json, '[{"ts": 1,\n  "text": "x"\n  "user": "a"}]') == [
        "line 3: not valid JSON (Expecting ',' delimiter, column 3)"
    ]
    assert problems(parse_chat_json, '{"channel": "ops"}') == [
        'expected a list of messages, or an object with a "messages" list'
    ]
    assert problems(parse_chat_json, "[]") == ["no timeline entries found"]


# --- log lines -------------------------------------------------------------------------------


def test_log_lines_in_every_accepted_shape() -> None:
    text = (
        "2026-08-14T09:12:00Z alert fired\n"
        "2026-08-14 09:13 - paged the on-call\n"
        "  who acknowledged at once\n"
        "\n"
        "[2026-08-14 09:14:05.123] resolver restarted\n"
        "09:20 | rollback decided\n"
        "2026-08-14T11:30:00+02:00: traffic back\n"
    )
    assert parse_log_lines(text, date=DAY) == [
        TimelineItem(at="2026-08-14T09:12:00Z", text="alert fired"),
        TimelineItem(at="2026-08-14T09:13:00Z", text="paged the on-call who acknowledged at once"),
        TimelineItem(at="2026-08-14T09:14:05Z", text="resolver restarted"),
        TimelineItem(at="2026-08-14T09:20:00Z", text="rollback decided"),
        TimelineItem(at="2026-08-14T09:30:00Z", text="traffic back"),
    ]


def test_bare_times_run_past_midnight_but_not_backwards_a_day() -> None:
    items = parse_log_lines(
        "23:58 deploy\n23:57 (noted late) canary red\n00:03 rollback\n", date=DAY, tz=parse_tz("Z")
    )
    assert [i.at for i in items] == [
        "2026-08-14T23:58:00Z",
        "2026-08-14T23:57:00Z",
        "2026-08-15T00:03:00Z",
    ]


def test_log_problems_list_every_bad_line() -> None:
    text = (
        "  stray continuation\n"
        "Aug 14 09:12 syslog style\n"
        "09:12 alert fired\n"
        "24:10 impossible\n"
        "2026-08-14T09:13Z " + "z" * 2001 + "\n"
        "2026-08-14T09:14Z fine\n"
    )
    assert problems(parse_log_lines, text) == [
        "line 1: continues an entry, but no entry came before it",
        "line 2: does not start with a time such as 2026-08-14T09:12:00Z, 2026-08-14 09:12 or 09:12",
        "line 3: '09:12' has no date; give one with --date YYYY-MM-DD",
        "line 4: '24:10' is not a time of day",
        "line 5: the text is 2001 characters long; an entry holds at most 2000",
    ]


def test_a_time_zone_option_is_checked() -> None:
    with pytest.raises(ValueError, match="time zone 'CEST' is not an offset"):
        parse_tz("CEST")
    assert str(parse_tz("+05:30")) == "UTC+05:30"
