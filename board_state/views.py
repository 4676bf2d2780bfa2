"""What a viewer is shown: the public shape of the board on the wire.

None of these structs has a field for who wrote or who voted. A viewer learns `mine: true` on
their own items, and `author` names only on boards run in "named" mode (which everyone is told).
Each view is tagged with its kind, so an event is simply a list of views to upsert (by kind and
id) and `removed` markers.
"""

from __future__ import annotations

import msgspec

from .guardrails import Finding
from .model import (
    ActionKind,
    ActionStatus,
    Anonymity,
    Category,
    Nudge,
    PhaseKind,
    Role,
    RoundState,
    Section,
    Severity,
    SpotlightKind,
    TimelineKind,
    TrackerKind,
    VoteTarget,
)


class View(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    pass


class PhaseView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    kind: PhaseKind
    title: str
    prompt: str
    minutes: int
    private: bool
    sections: list[Section]
    revealed: bool
    private_count: int  # hidden notes written in this phase, by everyone: "14 written"
    running_since: int | None
    elapsed_ms: int
    extended_ms: int
    extensions: int
    expired: bool
    deadline: int | None  # server time (ms) the running timebox ends; None when paused
    spent_ms: int  # actual wall time as the current phase, banked when it was left
    entered_at: int | None
    visited: bool


class SpotlightView(msgspec.Struct, frozen=True, kw_only=True):
    """The item in focus for everyone: its kind and id, and when it was put there (server ms).
    The same for every viewer; it names no person."""

    kind: SpotlightKind
    id: str
    at: int


# The board's own structs (model.py) stay off the wire: these are their wire shapes, field for
# field in the same order, so a change to the model is a choice about the protocol, not a slip.


class ImpactRowView(msgspec.Struct, frozen=True, kw_only=True):
    dimension: str
    impact: str


class ImpactView(msgspec.Struct, frozen=True, kw_only=True):
    users_affected: str = ""
    duration: str = ""
    cost: str = ""
    notes: str = ""
    rows: list[ImpactRowView] = []


class SignOffView(msgspec.Struct, frozen=True, kw_only=True):
    role: str
    name: str
    date: str = ""


class HeaderView(msgspec.Struct, frozen=True, kw_only=True):
    title: str = ""
    severity: Severity = "sev2"
    started_at: str = ""
    detected_at: str = ""
    resolved_at: str = ""
    impact: ImpactView = ImpactView()
    learning_question: str = ""
    summary: str = ""
    communications: str = ""
    regulatory: str = ""
    sign_off: list[SignOffView] = []
    tags: list[str] = []


class SettingsView(msgspec.Struct, frozen=True, kw_only=True):
    anonymity: Anonymity = "anonymous"
    dot_budget: int = 5
    nudges: list[Nudge] = []


class WhyStepView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    why: str
    answer: str = ""


class BoardMeta(View, frozen=True, tag="board"):
    id: str
    template: str
    created_at: int
    header: HeaderView
    severity_meaning: str
    settings: SettingsView
    agenda: list[PhaseView]
    current: str | None
    facilitator: str
    action_order: list[str]
    closed_at: int | None = None
    hands: list[str] = []  # participant ids waiting to speak, in raising order
    refocus_at: int | None = None  # server time someone last asked to refocus; never who
    refocus_count: int = 0
    can: list[str] = []  # op types this viewer may send now (role, phase, closing)
    spotlight: SpotlightView | None = None  # the item in focus for everyone; None: nothing
    # The join links' tokens, role -> token: the facilitator's view only (None for everyone
    # else). A link is `/b/{id}/join#t={token}` (`?role=observer` for the observer link).
    links: dict[str, str] | None = None
    sealed: bool = False  # closed and sealed: nobody's authorship is kept (seal.py)
    restricted: bool = False  # only its people and named members may read it (door.py)
    # The members the facilitator named as readers: the facilitator's view only.
    readers: list[str] | None = None


class ParticipantView(View, frozen=True, tag="participant"):
    id: str
    name: str
    role: Role
    me: bool


class StickyView(View, frozen=True, tag="sticky"):
    id: str
    section: Section
    text: str
    phase_id: str
    category: Category | None
    theme_id: str | None
    hidden: bool  # true only on your own not-yet-revealed private writing
    mine: bool
    author: str | None = None  # named boards only


class TimelineView(View, frozen=True, tag="timeline"):
    id: str
    at: str
    text: str
    kind: TimelineKind
    mine: bool
    author: str | None = None


class ChainView(View, frozen=True, tag="chain"):
    id: str
    problem: str
    steps: list[WhyStepView]
    root_step_id: str | None
    root_cause: str
    done: bool
    nudges: list[Finding] = []  # "keep asking why": structural only, never about wording
    mine: bool = False  # you started it (so you may delete it); nobody else learns who did


class ThemeView(View, frozen=True, tag="theme"):
    id: str
    name: str


class RoundView(View, frozen=True, tag="round"):
    id: str
    target: VoteTarget
    budget: int
    multi: bool
    state: RoundState
    mine: dict[str, int]  # your own dots per item
    remaining: int  # your dots left
    dots_cast: int  # everyone's dots together: progress without identities
    voters: int
    totals: dict[str, int] | None  # per item, only once the facilitator reveals


class IssueView(msgspec.Struct, frozen=True, kw_only=True):
    """An action's issue in the organisation's issue tracker."""

    tracker: TrackerKind
    key: str
    url: str


class ActionView(View, frozen=True, tag="action"):
    id: str
    text: str
    owner_id: str | None
    due: str
    success: str
    kind: ActionKind
    links: list[str]
    selected: bool
    confirmed: bool
    status: ActionStatus
    nudges: list[Finding] = []  # vague wording, missing owner, due date or success criterion
    issue: IssueView | None = None  # its issue in the tracker; null until the server made one
    mine: bool = False  # you added it (so you may delete it); nobody else learns who did


class FeedbackView(View, frozen=True, tag="feedback"):
    """Wrap-up feedback. Everyone sees how many answered and their own answer; the facilitator
    also sees the aggregate, once at least `FEEDBACK_MIN` people answered. Never who said what."""

    id: str
    responses: int
    mine: bool
    my_safety: int | None = None
    my_change: str = ""
    safety_counts: list[int] | None = None  # how many answered 1, 2, 3, 4, 5
    safety_average: float | None = None
    changes: list[str] | None = None  # sorted, so their order says nothing


class GuidanceView(View, frozen=True, tag="guidance"):
    """Board-wide nudges everyone may see (one per board, `id` is ""): too many actions, and
    what the write-up still lacks (kind `writeup`: communications, regulatory reasons, an
    action confirmed by its owner)."""

    id: str
    action_load: list[Finding]
    writeup: list[Finding] = []


class ReviewItemView(msgspec.Struct, frozen=True, kw_only=True):
    board_id: str
    board_title: str
    board_date: str
    action_id: str
    text: str
    owner: str
    due: str
    status: ActionStatus
    was: ActionStatus | None  # the status before this meeting changed it; null: unchanged


class ReviewView(View, frozen=True, tag="review"):
    """The review of earlier open actions (one per board, `id` is ""): the post-mortems the
    facilitator picked, and the actions under review as the server last loaded them."""

    id: str
    boards: list[str]
    items: list[ReviewItemView]
    loaded_at: int


class Removed(View, frozen=True, tag="removed"):
    kind: str
    id: str


AnyView = (
    BoardMeta
    | ParticipantView
    | StickyView
    | TimelineView
    | ChainView
    | ThemeView
    | RoundView
    | ActionView
    | FeedbackView
    | GuidanceView
    | ReviewView
    | Removed
)


class BoardView(msgspec.Struct, frozen=True, kw_only=True):
    """A whole board as one viewer may see it: the snapshot sent on join and on resume gaps."""

    board: BoardMeta
    participants: list[ParticipantView]
    stickies: list[StickyView]
    timeline: list[TimelineView]
    chains: list[ChainView]
    themes: list[ThemeView]
    rounds: list[RoundView]
    actions: list[ActionView]
    feedback: FeedbackView | None = None
    guidance: GuidanceView | None = None
    review: ReviewView | None = None
