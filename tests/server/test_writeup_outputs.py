"""The write-up's record of what the meeting decided and left open: committed actions only (the
proposals not taken as a text list), themes with their vote, parked questions, the impact
table, and the incident's date when the header has no start time. HTML and Markdown alike.
"""

from __future__ import annotations

import re
from pathlib import Path

from hindsight.board_state import ops as o
from hindsight.server.meeting.hub import Hub
from hindsight.server.meeting.room import Room
from hindsight.server.outputs.writeup_model import Writeup

from .test_writeup import (
    Rendered,
    _on_a_hub,
    _render,
    anonymous,  # noqa: F401  (the worked example, rendered once)
    assert_valid_markdown,
    html_section,
    md_plain,
    md_tables,
    section,
    text_of,
)
from .worked_example import ACTIONS, PARKED, THEMES

Out = tuple[Writeup, str, str]


async def _room(hub: Hub, **create: object) -> tuple[str, str, Room]:
    board_id, fac, _ = await hub.create_board(o.CreateBoard(**create))  # type: ignore[arg-type]
    room = await hub.room(board_id)
    assert room is not None
    return board_id, fac, room


async def _go_to(room: Room, fac: str, kind: str) -> None:
    phase = next(p.id for p in room.board.agenda if p.kind == kind)
    await room.submit_as(fac, o.GoToPhase(phase_id=phase))


# --- actions: committed, and considered ---------------------------------------------------------


def test_only_selected_actions_are_action_items_and_the_rest_are_considered(
    anonymous: Rendered,
) -> None:
    w = anonymous.w
    chosen = [a[0] for a in ACTIONS if a[6]]
    considered = [a[0] for a in ACTIONS if not a[6]]
    assert [a.text for a in w.actions] == chosen and w.considered == considered
    assert (w.actions_done, len(w.actions)) == (1, 3)  # done among the committed ones only
    md_actions = section(anonymous.markdown, "7. Action items")
    (table,) = md_tables(md_actions)
    assert [md_plain(r[1]) for r in table[2:]] == chosen
    block = md_plain(md_actions.split("**Considered, not committed**")[1].split("**Parked")[0])
    assert [line[2:] for line in block.strip().splitlines()] == considered
    # Text only: no owner, date or status beside a proposal that was not taken.
    for _text, owner, due, *_ in (a for a in ACTIONS if not a[6]):
        assert owner not in block and due not in block
    page = anonymous.html.split('id="actions"')[1].split('id="communications"')[0]
    listed = re.findall(
        r"<li>([^<]*)</li>", page.split("Considered, not committed")[1].split("</ul>")[0]
    )
    assert listed == [t.replace("'", "&#39;") for t in considered]
    assert all(t not in page.split("Considered, not committed")[0] for t in considered)


def test_proposals_with_none_selected_flag_the_action_items_and_are_listed(tmp_path: Path) -> None:
    async def script(hub: Hub) -> Out:
        board_id, fac, room = await _room(hub, title="Nothing chosen")
        await _go_to(room, fac, "actions")
        await room.submit_as(fac, o.AddAction(text="Page on queue depth", owner_id=fac))
        return await _render(hub, board_id)

    w, markdown, page = _on_a_hub(tmp_path, script)
    assert w.actions == [] and w.considered == ["Page on queue depth"]
    assert w.missing["actions"] == "No action items agreed." and w.actions_done == 0
    md_actions = section(markdown, "7. Action items")
    assert "_No action items agreed._" in md_actions and "- Page on queue depth" in md_actions
    assert md_tables(md_actions) == [] and "Actions done" not in markdown
    assert "Considered, not committed Page on queue depth" in html_section(page, "actions")
    assert_valid_markdown(markdown)


# --- themes and their vote ---------------------------------------------------------------------


def test_themes_are_ranked_by_the_revealed_vote_with_ties_shown_as_ties(
    anonymous: Rendered,
) -> None:
    w = anonymous.w
    assert w.themes_vote == "revealed"
    got = [(t.name, t.dots, t.rank, t.tied, t.notes) for t in w.themes]
    detection, retest, containment = (name for name, _ in THEMES)
    assert got == [
        (detection, 6, 1, False, 2),
        (containment, 2, 2, True, 2),
        (retest, 2, 2, True, 1),
    ]  # equal dots share rank 2, by name
    md_actions = section(anonymous.markdown, "7. Action items")
    assert md_actions.index("| # | Action |") < md_actions.index("**Themes, by votes**")
    themes = md_plain(md_actions.split("**Themes, by votes**")[1].split("**Considered")[0])
    assert f"- **1.** {detection} (6 dots) · 2 notes" in themes
    assert f"- **=2.** {containment} (2 dots, tie) · 2 notes" in themes
    assert f"- **=2.** {retest} (2 dots, tie) · 1 note" in themes
    page = html_section(anonymous.html, "actions")
    assert f"Themes, by votes 1 {detection} 6 dots" in page
    assert f"=2 {containment} 2 dots (tie)" in page and f"=2 {retest} 2 dots (tie)" in page


async def _themed(hub: Hub, *, vote: str) -> Out:
    """Two themes; `vote`: "none", "closed" (held, never revealed) or "revealed"."""
    board_id, fac, room = await _room(hub, title="Themes")
    pid, _ = await room.join("Pia", "participant")
    await _go_to(room, fac, "themes")
    for name in ("Zeta alerts", "Alpha runbooks"):
        await room.submit_as(fac, o.AddTheme(name=name))
    ids = {t.name: t.id for t in room.board.themes.values()}
    if vote != "none":
        await room.submit_as(fac, o.OpenVote(target="themes", budget=3))
        (round_id,) = room.board.rounds
        for _ in range(3):
            await room.submit_as(pid, o.CastVote(round_id=round_id, item_id=ids["Zeta alerts"]))
        await room.submit_as(fac, o.CloseVote(round_id=round_id))
        if vote == "revealed":
            await room.submit_as(fac, o.RevealVote(round_id=round_id))
    return await _render(hub, board_id)


def test_an_unrevealed_vote_on_themes_shows_no_totals(tmp_path: Path) -> None:
    w, markdown, page = _on_a_hub(tmp_path, lambda hub: _themed(hub, vote="closed"))
    assert w.themes_vote == "unrevealed"
    assert [(t.name, t.dots, t.rank) for t in w.themes] == [
        ("Alpha runbooks", None, 0),
        ("Zeta alerts", None, 0),
    ]  # by name: no order from votes
    themes = section(markdown, "7. Action items")
    assert "- Alpha runbooks\n" in themes and "- Zeta alerts\n" in themes
    assert "dot" not in themes and "by votes" not in themes
    assert "_The vote on themes was not revealed, so no totals are shown._" in themes
    html_actions = html_section(page, "actions")
    assert "dot" not in html_actions and "The vote on themes was not revealed" in html_actions
    # Revealed, the same vote gives its totals, a theme without dots ranking last.
    (tmp_path / "r").mkdir()
    w, markdown, _ = _on_a_hub(tmp_path / "r", lambda hub: _themed(hub, vote="revealed"))
    assert [(t.name, t.dots, t.rank) for t in w.themes] == [
        ("Zeta alerts", 3, 1),
        ("Alpha runbooks", 0, 2),
    ]
    assert (
        "- **1.** Zeta alerts (3 dots)" in markdown
        and "- **2.** Alpha runbooks (0 dots)" in markdown
    )


def test_themes_without_any_vote_are_listed_by_name(tmp_path: Path) -> None:
    w, markdown, _ = _on_a_hub(tmp_path, lambda hub: _themed(hub, vote="none"))
    assert w.themes_vote == "none" and [t.name for t in w.themes] == [
        "Alpha runbooks",
        "Zeta alerts",
    ]
    assert "not revealed" not in markdown and "**Themes**" in markdown


# --- parked questions ----------------------------------------------------------------------------


def test_parked_questions_are_listed_in_html_and_markdown(anonymous: Rendered) -> None:
    assert anonymous.w.parked == sorted(PARKED)
    block = section(anonymous.markdown, "7. Action items").split("**Parked questions**")[1]
    assert [line[2:] for line in md_plain(block).strip().splitlines()] == sorted(PARKED)
    page = html_section(anonymous.html, "actions")
    assert "Parked questions " + " ".join(sorted(PARKED)) in page
    # They are not counted as anything else: not notes that went well or wrong.
    for question in PARKED:
        assert question not in section(anonymous.markdown, "4. What went well")
        assert question not in section(anonymous.markdown, "5. What went wrong")


# --- the incident's date -----------------------------------------------------------------------


def test_the_date_is_the_start_else_the_first_timeline_entry_else_the_boards_creation(
    tmp_path: Path,
) -> None:
    async def script(hub: Hub) -> list[Out]:
        board_id, fac, room = await _room(hub, title="When was it")
        made = await _render(hub, board_id)
        for at in ("2026-03-02T08:00Z", "2026-03-01T23:59Z"):  # the earliest counts, not the first
            await room.submit_as(fac, o.AddTimelineEntry(at=at, text="something happened"))
        from_timeline = await _render(hub, board_id)
        await room.submit_as(fac, o.EditHeader(started_at="2026-02-28T10:00Z"))
        return [made, from_timeline, await _render(hub, board_id)]

    (made, timeline, started) = _on_a_hub(tmp_path, script)
    for (w, markdown, page), date, source in (
        (made, made[0].date, "board created"),
        (timeline, "2026-03-01", "first timeline entry"),
        (started, "2026-02-28", ""),
    ):
        assert (w.date, w.date_source) == (date, source)
        line = markdown.splitlines()[2]
        assert line.startswith(
            "**Severity:** Sev-2 · **Incident date:** "
            + date
            + (f" ({source})" if source else "")
            + " · **Status:** Open"
        )
        head = text_of(page.split('id="summary"')[0])
        assert ("Incident date " + date + (f" ({source})" if source else "") + " Status") in head
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", made[0].date)


# --- the impact table ----------------------------------------------------------------------------


def test_impact_rows_alone_fill_the_impact_section_as_a_table(tmp_path: Path) -> None:
    async def script(hub: Hub) -> Out:
        board_id, fac, room = await _room(hub, title="Rows only")
        await room.submit_as(
            fac,
            o.EditHeader(
                impact_rows=[
                    o.ImpactRowInput(dimension="Orders lost", impact="12 | all refunded"),
                    o.ImpactRowInput(dimension="<b>Pages</b>", impact="3"),
                ]
            ),
        )
        return await _render(hub, board_id)

    w, markdown, page = _on_a_hub(tmp_path, script)
    assert "impact" not in w.missing and w.impact == []
    impact = section(markdown, "3. Impact")
    assert "No impact recorded" not in impact and "No impact recorded" not in page
    (table,) = md_tables(impact)
    assert table[0] == ["Dimension", "Impact"]
    assert (
        table[2] == ["Orders lost", "12 \\| all refunded"]
        and table[3][0] == "&lt;b&gt;Pages&lt;/b&gt;"
    )
    assert "<td>&lt;b&gt;Pages&lt;/b&gt;</td><td>3</td>" in page
    assert_valid_markdown(markdown)


def test_impact_fields_come_before_the_impact_table(tmp_path: Path) -> None:
    async def script(hub: Hub) -> Out:
        board_id, fac, room = await _room(hub, title="Both")
        await room.submit_as(
            fac,
            o.EditHeader(
                users_affected="EU shoppers",
                duration="40 min",
                cost="~2k EUR",
                impact_notes="Support tickets: 85",
                impact_rows=[o.ImpactRowInput(dimension="Orders lost", impact="12")],
            ),
        )
        return await _render(hub, board_id)

    w, markdown, page = _on_a_hub(tmp_path, script)
    assert [r.label for r in w.impact] == ["Users affected", "Duration", "Cost", "Support tickets"]
    impact = section(markdown, "3. Impact")
    order = [
        impact.index(s)
        for s in (
            "**Users affected:** EU shoppers",
            "**Duration:**",
            "**Cost:**",
            "**Support tickets:** 85",
            "| Orders lost | 12 |",
        )
    ]
    assert order == sorted(order)
    text = html_section(page, "impact")
    assert text.index("Support tickets 85") < text.index("Dimension Impact Orders lost 12")
