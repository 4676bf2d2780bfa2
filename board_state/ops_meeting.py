"""Ops that run the meeting: creating the board, seats and links, the header and settings,
the agenda and its timers. See `ops.py` for the wire format and the union of all ops.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from .limits import MAX_ACCESS_MEMBERS, MAX_PHASES
from .model import Anonymity, Nudge, PhaseKind, Role, Section, Severity
from .ops_base import Budget, Id, LongText, Minutes, Name, Op, Title, When

# --- the meeting itself --------------------------------------------------------------------


class AgendaPhase(msgspec.Struct, frozen=True, kw_only=True):
    """One phase of an agenda given whole (a saved agenda, when a board is made from one)."""

    kind: PhaseKind
    title: Title
    prompt: LongText = ""
    minutes: Minutes = 5
    private: bool = False
    sections: Annotated[list[Section], Meta(max_length=7)] = []


class CreateBoard(Op, frozen=True, tag="create_board"):
    """Issued by the server when a board is made; `new_id` is the facilitator's participant id."""

    template: Annotated[str, Meta(max_length=100)] = "blameless-90"
    title: Title = ""
    severity: Severity = "sev2"
    learning_question: LongText = ""
    facilitator_name: Name = "Facilitator"
    anonymity: Anonymity = "anonymous"
    # Start with a review of earlier post-mortems' open actions (right after setting the room).
    review_actions: bool = False
    # The phases, instead of the template's: the server fills it in from a saved agenda
    # (`saved:<name>` as the template on the landing form); the log keeps the phases
    # themselves, so a later change to the saved agenda never changes this board.
    agenda: Annotated[list[AgendaPhase], Meta(max_length=MAX_PHASES)] = []


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


Email = Annotated[str, Meta(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")]


class SetAccess(Op, frozen=True, tag="set_access"):
    """The facilitator restricts the board (or opens it again) and names who may read it
    besides the people who joined it signed in. Either field may be left out (unchanged)."""

    restricted: bool | None = None
    members: Annotated[list[Email], Meta(max_length=MAX_ACCESS_MEMBERS)] | None = None


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
