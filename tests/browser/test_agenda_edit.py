"""The facilitator edits the agenda live (rename, retime, move, add, remove, jump to a phase) and
hands facilitation over; everyone's agenda follows, and only the facilitator has the controls.

Same set-up as test_meeting_end.py: the fixtures and helpers of tests/browser/conftest.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import WAIT, api, expect, needs_chromium, wait_live
from tests.realserver import RealServer

pytestmark = needs_chromium


def row(page: Any, title: str) -> Any:
    return page.locator(
        "#agenda-list .agenda-item", has=page.locator(".agenda-title", has_text=title)
    )


def titles(page: Any) -> Any:
    return page.locator("#agenda-list .agenda-item[data-phase] .agenda-title")


def test_facilitator_edits_the_agenda_and_hands_over(
    server: RealServer, people: Any, tmp_path: Path
) -> None:
    made = api(
        server, "/api/boards", {"title": "Search index rebuild stalled", "facilitator_name": "Dana"}
    )
    joined = api(
        server, f"/api/boards/{made['board_id']}/join", {"name": "Sam", "role": "participant"}
    )
    facilitator, participant = people(), people()
    fac, par = facilitator.page, participant.page
    fac.goto(server.url + made["facilitator_url"])
    par.goto(server.url + joined["board_url"])
    wait_live(fac)
    wait_live(par)
    # The agenda, its editor and the hand-over live in the menu drawer.
    for page in (fac, par):
        page.click("#menu-open")
        expect(page.locator("#menu")).to_be_visible()
    first = titles(fac).all_inner_texts()
    assert first[:3] == ["Set the room", "Incident summary", "Timeline"]
    expect(titles(par)).to_have_text(first)

    # Only the facilitator gets the controls.
    expect(fac.locator("#agenda-list .agenda-edit")).to_have_count(len(first))
    expect(fac.locator(".agenda-add")).to_be_visible()
    expect(fac.locator("#hand-over")).to_be_visible()
    for gone in (
        "#agenda-list .agenda-edit",
        "#agenda-list .agenda-goto",
        "#agenda-list .agenda-editor",
    ):
        expect(par.locator(gone)).to_have_count(0)
    expect(par.locator(".agenda-add")).to_be_hidden()
    expect(par.locator("#hand-over")).to_be_hidden()

    # Rename and retime a phase; both browsers see it.
    fac.get_by_role("button", name="Edit phase 2: Incident summary").click()
    editor = fac.locator(".agenda-editor").first
    expect(editor.get_by_label("Title")).to_be_focused()
    expect(editor.get_by_label("Title")).to_have_value("Incident summary")
    expect(editor.get_by_label("Minutes")).to_have_value("5")
    editor.get_by_label("Title").fill("What happened, in short")
    editor.get_by_label("Minutes").fill("8")
    fac.screenshot(path=str(tmp_path / "agenda-editor.png"))
    editor.get_by_role("button", name="Save").click()
    for page in (fac, par):
        expect(row(page, "What happened, in short").locator(".planned")).to_have_text(
            "8 min", timeout=WAIT
        )
    expect(editor.get_by_label("Title")).to_have_value("What happened, in short")

    # Move it down one (its editor stays open and follows it), then Timeline up to the top two.
    editor.get_by_role("button", name="Move What happened, in short down").click()
    expect(titles(par)).to_have_text(
        ["Set the room", "Timeline", "What happened, in short", *first[3:]], timeout=WAIT
    )
    fac.locator(".agenda-edit[aria-expanded=true]").click()
    expect(fac.locator(".agenda-editor:visible")).to_have_count(0)
    fac.get_by_role("button", name="Edit phase 2: Timeline").click()
    fac.get_by_role("button", name="Move Timeline up").click()
    expect(titles(par)).to_have_text(
        ["Timeline", "Set the room", "What happened, in short", *first[3:]], timeout=WAIT
    )
    expect(fac.get_by_role("button", name="Move Timeline up")).to_be_disabled()
    fac.locator(".agenda-edit[aria-expanded=true]").click()

    # Add a phase at the end.
    fac.locator(".agenda-add summary").click()
    fac.select_option("#add-phase-kind", "discussion")
    fac.fill("#add-phase-title", "Open questions")
    fac.fill("#add-phase-minutes", "12")
    fac.click("#add-phase-submit")
    for page in (fac, par):
        expect(titles(page).last).to_have_text("Open questions", timeout=WAIT)
        expect(row(page, "Open questions").locator(".planned")).to_have_text("12 min")
    expect(titles(par)).to_have_count(len(first) + 1)

    # Remove a phase that is not current, with a confirm step that can be backed out of.
    fac.get_by_role("button", name="Edit", exact=False).and_(
        fac.locator("[aria-label*='Contributing factors']")
    ).click()
    fac.get_by_role("button", name="Remove Contributing factors").click()
    confirm = fac.locator(".agenda-confirm:visible")
    expect(confirm).to_contain_text("Remove “Contributing factors” from the agenda?")
    confirm.get_by_role("button", name="Keep it").click()
    expect(fac.locator(".agenda-confirm:visible")).to_have_count(0)
    fac.get_by_role("button", name="Remove Contributing factors").click()
    fac.locator(".agenda-confirm:visible").get_by_role("button", name="Yes, remove it").click()
    for page in (fac, par):
        expect(row(page, "Contributing factors")).to_have_count(0, timeout=WAIT)
    expect(titles(par)).to_have_count(len(first))

    # Jump straight to a phase.
    row(fac, "Five whys").get_by_role("button", name="Go to").click()
    for page in (fac, par):
        expect(page.locator("#phase-title")).to_have_text("Five whys", timeout=WAIT)
        expect(page.locator("#agenda-list [aria-current=step]")).to_contain_text("Five whys")
    expect(row(fac, "Five whys").locator(".agenda-goto")).to_have_count(
        0
    )  # no "Go to" for where we are
    fac.get_by_role("button", name="Edit phase 1: Timeline").click()
    fac.locator("#agenda-list").scroll_into_view_if_needed()
    shot = tmp_path / "agenda-edit.png"
    fac.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    expect(fac.locator(".rejection")).to_have_count(0)

    # Hand over: pick Sam, confirm; the controls move to Sam's browser.
    fac.click("#hand-over")
    panel = fac.locator("#hand-over-panel")
    expect(panel).to_be_visible()
    expect(fac.locator("#hand-over-to")).to_be_focused()
    expect(fac.locator("#hand-over-to option")).to_have_text(["Sam"])
    fac.screenshot(path=str(tmp_path / "hand-over.png"))
    fac.select_option("#hand-over-to", label="Sam")
    fac.click("#hand-over-yes")
    expect(par.locator("#advance")).to_be_visible(timeout=WAIT)
    expect(par.locator("#agenda-list .agenda-edit")).to_have_count(len(first))
    expect(par.locator(".agenda-add")).to_be_visible()
    expect(fac.locator("#advance")).to_be_hidden(timeout=WAIT)
    expect(fac.locator("#agenda-list .agenda-edit")).to_have_count(0)
    expect(fac.locator(".agenda-editor:visible")).to_have_count(0)
    expect(fac.locator(".agenda-add")).to_be_hidden()
    expect(par.locator(".person", has_text="Sam").locator(".tag-facilitator")).to_be_visible()

    # The new facilitator steers: their "Next" moves everyone.
    par.click("#menu-close")
    par.click("#advance")
    for page in (fac, par):
        expect(page.locator("#phase-title")).not_to_have_text("Five whys", timeout=WAIT)

    assert facilitator.errors == []
    assert participant.errors == []


def test_a_saved_agenda_is_offered_when_the_next_board_is_made(
    server: RealServer, people: Any
) -> None:
    made = api(server, "/api/boards", {"title": "Queue backlog", "facilitator_name": "Dana"})
    dana = people()
    fac = dana.page
    fac.goto(server.url + made["facilitator_url"])
    wait_live(fac)
    fac.click("#menu-open")
    # Reshape the agenda: the last phase goes.
    last = titles(fac).all_inner_texts()[-1]
    row(fac, last).locator(".agenda-edit").click()
    fac.get_by_role("button", name=f"Remove {last}").click()
    fac.locator(".agenda-confirm:visible").get_by_role("button", name="Yes, remove it").click()
    expect(titles(fac)).not_to_contain_text([last], timeout=WAIT)
    kept = titles(fac).all_inner_texts()
    fac.locator(".agenda-save summary").click()
    fac.fill("#save-agenda-name", "Queue incidents")
    fac.click("#save-agenda-submit")
    status = fac.locator(".agenda-save [role=status]")
    expect(status).to_contain_text("Saved “Queue incidents”", timeout=WAIT)
    # Saving again under the same name asks first.
    fac.click("#save-agenda-submit")
    expect(status).to_contain_text("is saved already; replace it?", timeout=WAIT)
    expect(fac.get_by_role("button", name="Replace it")).to_be_visible()

    # The next board, on the landing page, starts from it.
    fac.goto(server.url + "/")
    fac.fill("input[name=title]", "Another queue backlog")
    fac.get_by_label("Saved: Queue incidents").check()
    fac.click("button[type=submit]")
    wait_live(fac)
    fac.click("#menu-open")
    expect(titles(fac)).to_have_text(kept)
    # Chromium logs the expected 409 (the name was taken) as a failed load; nothing else.
    assert [e for e in dana.errors if "409 (Conflict)" not in e] == []


def test_a_new_phase_goes_where_the_facilitator_chooses(server: RealServer, people: Any) -> None:
    made = api(server, "/api/boards", {"title": "Where phases go", "facilitator_name": "Dana"})
    fac = people().page
    fac.goto(server.url + made["facilitator_url"])
    wait_live(fac)
    fac.click("#menu-open")
    fac.locator(".agenda-add summary").click()
    fac.select_option("#add-phase-kind", "discussion")
    fac.fill("#add-phase-title", "Customer impact")
    fac.fill("#add-phase-minutes", "5")
    fac.select_option("#add-phase-where", label="Before 4. Five whys")
    fac.click("#add-phase-submit")
    expect(titles(fac).nth(3)).to_have_text("Customer impact", timeout=WAIT)
    expect(titles(fac).nth(4)).to_have_text("Five whys")
    # The choices follow the agenda, and the one made stays for the next phase.
    expect(fac.locator("#add-phase-where option").nth(4)).to_have_text("Before 4. Customer impact")
    expect(fac.locator("#add-phase-where option:checked")).to_have_text("Before 5. Five whys")
    fac.select_option("#add-phase-where", label="At the end")
    fac.fill("#add-phase-title", "Open questions")
    fac.click("#add-phase-submit")
    expect(titles(fac).last).to_have_text("Open questions", timeout=WAIT)
