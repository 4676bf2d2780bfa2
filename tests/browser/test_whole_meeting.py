"""A whole meeting in real browsers: one facilitator and three participants, each in their own
browser context, go through every phase of the 90-minute agenda (time compressed: the facilitator
moves on as soon as each phase's key action is seen everywhere). Around it, the promises that
cut across phases: private writing reaches no other browser before the reveal, writes made offline
arrive exactly once, hostile text renders as text, and participants cannot run the meeting.

Same set-up as test_board_page.py: the fixtures and helpers of tests/browser/conftest.py.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from pathlib import Path
from typing import Any

from hindsight.board_state import ops as o
from hindsight.board_state.errors import Rejected
from hindsight.client.http import fetch_view
from hindsight.client.sdk import BoardClient
from tests.browser.conftest import (
    WAIT,
    add_entry,
    add_note,
    advance_to,
    api,
    drag,
    expect,
    needs_chromium,
    open_board,
    wait_live,
)
from tests.browser.conftest import meeting as shared_meeting
from tests.realserver import RealServer

pytestmark = needs_chromium

TITLE = "Card payments failed after a gateway config push"
AGENDA = [
    "Set the room",
    "Incident summary",
    "Timeline",
    "Five whys",
    "Contributing factors",
    "What went well, what went badly",
    "Themes and vote",
    "Actions",
    "Wrap-up",
]
# What a browser logs when its network is cut on purpose (refused handshakes, failed loads).
NETWORK_ERRORS = re.compile(r"WebSocket|Failed to load resource: net::ERR_")


def next_phase(fac: Any, title: str, others: list[Any]) -> None:
    """The facilitator clicks Next once; the phase `title` reaches every page."""
    current = fac.locator("#phase-title").inner_text()
    assert current != title
    fac.click("#advance")
    expect(fac.locator("#phase-title")).to_have_text(title, timeout=WAIT)
    for page in others:
        expect(page.locator("#phase-title")).to_have_text(title, timeout=WAIT)
        expect(page.locator("#agenda-list [aria-current=step]")).to_contain_text(title)


def meeting(
    server: RealServer, names: list[str], title: str = TITLE
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return shared_meeting(server, names, title, template="blameless-90")


def run_async(coro: Any) -> Any:
    """Run a coroutine on its own thread and loop, away from Playwright's sync machinery."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as e:  # handed back to the test thread
            box["error"] = e

    t = threading.Thread(target=target)
    t.start()
    t.join(30)
    assert not t.is_alive(), "the SDK call did not finish"
    if "error" in box:
        raise box["error"]
    return box.get("value")


def test_a_whole_meeting_time_compressed(server: RealServer, people: Any, tmp_path: Path) -> None:
    """Everything through the page, as people would do it: no op is sent by hand. It ends with
    a write-up that flags nothing as missing and prints on one or two pages."""
    made, joined = meeting(server, ["Sam", "Kim", "Ana"])
    board = made["board_id"]
    everyone = [
        people("UTC"),
        people("Europe/Berlin"),
        people("America/New_York"),
        people("Asia/Tokyo"),
    ]
    fac = open_board(everyone[0], server, made["facilitator_url"])
    sam, kim, ana = (open_board(p, server, j["board_url"]) for p, j in zip(everyone[1:], joined))
    pages = [fac, sam, kim, ana]
    participants = [sam, kim, ana]
    for name in ("Sam", "Kim", "Ana"):
        expect(fac.locator("#lobby-people")).to_contain_text(name, timeout=WAIT)
    shots: list[Path] = []

    def shot(n: int, slug: str, page: Any = fac) -> None:
        path = tmp_path / f"{n:02d}-{slug}.png"
        page.screenshot(path=str(path))
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        shots.append(path)

    # The lobby: the facilitator's invite links are whole, with Copy buttons; the agenda is the
    # 90-minute template, the same for everyone.
    expect(fac.locator("#lobby-join-link")).to_have_value(
        f"{server.url}/b/{board}/join#t={made['join_token']}"
    )
    expect(sam.locator("#lobby-join-link")).to_be_hidden()
    for page in pages:
        expect(
            page.locator("#agenda-list li.agenda-item:not(.is-lobby) .agenda-title")
        ).to_have_text(AGENDA, timeout=WAIT)
        expect(page.locator("#stepper .is-lobby")).to_contain_text("Lobby")
        expect(page.locator("#ground-rules")).to_be_hidden()
    shot(0, "lobby")

    # 1. Set the room: the ground rules and the learning question, large, on everyone's screen.
    fac.click("#lobby-start-button")
    for page in pages:
        expect(page.locator("#phase-title")).to_have_text("Set the room", timeout=WAIT)
        rules = page.locator("#ground-rules")
        expect(rules).to_be_visible(timeout=WAIT)
        expect(rules.locator("li")).to_have_count(4)
        expect(rules).to_contain_text("We are here to change the system, not to judge people.")
    shot(1, "set-the-room")

    # 2. Incident summary: the facilitator corrects the incident sheet in place; everyone reads
    # it live. A question that needs judgement is parked for later, from the bar.
    next_phase(fac, "Incident summary", participants)
    for page in pages:
        expect(page.locator("#ground-rules")).to_be_hidden()
        expect(page.locator("#phase-prompt")).to_contain_text("Check the header")
    fac.select_option("#sheet-severity", "sev1")
    for field, value in (
        ("#sheet-started", "2026-08-14T09:05"),
        ("#sheet-detected", "2026-08-14T09:31"),
        ("#sheet-resolved", "2026-08-14T10:12"),
    ):
        fac.fill(field, value)
    fac.fill(
        "#sheet-summary",
        "Card payments in the EU failed for 41 minutes after a gateway config push "
        "rotated the API key in production only. About 8% of checkouts failed; a rollback restored "
        "service at 10:12 UTC. Root cause: config pushes skip the canary stage.",
    )
    fac.press("#sheet-summary", "Tab")
    for field, value in (
        ("#sheet-users", "About 12,400 shoppers"),
        ("#sheet-duration", "41 minutes"),
        ("#sheet-cost", "About 310,000 EUR in delayed orders"),
    ):
        fac.fill(field, value)
        fac.press(field, "Tab")
    for n, (dimension, impact) in enumerate(
        (("Failed checkouts", "3,150 over 41 minutes"), ("Payments charged twice", "0"))
    ):
        fac.get_by_role("button", name="Add an impact row").click()
        fac.get_by_label(f"Dimension, row {n + 1}").fill(dimension)
        fac.get_by_label(f"Impact, row {n + 1}").fill(impact)
        fac.get_by_label(f"Impact, row {n + 1}").press("Tab")
    for page in participants:
        sheet = page.locator("#sheet")
        expect(sheet).to_contain_text("Sev-1", timeout=WAIT)
        expect(sheet).to_contain_text("About 12,400 shoppers", timeout=WAIT)
        expect(sheet).to_contain_text("rotated the API key", timeout=WAIT)
        expect(sheet.locator(".impact-rows tbody tr")).to_have_count(2, timeout=WAIT)
        expect(sheet.locator("input, textarea, select")).to_have_count(0)  # read, not edited
    expect(kim.locator("#sheet")).to_contain_text(
        "05:05", timeout=WAIT
    )  # started, in New York time
    expect(fac.locator("#severity")).to_have_text("Sev-1")
    sam.click("#park-open")
    sam.fill("#park-text", "Should gateway config pushes go through a canary?")
    sam.press("#park-text", "Enter")
    expect(sam.locator("#parking-list .note", has_text="go through a canary")).to_have_count(
        1, timeout=WAIT
    )
    sam.click("#parking-close")
    for page in pages:
        expect(page.locator("#park-open")).to_have_text("Parking lot (1)", timeout=WAIT)
    shot(2, "incident-summary")

    # 3. Timeline: entries from three time zones; everyone sees them in their own local time.
    next_phase(fac, "Timeline", participants)
    add_entry(kim, "2026-08-14T05:12", "fact", "Gateway config push reaches production")
    add_entry(sam, "2026-08-14T11:20", "signal", "Error rate on /checkout creeps up to 4%")
    add_entry(ana, "2026-08-14T18:31", "fact", "Support tickets about declined cards reach on-call")
    add_entry(kim, "2026-08-14T05:48", "decision", "On-call rolls the gateway config back")
    times = {fac: "09:12", sam: "11:12", kim: "05:12", ana: "18:12"}  # UTC, Berlin, New York, Tokyo
    for page in pages:
        entry = page.locator(
            "#timeline-list .tl", has_text="Gateway config push reaches production"
        )
        expect(entry).to_have_count(1, timeout=WAIT)
        expect(entry.locator(".tl-time")).to_have_text(times[page])
        expect(page.locator("#timeline-list .tl")).to_have_count(4, timeout=WAIT)
        expect(page.locator("#timeline-list .tl--decision")).to_have_count(1)
    shot(3, "timeline")

    # 4. Five whys: Ana asks why three times and marks the structural cause.
    next_phase(fac, "Five whys", participants)
    expect(ana.locator(".whys")).to_be_visible(timeout=WAIT)
    ana.get_by_label("Problem (what was observed)").fill("Card payments failed for 41 minutes")
    ana.get_by_role("button", name="Start a chain").click()
    expect(ana.locator(".chain[data-id]")).to_have_count(1, timeout=WAIT)
    for n, (why, because) in enumerate(
        (
            ("Why did the payments fail?", "The gateway rejected our API key"),
            ("Why was the key rejected?", "The config push rotated the key in production only"),
            ("Why did a production-only change go out?", "Config pushes skip the canary stage"),
        )
    ):
        ana.get_by_label("Next: why?").fill(why)
        ana.get_by_label("Because", exact=True).last.fill(because)
        ana.get_by_role("button", name="Add why").click()
        expect(ana.locator(".why-step[data-id]")).to_have_count(n + 1, timeout=WAIT)
    ana.locator(".why-step[data-id]").last.get_by_role(
        "button", name="Mark as structural cause"
    ).click()
    ana.get_by_label("The structural cause, in one sentence").fill(
        "Gateway config pushes bypass the canary stage"
    )
    ana.get_by_role("button", name="Save cause").click()
    for page in pages:
        expect(page.locator(".why-step[data-id]")).to_have_count(3, timeout=WAIT)
        expect(page.locator(".root-cause")).to_contain_text("bypass the canary stage", timeout=WAIT)
    shot(4, "five-whys")

    # 5. Contributing factors, each with its category; the board groups them by category.
    next_phase(fac, "Contributing factors", participants)
    expect(sam.locator("#note-form")).to_be_visible(timeout=WAIT)
    sam.select_option("#note-category", "monitoring")
    add_note(sam, "No alert on the payment success rate")
    sam.select_option("#note-category", "change")
    add_note(sam, "The config push skipped the canary stage")
    for page in pages:
        expect(
            page.locator("#note-sections [data-column=category-monitoring] .note")
        ).to_have_count(1, timeout=WAIT)
        expect(page.locator("#note-sections [data-column=category-change] .note")).to_have_count(
            1, timeout=WAIT
        )
    shot(5, "contributing-factors")

    # 6. Reflection, private: before the reveal the others see only how many notes exist.
    next_phase(fac, "What went well, what went badly", participants)
    for page in participants:
        expect(page.locator("#private-notice")).to_contain_text("Only you can see", timeout=WAIT)
    add_note(kim, "Rollback was quick once someone looked", "went_well")
    add_note(ana, "Nobody was paged for failed payments", "went_badly")
    add_note(sam, "Support spotted the pattern before monitoring did", "went_badly")
    expect(kim.locator(".note.is-hidden")).to_have_count(1, timeout=WAIT)
    expect(ana.locator(".note.is-hidden")).to_have_count(1, timeout=WAIT)
    expect(fac.locator("#reveal")).to_have_text("Reveal notes (3)", timeout=WAIT)
    for page in (fac, sam):
        expect(page.locator("#private-notice")).to_contain_text(
            "3 notes written so far", timeout=WAIT
        )
        expect(page.locator(".note", has_text="Rollback was quick")).to_have_count(0)
        expect(page.locator(".note", has_text="Nobody was paged")).to_have_count(0)
        assert "Rollback was quick" not in page.content()
        assert "Nobody was paged" not in page.content()
    expect(kim.locator(".note", has_text="Nobody was paged")).to_have_count(0)
    expect(ana.locator(".note", has_text="Rollback was quick")).to_have_count(0)
    shot(6, "reflection-private", sam)
    fac.click("#reveal")
    for page in pages:
        expect(
            page.locator(".section-went_well .note", has_text="Rollback was quick")
        ).to_have_count(1, timeout=WAIT)
        expect(
            page.locator(".section-went_badly .note", has_text="Nobody was paged")
        ).to_have_count(1, timeout=WAIT)
        expect(page.locator("#private-notice")).to_be_hidden()  # the notice goes with the privacy
    shot(7, "reflection-revealed", sam)

    # 7. Themes and vote: Sam drops one note on another to start a theme and names it; the
    # facilitator opens the vote from the bar, on the themes, and reveals it.
    next_phase(fac, "Themes and vote", participants)
    expect(sam.locator(".themes")).to_be_visible(timeout=WAIT)
    expect(sam.locator(".theme-note[data-id]")).to_have_count(5, timeout=WAIT)
    loose = sam.locator(".theme-ungrouped .theme-note")
    drag(
        loose.filter(has_text="Nobody was paged").locator(".note-text"),
        loose.filter(has_text="No alert on the payment").locator(".note-text"),
    )
    rename = sam.get_by_role("textbox", name="Rename theme Theme 1")
    expect(rename).to_be_focused(timeout=WAIT)
    sam.keyboard.type("Detection relies on people")
    sam.keyboard.press("Enter")
    drag(
        sam.locator(".theme-ungrouped .theme-note", has_text="Support spotted").locator(
            ".note-text"
        ),
        sam.locator(".theme-group", has=sam.locator(".theme-title", has_text="Detection relies")),
    )
    sam.get_by_label("Name a new theme").fill("Deploy safety")
    sam.get_by_label("Name a new theme").press("Enter")
    sam.locator(".theme-note", has_text="skipped the canary").get_by_label(
        "Theme for: The config push skipped the canary stage"
    ).select_option(label="Deploy safety")
    for page in pages:
        detection = page.locator(
            ".theme-group", has=page.locator(".theme-title", has_text="Detection relies on people")
        )
        expect(detection.locator(".theme-note")).to_have_count(3, timeout=WAIT)
        deploy = page.locator(
            ".theme-group", has=page.locator(".theme-title", has_text="Deploy safety")
        )
        expect(deploy.locator(".theme-note")).to_have_count(1, timeout=WAIT)
    expect(fac.locator("#bar-open-vote")).to_have_text("Open vote on themes")
    fac.click("#bar-open-vote")
    for page in participants:
        expect(page.locator("#dots-left")).to_have_text("5 dots left", timeout=WAIT)
    for page, theme, dots in (
        (sam, "Detection relies", 3),
        (kim, "Detection relies", 2),
        (kim, "Deploy safety", 1),
        (ana, "Deploy safety", 2),
    ):
        plus = page.locator(
            ".theme-group", has=page.locator(".theme-title", has_text=theme)
        ).locator(".theme-head .vote-plus")
        for _ in range(dots):
            plus.click()
    expect(sam.locator("#dots-left")).to_have_text("2 dots left", timeout=WAIT)
    for page in pages:
        expect(page.locator(".vote-progress")).to_have_text("8 dots cast by 3 people", timeout=WAIT)
        expect(page.locator(".vote-total")).to_have_count(0)
    shot(8, "vote-open", sam)
    fac.click("#bar-close-vote")
    fac.click("#bar-reveal-vote")
    for page in pages:
        results = page.locator(".vote-result")
        expect(results).to_have_count(2, timeout=WAIT)
        expect(results.first).to_contain_text("Detection relies on people")
        expect(results.first.locator(".vote-total")).to_contain_text("5 dots")
    shot(9, "themes-and-vote")

    # 8. Actions: three proposals, ranked; the facilitator selects two; each owner confirms
    # from their own browser.
    next_phase(fac, "Actions", participants)
    acts = [p.locator(".actions-panel") for p in pages]
    for a in acts:
        expect(a).to_be_visible(timeout=WAIT)
    proposals = (
        (
            "Route gateway config pushes through the canary stage",
            "Kim",
            "2026-09-01",
            "A bad key fails in canary, not in production",
        ),
        (
            "Page on-call when the payment success rate drops below 97% for 5 minutes",
            "Ana",
            "2026-08-28",
            "A replay of the incident pages within 5 minutes",
        ),
        (
            "Review the gateway vendor's change notices weekly",
            "Sam",
            "2026-09-15",
            "Every notice in the quarter has a ticket",
        ),
    )
    for text, owner, due, success in proposals:
        fac.fill("#action-text", text)
        fac.select_option("#action-owner", label=owner)
        fac.fill("#action-due", due)
        fac.fill("#action-success", success)
        fac.press("#action-text", "Enter")
        expect(acts[0].locator(".action-item", has_text=text[:30])).to_have_count(1, timeout=WAIT)
    for text, *_ in proposals[:2]:
        acts[0].locator(".action-item", has_text=text[:30]).locator(".action-select").click()
        expect(acts[0].locator(".action-item.is-selected", has_text=text[:30])).to_have_count(
            1, timeout=WAIT
        )
    expect(acts[1].locator(".action-item.is-proposal")).to_contain_text(
        "not committed", timeout=WAIT
    )
    for page, text in ((kim, proposals[0][0]), (ana, proposals[1][0])):
        own = page.locator(".action-item", has_text=text[:30]).get_by_role(
            "button", name="Yes, I own this"
        )
        expect(own).to_be_visible(timeout=WAIT)
        own.click()
    mine = acts[0].locator(".action-item", has_text="through the canary stage")
    expect(mine.locator(".action-confirm")).to_have_text("Kim confirmed", timeout=WAIT)
    expect(acts[2].locator(".action-confirm").first).to_have_text(
        "You confirmed you own this", timeout=WAIT
    )
    shot(10, "actions")

    # 9. Wrap-up: the facilitator records communications, regulatory considerations and the
    # sign-off; everyone answers the feedback; the write-up has every section.
    fac.click("#advance")
    for page in pages:
        expect(page.locator("#phase-title")).to_have_text("Wrap-up", timeout=WAIT)
        expect(page.locator("#writeup-link")).to_have_class(
            re.compile(r"\bprimary\b"), timeout=WAIT
        )
        expect(page.locator("#wrapup-hint")).to_be_visible()
    fac.fill(
        "#record-communications",
        "Status page updated at 09:40 UTC; support briefed at 09:45; "
        "merchants emailed a summary on 15 August.",
    )
    fac.press("#record-communications", "Tab")
    fac.fill(
        "#record-regulatory",
        "PSD2 major incident report: not required, as availability stayed "
        "above the reporting threshold; no personal data was exposed.",
    )
    fac.press("#record-regulatory", "Tab")
    for n, (role, name, day) in enumerate(
        (("Author", "Dana", "2026-08-19"), ("Reviewer (payments)", "Kim", "2026-08-20"))
    ):
        fac.get_by_role("button", name="Add a sign-off").click()
        fac.get_by_label(f"Role, row {n + 1}").fill(role)
        fac.get_by_label(f"Name, row {n + 1}").fill(name)
        fac.get_by_label(f"Date, row {n + 1}").fill(day)
        fac.get_by_label(f"Date, row {n + 1}").press("Tab")
    for page in participants:
        record = page.locator("#record")
        expect(record).to_contain_text("Status page updated", timeout=WAIT)
        expect(record).to_contain_text("PSD2 major incident report", timeout=WAIT)
        expect(record).to_contain_text("Reviewer (payments): Kim, 2026-08-20", timeout=WAIT)
    for page, score in ((sam, "4"), (kim, "5"), (ana, "3")):
        page.locator(f".feedback-form input[name=safety][value='{score}']").check()
        page.get_by_role("button", name="Send feedback").click()
    expect(fac.locator(".feedback-count")).to_have_text("3 people have answered.", timeout=WAIT)
    shot(11, "wrap-up")

    writeup = f"/b/{board}/writeup"
    expect(ana.locator("#writeup-link")).to_have_attribute("href", writeup)
    ana.goto(server.url + writeup)
    expect(ana.locator("h1")).to_contain_text(TITLE)
    body = ana.locator("body")
    for text in (
        "Gateway config push reaches production",
        "Why did the payments fail?",
        "The config push skipped the canary stage",
        "Nobody was paged for failed payments",
        "Route gateway config pushes through the canary stage",
        "About 12,400 shoppers",
        "Failed checkouts",
        "Status page updated",
        "PSD2 major incident report",
        "Detection relies on people",
        "Should gateway config pushes go through a canary?",
        "Review the gateway vendor's change notices weekly",
    ):
        expect(body).to_contain_text(text)
    expect(ana.locator(".flag")).to_have_count(0)  # no section "not recorded"
    expect(ana.locator(".flag-inline")).to_have_count(0)
    shot(12, "writeup", ana)
    pdf = ana.pdf(format="A4", print_background=True)
    pdf_pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pdf_pages <= 2, f"the write-up prints on {pdf_pages} pages"

    # Closing, from the bar, after a second deliberate click.
    fac.click("#close-meeting")
    fac.click("#close-confirm-yes")
    for page in (fac, sam, kim):
        expect(page.locator("#closed-banner")).to_be_visible(timeout=WAIT)
    for page in pages:
        expect(page.locator(".rejection")).to_have_count(0)
    for person in everyone:
        assert person.errors == []
    print(f"\nscreenshots of each phase in {tmp_path}: {', '.join(p.name for p in shots)}")


def test_private_writing_reaches_no_other_browser_before_reveal(
    server: RealServer, people: Any
) -> None:
    made, joined = meeting(server, ["Sam", "Kim"], "Private writing stays private")
    secret_a, secret_b = "zebra-7f3c quietly restarted the primary", "okapi-91d2 ignored the pager"
    fac_p, sam_p, kim_p = people(), people(), people()
    frames: dict[Any, list[str]] = {fac_p: [], sam_p: [], kim_p: []}

    def collect(person: Any) -> None:
        def on_ws(ws: Any) -> None:
            def got(payload: Any) -> None:
                frames[person].append(
                    payload.decode("utf-8", "replace")
                    if isinstance(payload, bytes)
                    else str(payload)
                )

            ws.on("framereceived", got)

        person.page.on("websocket", on_ws)

    for person in frames:
        collect(person)  # before navigation, so the welcome snapshot is caught too
    fac = open_board(fac_p, server, made["facilitator_url"])
    sam = open_board(sam_p, server, joined[0]["board_url"])
    kim = open_board(kim_p, server, joined[1]["board_url"])
    advance_to(fac, "What went well, what went badly")
    expect(kim.locator("#private-notice")).to_contain_text("Only you can see", timeout=WAIT)

    add_note(sam, secret_a, "went_badly")
    add_note(kim, secret_b, "went_well")
    expect(sam.locator(".note.is-hidden", has_text=secret_a)).to_have_count(1, timeout=WAIT)
    expect(kim.locator(".note.is-hidden", has_text=secret_b)).to_have_count(1, timeout=WAIT)
    expect(fac.locator("#reveal")).to_have_text("Reveal notes (2)", timeout=WAIT)
    expect(sam.locator("#private-notice")).to_contain_text("2 notes written so far", timeout=WAIT)
    expect(kim.locator("#private-notice")).to_contain_text("2 notes written so far", timeout=WAIT)

    # A reload re-sends the whole board (a fresh welcome snapshot): still nothing of the others'.
    kim.reload()
    wait_live(kim)
    expect(kim.locator(".note.is-hidden", has_text=secret_b)).to_have_count(1, timeout=WAIT)
    expect(kim.locator("#private-notice")).to_contain_text("2 notes written so far", timeout=WAIT)

    assert all(frames[p] for p in frames), "every page received frames"
    secret_a_key, secret_b_key = "zebra-7f3c", "okapi-91d2"
    for person, page, foreign in (
        (fac_p, fac, (secret_a_key, secret_b_key)),
        (sam_p, sam, (secret_b_key,)),
        (kim_p, kim, (secret_a_key,)),
    ):
        for key in foreign:
            leaked = [f for f in frames[person] if key in f]
            assert leaked == [], (
                f"private text {key!r} reached another browser before the reveal: {leaked[:1]}"
            )
            assert key not in page.content()
    # The author does receive their own note back (so the check above can see a leak at all).
    assert any(secret_a_key in f for f in frames[sam_p])
    assert any(secret_b_key in f for f in frames[kim_p])

    fac.click("#reveal")
    for page in (fac, sam, kim):
        expect(page.locator(".note", has_text=secret_a)).to_have_count(1, timeout=WAIT)
        expect(page.locator(".note", has_text=secret_b)).to_have_count(1, timeout=WAIT)
    for person in frames:
        assert any(secret_a_key in f for f in frames[person])
        assert any(secret_b_key in f for f in frames[person])
    for person in frames:
        assert person.errors == []


class Cable:
    """The network cable of one browser context. `context.set_offline` cuts new requests, but
    Chromium keeps an established websocket open through it, so the page's socket goes through a
    Playwright websocket route that the cable can cut (and refuse while unplugged)."""

    def __init__(self, person: Any) -> None:
        self.context = person.context
        self.offline = False
        self.routes: list[tuple[Any, Any]] = []
        person.context.route_web_socket(re.compile(r"/ws$"), self.connect)

    def connect(self, ws: Any) -> None:
        if self.offline:
            ws.close(code=4000, reason="offline")
            return
        self.routes.append((ws, ws.connect_to_server()))

    def unplug(self) -> None:
        self.offline = True
        self.context.set_offline(True)
        for page_side, server_side in self.routes:
            server_side.close()
            page_side.close(code=4000, reason="offline")
        self.routes.clear()

    def plug_in(self) -> None:
        self.offline = False
        self.context.set_offline(False)  # fires the page's `online` event: it reconnects now


def test_offline_writes_arrive_once(server: RealServer, people: Any) -> None:
    made, joined = meeting(server, ["Sam", "Kim"], "Offline writes")
    fac_p, sam_p, kim_p = people(), people(), people()
    cable = Cable(sam_p)
    fac = open_board(fac_p, server, made["facilitator_url"])
    sam = open_board(sam_p, server, joined[0]["board_url"])
    kim = open_board(kim_p, server, joined[1]["board_url"])
    advance_to(fac, "Timeline")
    expect(sam.locator("#phase-title")).to_have_text("Timeline", timeout=WAIT)

    # Sam's laptop loses the network; the page notices and holds what Sam types.
    cable.unplug()
    expect(sam.locator("#conn")).to_have_class(
        re.compile(r"conn--(offline|connecting)"), timeout=WAIT
    )
    add_entry(sam, "2026-08-14T09:00", "fact", "Written on the train, first")
    add_entry(sam, "2026-08-14T09:05", "signal", "Written on the train, second")
    sam.fill("#park-text", "Parked while offline")
    sam.press("#park-text", "Enter")
    expect(sam.locator("#timeline-list .is-pending")).to_have_count(2)
    expect(sam.locator("#outbox-note")).to_contain_text("3 changes waiting")
    # Meanwhile someone online writes too, and nothing of Sam's arrives.
    add_entry(kim, "2026-08-14T09:02", "fact", "Written by Kim while Sam was away")
    expect(fac.locator("#timeline-list .tl")).to_have_count(1, timeout=WAIT)
    for page in (fac, kim):
        expect(page.locator("#timeline-list .tl", has_text="Written on the train")).to_have_count(0)
        expect(page.locator("#parking-list .note")).to_have_count(0)

    # Back online: the page reconnects by itself and everything lands, once, everywhere.
    cable.plug_in()
    expect(sam.locator("#conn-text")).to_have_text("Live", timeout=30_000)
    expect(sam.locator("#timeline-list .is-pending")).to_have_count(0, timeout=WAIT)
    expect(sam.locator("#outbox-note")).to_be_hidden(timeout=WAIT)
    for page in (fac, sam, kim):
        expect(page.locator("#timeline-list .tl")).to_have_count(3, timeout=WAIT)
        for text in (
            "Written on the train, first",
            "Written on the train, second",
            "Written by Kim",
        ):
            expect(page.locator("#timeline-list .tl", has_text=text)).to_have_count(1)
        expect(page.locator("#parking-list .note", has_text="Parked while offline")).to_have_count(
            1, timeout=WAIT
        )
    # A reload reads the server's truth: still once each.
    fac.reload()
    wait_live(fac)
    expect(fac.locator("#timeline-list .tl")).to_have_count(3, timeout=WAIT)
    expect(fac.locator("#parking-list .note")).to_have_count(1)
    assert f"hindsight:outbox:{made['board_id']}" not in sam_p.local_storage(server.url)

    for person in (fac_p, kim_p):
        assert person.errors == []
    assert [e for e in sam_p.errors if not NETWORK_ERRORS.search(e)] == []


XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "<script>alert(2)</script>"


def test_xss_payloads_render_as_text(server: RealServer, people: Any) -> None:
    made, joined = meeting(server, ["Sam", "Kim"], "Escaping <b>check</b>")
    fac_p, sam_p, kim_p = people(), people(), people()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    for person in (fac_p, sam_p, kim_p):
        person.page.on("dialog", on_dialog)
    fac = open_board(fac_p, server, made["facilitator_url"])
    sam = open_board(sam_p, server, joined[0]["board_url"])
    kim = open_board(kim_p, server, joined[1]["board_url"])
    advance_to(fac, "Timeline")  # timeline entries are taken up to the timeline phase
    for text in (XSS_IMG, XSS_SCRIPT):
        add_entry(sam, "2026-08-14T09:00", "fact", text)
        sam.fill("#park-text", text)
        sam.press("#park-text", "Enter")
    expect(sam.locator("#timeline-list .tl:not(.is-pending)")).to_have_count(2, timeout=WAIT)
    advance_to(fac, "Contributing factors")  # notes from here on
    expect(sam.locator("#note-form")).to_be_visible(timeout=WAIT)
    for text in (XSS_IMG, XSS_SCRIPT):
        add_note(sam, text)
    for page in (fac, sam, kim):
        expect(page.locator("#board-title")).to_have_text("Escaping <b>check</b>")
        for text in (XSS_IMG, XSS_SCRIPT):
            expect(page.locator("#note-sections .note-text").filter(has_text=text)).to_have_count(
                1, timeout=WAIT
            )
            expect(page.locator("#timeline-list .tl").filter(has_text=text)).to_have_count(
                1, timeout=WAIT
            )
            expect(page.locator("#parking-list .note-text").filter(has_text=text)).to_have_count(
                1, timeout=WAIT
            )
        notes = page.locator("#note-sections .note-text").all_inner_texts()
        assert sorted(notes) == sorted([XSS_IMG, XSS_SCRIPT])
        expect(page.locator("img[src=x]")).to_have_count(0)
        expect(page.locator("#board script, #board b")).to_have_count(0)

    # The same texts elsewhere: the five-whys chain and the themes panel draw them too.
    advance_to(fac, "Themes and vote")
    expect(kim.locator(".theme-note[data-id]")).to_have_count(2, timeout=WAIT)
    expect(kim.locator(".theme-note").filter(has_text=XSS_IMG)).to_have_count(1)
    for page in (fac, sam, kim):
        expect(page.locator("img[src=x]")).to_have_count(0)

    # And the write-up, rendered on the server.
    kim.goto(server.url + f"/b/{made['board_id']}/writeup")
    expect(kim.locator("body")).to_contain_text(XSS_IMG)
    expect(kim.locator("body")).to_contain_text(XSS_SCRIPT)
    expect(kim.locator("img[src=x]")).to_have_count(0)

    assert dialogs == []
    for person in (fac_p, sam_p, kim_p):
        assert person.errors == []


def test_participants_cannot_reach_facilitator_controls(server: RealServer, people: Any) -> None:
    made, joined = meeting(server, ["Sam"], "Who runs the meeting")
    fac_p, sam_p = people(), people()
    fac = open_board(fac_p, server, made["facilitator_url"])
    sam = open_board(sam_p, server, joined[0]["board_url"])
    advance_to(fac, "Timeline")
    expect(sam.locator("#phase-title")).to_have_text("Timeline", timeout=WAIT)

    expect(fac.locator("#console")).to_be_visible()
    for selector in (
        "#console",
        "#advance",
        "#go-back",
        "#timer-toggle",
        "#extend-5",
        "#reveal",
        "#close-meeting",
        "#close-confirm",
        "#tags",
        "#invite",
    ):
        expect(sam.locator(selector)).to_be_hidden()
    expect(sam.get_by_role("button", name="Next")).to_have_count(0)
    expect(sam.get_by_role("button", name="Close meeting")).to_have_count(0)
    expect(sam.get_by_role("group", name="Facilitator controls")).to_have_count(0)

    # Forged facilitator ops over the websocket, with the participant's own credential: refused.
    async def forge() -> list[str]:
        codes = []
        async with BoardClient(server.url, made["board_id"], joined[0]["credential"]) as c:
            assert c.role == "participant"
            for op in (o.AdvancePhase(), o.GoBack()):
                try:
                    await c.submit(op, timeout=10)
                except Rejected as e:
                    codes.append(e.code)
                else:
                    codes.append("accepted")
        return codes

    assert run_async(forge()) == ["forbidden", "forbidden"]
    # Nothing moved: both browsers still show the timeline phase.
    fac.wait_for_timeout(300)
    for page in (fac, sam):
        expect(page.locator("#phase-title")).to_have_text("Timeline")
    # The facilitator's own Next still works.
    fac.click("#advance")
    expect(sam.locator("#phase-title")).to_have_text("Five whys", timeout=WAIT)
    for person in (fac_p, sam_p):
        assert person.errors == []


def test_a_contributing_factor_is_filed_under_the_chosen_category(
    server: RealServer, people: Any
) -> None:
    """The notes composer offers the factor categories in the contributing-factors phase."""
    made = api(server, "/api/boards", {"title": "Category picker"})
    fac = people().page
    fac.goto(server.url + made["facilitator_url"])
    wait_live(fac)
    for _ in range(5):  # to "Contributing factors"
        fac.click("#advance")
        expect(fac.locator("#advance")).to_be_enabled(timeout=WAIT)
    expect(fac.locator("#phase-title")).to_have_text("Contributing factors", timeout=WAIT)
    expect(fac.locator("#note-category-field")).to_be_visible(timeout=WAIT)
    fac.select_option("#note-category", "monitoring")
    add_note(fac, "No alert on payment success rate")
    view = fetch_view(server.url, made["board_id"], made["credential"])["view"]
    deadline = time.monotonic() + 10
    while not view["stickies"] and time.monotonic() < deadline:
        time.sleep(0.1)
        view = fetch_view(server.url, made["board_id"], made["credential"])["view"]
    assert [(s["section"], s["category"]) for s in view["stickies"]] == [
        ("contributing", "monitoring")
    ]
