"""Ops: one frozen, tagged struct per intent a person (or the server) can have.

On the wire an op is a JSON object whose `type` names the intent, e.g.
`{"type": "add_sticky", "cid": "c-17", "section": "went_well", "text": "Kill switch worked"}`.
`cid` is the client's own id for the op: the server applies an op at most once per
(participant, cid), so a client may resend its unacknowledged ops after a reconnect.

Field limits live on the structs (`Meta`; the shared field types in `ops_base.py`), so an
oversized or mistyped field fails at decode time with the path of the offending field, before
the reducer sees it. Optional fields of `Edit*` ops mean
"leave unchanged" when null; an empty string clears. The protocol grows only by adding fields
with defaults, so old clients keep working.

The ops are defined by family in `ops_meeting.py` (the meeting, seats, header, settings, the
agenda and timers), `ops_content.py` (stickies, timeline, five whys, themes, votes, actions) and
`ops_signals.py` (hands, refocus, feedback, spotlight) and `ops_review.py` (the review of
earlier open actions). This module gathers them into `AnyOp`,
the one tagged union the wire and the log decode, and is where other code imports ops from.
"""

from __future__ import annotations

from typing import Union

import msgspec

from .ops_base import (
    Budget,
    Cid,
    Id,
    LongText,
    Minutes,
    Name,
    Op,
    Text,
    Title,
    When,
)
from .ops_content import (
    AddAction,
    AddChain,
    AddSticky,
    AddTheme,
    AddTimelineEntry,
    AddWhy,
    CastVote,
    CloseVote,
    ConfirmOwner,
    DeleteAction,
    DeleteChain,
    DeleteSticky,
    DeleteTheme,
    DeleteTimelineEntry,
    DeleteWhy,
    EditAction,
    EditChain,
    EditSticky,
    EditTimelineEntry,
    EditWhy,
    Group,
    ImportTimeline,
    LinkIssue,
    MarkRootCause,
    MoveSticky,
    OpenVote,
    ParkQuestion,
    RankAction,
    RenameTheme,
    RestoredNote,
    RestoreWriting,
    RevealVote,
    SelectAction,
    SetActionStatus,
    TimelineItem,
    Unvote,
)
from .ops_meeting import (
    AddPhase,
    AdvancePhase,
    AgendaPhase,
    CloseMeeting,
    CreateBoard,
    EditHeader,
    EditPhase,
    EditSettings,
    ExtendTimer,
    GoBack,
    GoToPhase,
    HandOver,
    ImpactRowInput,
    Join,
    LinkRole,
    MovePhase,
    PauseTimer,
    RemovePhase,
    RemoveSeat,
    Rename,
    ResumeTimer,
    Reveal,
    RotateLink,
    SetAccess,
    SetTags,
    SignOffEntry,
    StartTimer,
    TimeboxExpired,
)
from .ops_review import (
    LoadReview,
    PickReviewBoard,
    ReviewAction,
    ReviewItemInput,
)
from .ops_signals import (
    LowerHand,
    RaiseHand,
    Refocus,
    SendFeedback,
    Spotlight,
)

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
    RestoreWriting,
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
    LinkIssue,
    RaiseHand,
    LowerHand,
    Refocus,
    SendFeedback,
    Spotlight,
    RotateLink,
    RemoveSeat,
    SetAccess,
    LoadReview,
    PickReviewBoard,
    ReviewAction,
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


__all__ = [
    "AddAction",
    "AddChain",
    "AddPhase",
    "AgendaPhase",
    "AddSticky",
    "AddTheme",
    "AddTimelineEntry",
    "AddWhy",
    "AdvancePhase",
    "AnyOp",
    "Budget",
    "CastVote",
    "Cid",
    "CloseMeeting",
    "CloseVote",
    "ConfirmOwner",
    "CreateBoard",
    "DeleteAction",
    "DeleteChain",
    "DeleteSticky",
    "DeleteTheme",
    "DeleteTimelineEntry",
    "DeleteWhy",
    "EditAction",
    "EditChain",
    "EditHeader",
    "EditPhase",
    "EditSettings",
    "EditSticky",
    "EditTimelineEntry",
    "EditWhy",
    "Entry",
    "ExtendTimer",
    "GoBack",
    "GoToPhase",
    "Group",
    "HandOver",
    "Id",
    "ImpactRowInput",
    "ImportTimeline",
    "Join",
    "LinkIssue",
    "LinkRole",
    "LoadReview",
    "LongText",
    "LowerHand",
    "MarkRootCause",
    "Minutes",
    "MovePhase",
    "MoveSticky",
    "Name",
    "OP_TYPES",
    "Op",
    "OpenVote",
    "ParkQuestion",
    "PickReviewBoard",
    "PauseTimer",
    "RaiseHand",
    "RankAction",
    "Refocus",
    "RemovePhase",
    "RemoveSeat",
    "Rename",
    "RenameTheme",
    "RestoreWriting",
    "ReviewAction",
    "ReviewItemInput",
    "RestoredNote",
    "ResumeTimer",
    "Reveal",
    "RevealVote",
    "RotateLink",
    "SelectAction",
    "SendFeedback",
    "SetAccess",
    "SetActionStatus",
    "SetTags",
    "SignOffEntry",
    "Spotlight",
    "StartTimer",
    "Text",
    "TimeboxExpired",
    "TimelineItem",
    "Title",
    "Unvote",
    "When",
    "decode_entry",
    "encode_entry",
    "op_tag",
]
