"""Who may do what, and in which phase: the one table.

Theory of operation. Every op kind has exactly one `Rule`: the roles that may send it, and the
phase kinds in which people other than the facilitator may send it. `check` is the first thing
`apply` does; the reducer then enforces only the rules that depend on the data (you can edit
only your own sticky, you cannot spend more dots than the budget, ...).

- The facilitator steers: agenda, timers, reveals and votes are theirs alone, and they may add
  content in any phase (they often prepare the timeline before the meeting).
- Participants write in the phases made for it; a few ops (parking a question, voting in an
  open round, owning an action, renaming yourself) are allowed in every phase.
- Observers watch. The only op they may send is renaming themselves.
- `system` ops are issued by the server (board creation, joins, timebox deadlines, an
  import's writing, an action's issue in the tracker), never by a client: a client that
  sends one is refused like anyone else without the role.
- `anonymous` is the actor a refocus is stored under once accepted (the server forgets the
  sender), so replaying the log accepts it from `anonymous` and from nobody else.
"""

from __future__ import annotations

from typing import NamedTuple

from . import ops as o
from .errors import Rejected
from .model import ANONYMOUS, SYSTEM, Board

LOBBY = "lobby"  # the phase kind name used before the first phase starts

FACILITATOR = frozenset({"facilitator"})
WRITERS = frozenset({"facilitator", "participant"})
EVERYONE = frozenset({"facilitator", "participant", "observer"})
SERVER = frozenset({SYSTEM})
EVERYONE_OR_FORGOTTEN = EVERYONE | {ANONYMOUS}


class Rule(NamedTuple):
    who: frozenset[str]
    phases: frozenset[str] | None = None  # None: any phase (and the lobby)


def _in(*kinds: str) -> frozenset[str]:
    return frozenset(kinds)


STICKY_PHASES = _in("contributing_factors", "five_whys", "reflection", "discussion", "themes")
TIMELINE_PHASES = _in(LOBBY, "summary", "timeline")
WHY_PHASES = _in("five_whys")
THEME_PHASES = _in("themes", "discussion", "vote")
ACTION_PHASES = _in("actions", "wrap_up")
FEEDBACK_PHASES = _in("wrap_up")
REVIEW_PHASES = _in("action_review")

RULES: dict[type[o.Op], Rule] = {
    o.CreateBoard: Rule(SERVER),
    o.Join: Rule(SERVER),
    o.TimeboxExpired: Rule(SERVER),
    o.Rename: Rule(EVERYONE),
    o.HandOver: Rule(FACILITATOR),
    o.EditHeader: Rule(FACILITATOR),
    o.EditSettings: Rule(FACILITATOR),
    o.SetTags: Rule(FACILITATOR),
    o.CloseMeeting: Rule(FACILITATOR | SERVER),  # the server closes boards left idle
    o.AddPhase: Rule(FACILITATOR),
    o.EditPhase: Rule(FACILITATOR),
    o.MovePhase: Rule(FACILITATOR),
    o.RemovePhase: Rule(FACILITATOR),
    o.AdvancePhase: Rule(FACILITATOR),
    o.GoBack: Rule(FACILITATOR),
    o.GoToPhase: Rule(FACILITATOR),
    o.StartTimer: Rule(FACILITATOR),
    o.PauseTimer: Rule(FACILITATOR),
    o.ResumeTimer: Rule(FACILITATOR),
    o.ExtendTimer: Rule(FACILITATOR),
    o.Reveal: Rule(FACILITATOR),
    o.AddSticky: Rule(WRITERS, STICKY_PHASES),
    o.EditSticky: Rule(WRITERS),
    o.MoveSticky: Rule(WRITERS, STICKY_PHASES),
    o.DeleteSticky: Rule(WRITERS),
    o.ParkQuestion: Rule(WRITERS),
    o.AddTimelineEntry: Rule(WRITERS, TIMELINE_PHASES),
    o.ImportTimeline: Rule(WRITERS, TIMELINE_PHASES),
    o.RestoreWriting: Rule(SERVER),  # an import, writing as each author (transfer.py)
    o.EditTimelineEntry: Rule(WRITERS, TIMELINE_PHASES),
    o.DeleteTimelineEntry: Rule(WRITERS, TIMELINE_PHASES),
    o.AddChain: Rule(WRITERS, WHY_PHASES),
    o.EditChain: Rule(WRITERS, WHY_PHASES),
    o.DeleteChain: Rule(WRITERS, WHY_PHASES),
    o.AddWhy: Rule(WRITERS, WHY_PHASES),
    o.EditWhy: Rule(WRITERS, WHY_PHASES),
    o.DeleteWhy: Rule(WRITERS, WHY_PHASES),
    o.MarkRootCause: Rule(WRITERS, WHY_PHASES),
    o.AddTheme: Rule(WRITERS, THEME_PHASES),
    o.RenameTheme: Rule(WRITERS, THEME_PHASES),
    o.DeleteTheme: Rule(WRITERS, THEME_PHASES),
    o.Group: Rule(WRITERS, THEME_PHASES),
    o.OpenVote: Rule(FACILITATOR),
    o.CloseVote: Rule(FACILITATOR),
    o.RevealVote: Rule(FACILITATOR),
    o.CastVote: Rule(WRITERS),  # gated by the round being open, not by the phase
    o.Unvote: Rule(WRITERS),
    o.AddAction: Rule(WRITERS, ACTION_PHASES),
    o.EditAction: Rule(WRITERS, ACTION_PHASES),
    o.DeleteAction: Rule(WRITERS, ACTION_PHASES),
    o.RankAction: Rule(WRITERS, ACTION_PHASES),
    o.SelectAction: Rule(FACILITATOR),
    o.ConfirmOwner: Rule(WRITERS),  # only the owner, checked by the reducer
    # The owner or the facilitator (checked by the reducer); the server for a later meeting
    # that reviewed the action (review.py) and for the action's issue closed in the tracker.
    o.SetActionStatus: Rule(WRITERS | SERVER),
    o.LinkIssue: Rule(SERVER),  # the issue the server created in the tracker (trackers.py)
    o.RaiseHand: Rule(WRITERS),
    o.LowerHand: Rule(FACILITATOR),
    o.Refocus: Rule(EVERYONE_OR_FORGOTTEN),  # anyone may call the room back to systems (source 003)
    o.SendFeedback: Rule(WRITERS, FEEDBACK_PHASES),
    o.Spotlight: Rule(FACILITATOR),  # any phase; refused once closed, like all content
    o.LoadReview: Rule(SERVER),  # from the incident log (review.py)
    o.PickReviewBoard: Rule(FACILITATOR),
    o.ReviewAction: Rule(WRITERS, REVIEW_PHASES),  # owners by name, or the facilitator
    o.RotateLink: Rule(FACILITATOR | SERVER),  # the server makes a new board's links
    o.RemoveSeat: Rule(FACILITATOR),
    o.SetAccess: Rule(FACILITATOR),  # who may read the board outside its meeting (door.py)
}

# Reads that need a role, beside the ops: same table, same roles, same refusals. (Seeing a
# board is the projection's business; these are whole-board reads over HTTP.)
READS: dict[str, Rule] = {
    "export_board": Rule(FACILITATOR),  # the whole board as a file: the facilitator's to take
    "load_review": Rule(FACILITATOR),  # earlier post-mortems' actions, read from the log
    "save_agenda": Rule(FACILITATOR),  # the board's agenda, saved for the organisation
}
_READ_PHRASES = {
    "export_board": "export the whole board",
    "load_review": "choose and load the earlier actions to review",
    "save_agenda": "save this board's agenda",
}


def check_read(board: Board, actor: str, name: str) -> None:
    """Raise `Rejected` unless `actor` may make the read `name` (see READS)."""
    rule = READS[name]
    if role_of(board, actor) not in rule.who:
        raise Rejected("forbidden", f"only the facilitator may {_READ_PHRASES[name]}")


# How refusals name an op, where its wire name would read badly in a sentence.
_PHRASES: dict[type[o.Op], str] = {
    o.AddSticky: "add notes",
    o.MoveSticky: "move notes",
    o.AddTimelineEntry: "add timeline entries",
    o.ImportTimeline: "import timeline entries",
    o.RestoreWriting: "restore imported writing",
    o.EditTimelineEntry: "edit timeline entries",
    o.DeleteTimelineEntry: "delete timeline entries",
    o.AddChain: "start a five-whys chain",
    o.EditChain: "edit five-whys chains",
    o.DeleteChain: "delete five-whys chains",
    o.AddWhy: "add a why",
    o.EditWhy: "edit a why",
    o.DeleteWhy: "delete a why",
    o.MarkRootCause: "mark the root cause",
    o.AddTheme: "create themes",
    o.RenameTheme: "rename themes",
    o.DeleteTheme: "delete themes",
    o.Group: "group notes",
    o.AddAction: "add actions",
    o.EditAction: "edit actions",
    o.DeleteAction: "delete actions",
    o.RankAction: "rank actions",
    o.SelectAction: "select actions",
    o.AdvancePhase: "move to the next phase",
    o.GoBack: "go back a phase",
    o.GoToPhase: "jump to a phase",
    o.OpenVote: "open a vote",
    o.CloseVote: "close a vote",
    o.RevealVote: "reveal votes",
    o.Reveal: "reveal private writing",
    o.HandOver: "hand over the facilitator role",
    o.EditHeader: "edit the incident header",
    o.EditSettings: "change the board settings",
    o.SetTags: "set tags",
    o.CloseMeeting: "close the meeting",
    o.CastVote: "vote",
    o.Unvote: "take back a vote",
    o.RaiseHand: "raise a hand",
    o.LowerHand: "lower someone's hand",
    o.Refocus: "ask the room to refocus",
    o.SendFeedback: "give meeting feedback",
    o.Spotlight: "spotlight an item for everyone",
    o.RotateLink: "replace a join link",
    o.RemoveSeat: "remove a seat",
    o.SetAccess: "restrict the board or name its readers",
    o.PickReviewBoard: "pick post-mortems to review",
    o.ReviewAction: "change the status of a reviewed action",
}

_PHASE_WORDS = {
    STICKY_PHASES: "the five whys, contributing factors, reflection, discussion and themes phases",
    TIMELINE_PHASES: "the timeline and summary phases, or before the meeting starts",
    WHY_PHASES: "the five whys phase",
    THEME_PHASES: "the themes, discussion and vote phases",
    ACTION_PHASES: "the actions and wrap-up phases",
    FEEDBACK_PHASES: "the wrap-up phase",
    REVIEW_PHASES: "the review of earlier actions",
}


def role_of(board: Board, actor: str) -> str | None:
    if actor in (SYSTEM, ANONYMOUS):
        return actor
    return board.role_of(actor)


# What still changes after the meeting is closed: follow-up, not content.
AFTER_CLOSE: frozenset[type[o.Op]] = frozenset(
    {
        o.SetActionStatus,
        o.LinkIssue,
        o.SetTags,
        o.Join,
        o.Rename,
        o.TimeboxExpired,
        o.RotateLink,
        o.RemoveSeat,
        o.SetAccess,
    }
)


def allowed(board: Board, actor: str) -> list[str]:
    """The wire names of the ops `actor` may send right now, by role, phase and closing alone.

    The board meta carries this per viewer, so a client shows the controls that would be
    accepted without holding a copy of this table. The reducer may still refuse an allowed op
    on its data (editing someone else's note, spending more dots than the budget)."""
    role = role_of(board, actor)
    if role is None or role == SYSTEM:
        return []
    phase = board.current_phase()
    kind = phase.kind if phase else LOBBY
    names = []
    for op_type, rule in RULES.items():
        if role not in rule.who:
            continue
        if board.closed_at is not None and op_type not in AFTER_CLOSE:
            continue
        if rule.phases is not None and role != "facilitator" and kind not in rule.phases:
            continue
        names.append(str(op_type.__struct_config__.tag))
    return sorted(names)


def check(board: Board, op: o.Op, actor: str) -> None:
    """Raise `Rejected` unless the table allows `actor` to send `op` now."""
    rule = RULES[type(op)]
    if board.closed_at is not None and type(op) not in AFTER_CLOSE:
        raise Rejected(
            "closed",
            "this meeting is closed: its content is final "
            "(action statuses and tags can still change)",
        )
    role = role_of(board, actor)
    if role is None or (role == ANONYMOUS and role not in rule.who):
        raise Rejected("unauthorized", "you are not a participant of this board")
    name = _PHRASES.get(type(op), o.op_tag(op).replace("_", " "))
    if role not in rule.who:
        if rule.who - SERVER == FACILITATOR:
            raise Rejected("forbidden", f"only the facilitator may {name}")
        if rule.who == SERVER:
            raise Rejected("forbidden", f"'{o.op_tag(op)}' is issued by the server, not by clients")
        raise Rejected("forbidden", f"observers watch; they may not {name}")
    if rule.phases is None or role in (SYSTEM, "facilitator"):
        return
    phase = board.current_phase()
    kind = phase.kind if phase else LOBBY
    if kind not in rule.phases:
        where = _PHASE_WORDS.get(rule.phases, ", ".join(sorted(rule.phases)))
        now = f"the '{phase.title}' phase" if phase else "the lobby"
        raise Rejected("wrong_phase", f"you can {name} during {where}; this is {now}")
