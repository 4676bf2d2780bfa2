"""The worked example of the post-mortem template (source 004), run as a real meeting.

The AP invoice-reconciliation Sev-2: after an upstream ERP schema change, the reconciliation
agent's parser misread a new discount field and produced wrong purchase-order matches; human
review caught all 47 before they reached the ledger. `build_worked_example(hub)` plays the whole
meeting through the real Hub and Room (every op goes through the core and the store, as people
would send them), on a controllable clock, and returns the board id and who is who.

The facts are the source's; the sentences are ours. People are chosen so tests can tell the
anonymity promise apart from the naming of owners: note authors (`WRITERS`) own nothing and
sign nothing, so on an anonymous board their names must appear nowhere in the write-up, while
action owners and sign-off names must.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.templating import Jinja2Templates

from hindsight.board_state import ops as o
from hindsight.board_state.views import BoardView
from hindsight.server.meeting.hub import Hub
from hindsight.server.outputs.writeup import (
    TEMPLATES,
    render_html,
    render_markdown,
    writeup_context,
)
from hindsight.server.outputs.writeup_nudges import NudgeTallies
from hindsight.server.storage.store import Store

MINUTE = 60_000
# The meeting starts on 2026-08-19 at 09:00 UTC, five days after the incident.
MEETING_START = int(datetime(2026, 8, 19, 9, 0, tzinfo=UTC).timestamp() * 1000)

FACILITATOR = "Morteza Moradi"  # CoE lead; owns the runbook action, signs as author
OWNERS = ("Priya Raman", "Mike Chen")  # the builder, the finance champion
WRITERS = ("Quentin Ashgrove", "Ysolde Marchetti", "Bertram Okonjo")  # notes only
OBSERVER = "Wendeline Frost"
SIGNERS = ("Morteza Moradi", "Mike Chen", "Pat Lee", "Jane Doe")

TITLE = "finance-invoice-recon: wrong PO matches after an ERP schema change"
SYSTEMIC_CAUSE = (
    "Our monitoring is built to catch problems that last, not sharp ones: quality "
    "alerts average over seven days, so a severe drop of a few hours never moves them."
)

TIMELINE: tuple[tuple[str, str, str], ...] = (
    (
        "2026-08-13T23:00Z",
        "fact",
        "The ERP vendor rolls out a schema change in its maintenance "
        "window; it counts as additive, so no notice is sent",
    ),
    (
        "2026-08-14T06:00Z",
        "fact",
        "The day's first invoices arrive and the agent starts matching them",
    ),
    (
        "2026-08-14T09:12Z",
        "signal",
        "Wrong-match rate starts to climb; visible in the tracing "
        "dashboard, but no alert is set at this level",
    ),
    (
        "2026-08-14T10:38Z",
        "signal",
        "An AP accountant spots wrong matches during review and posts in #ai-pilot-finance",
    ),
    ("2026-08-14T10:42Z", "fact", "The finance champion acknowledges in the channel"),
    ("2026-08-14T10:51Z", "decision", "Kill switch pulled: the agent is paused"),
    ("2026-08-14T11:00Z", "fact", "CoE lead told; investigation starts"),
    (
        "2026-08-14T11:45Z",
        "fact",
        "Cause found: the new field lineItemDiscountType shifts the parser's columns",
    ),
    ("2026-08-14T16:00Z", "fact", "Hotfix branch opened"),
    ("2026-08-15T09:00Z", "fact", "Hotfix reviewed"),
    (
        "2026-08-15T11:00Z",
        "fact",
        "Golden set re-run: 96% accuracy, back at the pre-incident baseline",
    ),
    ("2026-08-15T12:30Z", "decision", "Hotfix deployed through the usual CI/CD pipeline"),
    ("2026-08-15T14:30Z", "decision", "Agent switched back on, watched closely for 24 hours"),
    ("2026-08-16T14:30Z", "fact", "Stable for a day; incident closed operationally"),
)

WENT_WELL = (
    "Human review caught every wrong match before anything was written to the ledger",
    "The kill switch paused the agent within a minute of the decision",
    "One message in the team channel reached the right people quickly",
    "Fix in production about 28 hours after the pause",
    "Complete traces made the cause easy to find",
)
WENT_BADLY = (
    "A jump from 4% to 30% wrong matches paged nobody",
    "We found out only because one person happened to look",
    "Nothing re-tests the agent when an upstream system changes",
)
FACTORS: tuple[tuple[str, str], ...] = (
    ("monitoring", "Alerts fire on errors, cost and latency, not on a short drop in match quality"),
    (
        "change",
        "Upstream schema changes arrive unannounced; our notification process covers AI "
        "vendors only",
    ),
    ("testing", "The golden set was captured before the schema change and is never refreshed"),
    ("process", "Detection depended on a person noticing during routine review"),
)
WHYS: tuple[tuple[str, str], ...] = (
    (
        "Why did wrong matches start?",
        "The parser misaligned columns when ERP responses gained a new field.",
    ),
    ("Why did a new field misalign the parser?", "It read columns by position, not by name."),
    (
        "Why did the parser not fail loudly?",
        "The new field was optional and additive: parsing still succeeded, with wrong values.",
    ),
    (
        "Why did we not notice within minutes?",
        "We watch for errors and Sev-1 signals, not for a falling quality rate.",
    ),
    (
        "Why does a falling quality rate not alert?",
        "The review-acceptance alert averages over seven days; a few bad hours barely move it.",
    ),
)
# (text, owner, due, success criterion, kind, status, chosen)
ACTIONS: tuple[tuple[str, str, str, str, str, str, bool], ...] = (
    (
        "Parse ERP responses by column name instead of position",
        "Priya Raman",
        "2026-08-15",
        "A response with an extra field parses correctly; golden set ≥ 96%",
        "immediate",
        "done",
        False,
    ),
    (
        "Alert when review acceptance drops below 70% over 2 hours",
        "Priya Raman",
        "2026-09-01",
        "Replaying 14 Aug pages on-call within 30 min of 09:12",
        "short_term",
        "done",
        True,
    ),
    (
        "Alert when wrong matches exceed 15% over 1 hour",
        "Priya Raman",
        "2026-09-01",
        "Fires in a synthetic test at 20% for one hour",
        "short_term",
        "in_progress",
        True,
    ),
    (
        "Weekly golden-set re-run plus a synthetic invoice covering every ERP field",
        "Priya Raman",
        "2026-10-01",
        "Runs every Monday; a schema change fails it within a week",
        "long_term",
        "open",
        True,
    ),
    (
        "Ask the ERP vendor for schema-change notices",
        "Mike Chen",
        "2026-09-15",
        "Our tenant is on the vendor's change watchlist",
        "short_term",
        "done",
        False,
    ),
    (
        "Add 'upstream schema change' to the runbook with diagnostics and mitigation",
        "Morteza Moradi",
        "2026-08-26",
        "Runbook section reviewed by on-call",
        "immediate",
        "done",
        False,
    ),
)
IMPACT_NOTES = (
    "No customer-facing impact; AP invoices were matched by hand while the agent was paused"
)
IMPACT_ROWS = (
    ("Wrong matches produced", "47, over about 3 hours"),
    ("Wrong matches reaching the ledger", "0, all caught at human review"),
    ("Payments wrongly authorised", "0"),
)
# Themes of the reflection notes, with the notes each groups (by text).
THEMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Detection depends on a person looking", (WENT_BADLY[0], WENT_BADLY[1])),
    ("Upstream changes are never re-tested", (WENT_BADLY[2],)),
    ("Containment worked", (WENT_WELL[0], WENT_WELL[1])),
)
# Each voter's two dots on themes, as indexes into THEMES: 6, then a 2-2 tie.
THEME_VOTES = ((0, 0), (0, 0), (0, 1), (0, 2), (1, 2))
PARKED = (
    "Should the vendor contract require change notices?",
    "Who owns the golden set once the pilot ends?",
)
SUMMARY = (
    "On 14 Aug from 09:12 UTC the invoice-reconciliation agent matched about 30% of invoices to "
    "the wrong purchase order, against a 4% baseline. A person noticed at 10:38 and the agent "
    "was paused at 10:51. The cause was an additive ERP schema change the day before, which the "
    "agent's positional parser misread. Human review stopped all 47 wrong matches before the "
    "ledger; the agent was back on 15 Aug at 14:30 with a fixed parser."
)
SIGN_OFF = (
    ("Author", SIGNERS[0], "2026-08-19"),
    ("Reviewer (department)", SIGNERS[1], "2026-08-20"),
    ("Reviewer (security)", SIGNERS[2], "2026-08-20"),
    ("Executive sponsor (informed)", SIGNERS[3], "2026-08-25"),
)
COMMUNICATIONS = (
    "AP team kept informed in real time in #ai-pilot-finance\n"
    "Head of Finance briefed by the finance champion on 2026-08-14\n"
    "Executive sponsor briefed at the monthly 1:1 on 2026-08-25\n"
    "No external communication: no customer impact and no regulatory exposure"
)
REGULATORY = (
    "EU AI Act Art. 73 (serious incidents): N/A, no harm to people, rights or property; it "
    "would apply only with autonomous ledger writes and actual wrong payments\n"
    "SOX: not material, financial reporting unaffected and AP records accurate\n"
    "Internal audit: notified 2026-08-19, no further action requested"
)


async def build_worked_example(
    hub: Hub, *, anonymity: str = "anonymous", close: bool = True
) -> tuple[str, dict[str, str]]:
    """Run the meeting; return (board id, display name -> participant id)."""
    board_id, fac, _ = await hub.create_board(
        o.CreateBoard(
            title=TITLE,
            severity="sev2",
            facilitator_name=FACILITATOR,
            anonymity=anonymity,
            learning_question="How did a 30% wrong-match rate go unnoticed for 86 minutes?",
        )
    )
    room = await hub.room(board_id)
    assert room is not None
    now = [MEETING_START]
    # A clock the test moves: phases get exact planned-vs-actual minutes, and no timebox ever
    # reaches its deadline while an op is in flight (so no expiry op races the script).
    room.clock = lambda: now[0]

    def tick(minutes: int) -> None:
        now[0] += minutes * MINUTE

    people = {FACILITATOR: fac}
    for name in (*OWNERS, *WRITERS):
        people[name], _ = await room.join(name, "participant")
    people[OBSERVER], _ = await room.join(OBSERVER, "observer")

    async def do(name: str, *ops: o.Op) -> None:
        for op in ops:
            await room.submit_as(people[name], op)

    async def next_phase(after_minutes: int) -> None:
        tick(after_minutes)
        await do(FACILITATOR, o.AdvancePhase())

    async def ids() -> BoardView:  # ids the server drew, read as the facilitator sees them
        return (await room.read(fac))[1]

    # Before the meeting: the facilitator drafts the header and the first part of the timeline.
    await do(
        FACILITATOR,
        o.EditHeader(
            started_at="2026-08-14T09:12Z",
            detected_at="2026-08-14T10:38Z",
            resolved_at="2026-08-15T14:30Z",
            users_affected="AP team (internal agent); no customers",
            duration="~28 h paused (14 Aug 10:51 to 15 Aug 14:30)",
            cost="~3 h of manual triage; AP on manual processing for 1.5 days",
            impact_notes=IMPACT_NOTES,
            impact_rows=[o.ImpactRowInput(dimension=d, impact=i) for d, i in IMPACT_ROWS],
            summary=SUMMARY,
        ),
        o.ImportTimeline(
            entries=[o.TimelineItem(at=a, kind=k, text=t) for a, k, t in TIMELINE[:8]]
        ),
    )

    await next_phase(0)  # Set the room (5 min planned): 4 taken
    await next_phase(4)  # Incident summary (5): 6 taken
    await next_phase(6)  # Timeline (18): 21 taken, with one 5-minute extension
    tick(10)
    for n, (at, kind, text) in enumerate(TIMELINE[8:]):
        await do(WRITERS[n % 3], o.AddTimelineEntry(at=at, kind=kind, text=text))
    tick(7)
    await do(FACILITATOR, o.ExtendTimer(minutes=5))
    await next_phase(4)  # Five whys (20): 19 taken
    await do(
        OWNERS[0],
        o.AddChain(
            problem="The agent matched about 30% of invoices to the wrong "
            "purchase order (baseline 4%)"
        ),
    )
    chain = (await ids()).chains[0].id
    for n, (why, answer) in enumerate(WHYS):
        await do(WRITERS[n % 3], o.AddWhy(chain_id=chain, why=why, answer=answer))
    last = (await ids()).chains[0].steps[-1].id
    await do(OWNERS[0], o.MarkRootCause(chain_id=chain, step_id=last, cause=SYSTEMIC_CAUSE))
    await next_phase(19)  # Contributing factors (10): 8 taken
    for n, (category, text) in enumerate(FACTORS):
        await do(WRITERS[n % 3], o.AddSticky(section="contributing", text=text, category=category))
    await next_phase(8)  # What went well, what went badly (7, private): 6 taken
    for n, text in enumerate(WENT_WELL):
        await do(WRITERS[n % 3], o.AddSticky(section="went_well", text=text))
    for n, text in enumerate(WENT_BADLY):
        await do(WRITERS[(n + 1) % 3], o.AddSticky(section="went_badly", text=text))
    tick(6)
    reflection = (await ids()).board.current
    assert reflection is not None
    await do(FACILITATOR, o.Reveal(phase_id=reflection), o.AdvancePhase())  # Themes and vote (7): 9
    await do(FACILITATOR, o.OpenVote(target="stickies", budget=3))
    view = await ids()
    round_id = view.rounds[0].id
    badly = {s.text: s.id for s in view.stickies if s.section == "went_badly"}
    for n, voter in enumerate((*WRITERS, *OWNERS)):
        for text in (WENT_BADLY[0], WENT_BADLY[0], WENT_BADLY[1 + n % 2]):
            await do(voter, o.CastVote(round_id=round_id, item_id=badly[text]))
    await do(FACILITATOR, o.CloseVote(round_id=round_id), o.RevealVote(round_id=round_id))
    # Themes group the notes; a second vote, on themes, ends in a tie for second place.
    for name, texts in THEMES:
        await do(
            WRITERS[0],
            o.AddTheme(name=name, sticky_ids=[s.id for s in view.stickies if s.text in texts]),
        )
    theme_ids = {t.name: t.id for t in (await ids()).themes}
    await do(FACILITATOR, o.OpenVote(target="themes", budget=2))
    themes_round = next(r.id for r in (await ids()).rounds if r.target == "themes")
    for voter, picks in zip((*WRITERS, *OWNERS), THEME_VOTES):
        for n in picks:
            await do(voter, o.CastVote(round_id=themes_round, item_id=theme_ids[THEMES[n][0]]))
    await do(FACILITATOR, o.CloseVote(round_id=themes_round), o.RevealVote(round_id=themes_round))
    for n, question in enumerate(PARKED):
        await do(WRITERS[2 - n], o.ParkQuestion(text=question))
    await next_phase(9)  # Actions (15): 14 taken
    for text, owner, due, success, kind, _, _ in ACTIONS:
        await do(
            owner,
            o.AddAction(text=text, owner_id=people[owner], due=due, success=success, kind=kind),
        )
    order = (await ids()).board.action_order
    for action_id, (_, owner, _, _, _, _, chosen) in zip(order, ACTIONS):
        await do(owner, o.ConfirmOwner(action_id=action_id))
        if chosen:
            await do(FACILITATOR, o.SelectAction(action_id=action_id))
    await next_phase(14)  # Wrap-up (3): 4 taken
    await do(
        FACILITATOR,
        o.EditHeader(
            communications=COMMUNICATIONS,
            regulatory=REGULATORY,
            sign_off=[
                o.SignOffEntry(role=role, name=name, date=date) for role, name, date in SIGN_OFF
            ],
        ),
        o.SetTags(tags=["erp", "schema-change", "monitoring", "ai-agent"]),
    )
    tick(4)
    if close:
        await do(FACILITATOR, o.CloseMeeting())
    # Follow-up after the meeting: owners mark what they finished (statuses move after closing).
    # Only committed actions are followed up; proposals not taken keep their "open".
    for action_id, (_, owner, _, _, _, status, chosen) in zip(order, ACTIONS):
        if chosen and status != "open":
            await do(owner, o.SetActionStatus(action_id=action_id, status=status))
    return board_id, people


async def render_example(tmp: Path, **options: Any) -> tuple[str, str]:
    """(Markdown, HTML) of the worked example, as kept under docs/examples/: the HTML links
    its stylesheet relatively and has no toolbar, so it renders when opened as a file."""
    store = Store(tmp / "example.db")
    store.open()
    hub = Hub(store)
    try:
        board_id, _ = await build_worked_example(hub, **options)
        room = await hub.room(board_id)
        assert room is not None
        _, view = await room.read("")
        nudges = await NudgeTallies().of(room)
        w = writeup_context(view, now_ms=room.clock(), nudges=nudges)
        env = Jinja2Templates(directory=TEMPLATES).env
        return render_markdown(w), render_html(w, env, static="../../static", links=False)
    finally:
        await hub.close()
        store.close()
