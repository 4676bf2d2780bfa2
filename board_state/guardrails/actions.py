"""Vague actions and action load: `check_action_text`, `check_action`, `check_load`.

What counts as vague (the wording check, which the corpus measures):

* The action's leading verb is a vague one ("improve", "investigate", "look into", "review",
  "consider", "ensure", "monitor", "explore" ...), or the action is only a wish for more or
  better of something ("Better alerting", "Alerting improvements"). The leading verb is the
  first word after lead-ins such as "We need to", "Payments team to", "TODO:". A vague verb
  later in an action with a concrete lead ("Add a canary stage and review its results") is
  fine, and "review" as a noun ("the code review step") is never a verb.
* A vague lead is forgiven when the action carries its own measure: a number with a unit or a
  threshold ("Improve p99 checkout latency to under 300 ms") or a concrete means ("Improve
  deploy safety by adding a canary stage"). Then the action says what done looks like.
* Memo-style actions are vague whatever else they say: asking people to be more careful, to
  pay attention, to remember, reminding or retraining them, behaviour rules ("Always
  double-check the region"). Source 003's point: a fix worth the name is engineering work.

`check_action` adds the fields: owner, due date, success criterion, and for short-term actions
a due date 7 to 21 days out (source 002), counted from `today` when given, else from the day
the action was written. `check_load` gives advice when more than three actions are selected or
more than seven are open (sources 002 and 003).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from ..model import Action, Board
from .action_wording import measurable, wording_findings
from .blame import check_text
from .findings import (
    ACTION_LOAD,
    DUE_LATE,
    DUE_PAST,
    DUE_SOON,
    NO_DUE,
    NO_OWNER,
    NO_SUCCESS,
    TOO_MANY_OPEN,
    TOO_MANY_SELECTED,
    VAGUE_ACTION,
    Finding,
    finding,
)
from .learned import decide, installed, learned_findings

__all__ = ["check_action", "check_action_text", "check_load", "measurable"]


def check_action_text(text: str, *, learned: bool = True) -> list[Finding]:
    """Vague-verb, wish-list and memo-style findings on an action's wording alone; when no rule
    fires and `learned` is on, the learned scorer may add one (`learned.py`).

    With a model installed for `vague_action` (the server installs one) and `learned` on, the
    model decides (`learned.decide`): on new post-mortems it was right more often than the rules
    (issue 14, `tests/board_state/guardrails_real_corpus.md`, rounds seven and eight). A rule
    finding it agrees with explains the nudge; otherwise the model names the words behind it."""
    model = installed(VAGUE_ACTION) if learned else None
    if model is not None:
        return decide(VAGUE_ACTION, model, text, lambda: wording_findings(text))
    found = wording_findings(text)
    if not found and learned:
        found = learned_findings(VAGUE_ACTION, text)
    return found


def _day(ms: int) -> date:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).date()


def _parse_day(s: str) -> date | None:
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        return None


def check_action(
    action: Action, *, today: str | None = None, names: Iterable[str] = ()
) -> list[Finding]:
    """Everything about one action: blameful or vague wording, a missing owner, due date or
    success criterion, and a short-term due date outside 7..21 days of `today` (ISO date) or,
    without `today`, of the day the action was written."""
    tid = action.id
    out = [
        Finding(f.check, f.words, f.message, f.reframe, tid)
        for f in check_text(action.text, names=names, learned=False)
        + check_action_text(action.text)
    ]
    if action.status in {"done", "dropped"}:
        return out  # a closed action's fields no longer matter; its wording still does
    if not action.owner_id:
        out.append(finding(VAGUE_ACTION, NO_OWNER, target=tid))
    if not action.due.strip():
        out.append(finding(VAGUE_ACTION, NO_DUE, target=tid))
    if not action.success.strip():
        out.append(finding(VAGUE_ACTION, NO_SUCCESS, target=tid))
    due = _parse_day(action.due) if action.due else None
    start = _parse_day(today) if today else (_day(action.created_at) if action.created_at else None)
    if action.kind == "short_term" and due is not None and start is not None:
        days = (due - start).days
        if days < 0:
            out.append(finding(VAGUE_ACTION, DUE_PAST, (action.due,), tid))
        elif days < 7:
            out.append(finding(VAGUE_ACTION, DUE_SOON, (action.due,), tid, days=days))
        elif days > 21:
            out.append(finding(VAGUE_ACTION, DUE_LATE, (action.due,), tid, days=days))
    return out


OPEN = frozenset({"open", "in_progress"})


def check_load(board: Board) -> list[Finding]:
    """Too many actions: more than three selected, or more than seven open. While some actions
    are selected, only those count as open: the rest are ideas that were not picked."""
    actions = [board.actions[a] for a in board.action_order if a in board.actions] or list(
        board.actions.values()
    )
    selected = [a for a in actions if a.selected and a.status != "dropped"]
    out: list[Finding] = []
    if len(selected) > 3:
        out.append(finding(ACTION_LOAD, TOO_MANY_SELECTED, target="actions", n=len(selected)))
    pool = selected if selected else actions
    open_ = [a for a in pool if a.status in OPEN]
    if len(open_) > 7:
        out.append(finding(ACTION_LOAD, TOO_MANY_OPEN, target="actions", n=len(open_)))
    return out
