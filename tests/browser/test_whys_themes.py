"""The five-whys and themes panels in a real browser: a participant builds a chain, the facilitator
marks the structural cause, and notes are grouped into a theme with the keyboard-friendly select,
everyone seeing it live.

Same set-up as test_board_page.py: the fixtures and helpers of tests/browser/conftest.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import (
    WAIT,
    add_note,
    advance_to,
    api,
    drag,
    expect,
    needs_chromium,
    wait_live,
)
from tests.realserver import RealServer

pytestmark = needs_chromium


def test_five_whys_and_themes_live(server: RealServer, people: Any, tmp_path: Path) -> None:
    made = api(
        server,
        "/api/boards",
        {"title": "Checkout errors after a config push", "facilitator_name": "Dana"},
    )
    joined = api(
        server, f"/api/boards/{made['board_id']}/join", {"name": "Sam", "role": "participant"}
    )
    watching = api(
        server, f"/api/boards/{made['board_id']}/join", {"name": "Olu", "role": "observer"}
    )
    facilitator, participant, observer = people(), people(), people()
    fac, par, obs = facilitator.page, participant.page, observer.page
    fac.goto(server.url + made["facilitator_url"])
    par.goto(server.url + joined["board_url"])
    obs.goto(server.url + watching["board_url"])
    wait_live(fac)
    wait_live(par)
    wait_live(obs)
    for page in (fac, par):
        expect(page.locator(".whys")).to_have_count(0)
        expect(page.locator(".themes")).to_have_count(0)

    # --- five whys ---
    advance_to(fac, "Five whys")
    expect(par.locator("#phase-title")).to_have_text("Five whys", timeout=WAIT)
    expect(par.locator(".whys")).to_be_visible(timeout=WAIT)
    par.get_by_label("Problem (what was observed)").fill("Checkout returned errors for 40 minutes")
    par.get_by_role("button", name="Start a chain").click()
    chain_fac = fac.locator(".chain").filter(
        has=fac.locator(
            ".chain-problem-field textarea", has_text="Checkout returned errors for 40 minutes"
        )
    )
    expect(chain_fac).to_have_count(1, timeout=WAIT)

    chain_par = par.locator(".chain[data-id]")
    expect(chain_par).to_have_count(1, timeout=WAIT)
    par.get_by_label("Next: why?").fill("Why did checkout fail?")
    par.get_by_label("Because", exact=True).last.fill("The gateway rejected our requests")
    par.get_by_role("button", name="Add why").click()
    expect(par.locator(".why-step[data-id]")).to_have_count(1, timeout=WAIT)
    par.get_by_label("Next: why?").fill("Why did the gateway reject them?")
    par.get_by_label("Next: why?").press("Enter")
    expect(par.locator(".why-step[data-id]")).to_have_count(2, timeout=WAIT)
    expect(par.get_by_label("Next: why?")).to_have_value("")
    expect(par.get_by_label("Next: why?")).to_be_focused()

    # The facilitator sees both live (as text), edits the second answer in place and marks it
    # structural.
    steps = fac.locator(".why-step[data-id]")
    expect(steps).to_have_count(2, timeout=WAIT)
    expect(steps.nth(0).locator(".why-q")).to_have_text("Why? Why did checkout fail?")
    expect(steps.locator("input, textarea")).to_have_count(0)
    second = steps.nth(1)
    second.get_by_role("button", name="Edit why 2").click()
    expect(second.locator("input")).to_be_focused()
    second.locator("textarea").fill("A config push changed the API key without a canary")
    second.get_by_role("button", name="Done editing why 2").click()
    expect(par.locator(".why-step[data-id]").nth(1).locator(".why-a")).to_have_text(
        "Because A config push changed the API key without a canary", timeout=WAIT
    )
    second.get_by_role("button", name="Mark as structural cause").click()
    cause = fac.get_by_label("The structural cause, in one sentence")
    expect(cause).to_be_focused()
    cause.fill("Config pushes skip the canary stage")
    cause.press("Enter")
    for page in (fac, par):
        root = page.locator(".why-step.is-root")
        expect(root).to_have_count(1, timeout=WAIT)
        expect(root.locator(".why-q")).to_have_text("Why? Why did the gateway reject them?")
        expect(page.locator(".root-cause")).to_have_text(
            "Structural cause: Config pushes skip the canary stage"
        )
    par.locator(".whys").get_by_role("checkbox", name="Done").check()
    expect(fac.locator(".chain.is-done")).to_have_count(1, timeout=WAIT)
    fac.locator(".whys").screenshot(path=str(tmp_path / "whys.png"))
    # Observers read the same chain without any controls.
    expect(obs.locator(".why-step.is-root .why-q")).to_have_text(
        "Why? Why did the gateway reject them?", timeout=WAIT
    )
    expect(obs.locator(".root-cause")).to_have_text(
        "Structural cause: Config pushes skip the canary stage"
    )
    expect(obs.locator(".whys input, .whys textarea, .whys button")).to_have_count(0)

    # --- themes ---
    advance_to(fac, "Themes and vote")
    expect(par.locator("#phase-title")).to_have_text("Themes and vote", timeout=WAIT)
    expect(par.locator(".whys")).to_have_count(0)
    expect(par.locator(".themes")).to_be_visible(timeout=WAIT)
    for text in ("Nobody saw the canary was skipped", "Rollback took 20 minutes"):
        add_note(par, text)
    notes = par.locator(".theme-note[data-id]")
    expect(notes).to_have_count(2, timeout=WAIT)
    expect(fac.locator(".theme-ungrouped .theme-note")).to_have_count(2, timeout=WAIT)

    # A named theme, then notes moved into it with their theme menu (the keyboard way).
    par.get_by_label("Name a new theme").fill("Deploy safety")
    par.locator("#theme-create").click()
    group_fac = fac.locator(".theme-group:not(.theme-ungrouped)")
    expect(group_fac).to_have_count(1, timeout=WAIT)
    expect(group_fac.locator(".theme-title")).to_contain_text("Deploy safety")
    first = par.locator(".theme-note[data-id]").filter(has_text="Nobody saw the canary")
    first.get_by_label("Theme for: Nobody saw the canary was skipped").select_option(
        label="Deploy safety"
    )
    expect(group_fac.locator(".theme-note .note-text")).to_have_text(
        ["Nobody saw the canary was skipped"], timeout=WAIT
    )

    other = par.locator(".theme-note[data-id]").filter(has_text="Rollback took")
    other.get_by_label("Theme for: Rollback took 20 minutes").select_option(label="Deploy safety")
    expect(group_fac.locator(".theme-note .note-text")).to_have_text(
        ["Nobody saw the canary was skipped", "Rollback took 20 minutes"], timeout=WAIT
    )
    expect(fac.locator(".theme-ungrouped .theme-note")).to_have_count(0)
    expect(obs.locator(".theme-group h3", has_text="Deploy safety")).to_have_count(1, timeout=WAIT)
    expect(
        obs.locator(".themes input, .themes select, .themes button, .theme-note[draggable]")
    ).to_have_count(0)
    expect(par.locator(".theme-ungrouped")).to_contain_text(
        "Every note is in a theme.", timeout=WAIT
    )
    expect(par.get_by_label("Name a new theme")).to_have_value("")

    # Dragging a note onto another theme moves it too.
    fac.get_by_label("Name a new theme").fill("Recovery")
    fac.get_by_label("Name a new theme").press("Enter")
    recovery = par.locator(".theme-group").filter(
        has=par.locator(".theme-title", has_text="Recovery")
    )
    expect(recovery).to_have_count(1, timeout=WAIT)
    target = fac.locator(".theme-group").filter(
        has=fac.locator(".theme-title", has_text="Recovery")
    )
    drag(fac.locator(".theme-note", has_text="Rollback took").locator(".note-text"), target)
    expect(recovery.locator(".theme-note .note-text")).to_have_text(
        ["Rollback took 20 minutes"], timeout=WAIT
    )
    # Dropping one ungrouped note on another starts a theme with both, named to be renamed.
    fac.get_by_label("Name a new theme").fill("")
    add_note(par, "Canary results are not shown in the deploy tool")
    add_note(par, "Deploy tool lets a push skip the canary")
    loose = fac.locator(".theme-ungrouped .theme-note")
    expect(loose).to_have_count(2, timeout=WAIT)
    drag(
        loose.filter(has_text="lets a push skip").locator(".note-text"),
        loose.filter(has_text="not shown").locator(".note-text"),
    )
    started = par.locator(".theme-group").filter(
        has=par.locator(".theme-title", has_text="Theme 3")
    )
    expect(started.locator(".theme-note .note-text")).to_have_text(
        [
            "Canary results are not shown in the deploy tool",
            "Deploy tool lets a push skip the canary",
        ],
        timeout=WAIT,
    )
    rename = fac.get_by_role("textbox", name="Rename theme Theme 3")
    expect(rename).to_be_focused(timeout=WAIT)
    expect(rename).to_have_value("Theme 3")
    fac.keyboard.type("Canary visibility")  # the placeholder name is selected: typed over
    fac.keyboard.press("Enter")
    expect(par.locator(".theme-group .theme-title", has_text="Canary visibility")).to_have_count(
        1, timeout=WAIT
    )
    expect(fac.locator(".theme-group .theme-title", has_text="Canary visibility")).to_have_count(
        1, timeout=WAIT
    )
    expect(fac.locator(".theme-note.is-pending")).to_have_count(0)
    fac.locator(".themes").screenshot(path=str(tmp_path / "themes.png"))
    par.locator(".themes").screenshot(path=str(tmp_path / "themes-participant.png"))

    for page in (fac, par):
        expect(page.locator(".rejection")).to_have_count(0)
    assert facilitator.errors == []
    assert participant.errors == []
    assert observer.errors == []
