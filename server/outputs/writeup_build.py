"""The write-up's model, built from a board as an outsider sees it (`writeup_context`); how it
is rendered (Markdown, HTML) and served is writeup.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, get_args

import msgspec

from hindsight.board_state.model import Category
from hindsight.board_state.templates import TEMPLATE_TITLES
from hindsight.board_state.views import ActionView, BoardView, PhaseView, StickyView
from hindsight.server.outputs.writeup_model import (
    ActionRow,
    Chain,
    Event,
    Item,
    Meeting,
    PhaseRow,
    ReviewedRow,
    Row,
    ThemeRow,
    VoteRow,
    Why,
    Writeup,
)
from hindsight.server.storage.log_rows import incident_date

if TYPE_CHECKING:
    pass


KINDS = {"immediate": "Immediate", "short_term": "Short term", "long_term": "Long term"}
STATUSES = {"open": "Open", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}
CATEGORY_ORDER: tuple[str, ...] = get_args(Category)  # the core's order, "other" last
VOTE_TARGETS = {"stickies": "notes", "themes": "themes", "actions": "actions"}
# A bare "N/A" hides the question the regulatory section exists to force; it needs a reason.
_BARE_NA = re.compile(r"^(?:[^:]{0,80}:\s*)?(?:n/?a|none|not applicable|no|-+)\.?$", re.I)
EMPTY = {
    "summary": "No summary written.",
    "timeline": "No timeline recorded.",
    "impact": "No impact recorded.",
    "went_well": "Nothing recorded as going well.",
    "went_wrong": "Nothing recorded as going wrong.",
    "five_whys": "No five-whys chain recorded.",
    "actions": "No action items agreed.",
    "communications": "No communications recorded.",
    "regulatory": "No regulatory considerations recorded.",
    "sign_off": "No sign-off recorded.",
}


def _day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).date().isoformat()


def _parse(iso: str) -> datetime | None:
    try:  # the core normalises header and timeline times, so this fails only on ""
        return datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None


def _when(iso: str) -> str:
    """`2026-08-14T09:12:00Z` -> `2026-08-14 09:12` (seconds only when they say something)."""
    t = _parse(iso)
    return "" if t is None else t.strftime("%Y-%m-%d %H:%M" + (":%S" if t.second else ""))


def _span(a: str, b: str) -> str:
    ta, tb = _parse(a), _parse(b)
    if ta is None or tb is None or tb < ta:
        return ""
    minutes = round((tb - ta).total_seconds() / 60)
    days, rest = divmod(minutes, 1440)
    parts = [f"{days} d"] * bool(days) + [f"{rest // 60} h"] * bool(rest // 60)
    return " ".join(parts + [f"{rest % 60} min"] * bool(rest % 60 or not parts))


def _lines(text: str, bullets: str = "-*•") -> list[str]:
    """Free text as list items: one per line, without the bullet people typed."""
    return [s for line in text.splitlines() if (s := line.strip().lstrip(bullets).strip())]


def _items(
    stickies: list[StickyView], sections: dict[str, str], dots: dict[str, int]
) -> list[Item]:
    items = [
        Item(text=s.text, label=sections[s.section], author=s.author, dots=dots.get(s.id, 0))
        for s in stickies
        if s.section in sections
    ]
    # Most dots first; then by text, since the view's order is by random id.
    return sorted(items, key=lambda i: (-i.dots, i.label != "", i.text.casefold()))


def _factors(stickies: list[StickyView], dots: dict[str, int]) -> list[Item]:
    factors = [
        Item(
            text=s.text,
            label=(s.category or "other").capitalize(),
            author=s.author,
            dots=dots.get(s.id, 0),
        )
        for s in stickies
        if s.section == "contributing"
    ]
    rank = {c.capitalize(): n for n, c in enumerate(CATEGORY_ORDER)}
    return sorted(factors, key=lambda i: (rank[i.label], -i.dots, i.text.casefold()))


def _impact(view: BoardView) -> list[Row]:
    h = view.board.header
    rows = [
        Row(label=label, value=value)
        for label, value in (
            ("Users affected", h.impact.users_affected),
            ("Duration", h.impact.duration),
            ("Cost", h.impact.cost),
        )
        if value.strip()
    ]
    for line in _lines(h.impact.notes):  # "Label: value" lines become rows of their own
        label, sep, value = line.partition(":")
        ok = sep and value.strip() and 0 < len(label) <= 60
        rows.append(
            Row(label=label.strip(), value=value.strip()) if ok else Row(label="Notes", value=line)
        )
    if h.started_at:  # (the impact table, `Impact.rows`, is `_impact_rows`)
        rows.append(Row(label="Started", value=_when(h.started_at) + " UTC"))
    for label, at in (("Detected", h.detected_at), ("Resolved", h.resolved_at)):
        if at:  # with how long after the start: the two numbers people ask for first
            span = _span(h.started_at, at)
            after = f", after {span}" if span else ""
            rows.append(Row(label=label, value=f"{_when(at)} UTC{after}"))
    return rows


def _impact_rows(view: BoardView) -> list[Row]:
    return [Row(label=r.dimension, value=r.impact) for r in view.board.header.impact.rows]


def _themes(view: BoardView) -> tuple[list[ThemeRow], str]:
    """Themes with their dots from the revealed votes on themes, most first, equal dots sharing
    a rank; by name, without totals, when no such vote was revealed. And what the vote was:
    "revealed", "unrevealed" (held, but its totals were never shown) or "none"."""
    rounds = [r for r in view.rounds if r.target == "themes"]
    revealed = [r for r in rounds if r.totals is not None]
    notes = {t.id: sum(1 for s in view.stickies if s.theme_id == t.id) for t in view.themes}
    by_name = sorted(view.themes, key=lambda t: t.name.casefold())
    if not revealed:
        vote = "unrevealed" if rounds else "none"
        return [ThemeRow(name=t.name, notes=notes[t.id]) for t in by_name], vote
    dots = {t.id: sum((r.totals or {}).get(t.id, 0) for r in revealed) for t in view.themes}
    ordered = sorted(by_name, key=lambda t: -dots[t.id])  # stable: ties stay in name order
    counts = list(dots.values())
    return [
        ThemeRow(
            name=t.name,
            notes=notes[t.id],
            dots=dots[t.id],
            rank=1 + sum(d > dots[t.id] for d in counts),
            tied=counts.count(dots[t.id]) > 1,
        )
        for t in ordered
    ], "revealed"


def _meeting(view: BoardView, now_ms: int, nudges: tuple[int, int]) -> Meeting:
    b = view.board

    def spent(p: PhaseView) -> int | None:
        if not p.visited:
            return None
        ms = p.spent_ms + (max(0, now_ms - p.entered_at) if p.entered_at is not None else 0)
        return round(ms / 60_000)

    phases = [
        PhaseRow(
            title=p.title,
            planned=p.minutes,
            actual=spent(p),
            extensions=p.extensions,
            extended=p.extended_ms // 60_000,
        )
        for p in b.agenda
    ]
    writers = [p for p in view.participants if p.role != "observer"]
    return Meeting(
        anonymity=b.settings.anonymity,
        agenda=TEMPLATE_TITLES.get(b.template, b.template),
        phases=phases,
        planned=sum(p.planned for p in phases),
        actual=sum(p.actual or 0 for p in phases),
        extensions=sum(p.extensions for p in phases),
        extended=sum(p.extended for p in phases),
        # Round ids are random: order by what was voted on (notes, themes, actions) instead.
        rounds=[
            VoteRow(
                target=VOTE_TARGETS[r.target],
                budget=r.budget,
                dots_cast=r.dots_cast,
                voters=r.voters,
            )
            for r in sorted(
                view.rounds, key=lambda r: (list(VOTE_TARGETS).index(r.target), -r.dots_cast)
            )
        ],
        people=len(writers),
        observers=len(view.participants) - len(writers),
        names=sorted(p.name for p in writers) if b.settings.anonymity == "named" else [],
        unrevealed=sum(p.private_count for p in b.agenda),
        parked=sum(1 for s in view.stickies if s.section == "parking_lot"),
        nudges_raised=nudges[0],
        nudges_resolved=nudges[1],
        refocus=b.refocus_count,
    )


def writeup_context(view: BoardView, *, now_ms: int, nudges: tuple[int, int] = (0, 0)) -> Writeup:
    """The write-up of a board as an outsider sees it (`view_for(board, "")`); `nudges` is
    (raised, resolved) over the meeting, from its op log."""
    b, h = view.board, view.board.header
    names = {p.id: p.name for p in view.participants}
    named = b.settings.anonymity == "named"
    dots: dict[str, int] = {}
    for r in view.rounds:
        for item, n in (r.totals or {}).items():
            dots[item] = dots.get(item, 0) + n
    by_id = {a.id: a for a in view.actions}
    ranked = [by_id[i] for i in b.action_order if i in by_id]
    committed = [a for a in ranked if a.selected]  # taken on; the rest was considered
    actions = _action_rows(committed, names, dots)
    themes, themes_vote = _themes(view)
    date, date_source = incident_date(view)
    chains = _chains(view)
    regulatory = [
        Item(text=t, flag="An N/A needs a reason." if _BARE_NA.match(t) else "")
        for t in _lines(h.regulatory)
    ]
    w = Writeup(
        board_id=b.id,
        title=h.title.strip() or "Untitled incident",
        severity=f"Sev-{h.severity[-1]}",
        severity_meaning=b.severity_meaning,
        date=date,
        date_source=date_source,
        status="Closed" if b.closed_at is not None else "Open",
        closed_on=_day(b.closed_at) if b.closed_at is not None else "",
        actions_done=sum(a.status == "done" for a in committed),
        facilitator=names.get(b.facilitator) if named else None,
        tags=list(h.tags),
        learning_question=h.learning_question.strip(),
        summary=_lines(h.summary, ""),
        timeline=[
            Event(at=_when(e.at), kind=e.kind.capitalize(), text=e.text, author=e.author)
            for e in sorted(view.timeline, key=lambda e: (e.at, e.id))
        ],
        impact=_impact(view),
        impact_rows=_impact_rows(view),
        went_well=_items(view.stickies, {"went_well": "", "lessons": "Lesson"}, dots),
        went_wrong=_items(
            view.stickies, {"went_badly": "", "ongoing": "Still a problem", "future": "Idea"}, dots
        ),
        factors=_factors(view.stickies, dots),
        chains=chains,
        themes=themes,
        themes_vote=themes_vote,
        actions=actions,
        considered=[a.text for a in ranked if not a.selected],
        parked=sorted(
            (s.text for s in view.stickies if s.section == "parking_lot"), key=str.casefold
        ),
        reviewed=[
            ReviewedRow(
                board=i.board_title,
                date=i.board_date,
                text=i.text,
                owner=i.owner,
                due=i.due,
                status=STATUSES[i.status],
                was=STATUSES[i.was] if i.was else "",
            )
            for i in (view.review.items if view.review else [])
        ],
        communications=_lines(h.communications),
        regulatory=regulatory,
        sign_off=list(h.sign_off),
        meeting=_meeting(view, now_ms, nudges),
        missing={},
    )
    return msgspec.structs.replace(w, missing=_missing(w))


def _action_rows(
    committed: list[ActionView], names: dict[str, str], dots: dict[str, int]
) -> list[ActionRow]:
    return [
        ActionRow(
            n=n,
            text=a.text,
            owner=names.get(a.owner_id or ""),
            confirmed=a.confirmed,
            due=a.due,
            success=a.success,
            kind=KINDS[a.kind],
            status=STATUSES[a.status],
            dots=dots.get(a.id, 0),
        )
        for n, a in enumerate(committed, 1)
    ]


def _chains(view: BoardView) -> list[Chain]:
    return [
        Chain(
            problem=c.problem,
            cause=c.root_cause or next((s.answer for s in c.steps if s.id == c.root_step_id), ""),
            steps=[
                Why(n=n, why=s.why, answer=s.answer, root=s.id == c.root_step_id)
                for n, s in enumerate(c.steps, 1)
            ],
        )
        for c in sorted(view.chains, key=lambda c: c.problem.casefold())  # ids are random
    ]


def _missing(w: Writeup) -> dict[str, str]:
    """The template's sections the meeting left empty, with what each needs (flagged in the
    write-up, never dropped)."""
    filled = dict(
        summary=w.summary,
        timeline=w.timeline,
        impact=w.impact or w.impact_rows,
        went_well=w.went_well,
        went_wrong=w.went_wrong or w.factors,
        five_whys=w.chains,
        actions=w.actions,
        communications=w.communications,
        regulatory=w.regulatory,
        sign_off=w.sign_off,
    )
    return {k: EMPTY[k] for k, v in filled.items() if not v}
