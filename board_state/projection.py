"""Projection: the only code that turns board state into what a given viewer may see.

Theory of operation. Every path that sends board data anywhere (live events, resume replay,
snapshots, exports) calls `view_for` or `project`. They enforce the anonymity promises by
construction:

- views have no author or voter field; `mine` marks the viewer's own items, and `author` is
  filled only on boards run in named mode;
- a hidden (unrevealed private) sticky is shown to its author alone; everyone else sees only the
  per-phase count in the board meta, and a change limited to an `audience` reaches no one else;
- a voting round shows the viewer their own dots, aggregate progress, and per-item totals only
  once revealed; who voted for what is never projected.

Lists are ordered by id (random) or by content, never by creation, so order leaks nothing.

Sharing. A live op is projected for every member of the board, but most of them see the same
thing: `viewer_key` names everything about a viewer that `project` reads for these changes
(their role, whether they wrote the note, which dots are theirs...), so viewers with equal keys
get equal projections and the server projects and encodes once per key. Whoever changes what
`project` reads about the viewer changes `viewer_key` with it; the stateful test compares the
projections of every pair of viewers with equal keys after every random op.
"""

from __future__ import annotations

from collections import Counter

import msgspec

from . import timebox
from .guardrails import Finding, check_action, check_chain, check_load, check_writeup
from .guardrails.board import board_names
from .model import SEVERITY_MEANING, Action, Board, Chain, Round, Sticky, TimelineEntry
from .rules import allowed
from .util import Change, added_by
from .views import (
    ActionView,
    AnyView,
    BoardMeta,
    BoardView,
    ChainView,
    FeedbackView,
    GuidanceView,
    HeaderView,
    IssueView,
    ParticipantView,
    PhaseView,
    Removed,
    ReviewItemView,
    ReviewView,
    RoundView,
    SettingsView,
    SpotlightView,
    StickyView,
    ThemeView,
    TimelineView,
    WhyStepView,
)


def _author(board: Board, author: str) -> str | None:
    if board.settings.anonymity != "named":
        return None
    p = board.participants.get(author)
    return p.name if p else None


FEEDBACK_MIN = 3  # fewer answers than this would let the facilitator tell whose is whose


def meta(board: Board, viewer: str) -> BoardMeta:
    hidden = Counter(s.phase_id for s in board.stickies.values() if s.hidden)
    agenda = [
        PhaseView(
            id=p.id,
            kind=p.kind,
            title=p.title,
            prompt=p.prompt,
            minutes=p.minutes,
            private=p.private,
            sections=list(p.sections),
            revealed=p.revealed,
            private_count=hidden.get(p.id, 0) + p.sealed_private,
            running_since=p.running_since,
            elapsed_ms=p.elapsed_ms,
            extended_ms=p.extended_ms,
            extensions=p.extensions,
            expired=p.expired,
            deadline=timebox.deadline(p),
            spent_ms=p.spent_ms,
            entered_at=p.entered_at,
            visited=p.visited,
        )
        for p in board.agenda
    ]
    return BoardMeta(
        id=board.id,
        template=board.template,
        created_at=board.created_at,
        header=msgspec.convert(board.header, HeaderView, from_attributes=True),
        severity_meaning=SEVERITY_MEANING[board.header.severity],
        settings=msgspec.convert(board.settings, SettingsView, from_attributes=True),
        agenda=agenda,
        current=board.current,
        facilitator=board.facilitator,
        action_order=list(board.action_order),
        closed_at=board.closed_at,
        hands=list(board.hands),
        refocus_at=board.refocus_at,
        refocus_count=board.refocus_count,
        can=allowed(board, viewer),
        spotlight=None
        if (ref := board.spotlight) is None
        else SpotlightView(kind=ref.kind, id=ref.id, at=ref.at),
        links=dict(sorted(board.links.items())) if viewer == board.facilitator else None,
        sealed=board.sealed,
        restricted=board.access.restricted,
        readers=list(board.access.members) if viewer == board.facilitator else None,
    )


def feedback_view(board: Board, viewer: str) -> FeedbackView:
    own = board.feedback.get(viewer)
    answers = list(board.feedback.values())
    aggregate = board.facilitator == viewer and len(answers) >= FEEDBACK_MIN
    counts = [sum(1 for a in answers if a.safety == n) for n in range(1, 6)]
    return FeedbackView(
        id="",
        responses=len(answers),
        mine=own is not None,
        my_safety=own.safety if own else None,
        my_change=own.change if own else "",
        safety_counts=counts if aggregate else None,
        safety_average=round(sum(a.safety for a in answers) / len(answers), 1)
        if aggregate
        else None,
        changes=sorted(a.change for a in answers if a.change) if aggregate else None,
    )


def _structural(board: Board, found: list[Finding], kind: str) -> list[Finding]:
    """Nudges shown to everyone on group-owned items: only the structural kind asked for (never
    wording that might point at whoever typed it), and only if the board has it switched on."""
    if kind not in board.settings.nudges:
        return []
    return [f for f in found if f.check == kind]


def chain_view(board: Board, c: Chain, viewer: str) -> ChainView:
    return ChainView(
        id=c.id,
        problem=c.problem,
        steps=[WhyStepView(id=st.id, why=st.why, answer=st.answer) for st in c.steps],
        root_step_id=c.root_step_id,
        root_cause=c.root_cause,
        done=c.done,
        nudges=_structural(board, check_chain(c, names=board_names(board)), "five_whys"),
        mine=added_by(c.author, viewer),
    )


def action_view(board: Board, a: Action, viewer: str) -> ActionView:
    # Due dates are judged from the day the action was written: projection has no clock.
    found = check_action(a)  # its wording, and the owner, due date and success criterion
    return ActionView(
        id=a.id,
        text=a.text,
        owner_id=a.owner_id,
        due=a.due,
        success=a.success,
        kind=a.kind,
        links=list(a.links),
        selected=a.selected,
        confirmed=a.confirmed,
        status=a.status,
        nudges=_structural(board, found, "vague_action"),
        issue=IssueView(tracker=a.issue.tracker, key=a.issue.key, url=a.issue.url)
        if a.issue
        else None,
        mine=added_by(a.author, viewer),
    )


def guidance_view(board: Board) -> GuidanceView:
    gaps = check_writeup(board) if "completeness" in board.settings.nudges else []
    return GuidanceView(
        id="", action_load=_structural(board, check_load(board), "action_load"), writeup=gaps
    )


def sticky_view(board: Board, s: Sticky, viewer: str) -> StickyView | None:
    if s.hidden and s.author != viewer:
        return None
    return StickyView(
        id=s.id,
        section=s.section,
        text=s.text,
        phase_id=s.phase_id,
        category=s.category,
        theme_id=s.theme_id,
        hidden=s.hidden,
        mine=s.author == viewer,
        author=_author(board, s.author),
    )


def timeline_view(board: Board, e: TimelineEntry, viewer: str) -> TimelineView:
    return TimelineView(
        id=e.id,
        at=e.at,
        text=e.text,
        kind=e.kind,
        mine=e.author == viewer,
        author=_author(board, e.author),
    )


def round_view(r: Round, viewer: str) -> RoundView:
    mine = dict(sorted(r.votes.get(viewer, {}).items()))
    # Projected once per distinct view for every vote cast, so the open round's figures are
    # sums (a per-item count over every ballot, each vote, cost about a fifth of the server's
    # CPU per op in the benchmark); per-item totals are counted only once revealed.
    totals: dict[str, int] | None = None
    if r.sealed_totals is not None:  # a sealed board: the totals are all that is left
        dots_cast, voters = sum(r.sealed_totals.values()), r.sealed_voters
        if r.state == "revealed":
            totals = dict(sorted(r.sealed_totals.items()))
    else:
        dots_cast = sum(sum(dots.values()) for dots in r.votes.values())
        voters = len(r.votes)
        if r.state == "revealed":
            counted: Counter[str] = Counter()
            for dots in r.votes.values():
                counted.update(dots)
            totals = dict(sorted(counted.items()))
    return RoundView(
        id=r.id,
        target=r.target,
        budget=r.budget,
        multi=r.multi,
        state=r.state,
        mine=mine,
        remaining=r.budget - sum(mine.values()),
        dots_cast=dots_cast,
        voters=voters,
        totals=totals,
    )


def review_view(board: Board) -> ReviewView:
    r = board.review
    return ReviewView(
        id="",
        boards=list(r.boards),
        # The same fields: a review item holds only what the earlier board shows everyone.
        items=[ReviewItemView(**msgspec.structs.asdict(i)) for i in r.items],
        loaded_at=r.loaded_at,
    )


def _one(board: Board, kind: str, id: str, viewer: str) -> AnyView | None:
    """The view of one entity for `viewer`; Removed if it is gone; None if not theirs to see."""
    if kind == "board":
        return meta(board, viewer)
    if kind == "feedback":
        return feedback_view(board, viewer)
    if kind == "guidance":
        return guidance_view(board)
    if kind == "review":
        return review_view(board)
    if kind == "participant":
        p = board.participants.get(id)
        return (
            None
            if p is None
            else ParticipantView(id=p.id, name=p.name, role=p.role, me=p.id == viewer)
        )
    if kind == "sticky":
        s = board.stickies.get(id)
        return None if s is None else sticky_view(board, s, viewer)
    if kind == "timeline":
        e = board.timeline.get(id)
        return None if e is None else timeline_view(board, e, viewer)
    if kind == "chain":
        c = board.chains.get(id)
        return None if c is None else chain_view(board, c, viewer)
    if kind == "theme":
        t = board.themes.get(id)
        return None if t is None else ThemeView(id=t.id, name=t.name)
    if kind == "round":
        r = board.rounds.get(id)
        return None if r is None else round_view(r, viewer)
    if kind == "action":
        a = board.actions.get(id)
        return None if a is None else action_view(board, a, viewer)
    raise ValueError(f"unknown entity kind {kind!r}")


_PRESENT = {
    "board": "agenda",
    "participant": "participants",
    "sticky": "stickies",
    "timeline": "timeline",
    "chain": "chains",
    "theme": "themes",
    "round": "rounds",
    "action": "actions",
}


def project(changes: tuple[Change, ...] | list[Change], board: Board, viewer: str) -> list[AnyView]:
    """What `viewer` learns from these changes, as views to upsert and removals."""
    out: list[AnyView] = []
    seen: set[tuple[str, str]] = set()
    # How many actions there are is everyone's concern: any action change re-sends the
    # guidance (header and settings edits name it themselves).
    if any(c.kind == "action" for c in changes):
        changes = [*changes, Change("guidance", "")]
    for change in changes:
        key = (change.kind, change.id)
        if key in seen or (change.audience is not None and change.audience != viewer):
            continue
        seen.add(key)
        view = _one(board, change.kind, change.id, viewer)
        if view is not None:
            out.append(view)
        elif change.kind != "board" and change.id not in getattr(board, _PRESENT[change.kind]):
            out.append(Removed(kind=change.kind, id=change.id))
    return out


def viewer_key(
    changes: tuple[Change, ...] | list[Change], board: Board, viewer: str
) -> tuple[object, ...]:
    """What `project(changes, board, viewer)` depends on about `viewer`: equal keys, equal
    projections. A voter's key holds their id (their own dots are theirs alone)."""
    key: list[object] = []
    for change in changes:
        kind, id = change.kind, change.id
        if change.audience is not None:
            key.append(change.audience == viewer)
        if kind == "board":
            key.append(board.role_of(viewer))  # `can`: by role (the facilitator's included)
        elif kind == "sticky":
            s = board.stickies.get(id)
            key.append(s is not None and s.author == viewer)
        elif kind == "timeline":
            e = board.timeline.get(id)
            key.append(e is not None and e.author == viewer)
        elif kind == "chain":
            c = board.chains.get(id)
            key.append(c is not None and added_by(c.author, viewer))
        elif kind == "action":
            a = board.actions.get(id)
            key.append(a is not None and added_by(a.author, viewer))
        elif kind == "round":
            r = board.rounds.get(id)
            key.append(viewer if r is not None and viewer in r.votes else "")
        elif kind == "participant":
            key.append(id == viewer)
        elif kind == "feedback":
            key.append((viewer if viewer in board.feedback else "", viewer == board.facilitator))
    return tuple(key)


def view_for(board: Board, viewer: str) -> BoardView:
    """The whole board as `viewer` may see it."""
    stickies = [
        v
        for s in sorted(board.stickies.values(), key=lambda s: s.id)
        if (v := sticky_view(board, s, viewer)) is not None
    ]
    timeline = sorted(board.timeline.values(), key=lambda e: (e.at, e.id))
    return BoardView(
        board=meta(board, viewer),
        participants=[
            ParticipantView(id=p.id, name=p.name, role=p.role, me=p.id == viewer)
            for p in sorted(board.participants.values(), key=lambda p: p.id)
        ],
        stickies=stickies,
        timeline=[timeline_view(board, e, viewer) for e in timeline],
        chains=[
            chain_view(board, c, viewer) for c in sorted(board.chains.values(), key=lambda c: c.id)
        ],
        themes=[
            ThemeView(id=t.id, name=t.name)
            for t in sorted(board.themes.values(), key=lambda t: t.id)
        ],
        rounds=[round_view(r, viewer) for r in sorted(board.rounds.values(), key=lambda r: r.id)],
        actions=[
            av
            for a in sorted(board.actions.values(), key=lambda a: a.id)
            if isinstance(av := _one(board, "action", a.id, viewer), ActionView)
        ],
        feedback=feedback_view(board, viewer),
        guidance=guidance_view(board),
        review=review_view(board),
    )
