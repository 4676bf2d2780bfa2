"""The write-up's model: the typed, ordered, labelled content both templates render.

`writeup.writeup_context` builds a `Writeup` from a board's outsider view; `writeup.html` and
`writeup.md.j2` only lay it out, so they cannot disagree.
"""

from __future__ import annotations

import msgspec

from hindsight.board_state.views import SignOffView


class Item(msgspec.Struct, frozen=True, kw_only=True):
    """One line of a list: a note, a contributing factor, a regulatory consideration."""

    text: str
    label: str = ""  # the neighbouring column a note came from; a factor's category
    author: str | None = None  # named boards only
    dots: int = 0  # from revealed voting rounds
    flag: str = ""  # what is missing in it ("An N/A needs a reason.")


class Row(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    value: str


class Event(msgspec.Struct, frozen=True, kw_only=True):
    at: str
    kind: str
    text: str
    author: str | None = None


class Why(msgspec.Struct, frozen=True, kw_only=True):
    n: int
    why: str
    answer: str
    root: bool


class Chain(msgspec.Struct, frozen=True, kw_only=True):
    problem: str
    steps: list[Why]
    cause: str  # the underlying systemic cause; "" is flagged


class ActionRow(msgspec.Struct, frozen=True, kw_only=True):
    """A committed action: one the facilitator selected. Proposals not taken are only text, in
    `Writeup.considered`."""

    n: int
    text: str
    owner: str | None  # owners are named on every board: that is what owning means
    confirmed: bool
    due: str
    success: str
    kind: str
    status: str
    dots: int = 0


class ReviewedRow(msgspec.Struct, frozen=True, kw_only=True):
    """An earlier post-mortem's action the meeting reviewed, and what it did with it."""

    board: str  # the earlier post-mortem's title
    date: str
    text: str
    owner: str
    due: str
    status: str  # as the meeting left it
    was: str  # the status before the meeting changed it; "" if it did not


class ThemeRow(msgspec.Struct, frozen=True, kw_only=True):
    """A theme and its result in the revealed vote(s) on themes. `dots` is None when no vote on
    themes was revealed (an unrevealed vote shows no totals); `rank` is then 0."""

    name: str
    notes: int  # notes grouped under it
    dots: int | None = None
    rank: int = 0  # 1 = most dots; equal dots share a rank
    tied: bool = False  # another theme has the same dots


class PhaseRow(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    planned: int  # minutes, as planned before any extension
    actual: int | None  # minutes spent as the current phase; None: never reached
    extensions: int
    extended: int  # minutes added by extensions


class VoteRow(msgspec.Struct, frozen=True, kw_only=True):
    target: str
    budget: int
    dots_cast: int
    voters: int


class Meeting(msgspec.Struct, frozen=True, kw_only=True):
    anonymity: str
    agenda: str
    phases: list[PhaseRow]
    planned: int
    actual: int
    extensions: int
    extended: int
    rounds: list[VoteRow]
    people: int  # facilitator and participants
    observers: int
    names: list[str]  # named boards only
    unrevealed: int  # private notes never revealed: left out, and said so
    parked: int
    nudges_raised: int = 0  # guardrail nudges over the meeting (see writeup_nudges.py)
    nudges_resolved: int = 0  # ... of which people reworded away
    refocus: int = 0  # anonymous "refocus on systems" requests


class Writeup(msgspec.Struct, frozen=True, kw_only=True):
    board_id: str
    title: str
    severity: str
    severity_meaning: str
    date: str  # the incident's day (see log_rows.incident_date)
    date_source: str  # "" (the header's start), "first timeline entry", "board created"
    status: str
    closed_on: str
    actions_done: int
    facilitator: str | None  # named boards only
    tags: list[str]
    learning_question: str
    summary: list[str]
    timeline: list[Event]
    impact: list[Row]
    impact_rows: list[Row]  # the header's impact table: label = dimension, value = impact
    went_well: list[Item]
    went_wrong: list[Item]
    factors: list[Item]  # contributing factors, by category
    chains: list[Chain]
    themes: list[ThemeRow]  # by votes when a vote on themes was revealed, else by name
    themes_vote: str  # "revealed", "unrevealed" (held, totals not shown) or "none"
    actions: list[ActionRow]  # committed (selected) actions only, in ranked order
    considered: list[str]  # proposals not taken: "Considered, not committed"
    parked: list[str]  # questions parked for later (the parking lot)
    reviewed: list[ReviewedRow] = []  # earlier actions reviewed (an action_review phase)
    communications: list[str]
    regulatory: list[Item]
    sign_off: list[SignOffView]  # the header's own entries: role, name, date
    meeting: Meeting
    missing: dict[str, str]  # section -> the flag shown in its place
