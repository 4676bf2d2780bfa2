"""Signals in a real browser: raised hands, the anonymous refocus request, wrap-up feedback shown
to the facilitator only as an aggregate, pasting several timeline lines, highlighting one
person's contributions on a named board, composers that follow what the server would accept,
and the keyboard shortcuts dialog.

Same set-up as the other browser tests: the fixtures and helpers of tests/browser/conftest.py.
"""

from __future__ import annotations

import json
from typing import Any

from tests.browser.conftest import (
    WAIT,
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


def record_frames(person: Any) -> list[dict[str, Any]]:
    """Every message the person's page receives, from before it connects (a `batch` frame's
    messages one by one, as the page handles them)."""
    frames: list[dict[str, Any]] = []

    def got(payload: Any) -> None:
        message = json.loads(payload)
        frames.extend(message["messages"] if message["type"] == "batch" else [message])

    def on_ws(ws: Any) -> None:
        ws.on("framereceived", got)

    person.page.on("websocket", on_ws)
    return frames


def test_hands_queue_in_order_and_the_facilitator_lowers_them(
    server: RealServer, people: Any
) -> None:
    made, joined = meeting(server, ["Sam", "Kim"])
    fac = open_board(people(), server, made["facilitator_url"])
    sam = open_board(people(), server, joined[0]["board_url"])
    kim = open_board(people(), server, joined[1]["board_url"])

    sam.click("#hand-toggle")
    expect(sam.locator("#hand-toggle")).to_have_attribute("aria-pressed", "true", timeout=WAIT)
    kim.keyboard.press("h")  # the shortcut does the same as the button
    for page in (fac, sam, kim):
        expect(page.locator("#hand-queue .hand-name")).to_have_text(
            [("Sam (you)" if page is sam else "Sam"), ("Kim (you)" if page is kim else "Kim")],
            timeout=WAIT,
        )
    expect(sam.locator("#hand-queue button")).to_have_count(0)  # only the facilitator lowers others

    expect(fac.locator("#hands-open")).to_have_text("2 hands raised")  # in the bar; opens the queue
    fac.click("#hands-open")
    fac.click("#hand-queue button[aria-label='Lower Sam hand']")
    for page in (fac, sam, kim):
        expect(page.locator("#hand-queue .hand-name")).to_have_count(1, timeout=WAIT)
    expect(sam.locator("#hand-toggle")).to_have_text("Raise hand")
    kim.click("#hand-toggle")
    expect(fac.locator("#hand-empty")).to_be_visible(timeout=WAIT)


def test_refocus_shows_a_banner_to_everyone_and_no_frame_says_who_asked(
    server: RealServer, people: Any
) -> None:
    made, joined = meeting(server, ["Sam", "Kim"])
    persons = [people(), people(), people()]
    frames = [record_frames(p) for p in persons]
    fac = open_board(persons[0], server, made["facilitator_url"])
    sam = open_board(persons[1], server, joined[0]["board_url"])
    kim = open_board(persons[2], server, joined[1]["board_url"])
    expect(sam.locator("#refocus-banner")).to_be_hidden()

    kim.click("#refocus")
    for page in (fac, sam, kim):
        expect(page.locator("#refocus-banner")).to_be_visible(timeout=WAIT)
        expect(page.locator("#refocus-banner")).to_contain_text("refocus on systems")
    expect(fac.locator("#refocus-count")).to_have_text("Asked 1 time in this meeting.")
    expect(sam.locator("#refocus-count")).to_be_hidden()

    # A second press within the minute is refused kindly: the banner is already up.
    sam.click("#refocus")
    expect(sam.locator(".rejection")).to_contain_text("less than a minute ago", timeout=WAIT)

    # The event that carried it is the same for all three, apart from each one's own `can` list.
    def refocus_event(received: list[dict[str, Any]]) -> dict[str, Any]:
        events = [
            f
            for f in received
            if f["type"] == "event" and any(c.get("refocus_count") == 1 for c in f["changes"])
        ]
        assert len(events) == 1, events
        return {
            **events[0],
            "changes": [
                {**c, "can": None, "links": None, "readers": None} for c in events[0]["changes"]
            ],
        }

    assert refocus_event(frames[0]) == refocus_event(frames[1]) == refocus_event(frames[2])
    # Nothing anyone received names Kim's participant id next to it, and only Kim got an ack.
    kim_id = joined[1]["participant_id"]
    for received in frames[:2]:  # (the facilitator's presence lists the seats connected)
        assert kim_id not in json.dumps(
            [
                {**f, "seats_online": None} if f["type"] == "presence" else f
                for f in received
                if f["type"] != "welcome"
            ]
        )
    assert not any(
        f["type"] == "ack"
        for f in frames[0] + frames[1]
        if f.get("seq") == refocus_event(frames[2])["seq"]
    )

    kim.click("#refocus-dismiss")
    expect(kim.locator("#refocus-banner")).to_be_hidden()
    expect(fac.locator("#refocus-banner")).to_be_visible()


def test_wrap_up_feedback_reaches_the_facilitator_only_as_an_aggregate(
    server: RealServer, people: Any
) -> None:
    made, joined = meeting(server, ["Sam", "Kim", "Lee"])
    fac = open_board(people(), server, made["facilitator_url"])
    pages = [open_board(people(), server, j["board_url"]) for j in joined]
    advance_to(fac, "Wrap-up")
    expect(fac.locator(".wrapup-panel")).to_be_visible(timeout=WAIT)
    expect(fac.locator(".wrapup-panel")).to_contain_text("No actions selected yet")

    answers = [
        (5, "Send the timeline before the meeting"),
        (4, ""),
        (2, "Fewer people talking at once"),
    ]
    for i, (page, (score, change)) in enumerate(zip(pages, answers)):
        expect(page.locator(".feedback-form")).to_be_visible(timeout=WAIT)
        page.check(f".feedback-form input[name=safety][value='{score}']")
        page.fill("#feedback-change", change)
        page.click(".feedback-form button[type=submit]")
        expect(page.locator(".feedback-form [role=status]")).to_contain_text(
            "your answer is in", timeout=WAIT
        )
        if i == 1:  # two answers: the facilitator sees the count, not the answers
            expect(fac.locator(".feedback-count")).to_have_text(
                "2 people have answered.", timeout=WAIT
            )
            expect(fac.locator(".feedback-result")).to_contain_text(
                "once three people have answered"
            )
    expect(fac.locator(".feedback-result")).to_contain_text("Average 3.7 of 5", timeout=WAIT)
    expect(fac.locator(".feedback-result li", has_text="To do differently")).to_have_count(0)
    expect(fac.locator(".feedback-result ul").last.locator("li")).to_have_text(
        ["Fewer people talking at once", "Send the timeline before the meeting"]
    )
    for page in pages:
        expect(page.locator(".feedback-count")).to_have_text(
            "3 people have answered.", timeout=WAIT
        )
        expect(page.locator(".feedback-result")).not_to_contain_text("Average")


def test_pasting_several_timed_lines_adds_them_all(server: RealServer, people: Any) -> None:
    made, joined = meeting(server, ["Sam"])
    fac = open_board(people(), server, made["facilitator_url"])
    sam = open_board(people(), server, joined[0]["board_url"])
    sam.fill("#tl-at", "2026-08-14T09:00")
    sam.check("#timeline-form input[name=kind][value=signal]")
    lines = (
        "09:12 Indexer queue depth starts rising\n[09:20:30] Search results go stale\n"
        "2026-08-14T10:05Z - Decision: Indexer restarted\nno time on this line\n"
    )
    # A real paste event carrying the lines, as the browser fires it for Ctrl+V.
    sam.locator("#tl-text").evaluate(
        """(el, text) => {
        const data = new DataTransfer();
        data.setData("text/plain", text);
        el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
    }""",
        lines,
    )
    expect(fac.locator("#timeline-list .tl .tl-text")).to_have_text(
        ["Indexer queue depth starts rising", "Search results go stale", "Indexer restarted"],
        timeout=WAIT,
    )
    expect(fac.locator("#timeline-list .tl time")).to_have_text(["09:12", "09:20", "10:05"])
    # The picked kind applies, unless a line names its own ("Decision:").
    expect(fac.locator("#timeline-list .tl.tl--signal")).to_have_count(2)
    expect(fac.locator("#timeline-list .tl.tl--decision .tl-text")).to_have_text(
        ["Indexer restarted"]
    )
    expect(sam.locator("#tl-text")).to_have_value("no time on this line")
    # What the paste did is said for a moment, then the message goes away by itself.
    toast = sam.locator("#toast")
    expect(toast).to_have_text(
        "Added 3 entries from the pasted lines. 1 without a time at the start was left in the box."
    )
    expect(toast).to_be_hidden(timeout=WAIT)


def test_on_a_named_board_choosing_a_person_highlights_what_they_wrote(
    server: RealServer, people: Any
) -> None:
    made, joined = meeting(server, ["Sam", "Kim"], anonymity="named")
    fac = open_board(people(), server, made["facilitator_url"])
    sam = open_board(people(), server, joined[0]["board_url"])
    kim = open_board(people(), server, joined[1]["board_url"])
    advance_to(fac, "Contributing factors")
    add_note(sam, "Indexer has no alert on queue depth")
    add_note(kim, "Runbook for reindexing is out of date")
    add_note(sam, "Staging never runs the nightly reindex")
    expect(fac.locator("#note-sections .note")).to_have_count(3, timeout=WAIT)
    fac.click("#menu-open")  # the people list is in the menu
    fac.click("button[aria-label='Highlight what Sam wrote']")
    expect(fac.locator("button[aria-label='Highlight what Sam wrote']")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(fac.locator("#note-sections .note.is-highlighted")).to_have_count(2)
    expect(fac.locator("#note-sections .note.is-highlighted .note-text")).to_contain_text(
        ["Indexer has no alert on queue depth", "Staging never runs the nightly reindex"]
    )
    add_note(kim, "Nobody owns the indexer dashboard")  # later items follow the highlight too
    expect(fac.locator("#note-sections .note")).to_have_count(4, timeout=WAIT)
    expect(fac.locator("#note-sections .note.is-highlighted")).to_have_count(2)
    fac.click("button[aria-label='Highlight what Sam wrote']")
    expect(fac.locator(".is-highlighted")).to_have_count(0)


def test_anonymous_boards_offer_no_highlight_and_carry_no_author(
    server: RealServer, people: Any
) -> None:
    made, joined = meeting(server, ["Sam"])
    fac = open_board(people(), server, made["facilitator_url"])
    sam = open_board(people(), server, joined[0]["board_url"])
    advance_to(fac, "Contributing factors")
    add_note(sam, "Indexer has no alert on queue depth")
    expect(fac.locator("#note-sections .note")).to_have_count(1, timeout=WAIT)
    expect(fac.locator(".person-highlight")).to_have_count(0)
    expect(fac.locator("[data-author]")).to_have_count(0)


def test_composers_follow_what_the_server_would_accept_in_each_phase(
    server: RealServer, people: Any
) -> None:
    made, joined = meeting(server, ["Sam"])
    fac = open_board(people(), server, made["facilitator_url"])
    sam = open_board(people(), server, joined[0]["board_url"])
    obs_made = api(
        server, f"/api/boards/{made['board_id']}/join", {"name": "Olga", "role": "observer"}
    )
    obs = open_board(people(), server, obs_made["board_url"])
    expect(sam.locator("#timeline-form")).to_be_visible()  # the lobby: timeline prep
    expect(sam.locator("#note-form")).to_be_hidden()
    advance_to(fac, "Contributing factors")
    expect(sam.locator("#note-form")).to_be_visible(timeout=WAIT)
    expect(sam.locator("#timeline-form")).to_be_hidden()
    expect(obs.locator("#note-form")).to_be_hidden()
    expect(obs.locator("#timeline-form")).to_be_hidden()
    expect(obs.locator("#hand-toggle")).to_be_hidden()
    expect(obs.locator("#refocus")).to_be_visible()  # anyone may ask the room to refocus


def test_question_mark_shows_the_shortcuts_and_letters_do_not_fire_while_typing(
    server: RealServer, people: Any
) -> None:
    made, joined = meeting(server, ["Sam"])
    fac = open_board(people(), server, made["facilitator_url"])
    sam = open_board(people(), server, joined[0]["board_url"])
    sam.keyboard.press("?")
    expect(sam.locator("#shortcuts")).to_be_visible()
    expect(sam.locator("#shortcuts dt")).to_contain_text(["?", "n", "t", "p", "h"])
    sam.keyboard.press("Escape")
    expect(sam.locator("#shortcuts")).to_be_hidden()
    sam.keyboard.press("t")
    expect(sam.locator("#tl-text")).to_be_focused()
    sam.keyboard.type("h is for hand")  # typing in a field: no shortcut fires
    expect(sam.locator("#tl-text")).to_have_value("h is for hand")
    expect(fac.locator("#hands-open")).to_have_text("No hands raised")
    expect(sam.locator("#hand-toggle")).to_have_attribute("aria-pressed", "false")
    # Esc leaves the field, keeping what was typed; then the letters work again.
    sam.keyboard.press("Escape")
    expect(sam.locator("#tl-text")).not_to_be_focused()
    expect(sam.locator("#tl-text")).to_have_value("h is for hand")
    sam.keyboard.press("h")
    expect(sam.locator("#hand-toggle")).to_have_attribute("aria-pressed", "true", timeout=WAIT)


def test_on_a_phone_the_board_fits_the_screen_and_a_participant_writes_and_votes(
    server: RealServer, browser: Any
) -> None:
    made, joined = meeting(server, ["Sam"])
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    desk = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        fac = desk.new_page()
        fac.goto(server.url + made["facilitator_url"])
        wait_live(fac)
        sam = phone.new_page()
        sam.goto(server.url + joined[0]["board_url"])
        wait_live(sam)
        fac_phone = phone.new_page()  # the facilitator's board on a phone must fit as well
        fac_phone.goto(server.url + made["facilitator_url"])
        wait_live(fac_phone)
        for page in (sam, fac_phone):  # no sideways scrolling, so no zoomed-out page
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        advance_to(fac, "Contributing factors")
        sam.locator("#note-text").tap()
        sam.fill("#note-text", "Indexer has no alert on queue depth")
        sam.locator("#note-form button[type=submit]").tap()
        expect(fac.locator("#note-sections .note")).to_have_count(1, timeout=WAIT)
        advance_to(fac, "Themes and vote")
        fac.locator(".vote-panel button", has_text="Open the vote").click()
        # The dots go on the cards themselves; the bar counts what is left.
        plus = sam.locator(".theme-note .vote-plus")
        expect(plus).to_have_count(1, timeout=WAIT)
        expect(sam.locator("#dots-left")).to_have_text("5 dots left")
        plus.tap()
        expect(sam.locator("#dots-left")).to_have_text("4 dots left", timeout=WAIT)
        expect(sam.locator(".vote-panel")).to_contain_text("4 of 5 dots left", timeout=WAIT)
        sam.locator("#menu-open").tap()  # on a phone the bar keeps to the meeting's controls
        sam.locator("#refocus-menu").tap()
        expect(fac.locator("#refocus-banner")).to_be_visible(timeout=WAIT)
        assert sam.evaluate("() => document.documentElement.scrollWidth") <= 390
    finally:
        phone.close()
        desk.close()


def test_the_facilitator_steers_from_the_keyboard(server: RealServer, people: Any) -> None:
    made, joined = meeting(server, ["Sam"])
    fac = open_board(people(), server, made["facilitator_url"])
    sam = open_board(people(), server, joined[0]["board_url"])
    fac.keyboard.press("m")
    expect(fac.locator("#menu")).to_be_visible()
    fac.keyboard.press("Escape")
    expect(fac.locator("#menu")).to_be_hidden()
    fac.keyboard.press("?")
    expect(fac.locator("#shortcuts")).to_contain_text("Facilitator: next phase")
    expect(sam.locator("#shortcuts .fac-key")).to_have_count(
        10
    )  # in the page, but not shown to Sam
    fac.keyboard.press("Escape")
    fac.keyboard.press("Shift+N")  # the lobby's Next starts the meeting
    expect(sam.locator("#phase-title")).to_have_text("Set the room", timeout=WAIT)
    sam.keyboard.press("Shift+N")  # not Sam's to press: nothing moves
    expect(fac.locator("#timer-state")).to_have_text("Running", timeout=WAIT)
    fac.keyboard.press("Shift+P")
    expect(sam.locator("#timer-state")).to_have_text("Paused", timeout=WAIT)
    fac.keyboard.press("+")
    expect(sam.locator("#agenda-list [aria-current=step]")).to_contain_text(
        "5 + 1 min", timeout=WAIT
    )
    fac.keyboard.press("Shift+B")  # already the first phase: Back is disabled, nothing happens
    expect(fac.locator("#phase-title")).to_have_text("Set the room")
    advance_to(fac, "What went well, what went badly")
    add_note(sam, "Rollback was quick once someone looked", "went_well")
    expect(fac.locator("#reveal")).to_have_text("Reveal notes (1)", timeout=WAIT)
    fac.locator("#phase-title").click()  # the focus leaves any field
    fac.keyboard.press("Shift+R")  # this phase's main action: reveal the notes
    expect(fac.locator(".section-went_well .note", has_text="Rollback was quick")).to_have_count(
        1, timeout=WAIT
    )
    expect(fac.locator("#reveal")).to_be_hidden()
