"""The write-up: the worked example of the post-mortem template, rendered as HTML and Markdown.

The board is played through the real Hub and Room (`worked_example.py`) and read the way the
routes read it: through projection, as an outsider. Checks: every section is there, in the
template's order, with the right content; the Markdown is well formed; on an anonymous board
nobody's name appears except owners and sign-off; unrevealed private writing never appears;
user text cannot inject markup; empty sections are flagged; the routes answer.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from starlette.templating import Jinja2Templates

from hindsight.board_state import ops as o
from hindsight.server.meeting.hub import Hub
from hindsight.server.outputs.writeup import (
    EMPTY,
    TEMPLATES,
    Writeup,
    md,
    render_html,
    render_markdown,
    writeup_context,
)
from hindsight.server.storage.store import Store

from .conftest import create_board, join, make_client
from .worked_example import (
    ACTIONS,
    FACILITATOR,
    FACTORS,
    IMPACT_ROWS,
    OBSERVER,
    OWNERS,
    SIGNERS,
    SUMMARY,
    SYSTEMIC_CAUSE,
    TIMELINE,
    WENT_BADLY,
    WENT_WELL,
    WHYS,
    WRITERS,
    build_worked_example,
    render_example,
)

ROOT = Path(__file__).resolve().parents[2]
HTML_SECTIONS = [
    "summary",
    "timeline",
    "impact",
    "went-well",
    "went-wrong",
    "five-whys",
    "actions",
    "communications",
    "regulatory",
    "sign-off",
    "meeting",
]
MD_SECTIONS = [
    "1. Summary",
    "2. Timeline",
    "3. Impact",
    "4. What went well",
    "5. What went wrong",
    "6. Five whys",
    "7. Action items",
    "8. Communications",
    "9. Regulatory considerations",
    "10. Sign-off",
    "How this meeting ran",
]
ENV = Jinja2Templates(directory=TEMPLATES).env  # the app's environment: autoescapes .html


class Rendered(NamedTuple):
    w: Writeup
    markdown: str
    html: str
    people: dict[str, str]


def _on_a_hub(tmp: Path, script: Callable[[Hub], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        store = Store(tmp / "w.db")
        store.open()
        hub = Hub(store)
        try:
            return await script(hub)
        finally:
            await hub.close()
            store.close()

    return asyncio.run(run())


async def _render(hub: Hub, board_id: str, *, later_ms: int = 0) -> tuple[Writeup, str, str]:
    room = await hub.room(board_id)
    assert room is not None
    _, view = await room.read("")  # as the routes read it: an outsider's projection
    w = writeup_context(view, now_ms=room.clock() + later_ms)
    return w, render_markdown(w), render_html(w, ENV)


def _worked(tmp: Path, **options: Any) -> Rendered:
    async def script(hub: Hub) -> Rendered:
        board_id, people = await build_worked_example(hub, **options)
        return Rendered(*await _render(hub, board_id), people)

    return _on_a_hub(tmp, script)


@pytest.fixture(scope="module")
def anonymous(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return _worked(tmp_path_factory.mktemp("anonymous"))


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return _worked(tmp_path_factory.mktemp("named"), anonymity="named")


def text_of(page: str) -> str:
    """The page's visible text, tags dropped and entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def md_plain(markdown: str) -> str:
    """Markdown with its escapes undone, for content checks."""
    text = re.sub(r"\\(.)", r"\1", markdown)
    return html.unescape(text.replace("<br>", " "))


def md_tables(markdown: str) -> list[list[list[str]]]:
    """Every GFM table as rows of cells (split on unescaped pipes)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            if current is None:
                current = []
                tables.append(current)
            current.append(cells)
        else:
            current = None
    return tables


def section(markdown: str, heading: str) -> str:
    """The Markdown between `## heading` and the next `## `."""
    start = markdown.index(f"## {heading}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else None]


def html_section(page: str, id: str) -> str:
    start = page.index(">", page.index(f'id="{id}"')) + 1
    nexts = [page.find(f'id="{n}"', start + 1) for n in HTML_SECTIONS]
    end = min([n for n in nexts if n != -1], default=len(page))
    return text_of(page[start:end])


# --- order and content ---------------------------------------------------------------------


def test_sections_follow_the_post_mortem_template_in_html_and_markdown(anonymous: Rendered) -> None:
    ids = re.findall(r'<h2 id="([-\w]+)-h"', anonymous.html)
    assert ids == HTML_SECTIONS
    assert re.findall(r"^## (.+)$", anonymous.markdown, re.M) == MD_SECTIONS
    assert anonymous.markdown.startswith("# Post-mortem: finance-invoice-recon")
    assert anonymous.w.missing == {}  # the worked example fills every section


def test_header_says_severity_date_status_and_progress(anonymous: Rendered) -> None:
    w = anonymous.w
    assert (w.severity, w.date, w.status, w.closed_on) == (
        "Sev-2",
        "2026-08-14",
        "Closed",
        "2026-08-19",
    )
    assert w.actions_done == 1 and w.tags == ["erp", "schema-change", "monitoring", "ai-agent"]
    assert w.date_source == ""  # from the header's start time: nothing to explain
    head = anonymous.markdown.split("## 1.")[0]
    for fact in (
        "**Severity:** Sev-2",
        "**Incident date:** 2026-08-14 · ",
        "**Status:** Closed (2026-08-19)",
        "**Actions done:** 1 of 3",
    ):
        assert fact in head
    page = text_of(anonymous.html.split('id="summary"')[0])
    for fact in (
        "Sev-2",
        "Incident date 2026-08-14 Status",
        "Closed",
        "Actions done 1 of 3",
        "unnoticed for 86 minutes",
    ):
        assert fact in page


def test_summary_timeline_and_impact(anonymous: Rendered) -> None:
    assert SUMMARY in md_plain(section(anonymous.markdown, "1. Summary"))
    assert SUMMARY in html_section(anonymous.html, "summary")
    # Timeline: every entry, in time order, with its kind; the table is (time, kind, event).
    rows = md_tables(section(anonymous.markdown, "2. Timeline"))[0]
    assert rows[0] == ["Time (UTC)", "Kind", "Event"] and len(rows) == 2 + len(TIMELINE)
    for row, (at, kind, text) in zip(rows[2:], TIMELINE):
        assert row[0] == at[:10] + " " + at[11:16]
        assert row[1] == kind.capitalize() and md_plain(row[2]) == text
    timeline = html_section(anonymous.html, "timeline")
    where = [timeline.index(t) for _, _, t in TIMELINE]
    assert where == sorted(where)
    # Impact: the header's fields and the times with spans, then the impact table.
    impact_md = section(anonymous.markdown, "3. Impact")
    facts = dict(re.findall(r"^- \*\*(.+?):\*\* (.+)$", md_plain(impact_md), re.M))
    assert list(facts) == [
        "Users affected",
        "Duration",
        "Cost",
        "Notes",
        "Started",
        "Detected",
        "Resolved",
    ]
    assert facts["Users affected"] == "AP team (internal agent); no customers"
    assert facts["Detected"] == "2026-08-14 10:38 UTC, after 1 h 26 min"
    assert facts["Resolved"] == "2026-08-15 14:30 UTC, after 1 d 5 h 18 min"
    (table,) = md_tables(impact_md)
    assert table[0] == ["Dimension", "Impact"] and [tuple(r) for r in table[2:]] == list(
        IMPACT_ROWS
    )
    assert impact_md.index("**Resolved:**") < impact_md.index("| Dimension | Impact |")
    page = html_section(anonymous.html, "impact")
    assert "Dimension Impact Wrong matches produced 47, over about 3 hours" in page
    assert (
        page.index("Resolved") < page.index("Dimension") and "Payments wrongly authorised 0" in page
    )


def test_went_well_went_wrong_and_contributing_factors(anonymous: Rendered) -> None:
    well = md_plain(section(anonymous.markdown, "4. What went well"))
    wrong = md_plain(section(anonymous.markdown, "5. What went wrong"))
    assert all(f"- {t}" in well for t in WENT_WELL)
    assert all(t in wrong for t in WENT_BADLY) and not any(t in wrong for t in WENT_WELL)
    # The vote is shown: the most-dotted note first.
    assert wrong.index(WENT_BADLY[0] + " (10 dots)") < wrong.index(WENT_BADLY[1])
    for category, text in FACTORS:
        assert f"**{category.capitalize()}:** {text}" in wrong
    assert [f.label for f in anonymous.w.factors] == ["Monitoring", "Testing", "Process", "Change"]
    page_well, page_wrong = (html_section(anonymous.html, s) for s in ("went-well", "went-wrong"))
    assert all(t in page_well for t in WENT_WELL) and all(t in page_wrong for t in WENT_BADLY)
    assert "Contributing factors" in page_wrong and all(t in page_wrong for _, t in FACTORS)


def test_five_whys_and_the_underlying_systemic_cause(anonymous: Rendered) -> None:
    whys = md_plain(section(anonymous.markdown, "6. Five whys"))
    for n, (why, answer) in enumerate(WHYS, 1):
        assert f"{n}. **{why}** {answer}" in whys
    assert f"**Underlying systemic cause:** {SYSTEMIC_CAUSE}" in whys
    (chain,) = anonymous.w.chains
    assert [s.root for s in chain.steps] == [False] * 4 + [True]
    page = html_section(anonymous.html, "five-whys")
    assert f"Underlying systemic cause: {SYSTEMIC_CAUSE}" in page and "structural" in page


def test_action_items_table_names_owners_in_ranked_order(anonymous: Rendered) -> None:
    rows = md_tables(section(anonymous.markdown, "7. Action items"))[0]
    assert rows[0] == ["#", "Action", "Owner", "Due", "Success criterion", "Kind", "Status"]
    kinds = {"immediate": "Immediate", "short_term": "Short term", "long_term": "Long term"}
    statuses = {"open": "Open", "in_progress": "In progress", "done": "Done"}
    committed = [a for a in ACTIONS if a[6]]
    assert len(rows) == 2 + len(committed) == 5  # the three the facilitator selected
    for n, (row, (text, owner, due, success, kind, status, _)) in enumerate(
        zip(rows[2:], committed), 1
    ):
        assert row[0] == str(n) and md_plain(row[1]) == text
        assert row[2] == f"{owner} ✓" and row[3] == due and md_plain(row[4]) == success
        assert (row[5], row[6]) == (kinds[kind], statuses[status])
    page = html_section(anonymous.html, "actions")
    assert all(a[0] in page and a[1] in page and a[3] in page for a in committed)


def test_communications_regulatory_and_sign_off(anonymous: Rendered) -> None:
    comms = md_plain(section(anonymous.markdown, "8. Communications"))
    assert "- Head of Finance briefed by the finance champion on 2026-08-14" in comms
    regulatory = section(anonymous.markdown, "9. Regulatory considerations")
    assert "EU AI Act Art. 73" in regulatory and "N/A needs a reason" not in regulatory
    assert all(not line.flag for line in anonymous.w.regulatory)
    rows = md_tables(section(anonymous.markdown, "10. Sign-off"))[0]
    assert [r[1] for r in rows[2:]] == list(SIGNERS)
    assert rows[2] == ["Author", FACILITATOR, "2026-08-19"]
    assert "Pat Lee" in html_section(anonymous.html, "sign-off")


def test_footer_records_how_the_meeting_ran(anonymous: Rendered) -> None:
    m = anonymous.w.meeting
    timeline = next(p for p in m.phases if p.title == "Timeline")
    assert (timeline.planned, timeline.actual, timeline.extensions, timeline.extended) == (
        18,
        21,
        1,
        5,
    )
    assert (m.planned, m.actual, m.extensions, m.people, m.observers, m.parked) == (
        90,
        91,
        1,
        6,
        1,
        2,
    )
    assert m.anonymity == "anonymous" and m.unrevealed == 0
    footer = section(anonymous.markdown, "How this meeting ran")
    assert "**Timer extensions:** 1 (+5 min)" in footer
    assert (
        "**Voting:** 3 dots each on notes, 15 cast by 5 people; "
        "2 dots each on themes, 10 cast by 5 people"
    ) in footer
    assert "**Took part:** 6 people, plus 1 observer" in footer
    assert "| Timeline | 18 min | 21 min | 1 (+5 min) |" in footer
    assert "| Themes and vote | 7 min | 9 min | — |" in footer
    page = html_section(anonymous.html, "meeting")
    assert "Timeline 21 / 18 +5" in page and "Timer extensions 1 (+5 min)" in page
    assert "91 min taken, 90 planned" in page and "anonymous, notes carry no names" in page


def test_a_running_phase_counts_its_time_so_far(tmp_path: Path) -> None:
    async def script(hub: Hub) -> Writeup:
        board_id, _ = await build_worked_example(hub, close=False)
        w, _, _ = await _render(hub, board_id, later_ms=10 * 60_000)
        return w

    w = _on_a_hub(tmp_path, script)
    wrap_up = w.meeting.phases[-1]
    assert (w.status, wrap_up.title, wrap_up.actual) == ("Open", "Wrap-up", 14)


# --- well-formed Markdown, safe HTML --------------------------------------------------------


def assert_valid_markdown(markdown: str) -> None:
    lines = markdown.splitlines()
    assert lines[0].startswith("# ") and sum(line.startswith("# ") for line in lines) == 1
    assert "<script" not in markdown.lower()
    # The only raw HTML we write is <br> inside table cells; user text is entity-escaped.
    assert re.findall(r"<(?!br>)[A-Za-z/!?]", markdown) == []
    for i, line in enumerate(lines):
        if line.startswith("#"):
            assert re.match(r"^#{1,2} \S", line), line
            assert i == 0 or lines[i - 1] == "", f"no blank line before {line!r}"
    for table in md_tables(markdown):
        width = len(table[0])
        assert all(len(row) == width for row in table), table
        assert set("".join(table[1])) == {"-"}, table[1]  # the delimiter row


def test_the_markdown_is_valid(anonymous: Rendered, named: Rendered) -> None:
    for markdown in (anonymous.markdown, named.markdown):
        assert_valid_markdown(markdown)
        assert "\n\n\n" not in markdown and markdown.endswith("\n")


def test_md_escapes_markup_links_and_block_starts() -> None:
    assert md("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert (
        md("R&D [link](javascript:x) *bold* `code`")
        == "R&amp;D \\[link\\](javascript:x) \\*bold\\* \\`code\\`"
    )
    assert md("# heading") == "\\# heading" and md("- item") == "\\- item"
    assert md("1. first") == "1\\. first" and md("a | b") == "a \\| b"
    assert md("one\ntwo") == "one two" and md("one\n\ntwo", True) == "one<br>two"


def test_an_anonymous_board_names_no_author(anonymous: Rendered) -> None:
    everything = anonymous.html + anonymous.markdown
    for name in (*WRITERS, OBSERVER):
        assert name not in everything, name  # they wrote notes, timeline entries, whys, votes
    assert 'class="by"' not in anonymous.html and "_(by " not in anonymous.markdown
    assert anonymous.w.meeting.names == []
    # Owners of committed actions are named: that is what owning means.
    assert OWNERS[0] in html_section(anonymous.html, "actions")
    assert OWNERS[0] in section(anonymous.markdown, "7. Action items")
    for name in (OWNERS[1], FACILITATOR):  # they own proposals not taken, and sign
        assert name not in section(anonymous.markdown, "7. Action items")
        assert name in section(anonymous.markdown, "10. Sign-off")
    assert anonymous.w.facilitator is None


def test_a_named_board_shows_who_wrote_what(named: Rendered) -> None:
    assert named.w.meeting.anonymity == "named" and named.w.facilitator == FACILITATOR
    for name in WRITERS:
        assert f"by {name}" in text_of(named.html)
        assert f"_(by {name})_" in named.markdown
    assert named.w.meeting.names == sorted([FACILITATOR, *OWNERS, *WRITERS])
    assert OBSERVER not in named.markdown  # observers write nothing and do not "take part"


def test_unrevealed_private_writing_never_appears(tmp_path: Path) -> None:
    secret = "only-i-know-this-7f3a"

    async def script(hub: Hub) -> tuple[Writeup, str, str, Writeup]:
        board_id, fac, _ = await hub.create_board(o.CreateBoard(title="Private"))
        room = await hub.room(board_id)
        assert room is not None
        pid, _ = await room.join("Pia", "participant")
        reflection = next(p.id for p in room.board.agenda if p.private)
        await room.submit_as(fac, o.GoToPhase(phase_id=reflection))
        await room.submit_as(pid, o.AddSticky(section="went_badly", text=secret))
        hidden = await _render(hub, board_id)
        await room.submit_as(fac, o.Reveal(phase_id=reflection))
        return (*hidden, (await _render(hub, board_id))[0])

    w, markdown, page, revealed = _on_a_hub(tmp_path, script)
    assert secret not in markdown + page and w.went_wrong == []
    assert w.meeting.unrevealed == 1
    assert "**Left out:** 1 private note never revealed" in markdown
    assert "1 private note never revealed" in text_of(page)
    assert [i.text for i in revealed.went_wrong] == [secret] and revealed.meeting.unrevealed == 0


def test_user_text_is_escaped_in_html_and_inert_in_markdown(tmp_path: Path) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)> | [a](javascript:b)'

    async def script(hub: Hub) -> tuple[Writeup, str, str]:
        board_id, fac, _ = await hub.create_board(o.CreateBoard(title=evil))
        room = await hub.room(board_id)
        assert room is not None
        await room.submit_as(
            fac, o.AddTimelineEntry(at="2026-08-14T09:00Z", text=evil + "\nline 2")
        )
        await room.submit_as(
            fac, o.EditHeader(summary=evil, communications=evil, users_affected=evil)
        )
        await room.submit_as(fac, o.AdvancePhase())
        await room.submit_as(fac, o.AddSticky(section="went_badly", text=evil))
        return await _render(hub, board_id)

    w, markdown, page = _on_a_hub(tmp_path, script)
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;" in page and page.count("&lt;img src=x") >= 5
    assert_valid_markdown(markdown)
    assert "\\[a\\](javascript:b)" in markdown
    assert re.search(r"(?<!\\)\]\(", markdown) is None  # no link is formed
    (row,) = md_tables(section(markdown, "2. Timeline"))[0][2:]
    assert row[2].endswith("\\| \\[a\\](javascript:b)<br>line 2")


# --- gaps are flagged ----------------------------------------------------------------------


def test_a_bare_board_flags_every_empty_section(tmp_path: Path) -> None:
    async def script(hub: Hub) -> tuple[Writeup, str, str]:
        board_id, _, _ = await hub.create_board(o.CreateBoard())
        return await _render(hub, board_id)

    w, markdown, page = _on_a_hub(tmp_path, script)
    assert w.title == "Untitled incident" and w.status == "Open"
    assert w.missing == EMPTY
    plain = text_of(page)
    for message in EMPTY.values():
        assert message in plain and f"_{message}_" in markdown
    assert page.count('class="flag"') == len(EMPTY)
    assert re.findall(r"^## (.+)$", markdown, re.M) == MD_SECTIONS  # flagged, never dropped
    assert re.findall(r'<h2 id="([-\w]+)-h"', page) == HTML_SECTIONS
    assert "**Voting:** no vote held" in markdown and "not reached" in markdown
    assert_valid_markdown(markdown)


def test_a_bare_n_a_in_regulatory_asks_for_a_reason(tmp_path: Path) -> None:
    async def script(hub: Hub) -> tuple[Writeup, str, str]:
        board_id, fac, _ = await hub.create_board(o.CreateBoard(title="N/A"))
        room = await hub.room(board_id)
        assert room is not None
        await room.submit_as(
            fac,
            o.EditHeader(
                regulatory=(
                    "EU AI Act Art. 73: N/A\nSOX: N/A because no financial reporting was affected\n"
                    "- none\nHIPAA: not applicable."
                )
            ),
        )
        return await _render(hub, board_id)

    w, markdown, page = _on_a_hub(tmp_path, script)
    assert [bool(line.flag) for line in w.regulatory] == [True, False, True, True]
    assert markdown.count("— **An N/A needs a reason.**") == 3
    assert page.count("An N/A needs a reason.") == 3


# --- the routes ----------------------------------------------------------------------------


def test_the_routes_answer_with_html_markdown_and_json(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        hub = client.app.state.hub  # type: ignore[attr-defined]
        board_id, _ = client.portal.call(build_worked_example, hub)
        page = client.get(f"/b/{board_id}/writeup")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "unsafe-inline" not in page.headers["content-security-policy"]
        assert '<link rel="stylesheet" href="/static/writeup.css">' in page.text
        assert "<script" not in page.text and "style=" not in page.text
        assert f'href="/b/{board_id}/writeup.md"' in page.text
        for name in WRITERS:
            assert name not in page.text
        markdown = client.get(f"/b/{board_id}/writeup.md")
        assert markdown.status_code == 200
        assert markdown.headers["content-type"] == "text/markdown; charset=utf-8"
        assert markdown.headers["content-disposition"] == (
            'inline; filename="postmortem-2026-08-14-finance-invoice-recon-wrong-po-matches-'
            'after-an-erp-schema-c.md"'
        )
        assert_valid_markdown(markdown.text)
        data = client.get(f"/api/boards/{board_id}/writeup").json()
        assert data["severity"] == "Sev-2" and len(data["actions"]) == 3
        assert data["considered"] == [a[0] for a in ACTIONS if not a[6]]
        assert data["chains"][0]["cause"] == SYSTEMIC_CAUSE
        assert client.get("/static/writeup.css").status_code == 200


def test_the_routes_answer_404_for_an_unknown_board(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        page = client.get("/b/nosuchboard/writeup")
        assert page.status_code == 404 and "There is no board at this address." in page.text
        assert client.get("/b/nosuchboard/writeup.md").status_code == 404
        api = client.get("/api/boards/nosuchboard/writeup")
        assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


def test_a_board_made_over_http_has_a_write_up_at_once(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        board = create_board(client, title="DNS outage", anonymity="named")
        join(client, board["board_id"], "Nia")
        data = client.get(f"/api/boards/{board['board_id']}/writeup").json()
        assert data["title"] == "DNS outage" and data["meeting"]["people"] == 2
        assert data["meeting"]["names"] == ["Fay", "Nia"] and data["status"] == "Open"


# --- the example kept in docs/ -------------------------------------------------------------


def test_the_example_in_docs_is_what_the_templates_produce(tmp_path: Path) -> None:
    markdown, page = asyncio.run(render_example(tmp_path))
    hint = "regenerate with: python3 -m uv run --locked --no-sync python docs/examples/generate.py"
    assert (ROOT / "docs/examples/writeup.md").read_text(encoding="utf-8") == markdown, hint
    assert (ROOT / "docs/examples/writeup.html").read_text(encoding="utf-8") == page, hint
    assert 'href="../../static/writeup.css"' in page and (ROOT / "static/writeup.css").exists()
