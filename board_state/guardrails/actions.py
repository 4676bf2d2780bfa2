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

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime

from ..model import Action, Board
from .blame import check_text
from .findings import (
    ACTION_LOAD,
    DUE_LATE,
    DUE_PAST,
    DUE_SOON,
    MEMO,
    NO_DUE,
    NO_OWNER,
    NO_SUCCESS,
    TOO_MANY_OPEN,
    TOO_MANY_SELECTED,
    VAGUE_ACTION,
    VAGUE_VERB,
    Finding,
    finding,
)
from .lexicon import (
    CONCRETE_VERBS,
    EMPTY_LEADS,
    HEDGES,
    INQUIRY_LEADS,
    INQUIRY_NOUNS,
    LEAD_WORDS,
    MEMO_LEAD_PAIRS,
    MEMO_LEADS,
    MEMO_PHRASES,
    MODALS,
    VAGUE_OBJECT_LEADS,
    VAGUE_OBJECTS,
    VAGUE_PHRASES,
    VAGUE_VERBS,
    WISH_LEADS,
    WISH_NOUNS,
    WITH_LEADS,
)
from .text import Token, has_number, tokenize

MEASURE = re.compile(
    r"(\b(?:under|below|above|over|within|less than|fewer than|more than|at least|at most|"
    r"to|from|by|below|exceeds?|after)\s*~?[$€£]?\d)"
    r"|(\d+(?:[.,]\d+)?\s*(?:%|ms|s|sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?|days?|"
    r"weeks?|x|k|m|gb|mb|tb|rps|qps|req/s|/s|messages|requests|errors|percent)\b)"
    r"|\bp9\d\b|\bp50\b|\bzero\b|\bevery (?:merge|deploy|release|build|commit|change|night|day|"
    r"week|hour)\b",
    re.IGNORECASE,
)


# Words that begin an action themselves, so they are never part of a lead-in.
_VERBISH = (
    CONCRETE_VERBS
    | VAGUE_VERBS
    | MEMO_LEADS
    | frozenset(p[0] for p in VAGUE_PHRASES + MEMO_PHRASES + MEMO_LEAD_PAIRS)
)
_HTTP_CODES = re.compile(r"^[1-5]\d\d\s*(?:s|errors?|responses?)?$", re.IGNORECASE)


def _at(low: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    return low[i : i + len(phrase)] == list(phrase)


def _lead_index(toks: list[Token], low: list[str]) -> int:
    """The index of the action's leading verb, after bullets and lead-ins."""
    i = 0
    n = len(low)
    while i < n and (toks[i].is_punct or low[i][:1].isdigit() or low[i] in {"*", "•"}):
        i += 1
    # "Payments team to investigate", "Dana will look into": up to four words of lead-in
    # ending at a modal, none of them a verb of their own.
    for k in range(i, min(n, i + 5)):
        if low[k] in MODALS:
            before = low[i:k]
            if all(w not in _VERBISH for w in before):
                i = k + 1
                while i < n and low[i] in MODALS:
                    i += 1
            break
        if toks[k].is_punct and low[k] == ":":
            i = k + 1
            break
    while (
        i < n
        and low[i] in LEAD_WORDS - {"be"}
        and not (i + 1 < n and low[i + 1] in CONCRETE_VERBS and low[i] == "get")
    ):
        i += 1
    while i < n and (low[i] in MODALS or low[i] == "to"):
        i += 1
    return i


def measurable(text: str) -> bool:
    """Does the wording carry its own measure: a threshold, a number with a unit, a cadence?
    HTTP status codes ("the 502s") are names, not measures."""
    return any(not _HTTP_CODES.match(m.group(0).strip()) for m in MEASURE.finditer(text))


def _means(low: list[str], start: int) -> bool:
    """A concrete means after the lead: "... by adding a canary stage"."""
    for k in range(start, len(low) - 1):
        if (
            low[k] in {"by", "via", "through"}
            and low[k + 1].endswith("ing")
            and low[k + 1][:-3] not in VAGUE_VERBS
            and low[k + 1]
            not in {
                "investigating",
                "reviewing",
                "looking",
                "considering",
                "ensuring",
                "exploring",
                "monitoring",
                "improving",
                "being",
                "making",
                "trying",
            }
        ):
            return True
    return False


def _memo(text: str, toks: list[Token], low: list[str], lead: int) -> Finding | None:
    """A memo-style finding: a reminder or an appeal to care instead of a fix."""
    n = len(low)
    # Memo-style: anywhere for the explicit phrases, at the lead for the memo verbs.
    for p in MEMO_PHRASES:  # in order of preference: the most telling words first
        for i in range(n):
            if _at(low, i, p):
                memo = text[toks[i].start : toks[i + len(p) - 1].end]
                return finding(VAGUE_ACTION, MEMO, (memo,))
    if lead < n:
        for p in MEMO_LEAD_PAIRS:
            if _at(low, lead, p):
                return finding(VAGUE_ACTION, MEMO, (text[toks[lead].start : toks[lead + 1].end],))
        if low[lead] in MEMO_LEADS and not (
            low[lead] in {"tell", "email", "inform", "warn", "communicate", "announce"}
            and measurable(text)
        ):
            # "Warn" and "inform" are also what an alert does: only a person-directed warning is
            # a memo ("Warn engineers ..."), an automated one is not ("Warn in the deploy tool").
            if low[lead] not in {"warn", "inform", "notify"} or any(
                w
                in {
                    "engineers",
                    "everyone",
                    "people",
                    "staff",
                    "team",
                    "operators",
                    "devs",
                    "developers",
                    "on-call",
                    "oncall",
                    "nurses",
                    "drivers",
                }
                for w in low[lead + 1 : lead + 4]
            ):
                return finding(VAGUE_ACTION, MEMO, (toks[lead].text,))
    return None


def _vague_words(text: str, toks: list[Token], low: list[str], lead: int) -> str | None:
    """The words that make the action vague, as written, starting at its leading verb: a
    vague verb or phrase, an inquiry behind an empty verb, a wish, a hedge or a vague
    object; None when there are none."""
    n = len(low)
    words: str | None = None
    if low[lead] in EMPTY_LEADS:
        for k in range(lead + 1, min(n, lead + 4)):
            if low[k] in INQUIRY_NOUNS:
                words = text[toks[lead].start : toks[k].end]
                break
    for p in VAGUE_PHRASES:
        if _at(low, lead, p):
            words = text[toks[lead].start : toks[lead + len(p) - 1].end]
            break
    if words is None and low[lead] in VAGUE_VERBS:
        words = toks[lead].text
    if words is None and low[lead] in WISH_LEADS:
        words = toks[lead].text
    if words is None and low[lead] not in CONCRETE_VERBS:
        # A noun phrase that is only a wish: "Alerting improvements", "Monitoring review".
        for k in range(lead, min(n, lead + 4)):
            if low[k] in WISH_NOUNS or (low[k] == "review" and k == n - 1):
                words = toks[k].text
                break
    if words is None:
        for k in range(lead, n):
            for h in HEDGES:
                if _at(low, k, h) and not (k + 1 < n and low[k + 1] in {"than"}):
                    words = text[toks[k].start : toks[k + len(h) - 1].end]
                    break
            if words is not None:
                break
    if words is None and low[lead] in VAGUE_OBJECT_LEADS and not has_number(text):
        for k in range(lead + 1, min(n, lead + 5)):
            if low[k] in VAGUE_OBJECTS and (
                k + 1 == n or low[k + 1] in {"in", "on", "of", "across", "around", "with", "and"}
            ):
                words = text[toks[lead].start : toks[k].end]
                break
    return words


def check_action_text(text: str) -> list[Finding]:
    """Vague-verb, wish-list and memo-style findings on an action's wording alone."""
    toks = tokenize(text)
    low = [t.low for t in toks]
    n = len(low)
    if n == 0:
        return []
    lead = _lead_index(toks, low)
    memo = _memo(text, toks, low, lead)
    if memo is not None:
        return [memo]
    if lead >= n:
        return []
    if low[lead] in WITH_LEADS and lead + 1 < n and low[lead + 1] == "with":
        to = next((k for k in range(lead + 2, n) if low[k] == "to"), -1)
        if to < 0 or to + 1 >= n:
            return [
                finding(VAGUE_ACTION, VAGUE_VERB, (text[toks[lead].start : toks[lead + 1].end],))
            ]
        lead = to + 1
    forgiven = measurable(text) or _means(low, lead + 1)
    if low[lead] in INQUIRY_LEADS and any(
        w in {"why", "how", "what", "whether", "where"} for w in low[lead + 1 : lead + 4]
    ):
        forgiven = _means(low, lead + 1)
    words = _vague_words(text, toks, low, lead)
    if words is not None and not forgiven:
        return [finding(VAGUE_ACTION, VAGUE_VERB, (words,))]
    return []


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
        for f in check_text(action.text, names=names) + check_action_text(action.text)
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
