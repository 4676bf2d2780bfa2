"""Ops: one frozen, tagged struct per intent a person (or the server) can have.

On the wire an op is a JSON object whose `type` names the intent, e.g.
`{"type": "add_sticky", "cid": "c-17", "section": "went_well", "text": "Kill switch worked"}`.
`cid` is the client's own id for the op: the server applies an op at most once per
(participant, cid), so a client may resend its unacknowledged ops after a reconnect.

Field limits live here (`Meta`), so an oversized or mistyped field fails at decode time with the
path of the offending field, before the reducer sees it. Optional fields of `Edit*` ops mean
"leave unchanged" when null; an empty string clears. The protocol grows only by adding fields
with defaults, so old clients keep working.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

import msgspec
from msgspec import Meta

from .model import (
    ActionKind,
    ActionStatus,
    Anonymity,
    Category,
    Nudge,
    PhaseKind,
    Role,
    Section,
    Severity,
    SpotlightKind,
    TimelineKind,
    VoteTarget,
)

Id = Annotated[str, Meta(min_length=1, max_length=64)]
Cid = Annotated[str, Meta(max_length=64)]
Name = Annotated[str, Meta(max_length=80)]
Title = Annotated[str, Meta(max_length=200)]
Text = Annotated[str, Meta(min_length=1, max_length=2000)]
LongText = Annotated[str, Meta(max_length=4000)]
When = Annotated[str, Meta(max_length=40)]
Minutes = Annotated[int, Meta(ge=1, le=240)]
Budget = Annotated[int, Meta(ge=1, le=50)]


class Op(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    cid: Cid = ""


# --- the meeting itself --------------------------------------------------------------------


class CreateBoard(Op, frozen=True, tag="create_board"):
    """Issued by the server when a board is made; `new_id` is the facilitator's participant id."""

    template: Annotated[str, Meta(max_length=40)] = "blameless-90"
    title: Title = ""
    severity: Severity = "sev2"
    learning_question: LongText = ""
    facilitator_name: Name = "Facilitator"
    anonymity: Anonymity = "anonymous"


class Join(Op, frozen=True, tag="join"):
    """Issued by the server on an HTTP join; `new_id` is the new participant's id. `token` is
    the join link's token the person came with (boards from before join links have none)."""

    name: Name = ""
    role: Role = "participant"
    token: Annotated[str, Meta(max_length=64)] = ""


LinkRole = Literal["participant", "observer"]


class RotateLink(Op, frozen=True, tag="rotate_link"):
    """Replace a join link's token (`new_id` is the new one): the old link stops working at
    once; people already seated keep their seats. The server issues it for a new board."""

    role: LinkRole = "participant"


class RemoveSeat(Op, frozen=True, tag="remove_seat"):
    """The facilitator frees a seat nobody uses: the participant or observer is removed and
    their credential stops working. What they wrote stays, without a way back to them."""

    participant_id: Id


class Rename(Op, frozen=True, tag="rename"):
    name: Name


class HandOver(Op, frozen=True, tag="hand_over"):
    participant_id: Id


class SignOffEntry(msgspec.Struct, frozen=True, kw_only=True):
    role: Title
    name: Name
    date: When = ""


class SetTags(Op, frozen=True, tag="set_tags"):
    """Tags for the incident log (lowercased, deduplicated); editable after the meeting closes."""

    tags: Annotated[list[Annotated[str, Meta(min_length=1, max_length=40)]], Meta(max_length=20)]


class ImpactRowInput(msgspec.Struct, frozen=True, kw_only=True):
    """One row of the impact table (Dimension | Impact); stripped, and dropped when both are
    empty."""

    dimension: Title = ""
    impact: Annotated[str, Meta(max_length=2000)] = ""


class CloseMeeting(Op, frozen=True, tag="close_meeting"):
    """End the meeting: its content becomes final. Action statuses and tags still change."""


class EditHeader(Op, frozen=True, tag="edit_header"):
    title: Title | None = None
    severity: Severity | None = None
    started_at: When | None = None
    detected_at: When | None = None
    resolved_at: When | None = None
    users_affected: Title | None = None
    duration: Title | None = None
    cost: Title | None = None
    impact_notes: LongText | None = None
    learning_question: LongText | None = None
    summary: LongText | None = None
    communications: LongText | None = None
    regulatory: LongText | None = None
    sign_off: Annotated[list[SignOffEntry], Meta(max_length=20)] | None = None
    # The impact table, replaced wholesale: None leaves it unchanged, [] clears it.
    impact_rows: Annotated[list[ImpactRowInput], Meta(max_length=20)] | None = None


class EditSettings(Op, frozen=True, tag="edit_settings"):
    anonymity: Anonymity | None = None
    dot_budget: Budget | None = None
    nudges: Annotated[list[Nudge], Meta(max_length=10)] | None = None


# --- the agenda and its timers ---------------------------------------------------------------


class AddPhase(Op, frozen=True, tag="add_phase"):
    kind: PhaseKind
    title: Title
    prompt: LongText = ""
    minutes: Minutes = 5
    private: bool = False
    sections: Annotated[list[Section], Meta(max_length=7)] = []
    index: int | None = None  # position in the agenda; None appends


class EditPhase(Op, frozen=True, tag="edit_phase"):
    phase_id: Id
    title: Title | None = None
    prompt: LongText | None = None
    minutes: Minutes | None = None
    private: bool | None = None


class MovePhase(Op, frozen=True, tag="move_phase"):
    phase_id: Id
    index: Annotated[int, Meta(ge=0)]


class RemovePhase(Op, frozen=True, tag="remove_phase"):
    phase_id: Id


class AdvancePhase(Op, frozen=True, tag="advance_phase"):
    """Enter the next phase (from the lobby: the first). Its timer starts unless told not to."""

    start_timer: bool = True


class GoBack(Op, frozen=True, tag="go_back"):
    start_timer: bool = False


class GoToPhase(Op, frozen=True, tag="go_to_phase"):
    phase_id: Id
    start_timer: bool = True


class StartTimer(Op, frozen=True, tag="start_timer"):
    restart: bool = False  # from zero, forgetting extensions


class PauseTimer(Op, frozen=True, tag="pause_timer"):
    pass


class ResumeTimer(Op, frozen=True, tag="resume_timer"):
    pass


class ExtendTimer(Op, frozen=True, tag="extend_timer"):
    minutes: Annotated[int, Meta(ge=1, le=60)] = 5


class TimeboxExpired(Op, frozen=True, tag="timebox_expired"):
    """Issued by the server when a running timebox reaches its deadline."""

    phase_id: Id


class Reveal(Op, frozen=True, tag="reveal"):
    """Make a private phase's writing visible to everyone."""

    phase_id: Id


# --- stickies, timeline, parking lot ----------------------------------------------------------


class AddSticky(Op, frozen=True, tag="add_sticky"):
    section: Section
    text: Text
    category: Category | None = None


class EditSticky(Op, frozen=True, tag="edit_sticky"):
    sticky_id: Id
    text: Text | None = None
    category: Category | None = None


class MoveSticky(Op, frozen=True, tag="move_sticky"):
    sticky_id: Id
    section: Section


class DeleteSticky(Op, frozen=True, tag="delete_sticky"):
    sticky_id: Id


class ParkQuestion(Op, frozen=True, tag="park_question"):
    """An interpretation question for later: goes to the parking lot in any phase."""

    text: Text


class AddTimelineEntry(Op, frozen=True, tag="add_timeline_entry"):
    at: When
    text: Text
    kind: TimelineKind = "fact"


class TimelineItem(msgspec.Struct, frozen=True, kw_only=True):
    at: When
    text: Text
    kind: TimelineKind = "fact"


class ImportTimeline(Op, frozen=True, tag="import_timeline"):
    """Many timeline entries at once, all or nothing (a CSV, a chat export, a log)."""

    entries: Annotated[list[TimelineItem], Meta(min_length=1, max_length=500)]


class EditTimelineEntry(Op, frozen=True, tag="edit_timeline_entry"):
    entry_id: Id
    at: When | None = None
    text: Text | None = None
    kind: TimelineKind | None = None


class DeleteTimelineEntry(Op, frozen=True, tag="delete_timeline_entry"):
    entry_id: Id


# --- five whys -------------------------------------------------------------------------------


class AddChain(Op, frozen=True, tag="add_chain"):
    problem: Text


class EditChain(Op, frozen=True, tag="edit_chain"):
    chain_id: Id
    problem: Text | None = None
    done: bool | None = None


class DeleteChain(Op, frozen=True, tag="delete_chain"):
    chain_id: Id


class AddWhy(Op, frozen=True, tag="add_why"):
    chain_id: Id
    why: Text
    answer: LongText = ""


class EditWhy(Op, frozen=True, tag="edit_why"):
    chain_id: Id
    step_id: Id
    why: Text | None = None
    answer: LongText | None = None


class DeleteWhy(Op, frozen=True, tag="delete_why"):
    chain_id: Id
    step_id: Id


class MarkRootCause(Op, frozen=True, tag="mark_root_cause"):
    """Mark the step whose answer is structural (None unmarks) and state the cause."""

    chain_id: Id
    step_id: Id | None = None
    cause: LongText = ""


# --- themes ----------------------------------------------------------------------------------


class AddTheme(Op, frozen=True, tag="add_theme"):
    name: Title
    sticky_ids: Annotated[list[Id], Meta(max_length=200)] = []


class RenameTheme(Op, frozen=True, tag="rename_theme"):
    theme_id: Id
    name: Title


class DeleteTheme(Op, frozen=True, tag="delete_theme"):
    theme_id: Id


class Group(Op, frozen=True, tag="group"):
    """Put a sticky into a theme, or take it out (theme_id null)."""

    sticky_id: Id
    theme_id: Id | None = None


# --- voting ----------------------------------------------------------------------------------


class OpenVote(Op, frozen=True, tag="open_vote"):
    target: VoteTarget = "stickies"
    budget: Budget | None = None  # None: the board's default dot budget
    multi: bool = True  # may several dots go to one item


class CloseVote(Op, frozen=True, tag="close_vote"):
    round_id: Id


class RevealVote(Op, frozen=True, tag="reveal_vote"):
    round_id: Id


class CastVote(Op, frozen=True, tag="cast_vote"):
    round_id: Id
    item_id: Id


class Unvote(Op, frozen=True, tag="unvote"):
    round_id: Id
    item_id: Id


# --- actions ---------------------------------------------------------------------------------


class AddAction(Op, frozen=True, tag="add_action"):
    text: Text
    owner_id: Id | None = None
    due: When = ""
    success: LongText = ""
    kind: ActionKind = "short_term"
    links: Annotated[list[Id], Meta(max_length=20)] = []


class EditAction(Op, frozen=True, tag="edit_action"):
    action_id: Id
    text: Text | None = None
    owner_id: Annotated[str, Meta(max_length=64)] | None = None  # "" clears the owner
    due: When | None = None
    success: LongText | None = None
    kind: ActionKind | None = None
    links: Annotated[list[Id], Meta(max_length=20)] | None = None


class DeleteAction(Op, frozen=True, tag="delete_action"):
    action_id: Id


class RankAction(Op, frozen=True, tag="rank_action"):
    """Force-rank: move the action to `index` (0 is the most important)."""

    action_id: Id
    index: Annotated[int, Meta(ge=0)]


class SelectAction(Op, frozen=True, tag="select_action"):
    action_id: Id
    selected: bool = True


class ConfirmOwner(Op, frozen=True, tag="confirm_owner"):
    """The owner's own "yes, I own this" (or taking it back)."""

    action_id: Id
    confirmed: bool = True


class SetActionStatus(Op, frozen=True, tag="set_action_status"):
    action_id: Id
    status: ActionStatus


# --- signals: hands, refocus and wrap-up feedback ------------------------------------------------


class RaiseHand(Op, frozen=True, tag="raise_hand"):
    """Join the queue to speak (`raised=False` leaves it). The queue is in raising order."""

    raised: bool = True


class LowerHand(Op, frozen=True, tag="lower_hand"):
    """The facilitator takes someone's hand down (they were heard, or it was raised by mistake)."""

    participant_id: Id


class Refocus(Op, frozen=True, tag="refocus"):
    """Anyone may ask the room to come back to systems, not people. Nobody learns who asked."""


class SendFeedback(Op, frozen=True, tag="send_feedback"):
    """Wrap-up feedback: how safe it felt to speak up (1-5) and one thing to do differently.
    Sending again replaces your earlier answer. The facilitator sees only the aggregate."""

    safety: Annotated[int, Meta(ge=1, le=5)]
    change: Annotated[str, Meta(max_length=500)] = ""


class Spotlight(Op, frozen=True, tag="spotlight"):
    """Put one item in focus for everyone (the facilitator's). A null `kind` or `item_id`
    clears the spotlight; it also clears itself when the phase changes or the item goes."""

    kind: SpotlightKind | None = None
    item_id: Id | None = None


AnyOp = Union[
    CreateBoard,
    Join,
    Rename,
    HandOver,
    EditHeader,
    EditSettings,
    SetTags,
    CloseMeeting,
    AddPhase,
    EditPhase,
    MovePhase,
    RemovePhase,
    AdvancePhase,
    GoBack,
    GoToPhase,
    StartTimer,
    PauseTimer,
    ResumeTimer,
    ExtendTimer,
    TimeboxExpired,
    Reveal,
    AddSticky,
    EditSticky,
    MoveSticky,
    DeleteSticky,
    ParkQuestion,
    AddTimelineEntry,
    ImportTimeline,
    EditTimelineEntry,
    DeleteTimelineEntry,
    AddChain,
    EditChain,
    DeleteChain,
    AddWhy,
    EditWhy,
    DeleteWhy,
    MarkRootCause,
    AddTheme,
    RenameTheme,
    DeleteTheme,
    Group,
    OpenVote,
    CloseVote,
    RevealVote,
    CastVote,
    Unvote,
    AddAction,
    EditAction,
    DeleteAction,
    RankAction,
    SelectAction,
    ConfirmOwner,
    SetActionStatus,
    RaiseHand,
    LowerHand,
    Refocus,
    SendFeedback,
    Spotlight,
    RotateLink,
    RemoveSeat,
]

OP_TYPES: tuple[type[Op], ...] = AnyOp.__args__  # type: ignore[attr-defined]


def op_tag(op: Op) -> str:
    """The wire name of an op, e.g. "add_sticky"."""
    return str(type(op).__struct_config__.tag)


class Entry(msgspec.Struct, frozen=True, kw_only=True):
    """One accepted op as the log keeps it: everything `apply` needs to do it again."""

    seq: int
    actor: str
    at: int  # the server's clock when it was accepted, in ms
    new_id: str  # the random id the server drew for whatever the op creates
    op: AnyOp


_entry_encoder = msgspec.msgpack.Encoder()
_entry_decoder = msgspec.msgpack.Decoder(Entry)


def encode_entry(entry: Entry) -> bytes:
    return _entry_encoder.encode(entry)


def decode_entry(data: bytes) -> Entry:
    return _entry_decoder.decode(data)
