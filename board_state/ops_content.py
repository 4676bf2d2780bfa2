"""Ops on what people write and decide: stickies, the timeline, five whys, themes, votes and
actions. See `ops.py` for the wire format and the union of all ops.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from .model import (
    ActionKind,
    ActionStatus,
    Category,
    Section,
    TimelineKind,
    TrackerKind,
    VoteTarget,
)
from .ops_base import Budget, Id, LongText, Op, Text, Title, When

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


class RestoredNote(msgspec.Struct, frozen=True, kw_only=True):
    section: Section  # the parking lot included
    text: Text
    category: Category | None = None


class RestoreWriting(Op, frozen=True, tag="restore_writing"):
    """Issued by the server when it imports a board: one author's timeline entries and notes as
    the export had them, all or nothing, whatever the phase. What it makes gets the ids
    `{new_id}-000`, `{new_id}-001`, ... in order, the timeline entries first."""

    author: Id
    entries: Annotated[list[TimelineItem], Meta(max_length=500)] = msgspec.field(
        default_factory=list
    )
    notes: Annotated[list[RestoredNote], Meta(max_length=500)] = msgspec.field(default_factory=list)


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


class LinkIssue(Op, frozen=True, tag="link_issue"):
    """Issued by the server once it has created the action's issue in the issue tracker
    (server/outputs/trackers.py): the link people follow, and what the tracker's state is
    read back by. Also after the meeting is closed."""

    action_id: Id
    tracker: TrackerKind
    key: Annotated[str, Meta(min_length=1, max_length=200)]
    url: Annotated[str, Meta(max_length=2000)]
