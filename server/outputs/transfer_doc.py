"""The board export document: its shape, limits and decoding (see transfer.py)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from hindsight.board_state import ops as o
from hindsight.board_state.limits import (
    MAX_ACTIONS,
    MAX_CHAINS,
    MAX_OBSERVERS,
    MAX_PARTICIPANTS,
    MAX_PHASES,
    MAX_ROUNDS,
    MAX_STEPS,
    MAX_STICKIES,
    MAX_THEMES,
    MAX_TIMELINE,
)
from hindsight.board_state.model import (
    ALL_NUDGES,
    ActionKind,
    ActionStatus,
    Anonymity,
    Category,
    Nudge,
    PhaseKind,
    Role,
    Section,
    Severity,
    TimelineKind,
)

FORMAT, VERSION = "hindsight-board", 1

# --- the document ----------------------------------------------------------------------------
# Only what import needs, with the ops' own limits, so a bad field fails at decode time with
# its path. Everything else an export holds (timers, counts, ids of phases) is ignored.

Ref = Annotated[str, Meta(max_length=64)]


class _Phase(msgspec.Struct, kw_only=True):
    kind: PhaseKind
    title: o.Title
    prompt: o.LongText = ""
    minutes: o.Minutes = 5
    private: bool = False
    revealed: bool = False
    sections: Annotated[list[Section], Meta(max_length=7)] = []
    private_count: int = 0  # unrevealed notes, which stay where they were written


class _Impact(msgspec.Struct, kw_only=True):
    users_affected: o.Title = ""
    duration: o.Title = ""
    cost: o.Title = ""
    notes: o.LongText = ""
    rows: Annotated[list[o.ImpactRowInput], Meta(max_length=20)] = []  # the impact table


class _Header(msgspec.Struct, kw_only=True):
    title: o.Title = ""
    severity: Severity = "sev2"
    started_at: o.When = ""
    detected_at: o.When = ""
    resolved_at: o.When = ""
    impact: _Impact = msgspec.field(default_factory=_Impact)
    learning_question: o.LongText = ""
    summary: o.LongText = ""
    communications: o.LongText = ""
    regulatory: o.LongText = ""
    sign_off: Annotated[list[o.SignOffEntry], Meta(max_length=20)] = []
    tags: Annotated[
        list[Annotated[str, Meta(min_length=1, max_length=40)]], Meta(max_length=20)
    ] = []


class _Settings(msgspec.Struct, kw_only=True):
    anonymity: Anonymity = "anonymous"
    dot_budget: o.Budget = 5
    nudges: Annotated[list[Nudge], Meta(max_length=10)] = msgspec.field(
        default_factory=lambda: list(ALL_NUDGES)
    )


class _Meta(msgspec.Struct, kw_only=True):
    template: Annotated[str, Meta(max_length=40)] = "blameless-90"
    header: _Header = msgspec.field(default_factory=_Header)
    settings: _Settings = msgspec.field(default_factory=_Settings)
    agenda: Annotated[list[_Phase], Meta(max_length=MAX_PHASES)] | None = (
        None  # None: the template's
    )
    current: Ref | None = None
    facilitator: Ref = ""
    action_order: list[Ref] = []
    closed_at: int | None = None


class _Person(msgspec.Struct, kw_only=True):
    id: Ref
    name: o.Name = ""
    role: Role = "participant"


class DocSticky(msgspec.Struct, kw_only=True):
    id: Ref
    section: Section
    text: o.Text
    category: Category | None = None
    theme_id: Ref | None = None
    author: o.Name | None = None


class DocEntry(msgspec.Struct, kw_only=True):
    at: o.When
    text: o.Text
    kind: TimelineKind = "fact"
    author: o.Name | None = None


class _Step(msgspec.Struct, kw_only=True):
    id: Ref
    why: o.Text
    answer: o.LongText = ""


class _Chain(msgspec.Struct, kw_only=True):
    id: Ref
    problem: o.Text
    steps: Annotated[list[_Step], Meta(max_length=MAX_STEPS)] = []
    root_step_id: Ref | None = None
    root_cause: o.LongText = ""
    done: bool = False


class _Theme(msgspec.Struct, kw_only=True):
    id: Ref
    name: o.Title


class _Action(msgspec.Struct, kw_only=True):
    id: Ref
    text: o.Text
    owner_id: Ref | None = None
    due: o.When = ""
    success: o.LongText = ""
    kind: ActionKind = "short_term"
    links: Annotated[list[Ref], Meta(max_length=20)] = []
    selected: bool = False
    confirmed: bool = False
    status: ActionStatus = "open"


class DocBoard(msgspec.Struct, kw_only=True):
    board: _Meta
    participants: Annotated[list[_Person], Meta(max_length=MAX_PARTICIPANTS + MAX_OBSERVERS)] = []
    stickies: Annotated[list[DocSticky], Meta(max_length=MAX_STICKIES)] = []
    timeline: Annotated[list[DocEntry], Meta(max_length=MAX_TIMELINE)] = []
    chains: Annotated[list[_Chain], Meta(max_length=MAX_CHAINS)] = []
    themes: Annotated[list[_Theme], Meta(max_length=MAX_THEMES)] = []
    rounds: Annotated[
        list[Any], Meta(max_length=MAX_ROUNDS)
    ] = []  # counted for the notes, not rebuilt
    actions: Annotated[list[_Action], Meta(max_length=MAX_ACTIONS)] = []


class _Envelope(msgspec.Struct, kw_only=True):
    format: str = ""
    version: int = 0


class Document(msgspec.Struct, kw_only=True):
    format: Literal["hindsight-board"]
    version: Literal[1]
    exported_at: str = ""
    board: DocBoard
    facilitator_name: o.Name | None = None  # import only: who runs the new board


class Invalid(Exception):
    """The document is well-formed but does not hold together (a dangling reference...)."""


def decode(raw: bytes) -> Document:
    try:
        envelope = msgspec.json.decode(raw, type=_Envelope)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        raise Invalid(f"not a board export: {e}") from None
    if envelope.format != FORMAT:
        raise Invalid(f"not a board export: `format` is {envelope.format!r}, expected {FORMAT!r}")
    if envelope.version != VERSION:
        raise Invalid(
            f"this is version {envelope.version} of the board format; "
            f"this server reads version {VERSION}"
        )
    try:
        return msgspec.json.decode(raw, type=Document)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        raise Invalid(str(e)) from None
