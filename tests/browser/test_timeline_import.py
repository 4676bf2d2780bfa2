"""Importing a timeline file in a real browser: picking a chat export, a CSV or a log shows what
would be added (or every bad line by its number) before anything is added, then all of it at
once, live for everyone; a participant whose phase does not take timeline entries has no button.

Same set-up as test_board_page.py: the fixtures and helpers of tests/browser/conftest.py.
"""

from __future__ import annotations

import json
from typing import Any

from tests.browser.conftest import WAIT, expect, meeting, needs_chromium, open_board
from tests.realserver import RealServer

pytestmark = needs_chromium

SLACK = {
    "messages": [
        {"type": "message", "ts": "1786698720", "text": "PagerDuty: checkout p99 latency > 2s"},
        {"type": "message", "subtype": "channel_join", "ts": "1786698730", "text": "joined"},
        {"type": "message", "ts": "1786698900", "text": "rolling back deploy 4512", "user": "U1"},
        {"type": "message", "ts": "1786699500", "text": "latency back to normal"},
    ]
}
BAD_LOG = "09:12 Alert fired\nsomeone typed this without a time\n09:20 Rolled back\n??\n"


def _file(name: str, text: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "application/octet-stream", "buffer": text.encode()}


def test_a_chat_export_is_previewed_then_added_for_everyone(
    server: RealServer, people: Any
) -> None:
    made, [sam] = meeting(server, ["Sam"])
    dana, sam_person = people(), people()
    fac = open_board(dana, server, made["facilitator_url"])
    par = open_board(sam_person, server, sam["board_url"])

    fac.click("#tl-import-open")
    dialog = fac.locator("#tl-import-dialog")
    expect(dialog).to_be_visible()
    fac.set_input_files("#tl-import-file", _file("incident-channel.json", json.dumps(SLACK)))
    expect(fac.locator("#tl-import-format")).to_have_value("chat")  # from the file's name
    expect(dialog.locator(".tl-import-status")).to_have_text(
        "incident-channel.json: 3 entries, ready to add.", timeout=WAIT
    )
    expect(dialog.locator("tbody tr")).to_have_count(3)  # the join message is left out
    expect(dialog.locator("tbody")).to_contain_text("rolling back deploy 4512")
    # Nothing is on the board before the person says so.
    expect(par.locator("#timeline-list li.tl")).to_have_count(0)
    dialog.get_by_role("button", name="Add 3 entries").click()
    expect(dialog).to_be_hidden()
    for page in (fac, par):
        expect(page.locator("#timeline-list li.tl")).to_have_count(3, timeout=WAIT)
        expect(page.locator("#timeline-list")).to_contain_text("PagerDuty: checkout p99 latency")
    assert dana.errors == [] and sam_person.errors == []


def test_a_bad_file_names_every_bad_line_and_adds_nothing(server: RealServer, people: Any) -> None:
    made, _ = meeting(server, [])
    dana = people()
    fac = open_board(dana, server, made["facilitator_url"])
    fac.click("#tl-import-open")
    dialog = fac.locator("#tl-import-dialog")
    fac.set_input_files("#tl-import-file", _file("pager.log", BAD_LOG))
    expect(dialog.locator(".tl-import-status")).to_have_text(
        "pager.log: 2 problems; nothing will be added until the file is fixed.", timeout=WAIT
    )
    problems = dialog.locator(".tl-import-problems li")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("line 2: does not start with a time")
    expect(problems.nth(1)).to_contain_text("line 4: does not start with a time")
    expect(dialog.locator("button[type=submit]")).to_be_disabled()
    # The same file read as CSV instead says what is wrong with it as CSV.
    fac.select_option("#tl-import-format", "csv")
    expect(problems.first).to_contain_text("line 1", timeout=WAIT)
    dialog.get_by_role("button", name="Cancel").click()
    expect(fac.locator("#timeline-list li.tl")).to_have_count(0)
    # At phone width the dialog fits the screen.
    fac.set_viewport_size({"width": 390, "height": 844})
    fac.click("#tl-import-open")
    fac.set_input_files("#tl-import-file", _file("incident-channel.json", json.dumps(SLACK)))
    expect(dialog.locator("tbody tr")).to_have_count(3, timeout=WAIT)
    box = dialog.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    fac.screenshot(path="/tmp/timeline-import-phone.png")
    assert dana.errors == []


def test_only_people_who_may_add_to_the_timeline_get_the_button(
    server: RealServer, people: Any
) -> None:
    made, [sam] = meeting(server, ["Sam"])
    dana, sam_person = people(), people()
    fac = open_board(dana, server, made["facilitator_url"])
    par = open_board(sam_person, server, sam["board_url"])
    expect(par.locator("#tl-import-open")).to_be_visible()  # the lobby gathers facts
    fac.click("#advance")  # set the room: participants do not add timeline entries there
    expect(par.locator("#tl-import-open")).to_be_hidden(timeout=WAIT)


def test_a_file_dropped_on_the_timeline_opens_its_preview(server: RealServer, people: Any) -> None:
    made, _ = meeting(server, [])
    dana = people()
    fac = open_board(dana, server, made["facilitator_url"])
    # What a person's drag from their desktop delivers: a DataTransfer holding the file.
    drop = fac.evaluate_handle(
        """() => {
          const data = new DataTransfer();
          data.items.add(new File(["09:12 Alert fired\\n09:20 Rolled back\\n"], "pager.log",
            {type: "text/plain"}));
          return data;
        }"""
    )
    fac.dispatch_event("#timeline", "dragover", {"dataTransfer": drop})
    fac.dispatch_event("#timeline", "drop", {"dataTransfer": drop})
    dialog = fac.locator("#tl-import-dialog")
    expect(dialog).to_be_visible(timeout=WAIT)
    expect(dialog.locator(".tl-import-status")).to_have_text(
        "pager.log: 2 entries, ready to add.", timeout=WAIT
    )
    dialog.get_by_role("button", name="Add 2 entries").click()
    expect(fac.locator("#timeline-list li.tl")).to_have_count(2, timeout=WAIT)
    assert dana.errors == []
