"""The board: everything a post-mortem meeting holds, as plain data.

These structs are the server's private state. They know who wrote what and who voted for what,
so they never go on the wire: `projection.py` turns them into per-viewer views. They are
mutable (the reducer validates first, then mutates in place) and encode deterministically, so
replaying a log gives byte-identical boards and a snapshot is just `encode(board)`.

Times are integers of milliseconds since the Unix epoch (UTC), handed in by the shell; wall
times the users type (timeline, incident header) are normalised ISO 8601 strings in UTC.
"""

from __future__ import annotations

from typing import Literal

import msgspec

SYSTEM = "system"  # the actor of ops the server itself issues (board creation, joins, deadlines)
# The actor a "refocus" is stored and replayed under: who asked is checked when it arrives and
# then forgotten, so no log, snapshot or dedupe table can say who pressed it.
ANONYMOUS = "anonymous"

Severity = Literal["sev1", "sev2", "sev3", "sev4"]
Role = Literal["facilitator", "participant", "observer"]
Anonymity = Literal["anonymous", "named"]
PhaseKind = Literal[
    "set_the_room",
    "action_review",  # open actions of earlier post-mortems, reviewed first (review.py)
    "summary",
    "timeline",
    "five_whys",
    "contributing_factors",
    "reflection",
    "discussion",
    "themes",
    "vote",
    "actions",
    "wrap_up",
]
Section = Literal[
    "went_well",
    "went_badly",
    "lessons",
    "future",
    "ongoing",
    "contributing",
    "parking_lot",
]
Category = Literal[
    "monitoring",
    "testing",
    "process",
    "knowledge",
    "tooling",
    "change",
    "communication",
    "other",
]
TimelineKind = Literal["fact", "signal", "decision"]
ActionKind = Literal["immediate", "short_term", "long_term"]
ActionStatus = Literal["open", "in_progress", "done", "dropped"]
TrackerKind = Literal["github", "gitlab", "jira"]
VoteTarget = Literal["stickies", "themes", "actions"]
RoundState = Literal["open", "closed", "revealed"]
Nudge = Literal["blame", "vague_action", "action_load", "five_whys", "completeness"]
SpotlightKind = Literal["sticky", "timeline", "chain", "theme", "action"]

# Meanings carried over from the severity scale of the post-mortem template (source 004).
SEVERITY_MEANING: dict[str, str] = {
    "sev1": "Customers, data, money or regulators affected, or a system acted outside its scope. "
    "Post-mortem required within 5 business days.",
    "sev2": "Sustained degradation or outage, wide disruption for users, or a near miss on Sev-1. "
    "Post-mortem required within 10 business days.",
    "sev3": "Short outage or a one-off quirk fixed before users noticed. Post-mortem optional; "
    "record it in the log.",
    "sev4": "Cosmetic. No post-mortem; track it as an ordinary issue.",
}

ALL_NUDGES: tuple[Nudge, ...] = (
    "blame",
    "vague_action",
    "action_load",
    "five_whys",
    "completeness",
)


class ImpactRow(msgspec.Struct, kw_only=True):
    """One line of the post-mortem template's impact table, e.g.
    dimension "Wrong matches generated", impact "47 over ~3 hours"."""

    dimension: str
    impact: str


class Impact(msgspec.Struct, kw_only=True):
    users_affected: str = ""
    duration: str = ""
    cost: str = ""
    notes: str = ""
    rows: list[ImpactRow] = msgspec.field(default_factory=list)  # Dimension | Impact


class SignOff(msgspec.Struct, kw_only=True):
    role: str
    name: str
    date: str = ""  # YYYY-MM-DD


class Header(msgspec.Struct, kw_only=True):
    title: str = ""
    severity: Severity = "sev2"
    started_at: str = ""  # ISO 8601 UTC, "" when unknown
    detected_at: str = ""
    resolved_at: str = ""
    impact: Impact = msgspec.field(default_factory=Impact)
    learning_question: str = ""
    summary: str = ""
    communications: str = ""  # who was told what, when
    regulatory: str = ""  # obligations considered; "N/A" needs a reason
    sign_off: list[SignOff] = msgspec.field(default_factory=list)
    tags: list[str] = msgspec.field(default_factory=list)


class Settings(msgspec.Struct, kw_only=True):
    anonymity: Anonymity = "anonymous"
    dot_budget: int = 5
    nudges: list[Nudge] = msgspec.field(default_factory=lambda: list(ALL_NUDGES))


class Phase(msgspec.Struct, kw_only=True):
    """One agenda item, with its timebox and the state of its timer.

    Timer: while running, elapsed time is `elapsed_ms + (now - running_since)`; the timebox ends
    at `minutes + extended_ms`. `spent_ms` is wall time the phase was current (planned vs actual),
    which keeps counting while the timer is paused.
    """

    id: str
    kind: PhaseKind
    title: str
    prompt: str = ""
    minutes: int = 5
    private: bool = False
    sections: list[Section] = msgspec.field(default_factory=list)
    revealed: bool = False
    elapsed_ms: int = 0
    running_since: int | None = None
    extended_ms: int = 0
    extensions: int = 0
    expired: bool = False
    entered_at: int | None = None
    spent_ms: int = 0
    visited: bool = False
    sealed_private: int = 0  # private notes never revealed, dropped when the board was sealed


class Participant(msgspec.Struct, kw_only=True):
    id: str
    name: str
    role: Role
    joined_at: int


class Sticky(msgspec.Struct, kw_only=True):
    id: str
    section: Section
    text: str
    author: str
    phase_id: str
    created_at: int
    category: Category | None = None
    theme_id: str | None = None
    hidden: bool = False  # private writing not yet revealed: its author alone may see it


class TimelineEntry(msgspec.Struct, kw_only=True):
    id: str
    at: str  # normalised ISO 8601 UTC, e.g. 2026-08-14T09:12:00Z
    text: str
    kind: TimelineKind
    author: str
    created_at: int


class WhyStep(msgspec.Struct, kw_only=True):
    id: str
    why: str
    answer: str = ""


class Chain(msgspec.Struct, kw_only=True):
    id: str
    problem: str
    steps: list[WhyStep] = msgspec.field(default_factory=list)
    root_step_id: str | None = None
    root_cause: str = ""  # the structural cause, in one sentence
    done: bool = False
    # Who started it: only they or the facilitator may delete it (anyone may refine it). Never
    # projected; "" on boards from before it was kept (then the facilitator alone deletes).
    author: str = ""


class Theme(msgspec.Struct, kw_only=True):
    id: str
    name: str


class Round(msgspec.Struct, kw_only=True):
    id: str
    target: VoteTarget
    budget: int
    multi: bool
    state: RoundState = "open"
    opened_at: int = 0
    votes: dict[str, dict[str, int]] = msgspec.field(default_factory=dict)  # voter -> item -> dots
    # Once the board is sealed (seal.py) the votes above are gone; these keep what the round
    # showed: dots per item and how many people voted.
    sealed_totals: dict[str, int] | None = None
    sealed_voters: int = 0


class IssueLink(msgspec.Struct, kw_only=True):
    """The issue an action became in the organisation's issue tracker (set by the server)."""

    tracker: TrackerKind
    key: str  # as people write it: "owner/repo#12" (GitHub, GitLab), "OPS-12" (Jira)
    url: str  # the issue's web page


class Action(msgspec.Struct, kw_only=True):
    id: str
    text: str
    owner_id: str | None = None
    due: str = ""  # YYYY-MM-DD, "" when not set
    success: str = ""  # the measurable success criterion
    kind: ActionKind = "short_term"
    links: list[str] = msgspec.field(default_factory=list)  # theme, sticky or chain ids
    selected: bool = False
    confirmed: bool = False  # the owner said "yes, I own this"
    status: ActionStatus = "open"
    created_at: int = 0
    issue: IssueLink | None = None  # its issue in the tracker, once the server made one
    author: str = ""  # who added it: as `Chain.author`


class Feedback(msgspec.Struct, kw_only=True):
    safety: int  # 1 (not at all safe to speak up) .. 5 (completely safe)
    change: str = ""  # one thing to do differently next time


class SpotlightRef(msgspec.Struct, kw_only=True):
    """The one item the facilitator put in focus for everyone, and when (server ms)."""

    kind: SpotlightKind
    id: str
    at: int


class Access(msgspec.Struct, kw_only=True):
    """Who may read a closed or open board outside the meeting when the organisation signs in:
    everyone signed in, or (`restricted`, a security incident, say) only the people who joined
    it signed in and the `members` the facilitator names (emails, lowercased, sorted)."""

    restricted: bool = False
    members: list[str] = msgspec.field(default_factory=list)


class ReviewItem(msgspec.Struct, kw_only=True):
    """An action of an earlier post-mortem, as its incident log row showed it when the server
    loaded the review, and its status as this meeting left it."""

    board_id: str
    board_title: str
    board_date: str  # YYYY-MM-DD, the incident's
    action_id: str
    text: str
    owner: str  # a name: the earlier board shows its owners to everyone
    due: str = ""
    status: ActionStatus = "open"
    was: ActionStatus | None = None  # the status before this meeting changed it


class Review(msgspec.Struct, kw_only=True):
    """The review of earlier open actions: the post-mortems the facilitator picked (beside
    those that share a tag with this one) and the actions the server last loaded from them."""

    boards: list[str] = msgspec.field(default_factory=list)
    items: list[ReviewItem] = msgspec.field(default_factory=list)
    loaded_at: int = 0  # server ms of the last load; 0: never loaded


class Board(msgspec.Struct, kw_only=True):
    id: str
    created_at: int = 0
    template: str = ""
    header: Header = msgspec.field(default_factory=Header)
    settings: Settings = msgspec.field(default_factory=Settings)
    agenda: list[Phase] = msgspec.field(default_factory=list)
    current: str | None = None  # id of the current phase; None before the meeting starts
    next_phase: int = 1  # phase ids are a counter: their order leaks nothing
    facilitator: str = ""
    participants: dict[str, Participant] = msgspec.field(default_factory=dict)
    stickies: dict[str, Sticky] = msgspec.field(default_factory=dict)
    timeline: dict[str, TimelineEntry] = msgspec.field(default_factory=dict)
    chains: dict[str, Chain] = msgspec.field(default_factory=dict)
    themes: dict[str, Theme] = msgspec.field(default_factory=dict)
    rounds: dict[str, Round] = msgspec.field(default_factory=dict)
    actions: dict[str, Action] = msgspec.field(default_factory=dict)
    action_order: list[str] = msgspec.field(default_factory=list)
    closed_at: int | None = None  # once closed, content is final; action statuses still move
    hands: list[str] = msgspec.field(default_factory=list)  # participant ids, in raising order
    refocus_at: int | None = None  # when someone last asked the room to refocus on systems
    refocus_count: int = 0
    feedback: dict[str, Feedback] = msgspec.field(default_factory=dict)  # participant -> answer
    spotlight: SpotlightRef | None = None  # cleared by a phase change, closing, or the item going
    # Kept by sealing (seal.py), whose board no longer has the op log they were counted from:
    # nudges [raised, resolved] over the meeting, for the write-up's record of how it ran.
    sealed_nudges: list[int] | None = None
    sealed: bool = False  # closed and sealed: no ballot, feedback owner (or, anonymous, author)
    # Join links: role ("participant", "observer") -> the token the link carries. Empty on
    # boards made before join links, until the server gives them some (door.py).
    links: dict[str, str] = msgspec.field(default_factory=dict)
    review: Review = msgspec.field(default_factory=Review)
    access: Access = msgspec.field(default_factory=Access)

    def phase(self, phase_id: str | None) -> Phase | None:
        for p in self.agenda:
            if p.id == phase_id:
                return p
        return None

    def current_phase(self) -> Phase | None:
        return self.phase(self.current)

    def role_of(self, actor: str) -> Role | None:
        p = self.participants.get(actor)
        return p.role if p else None

    def open_round(self) -> Round | None:
        for r in self.rounds.values():
            if r.state == "open":
                return r
        return None


_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(Board)


def encode_board(board: Board) -> bytes:
    """Deterministic bytes of a board: the snapshot format, and what replay equality compares."""
    return _encoder.encode(board)


def decode_board(data: bytes) -> Board:
    return _decoder.decode(data)
