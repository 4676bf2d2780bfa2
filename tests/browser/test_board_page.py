"""The board page in a real browser: Debian's Chromium driven by Playwright against a real
`hindsight serve` subprocess, several browser contexts as several people.

What these tests stand for:
- the pages work under the server's strict CSP (no inline scripts or styles, no eval) and log no
  console errors;
- the credential moves from the link's fragment into localStorage and out of the address bar;
- what one person does reaches another person's screen live, through the websocket;
- ops typed while the server is down wait in the outbox and arrive exactly once after reconnect.

Playwright's own browser download cannot work here, so we point it at /usr/bin/chromium
(`make browser-deps`). The sync API runs in a module-scoped fixture of our own rather than
pytest-playwright's session-wide one, which would keep an event loop alive and break later async
tests. Waits go through locators (never `wait_for_function` with a string: the CSP forbids eval).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from tests.browser.conftest import (
    WAIT,
    add_entry,
    add_note,
    advance_to,
    api,
    expect,
    meeting,
    needs_chromium,
    open_board,
    wait_live,
)
from tests.realserver import RealServer

pytestmark = needs_chromium

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"


def test_facilitator_and_participant_build_the_timeline_live(
    server: RealServer, people: Any
) -> None:
    facilitator, participant = people("UTC"), people("America/New_York")
    fac = facilitator.page

    # The facilitator creates the board through the landing form.
    fac.goto(server.url + "/")
    fac.fill("#title", "Checkout errors after the payment gateway change")
    fac.check("input[name=severity][value=sev2]")
    fac.fill("#learning_question", "Why did it take 40 minutes to notice the failed payments?")
    fac.fill("#facilitator_name", "Dana")
    fac.click("button[type=submit]")

    # They land on the board; the secret left the address bar for localStorage.
    fac.wait_for_url(re.compile(r"/b/[\w-]+$"))
    board_id = fac.url.rsplit("/", 1)[1]
    assert "#" not in fac.url
    wait_live(fac)
    stored = facilitator.local_storage(server.url)
    assert stored.get(f"hindsight:cred:{board_id}", "").count(".") == 1
    expect(fac.locator("#console")).to_be_visible()
    expect(fac.locator("#invite")).to_contain_text("Keep your facilitator link to yourself")
    join_link = fac.input_value("#join-link")
    assert re.fullmatch(rf"{re.escape(server.url)}/b/{board_id}/join#t=[\w-]{{20,}}", join_link)
    assert re.fullmatch(
        rf"{re.escape(server.url)}/b/{board_id}/join\?role=observer#t=[\w-]{{20,}}",
        fac.input_value("#observer-link"),
    )

    # A participant joins through the join link, in their own browser.
    par = participant.page
    par.goto(join_link)
    par.fill("#name", "Sam")
    par.click("button[type=submit]")
    par.wait_for_url(re.compile(rf"/b/{board_id}$"))
    wait_live(par)
    expect(par.locator("#console")).to_be_hidden()
    expect(par.locator("#invite")).to_be_hidden()
    expect(fac.locator("#people-list")).to_contain_text("Sam", timeout=WAIT)

    # The facilitator moves the meeting to the timeline; the participant follows live.
    advance_to(fac, "Timeline")
    expect(par.locator("#phase-title")).to_have_text("Timeline", timeout=WAIT)
    expect(par.locator("#agenda-list [aria-current=step]")).to_contain_text("Timeline")
    expect(fac.locator("#timer-state")).to_have_text("Running")

    # The participant (in New York) adds an entry; the facilitator (in UTC) sees it appear.
    add_entry(par, "2026-08-14T05:12", "fact", "Payment gateway config change deployed")
    entry = fac.locator("#timeline-list .tl", has_text="Payment gateway config change deployed")
    expect(entry).to_be_visible(timeout=WAIT)
    expect(entry.locator(".tl-time")).to_have_text("09:12")  # sent as UTC, shown in local time
    expect(entry).to_have_class(re.compile(r"\btl--fact\b"))
    expect(par.locator("#timeline-list .is-pending")).to_have_count(0, timeout=WAIT)

    # More of the story from both sides, then the README screenshot of the facilitator's board.
    add_entry(par, "2026-08-14T05:02", "signal", "Error rate on /checkout creeps up to 4%")
    add_entry(fac, "2026-08-14T09:27", "signal", "Payment success dashboard dips; nobody is paged")
    add_entry(
        fac, "2026-08-14T09:41", "fact", "Support escalates customer reports of failed payments"
    )
    add_entry(par, "2026-08-14T05:46", "decision", "On-call rolls back the gateway change")
    add_entry(fac, "2026-08-14T09:58", "fact", "Payments recover; error rate back to baseline")
    par.fill("#park-text", "Should gateway config changes go through a canary?")
    par.press("#park-text", "Enter")
    expect(fac.locator("#timeline-list .tl")).to_have_count(6, timeout=WAIT)
    expect(fac.locator("#parking-list .note")).to_have_count(1, timeout=WAIT)
    times = fac.locator("#timeline-list .tl-time").all_inner_texts()
    assert times == sorted(times)  # the lane is in time order, whoever added what when
    for kind in ("fact", "signal", "decision"):
        assert fac.locator(f"#timeline-list .tl--{kind}").count() >= 1

    expect(fac.locator("#timeline-list .is-pending")).to_have_count(0)
    fac.locator("#tl-text").blur()
    fac.locator(".brand").scroll_into_view_if_needed()  # typing scrolled down to the form
    shot = fac.screenshot()  # the page renders to a real image whatever happens next
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("HINDSIGHT_SCREENSHOT"):  # refresh the README's picture on purpose only
        SCREENSHOT.write_bytes(shot)

    assert facilitator.errors == []
    assert participant.errors == []


def test_no_seat_and_refusals(server: RealServer, people: Any) -> None:
    made = api(
        server, "/api/boards", {"title": "Search index went stale", "template": "reflection-4"}
    )
    board = f"/b/{made['board_id']}"

    # Without a credential the board page says to ask for the join link (the id opens nothing).
    stranger = people()
    stranger.page.goto(server.url + board)
    expect(stranger.page.locator("#no-seat")).to_be_visible()
    expect(stranger.page.locator("#no-seat")).to_contain_text("ask the facilitator")
    expect(stranger.page.locator("#no-seat a")).to_have_count(0)

    # An observer sees the board but no forms; a refused op shows the server's reason.
    watched = api(server, f"/api/boards/{made['board_id']}/join", {"name": "", "role": "observer"})
    observer = people()
    observer.page.goto(server.url + watched["board_url"])
    wait_live(observer.page)
    expect(observer.page.locator("#timeline-form")).to_be_hidden()
    expect(observer.page.locator("#park-form")).to_be_hidden()

    joined = api(
        server, f"/api/boards/{made['board_id']}/join", {"name": "Ana", "role": "participant"}
    )
    ana = people()
    ana.page.goto(server.url + joined["board_url"])
    wait_live(ana.page)
    fac = people()
    fac.page.goto(server.url + made["facilitator_url"])
    wait_live(fac.page)
    # Ana types a timeline entry while her connection is down; by the time it is back the
    # meeting has moved on, and the server refuses it with a reason (and her text is kept).
    ana.context.set_offline(True)
    expect(ana.page.locator("#conn")).to_have_class(
        re.compile(r"conn--(offline|connecting)"), timeout=WAIT
    )
    ana.page.fill("#tl-text", "Index job failed silently")
    ana.page.press("#tl-text", "Enter")
    advance_to(fac.page, "Individual reflection")
    ana.context.set_offline(False)
    refusal = ana.page.locator(".rejection")
    expect(refusal).to_contain_text("Not saved", timeout=WAIT)
    expect(refusal).to_contain_text("Index job failed silently")
    expect(refusal).to_contain_text("timeline")
    refusal.get_by_role("button", name="Dismiss").click()
    expect(refusal).to_have_count(0)
    expect(ana.page.locator("#timeline-form")).to_be_hidden()  # nothing offers it in this phase
    fac.page.click("#timer-toggle")
    expect(fac.page.locator("#timer-state")).to_have_text("Paused", timeout=WAIT)
    expect(ana.page.locator("#timer-state")).to_have_text("Paused", timeout=WAIT)
    fac.page.click("#extend-5")
    expect(ana.page.locator("#agenda-list [aria-current=step]")).to_contain_text(
        "10 + 5 min", timeout=WAIT
    )
    expect(fac.page.locator("#timer-toggle")).to_have_text("Resume")
    fac.page.click("#timer-toggle")
    expect(ana.page.locator("#timer-state")).to_have_text("Running", timeout=WAIT)

    # Private writing: the author sees their note, everyone else only a count.
    expect(ana.page.locator("#private-notice")).to_contain_text("Only you can see", timeout=WAIT)
    add_note(ana.page, "The on-call found the stale index within minutes")
    expect(ana.page.locator(".note.is-hidden")).to_have_count(1, timeout=WAIT)
    expect(fac.page.locator("#reveal")).to_have_text("Reveal notes (1)", timeout=WAIT)
    expect(observer.page.locator("#private-notice")).to_contain_text("1 note written so far")
    expect(observer.page.locator("#private-notice")).not_to_contain_text("Only you")
    expect(observer.page.locator(".note")).to_have_count(0)
    fac.page.click("#reveal")
    expect(observer.page.locator(".note", has_text="stale index")).to_be_visible(timeout=WAIT)

    # Chromium logs the failed reconnects while offline; nothing else may appear.
    ana.errors = [e for e in ana.errors if "ERR_INTERNET_DISCONNECTED" not in e]
    for person in (stranger, observer, ana, fac):
        assert person.errors == []


def test_changes_made_offline_arrive_once_after_reconnect(server: RealServer, people: Any) -> None:
    made = api(server, "/api/boards", {"title": "Offline check"})
    joined = api(
        server, f"/api/boards/{made['board_id']}/join", {"name": "Kim", "role": "participant"}
    )
    kim = people()
    page = kim.page
    page.goto(server.url + joined["board_url"])
    wait_live(page)
    entries = page.locator("#timeline-list .tl")

    # The server dies; what Kim types waits in the outbox, marked as not sent yet.
    server.kill()
    expect(page.locator("#conn")).to_have_class(
        re.compile(r"conn--(offline|connecting)"), timeout=WAIT
    )
    add_entry(page, "2026-08-14T09:00", "fact", "Written while the server was down")
    expect(page.locator("#timeline-list .is-pending")).to_have_count(1)
    expect(page.locator("#outbox-note")).to_contain_text("1 change waiting")
    outbox = kim.local_storage(server.url).get(f"hindsight:outbox:{made['board_id']}", "")
    assert "Written while the server was down" in outbox

    # It comes back: the page reconnects by itself and the entry is applied, once.
    server.start()
    expect(page.locator("#conn-text")).to_have_text("Live", timeout=30_000)
    expect(page.locator("#timeline-list .is-pending")).to_have_count(0, timeout=WAIT)
    expect(entries).to_have_count(1)

    # Typed offline, page closed before the server returned: the outbox kept in localStorage is
    # sent on the next visit, and emptied once the server has acknowledged it.
    server.kill()
    expect(page.locator("#conn")).to_have_class(
        re.compile(r"conn--(offline|connecting)"), timeout=WAIT
    )
    add_entry(page, "2026-08-14T09:05", "signal", "Typed, then the laptop lid closed")
    expect(page.locator("#outbox-note")).to_contain_text("1 change waiting")
    page.close()
    server.start()
    again = kim.new_page()
    again.goto(server.url + f"/b/{made['board_id']}")
    wait_live(again)
    expect(again.locator("#timeline-list .tl")).to_have_count(2, timeout=WAIT)
    expect(again.locator("#timeline-list .is-pending")).to_have_count(0, timeout=WAIT)
    assert f"hindsight:outbox:{made['board_id']}" not in kim.local_storage(server.url)

    # The browser logs the refused handshakes and cut-off loads while the server was down;
    # nothing else may go wrong.
    network = re.compile(r"WebSocket|Failed to load resource: net::ERR_")
    assert [e for e in kim.errors if not network.search(e)] == []


def test_a_screen_reader_announcement_is_said_and_then_cleared(
    server: RealServer, people: Any
) -> None:
    """A live region holds its news for a while and then empties: left in place, "1 minute
    added." was still on the page phases later, as if it had just happened."""
    made, joined = meeting(server, ["Bo"], "Announcements")
    fac = open_board(people(), server, made["facilitator_url"])
    bo = open_board(people(), server, joined[0]["board_url"])
    advance_to(fac, "Timeline")
    fac.click("#extend-1")
    region = bo.locator("#timer-live")
    expect(region).to_have_text("1 minute added.", timeout=WAIT)
    expect(region).to_have_text("", timeout=15_000)  # ANNOUNCED_MS in static/dom.js: 10 s
    fac.click("#extend-1")  # the same news again is said again
    expect(region).to_have_text("1 minute added.", timeout=WAIT)
