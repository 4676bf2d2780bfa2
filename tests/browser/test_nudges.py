"""Guardrail nudges in a real browser: a hint with a reframe while typing blameful words (shown
to the writer alone, never blocking), none for systemic wording, the facilitator's count of
open nudges per phase, and switching a kind of nudge off for the board."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import (
    WAIT,
    add_entry,
    add_note,
    advance_to,
    expect,
    meeting,
    needs_chromium,
    open_board,
)
from tests.browser.test_signals import record_frames
from tests.realserver import RealServer

pytestmark = needs_chromium
BLAMEFUL = "Sarah didn't notice the alert"
SYSTEMIC = "No alert fired when the wrong-match rate rose from 4% to 30%"


def advice(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in frames if f["type"] == "advice"]


def test_typing_blameful_words_shows_the_writer_a_reframe_and_systemic_words_show_none(
    server: RealServer, people: Any
) -> None:
    made, joined = meeting(server, ["Sarah", "Kim"])
    persons = [people(), people(), people()]
    frames = [record_frames(p) for p in persons]
    fac = open_board(persons[0], server, made["facilitator_url"])
    sarah = open_board(persons[1], server, joined[0]["board_url"])
    kim = open_board(persons[2], server, joined[1]["board_url"])
    advance_to(fac, "Contributing factors")
    expect(kim.locator("#note-form")).to_be_visible(timeout=WAIT)

    kim.locator("#note-text").press_sequentially(BLAMEFUL, delay=5)
    hint = kim.locator("#note-text-nudge")
    expect(hint).to_be_visible(timeout=WAIT)
    expect(hint).to_contain_text("didn't notice")
    expect(hint.locator(".nudge-reframe")).to_have_text("What made this easy to miss at the time?")
    expect(kim.locator("#note-text")).to_have_attribute(
        "aria-describedby", "note-hint note-text-nudge"
    )

    # Rewording in systemic terms: the hint goes, because the server found nothing to say.
    kim.fill("#note-text", "")
    kim.locator("#note-text").press_sequentially(SYSTEMIC, delay=5)
    expect(hint).to_be_hidden(timeout=WAIT)
    assert advice(frames[2])[-1]["findings"] == []

    # A nudge never blocks: the blameful note can still be added, as written.
    kim.fill("#note-text", "")
    add_note(kim, BLAMEFUL)
    expect(sarah.locator("#note-sections .note-text", has_text=BLAMEFUL)).to_have_count(
        1, timeout=WAIT
    )
    expect(hint).to_be_hidden()

    # The facilitator sees a count per phase, not which note or whose.
    expect(fac.locator("#nudge-counts")).to_have_text(
        "1 open nudge · Contributing factors 1", timeout=WAIT
    )
    expect(sarah.locator("#nudge-counts")).to_be_hidden()
    # Hints went to Kim's connection alone; nobody else's frames carry one, or the words typed.
    assert advice(frames[2]) and not advice(frames[0]) and not advice(frames[1])
    before_adding = [f for f in frames[1] if f["type"] != "event"]
    assert SYSTEMIC not in json.dumps(before_adding)
    assert all(f["type"] != "nudge_counts" for f in frames[1] + frames[2])


def test_the_facilitator_switches_blame_nudges_off_for_the_board(
    server: RealServer, people: Any
) -> None:
    made, joined = meeting(server, ["Sam"])
    fac = open_board(people(), server, made["facilitator_url"])
    sam_person = people()
    frames = record_frames(sam_person)
    sam = open_board(sam_person, server, joined[0]["board_url"])
    fac.click("#menu-open")  # the switches live in the menu's facilitation section
    fac.click("#nudge-settings summary")
    fac.uncheck("#nudge-settings input[value=blame]")
    expect(fac.locator("#nudge-settings input[value=blame]")).not_to_be_checked()
    expect(fac.locator("#nudge-settings input[value=vague_action]")).to_be_checked()
    fac.click("#menu-close")
    sam.locator("#tl-text").press_sequentially(
        "Human error: the operator forgot the drain step", delay=5
    )
    expect(sam.locator("#tl-text")).to_have_value("Human error: the operator forgot the drain step")
    # The answer arrives, and it is empty: nothing to show.
    for _ in range(50):
        if advice(frames):
            break
        sam.wait_for_timeout(100)
    assert advice(frames) and advice(frames)[-1]["findings"] == []
    expect(sam.locator("#tl-text-nudge")).to_be_hidden()


def test_typing_an_action_the_model_finds_vague_shows_a_hint_naming_its_words(
    server: RealServer, people: Any
) -> None:
    """The vague-action model the server installs (issue 14, round seven) reaches the page: no
    rule fires on this wording, the model does, and the hint names the words behind its score;
    a concrete action gets no hint."""
    made, joined = meeting(server, ["Kim"])
    fac_person, kim_person = people(), people()
    frames = record_frames(kim_person)
    fac = open_board(fac_person, server, made["facilitator_url"])
    kim = open_board(kim_person, server, joined[0]["board_url"])
    advance_to(fac, "Actions")
    expect(kim.locator("#action-text")).to_be_visible(timeout=WAIT)

    kim.locator("#action-text").press_sequentially(
        "Capacity planning for the holiday peak", delay=5
    )
    hint = kim.locator("#action-text-nudge")
    expect(hint).to_be_visible(timeout=WAIT)
    expect(hint).to_contain_text("Capacity")
    last = advice(frames)[-1]["findings"]
    assert [f["check"] for f in last] == ["vague_action"] and "Capacity" in last[0]["words"]
    # On a phone the words and their hint get the form's whole width, not a sliver of it.
    kim.set_viewport_size({"width": 390, "height": 844})
    field = kim.locator("#action-text").bounding_box()
    form = kim.locator(".action-form").first.bounding_box()
    assert field is not None and form is not None and field["width"] > 0.8 * form["width"]
    kim.set_viewport_size({"width": 1280, "height": 800})

    kim.fill("#action-text", "")
    kim.locator("#action-text").press_sequentially(
        "Page the on-call when checkout p99 latency stays above 800 ms for 5 minutes", delay=5
    )
    expect(hint).to_be_hidden(timeout=WAIT)
    assert advice(frames)[-1]["findings"] == []


def test_typing_a_note_the_blame_model_flags_shows_a_hint_naming_its_words(
    server: RealServer, people: Any
) -> None:
    """The blame model the server installs (issue 14, rounds eight and nine) reaches the page: no rule
    fires on this note, the model does, and the hint names the words behind its score, at
    desktop and phone widths; only the writer gets it."""
    text = "The engineer pushed the change without waiting for the canary results."
    made, joined = meeting(server, ["Kim", "Ola"])
    kim_person, ola_person = people(), people()
    frames = record_frames(kim_person)
    ola_frames = record_frames(ola_person)
    fac = open_board(people(), server, made["facilitator_url"])
    kim = open_board(kim_person, server, joined[0]["board_url"])
    open_board(ola_person, server, joined[1]["board_url"])
    advance_to(fac, "Contributing factors")
    expect(kim.locator("#note-form")).to_be_visible(timeout=WAIT)

    kim.locator("#note-text").press_sequentially(text, delay=5)
    hint = kim.locator("#note-text-nudge")
    expect(hint).to_be_visible(timeout=WAIT)
    expect(hint).to_contain_text("real post-mortems")
    (finding,) = advice(frames)[-1]["findings"]
    assert finding["check"] == "blame" and finding["words"]
    assert all(w in text for w in finding["words"])
    for word in finding["words"]:
        expect(hint).to_contain_text(word)
    kim.set_viewport_size({"width": 390, "height": 844})
    expect(hint).to_be_visible()
    box = hint.bounding_box()
    assert box is not None and box["x"] > 0 and box["x"] + box["width"] <= 390
    assert not advice(ola_frames)


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_timeline_hint_opens_in_view_without_moving_the_form(
    server: RealServer, people: Any, width: int
) -> None:
    made, joined = meeting(server, ["Ann"], "Hint layout")
    fac = open_board(people(), server, made["facilitator_url"])
    ann_person = people()
    ann_person.page.set_viewport_size({"width": width, "height": 800 if width > 400 else 844})
    ann = open_board(ann_person, server, joined[0]["board_url"])
    advance_to(fac, "Timeline")
    for n in range(6):  # a list long enough that the form is not alone on the screen
        add_entry(ann, f"2026-08-14T09:{10 + n}", "fact", f"Checkout step {n} timed out")
    expect(ann.locator("#timeline-list .tl")).to_have_count(6, timeout=WAIT)
    when = ann.locator("#tl-at")
    before = when.bounding_box()
    ann.locator("#tl-text").press_sequentially("The on-call engineer didn't notice the alert")
    hint = ann.locator("#tl-text-nudge")
    expect(hint).to_be_visible(timeout=WAIT)
    box, size = hint.bounding_box(), ann.viewport_size
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (
        "the hint is in view"
    )
    if width > 400:  # on a phone the pinned composer grows upwards to keep the hint in view
        assert when.bounding_box() == before, "When stays where it was while the hint shows"
