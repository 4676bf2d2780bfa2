"""The guardrail checks, one behaviour at a time: blameful wording, vague actions, action load,
five whys, write-up completeness, whole-board findings and the nudge history."""

from __future__ import annotations

import pytest

from hindsight.board_state import SYSTEM, Entry
from hindsight.board_state import ops as o
from hindsight.board_state.guardrails import (
    CHECKS,
    Finding,
    board_findings,
    check_action,
    check_action_text,
    check_chain,
    check_load,
    check_text,
    check_writeup,
    nudge_history,
)
from hindsight.board_state.model import (
    Action,
    Board,
    Chain,
    Participant,
    Sticky,
    TimelineEntry,
    WhyStep,
)

T0 = 1_786_000_000_000  # 2026-08-06T...Z
DAY = 86_400_000


def blamed(text: str, names: tuple[str, ...] = ()) -> list[str]:
    """The words the blame check found in `text`."""
    return [w for f in check_text(text, names=names) for w in f.words]


def vague(text: str) -> list[str]:
    return [w for f in check_action_text(text) for w in f.words]


# --- blameful wording ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, words",
    [
        ("The outage was caused by human error", "human error"),
        ("Dana should have caught the bad config in review", "should have"),
        ("The DBA was careless with the DELETE statement", "careless"),
        ("The release manager failed to follow the deploy checklist", "failed to follow"),
        ("Operator forgot to drain the node before the reboot", "forgot to"),
        ("Marcus didn't notice the replication lag climbing", "didn't notice"),
        ("It was Tom's fault for merging without a second approval", "Tom's fault"),
        ("Whose fault was the expired API key?", "Whose fault"),
        ("We blamed Kevin for the broken build", "blamed"),
        ("Obviously the disk was going to fill up", "Obviously"),
        ("The admin simply forgot to rotate the key", "simply"),
        ("He just had to read the runbook", "just had to"),
        ("If only someone had looked at the graphs", "If only"),
        ("If Jonas had checked the graphs we would have caught it", "If Jonas had"),
        ("Sarah noticed late that checkout had dropped", "noticed late"),
        ("The root cause was the on-call engineer", "root cause was"),
        ("The alert was ignored for twenty minutes", "ignored"),
        ("Nobody checked the certificate expiry dates", "checked"),
        ("The new hire accidentally deleted the production bucket", "accidentally"),
        ("Someone fat-fingered the CIDR block", "fat-fingered"),
        ("Dana's change caused the outage", "caused"),
        ("The outage is on Daniel; he pushed on a Friday", "is on Daniel"),
        ("Mobile team shipped the build without testing on tablets", "without testing"),
        ("The DBA dropped the wrong table", "the wrong"),
        ("Let's be honest, this was Ahmed's mistake", "Ahmed's mistake"),
        ("Whoever approved this change wasn't paying attention", "wasn't paying attention"),
        ("Everyone knows Ravi never reads the change calendar", "never reads"),
        ("It was obvious in retrospect that the key was wrong", "obvious"),
        ("Slow to notice the queue backing up", "Slow to notice"),
        ("It was the intern's mistake", "intern's mistake"),
        ("The intern's change caused the outage", "caused"),
    ],
)
def test_each_blameful_pattern_is_found_with_its_words_as_written(text: str, words: str) -> None:
    found = blamed(text)
    assert words in found, found
    for w in found:
        assert w in text  # exact words, so a client can highlight them


@pytest.mark.parametrize(
    "text",
    [
        "The queue consumer failed to reconnect after the broker restart",
        "The config linter does not check TTL values",
        "The scheduler ignored the node taint after the upgrade",
        "The health check missed the degraded node because it only tested TCP",
        "The retry logic caused a thundering herd on the auth service",
        "The failover should have completed in under a minute but took twelve",
        "Customers failed to log in for 25 minutes",
        "We didn't have a way to see per-tenant error rates",
        "The cause was not obvious from the dashboards we had",
        "It was nobody's fault; the failover script had never been exercised",
        "A fault in the power distribution unit took rack 14 offline",
        "The team agreed to keep the discussion on systems, not on blame",
        "The API gateway blamed the upstream for the timeouts",
        "The batch window missed its 06:00 deadline because the file arrived late",
        "Dana opened the incident channel at 14:02",
        "Priya was the first to notice the spike in 502s",
        "We simply restarted the pod and the errors stopped",
        "The tooling made it easy to run the command against the wrong cluster",
        "Lazy loading of the images failed on older Android versions",
        "It would obviously be better to have a staging copy of the PLC",
        "We chose to fail over instead of waiting, which shortened the outage",
        "Unknown fields in the import are ignored",
        '"Payments wrongly authorised: 0"',
        "Page never acknowledged by the phone app",
        "The fix was obvious once we saw the per-tenant graph",
        "It was no one's fault",
        "This was nobody's mistake",
    ],
)
def test_systems_as_subjects_and_neutral_mentions_of_people_are_not_flagged(text: str) -> None:
    assert check_text(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Will we see the same spike during the next sale?",
        "Will paged the database team at 03:12",
        "The May release bundled three schema changes",
        "In May the job failed to renew the certificate",
        "Bill runs failed to complete for 4,000 accounts",
        "Billing failed to charge 300 cards",
        "Mark the node as drained before the kernel upgrade",
        "The IAM grant failed to propagate to the replicas",
        "The grant failed to apply",
        "Summer traffic peaks were not included in the capacity model",
        "May have failed to renew; the logs are unclear",
    ],
)
def test_names_that_are_ordinary_words_are_not_names_in_their_ordinary_sense(text: str) -> None:
    assert check_text(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Will failed to renew the certificate",
        "Bill didn't roll back the deploy",
        "Grant failed to rotate the keys",
        "At 14:02 Mark failed to page the database team",
    ],
)
def test_the_same_words_as_names_in_the_subject_position_are_names(text: str) -> None:
    assert check_text(text) != []


def test_participant_display_names_count_as_names_even_unusual_or_lower_case() -> None:
    # "failed to" with an unknown word as its subject could be a system: not flagged...
    assert check_text("Zephyrine failed to renew the certificate") == []
    # ...until that word is someone on the board.
    names = ("Zephyrine Okonkwo-Baptiste",)
    assert blamed("Zephyrine failed to renew the certificate", names) == ["failed to renew"]
    assert blamed("zephyrine failed to renew the certificate", names) == ["failed to renew"]
    assert blamed("Okonkwo-Baptiste failed to renew the certificate", names)


def test_a_display_name_that_is_an_ordinary_word_needs_its_capital() -> None:
    names = ("Rose Tyler",)
    assert blamed("Rose failed to renew the certificate", names)
    assert (
        check_text("Error rates rose after the deploy and the job failed to retry", names=names)
        == []
    )


def test_messages_are_kind_never_name_the_person_and_reframes_are_questions() -> None:
    texts = [
        "Dana forgot to drain the node",
        "Dana should have known",
        "It was Dana's fault",
        "Dana was careless",
        "Obviously Dana missed it",
        "Root cause: Dana",
        "The outage was caused by human error",
        "If only Dana had looked",
    ]
    reasons = set()
    for text in texts:
        findings = check_text(text)
        assert findings, text
        for f in findings:
            assert f.check == "blame"
            assert "Dana" not in f.message and "Dana" not in f.reframe
            assert f.reframe.endswith("?")
            assert not any(word in f.message.lower() for word in ("careless", "stupid", "you "))
            reasons.add(f.message)
    assert len(reasons) >= 5  # the reason is explained, not one message for everything


def test_one_finding_per_reason_with_every_occurrence() -> None:
    findings = check_text("Dana forgot the flag and Sam forgot the lock; human error")
    memory = [f for f in findings if "memory" in f.message.lower()]
    assert len(memory) == 1
    assert memory[0].words == ("forgot",)
    assert any(f.words == ("human error",) for f in findings)


# --- vague actions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, word",
    [
        ("Improve our alerting", "Improve"),
        ("Investigate the latency", "Investigate"),
        ("Look into the memory leak", "Look into"),
        ("Review the deploy process", "Review"),
        ("Consider adding more tests", "Consider"),
        ("Ensure backups are working", "Ensure"),
        ("Be more careful when running migrations", "Be more careful"),
        ("Everyone should be more careful when editing DNS", "be more careful"),
        ("Raise awareness of the change freeze", "Raise awareness"),
        ("Remind engineers to check the region", "Remind"),
        ("Payments team to investigate the 502s", "investigate"),
        ("We need to improve our incident communication", "improve"),
        ("Better alerting for the payments service", "Better"),
        ("Alerting improvements", "improvements"),
        ("Fix monitoring gaps", "Fix monitoring gaps"),
        ("Perform a review of all cron jobs", "Perform a review"),
        ("Understand why the deploy took 40 minutes", "Understand"),  # a number, not a target
        ("Analyze the spike in 500 errors", "Analyze"),  # a status code, too
    ],
)
def test_vague_action_wording(text: str, word: str) -> None:
    assert vague(text) == [word]


def test_memo_style_actions_are_called_out_as_not_engineering_work() -> None:
    for text in (
        "Be more careful when running migrations",
        "Remind engineers to check the region",
        "Always double-check the target cluster",
    ):
        (f,) = check_action_text(text)
        assert "not engineering work" in f.message
        assert f.reframe.endswith("?")
    (f,) = check_action_text("Investigate the latency")
    assert "not engineering work" not in f.message


@pytest.mark.parametrize(
    "text",
    [
        "Add a DNS record TTL check to the config linter",
        "Alert when consumer lag exceeds 10,000 messages for 5 minutes",
        "Add the broker-restart case to the integration suite and run it on every merge",
        "Add a second reviewer to the code review step for DNS changes",  # review, the noun
        "Improve p99 checkout latency to under 300 ms by adding a read replica",  # measured
        "Improve deploy safety by adding an automatic rollback",  # a concrete means
        "Monitor queue depth and page when it stays above 1,000 for 10 minutes",
        "Add a reminder bot that posts certificate expiry dates 30 days ahead",  # automated
        "Coordinate with the DB team to add an index on orders.created_at",
        "Add a canary stage and review its results after each deploy",  # concrete lead
    ],
)
def test_concrete_actions_are_not_vague(text: str) -> None:
    assert check_action_text(text) == []


def _action(**kw: object) -> Action:
    base: dict[str, object] = dict(
        id="a1",
        text="Add a TTL check to the config linter",
        owner_id="u1",
        due="2026-08-12",
        success="linter fails on TTL<60",
        created_at=T0,
    )
    base.update(kw)
    return Action(**base)  # type: ignore[arg-type]


def _kinds(findings: list[Finding]) -> list[str]:
    return [f.message.split(".")[0] for f in findings]


def test_a_complete_concrete_action_in_the_window_has_no_findings() -> None:
    assert check_action(_action(), today="2026-08-01") == []


def test_missing_owner_due_date_and_success_criterion_are_each_a_finding() -> None:
    found = check_action(_action(owner_id=None, due="", success=" "), today="2026-08-01")
    assert len(found) == 3
    assert all(f.check == "vague_action" and f.target == "a1" and f.words == () for f in found)
    text = " ".join(f.message for f in found).lower()
    assert "nobody has taken" in text and "no due date" in text and "no way" in text


@pytest.mark.parametrize(
    "due, expect",
    [
        ("2026-08-04", "Due in 3 days"),
        ("2026-08-07", "Due in 6 days"),
        ("2026-08-08", None),
        ("2026-08-22", None),
        ("2026-08-23", "Due in 22 days"),
        ("2026-09-30", "Due in 60 days"),
        ("2026-07-30", "already in the past"),
    ],
)
def test_short_term_due_dates_outside_7_to_21_days_are_flagged(
    due: str, expect: str | None
) -> None:
    found = check_action(_action(due=due), today="2026-08-01")
    if expect is None:
        assert found == []
    else:
        (f,) = found
        assert expect in f.message and f.words == (due,)


def test_the_window_applies_to_short_term_actions_only() -> None:
    for kind in ("immediate", "long_term"):
        assert check_action(_action(due="2026-12-01", kind=kind), today="2026-08-01") == []


def test_without_today_the_window_counts_from_the_day_the_action_was_written() -> None:
    written = T0  # 2026-08-06
    assert check_action(_action(due="2026-08-20", created_at=written)) == []
    (f,) = check_action(_action(due="2026-08-08", created_at=written))
    assert "Due in 2 days" in f.message


def test_action_wording_is_checked_for_blame_and_vagueness_with_the_boards_names() -> None:
    found = check_action(
        _action(text="Investigate why Zephyrine failed to renew the cert"),
        today="2026-08-01",
        names=["Zephyrine"],
    )
    assert sorted(f.check for f in found) == ["blame", "vague_action"]
    assert all(f.target == "a1" for f in found)


def test_closed_actions_are_not_nagged_about_their_fields() -> None:
    assert check_action(_action(owner_id=None, due="", status="done")) == []


# --- action load --------------------------------------------------------------------------------


def _board_with_actions(n: int, selected: int = 0, status: str = "open") -> Board:
    b = Board(id="b")
    for i in range(n):
        b.actions[f"a{i}"] = _action(id=f"a{i}", selected=i < selected, status=status)
        b.action_order.append(f"a{i}")
    return b


def test_more_than_three_selected_actions_gets_advice() -> None:
    assert check_load(_board_with_actions(6, selected=3)) == []
    (f,) = check_load(_board_with_actions(6, selected=4))
    assert f.check == "action_load" and f.target == "actions" and "4 actions" in f.message
    assert f.reframe.endswith("?")


def test_more_than_seven_open_actions_gets_advice_when_none_are_picked() -> None:
    assert check_load(_board_with_actions(7)) == []
    (f,) = check_load(_board_with_actions(8))
    assert "8 actions are open" in f.message
    assert check_load(_board_with_actions(8, status="done")) == []
    # once some are picked, the ideas that were not are not open work
    assert check_load(_board_with_actions(12, selected=2)) == []


# --- five whys ----------------------------------------------------------------------------------


def _chain(answers: list[str], done: bool = True, root: int | None = None) -> Chain:
    steps = [WhyStep(id=f"w{i}", why=f"Why {i}?", answer=a) for i, a in enumerate(answers)]
    return Chain(
        id="c1",
        problem="Checkout returned 500s",
        steps=steps,
        done=done,
        root_step_id=None if root is None else f"w{root}",
    )


STRUCTURAL = [
    "The config was invalid",
    "The deploy accepted it",
    "No schema check ran",
    "The pipeline has no validation stage",
    "Nobody owns the pipeline's checks",
]


def test_a_done_chain_shorter_than_five_whys_gets_keep_asking() -> None:
    (f,) = check_chain(_chain(STRUCTURAL[:3]))
    assert f.check == "five_whys" and f.target == "c1"
    assert "3 whys" in f.message and f.reframe.startswith("Keep asking why")
    assert check_chain(_chain(STRUCTURAL[:3], done=False)) == []
    assert check_chain(_chain(STRUCTURAL)) == []


@pytest.mark.parametrize(
    "last",
    [
        "Human error",
        "Because of the on-call engineer",
        "Dana.",
        "The operator forgot to drain the node",
    ],
)
def test_a_chain_that_ends_at_a_person_gets_keep_asking(last: str) -> None:
    found = check_chain(_chain(STRUCTURAL[:4] + [last], done=False), names=["Dana"])
    five = [f for f in found if f.check == "five_whys"]
    assert len(five) == 1 and "ends at a person" in five[0].message
    assert five[0].reframe.startswith("Keep asking why")


def test_the_marked_root_step_is_where_the_chain_ends() -> None:
    chain = _chain(["Human error"] + STRUCTURAL[1:], root=4)
    assert [f.check for f in check_chain(chain)] == ["blame"]  # the wording, on its step
    assert check_chain(chain)[0].target == "w0"
    chain = _chain(STRUCTURAL[:4] + ["Human error"], root=2)
    assert [f.check for f in check_chain(chain)] == ["blame"]


# --- write-up completeness ----------------------------------------------------------------------


def test_writeup_wants_regulatory_reasons_communications_and_a_confirmed_action() -> None:
    b = Board(id="b")
    targets = sorted(f.target for f in check_writeup(b))
    assert targets == ["actions", "header.communications", "header.regulatory"]
    b.header.regulatory = "N/A"
    b.header.communications = "Support and the account managers at 10:05"
    b.actions["a1"] = _action()
    found = check_writeup(b)
    assert [(f.target, f.words) for f in found] == [
        ("header.regulatory", ("N/A",)),
        ("actions", ()),
    ]
    assert "confirmed" in found[1].message
    b.header.regulatory = "N/A: no personal data or regulated system was involved"
    b.actions["a1"].confirmed = True
    assert check_writeup(b) == []
    for bare in ("n/a", "N/A.", "none", "Not applicable", " NA "):
        b.header.regulatory = bare
        assert [f.target for f in check_writeup(b)] == ["header.regulatory"], bare


# --- a whole board ------------------------------------------------------------------------------


def _board() -> Board:
    b = Board(id="b")
    b.participants["u1"] = Participant(id="u1", name="Zephyrine", role="participant", joined_at=T0)
    b.stickies["s1"] = Sticky(
        id="s1",
        section="went_badly",
        author="u1",
        phase_id="p1",
        created_at=T0,
        text="Zephyrine failed to renew the cert",
    )
    b.stickies["s2"] = Sticky(
        id="s2",
        section="went_well",
        author="u1",
        phase_id="p1",
        created_at=T0,
        text="The kill switch worked",
    )
    b.timeline["e1"] = TimelineEntry(
        id="e1",
        at="2026-08-14T09:00:00Z",
        kind="fact",
        author="u1",
        created_at=T0,
        text="On-call ignored the first page",
    )
    b.chains["c1"] = _chain(STRUCTURAL[:2] + ["Because the operator should have known"])
    b.actions["a1"] = _action(text="Improve alerting", confirmed=True)
    b.action_order.append("a1")
    b.header.regulatory = "None apply: no customer data was exposed"
    b.header.communications = "Status page at 09:20"
    return b


def test_board_findings_cover_every_item_with_targets() -> None:
    found = board_findings(_board(), today="2026-08-01")
    got = sorted((f.target, f.check) for f in found)
    assert got == [
        ("a1", "vague_action"),
        ("c1", "five_whys"),
        ("c1", "five_whys"),
        ("e1", "blame"),
        ("s1", "blame"),
        ("w2", "blame"),
    ]


def test_board_findings_skip_the_kinds_turned_off() -> None:
    b = _board()
    b.header.communications = ""
    assert {f.check for f in board_findings(b, off=["blame", "five_whys"])} == {
        "vague_action",
        "writeup",
    }
    # the board settings call the write-up check "completeness": both names work
    for name in ("writeup", "completeness"):
        assert "writeup" not in {f.check for f in board_findings(b, off=[name])}
    assert board_findings(b, off=CHECKS) == []


def test_checks_are_the_stable_kinds() -> None:
    assert CHECKS == ("blame", "vague_action", "action_load", "five_whys", "writeup")


# --- nudge history ------------------------------------------------------------------------------


class Log:
    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.add(SYSTEM, o.CreateBoard(title="Cert expiry", facilitator_name="Fran"), "u-fac")
        self.add(SYSTEM, o.Join(name="Zephyrine"), "u-z")
        self.add(
            "u-fac",
            o.EditHeader(
                regulatory="N/A: internal tooling only", communications="Support told at 09:30"
            ),
            "x",
        )

    def add(self, actor: str, op: o.Op, new_id: str) -> None:
        self.entries.append(
            Entry(
                seq=len(self.entries) + 1,
                actor=actor,
                at=T0 + len(self.entries) * 1000,
                new_id=new_id,
                op=op,
            )
        )


def test_nudge_history_counts_raised_and_resolved_by_edit() -> None:
    log = Log()
    log.add(
        "u-fac",
        o.AddTimelineEntry(at="2026-08-14T09:00Z", text="zephyrine failed to renew the cert"),
        "e1",
    )
    log.add(
        "u-fac",
        o.AddTimelineEntry(at="2026-08-14T09:05Z", text="Nobody noticed the expiry email"),
        "e2",
    )
    log.add("u-fac", o.AddTimelineEntry(at="2026-08-14T09:06Z", text="Renewal job ran"), "e3")
    log.add(
        "u-fac",
        o.EditTimelineEntry(entry_id="e1", text="Renewal relied on a calendar reminder"),
        "x1",
    )
    log.add("u-fac", o.DeleteTimelineEntry(entry_id="e2"), "x2")  # deleted: not resolved
    h = nudge_history(log.entries)
    assert h.by_check["blame"].raised == 2
    assert h.by_check["blame"].resolved == 1
    # the write-up: no actions yet, raised once when the board was made, still open
    assert h.by_check["writeup"].raised >= 1 and h.by_check["writeup"].resolved >= 1
    assert h.raised == sum(c.raised for c in h.by_check.values())
    assert h.resolved == sum(c.resolved for c in h.by_check.values())


def test_nudge_history_counts_only_the_checks_the_board_has_on() -> None:
    log = Log()
    log.add("u-fac", o.EditSettings(nudges=["vague_action"]), "x0")
    log.add(
        "u-fac",
        o.AddTimelineEntry(at="2026-08-14T09:00Z", text="Operator forgot to drain the node"),
        "e1",
    )
    h = nudge_history(log.entries)
    assert h.by_check["blame"].raised == 0
    assert h.by_check["blame"].resolved == 0


def test_findings_travel_as_json_and_come_back_equal() -> None:
    import msgspec

    found = board_findings(_board(), today="2026-08-01")
    data = msgspec.json.encode(found)
    assert msgspec.json.decode(data, type=list[Finding]) == found
    first = msgspec.json.decode(data)[0]
    assert set(first) == {"check", "words", "message", "reframe", "target"}
