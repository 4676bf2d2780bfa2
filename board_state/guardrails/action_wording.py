"""Vague and memo-style wording of an action item: `wording_findings(text)`.

The leading verb is found after bullets and lead-ins ("Payments team to ...", "We need to ...",
"Created a ticket to ...", "Going forward the team is going to ..."); a vague lead ("improve",
"investigate", "look into", "spike") is forgiven when the action carries its measure or its
means. The shape of the action is read too (`action_shapes.py`): questions, hedges, rules for
people, processes still to be defined, comparatives without a number, what "ensure" asks for.
Memo-style actions (reminders, appeals to care, training people) are vague whatever else they
say. Split from `actions.py`, whose docstring says what counts as vague.
"""

from __future__ import annotations

import re

from . import action_shapes as shapes
from .action_lead import Lead, lead_of
from .action_people import conduct_rule, ensure_state, intent_or_need
from .findings import MEMO, VAGUE_ACTION, VAGUE_VERB, Finding, finding
from .lexicon import (
    CARE_VERBS,
    CONCRETE_VERBS,
    EMPTY_LEADS,
    HEDGES,
    INQUIRY_LEADS,
    INQUIRY_NOUNS,
    MEMO_LEAD_PAIRS,
    MEMO_LEADS,
    MEMO_PHRASES,
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
    r"|(\b\d+(?:[.,]\d+)?\s*(?:%|(?:ms|s|sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?|"
    r"days?|weeks?|x|k|m|gb|mb|tb|rps|qps|req/s|/s|messages|requests|errors|percent)\b))"
    r"|\bp9\d\b|\bp50\b|\bzero\b|\bevery (?:merge|deploy|release|build|commit|change|night|day|"
    r"week|hour)\b",
    re.IGNORECASE,
)


_OBJECT_STARTS = frozenset(
    {"the", "a", "an", "our", "its", "their", "this", "these", "how", "why", "whether", "if"}
)
_AFFECTED = frozenset({"users", "customers", "affected", "clients", "subscribers"})
_REASON = re.compile(r"\b(?:because|as (?:we|it|they|there)|given that)\b.*", re.I | re.S)
_URL = re.compile(r"https?://\S+")
_HTTP_CODES = re.compile(r"^[1-5]\d\d\s*(?:s|errors?|responses?)?$", re.IGNORECASE)


def _at(low: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    return low[i : i + len(phrase)] == list(phrase)


def measurable(text: str) -> bool:
    """Does the wording carry its own measure: a threshold, a number with a unit, a cadence?
    HTTP status codes ("the 502s") are names, not measures."""
    text = _URL.sub(" ", text)  # "k8s" and "/issues/522" in a link are no measure
    text = _REASON.sub(" ", text)  # "... as we had a stable last 3 weeks": the past, no target
    return any(not _HTTP_CODES.match(m.group(0).strip()) for m in MEASURE.finditer(text))


def _means(low: list[str], start: int) -> bool:
    """A concrete means after the lead: "... by adding a canary stage", "... with a synthetic
    check during the run"."""
    for k in range(start, len(low) - 2):
        if low[k] == "with" and low[k + 1] in {"a", "an"} and low[k + 2] not in WISH_LEADS:
            return True
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


def _negative_rule(low: list[str], lead: int) -> bool:
    """'Do not use a personal address for letsencrypt', 'Avoid sending requests for stopped
    pods': a negative rule, concrete unless it is an appeal to care. "Never ..." stays a memo."""
    return low[lead] in {"don't", "avoid"} or _at(low, lead, ("do", "not"))


def _memo(text: str, toks: list[Token], low: list[str], lead: int) -> Finding | None:
    """A memo-style finding: a reminder or an appeal to care instead of a fix."""
    n = len(low)
    # Memo-style: anywhere for the explicit phrases, at the lead for the memo verbs.
    for p in MEMO_PHRASES:  # in order of preference: the most telling words first
        for i in range(n):
            if _at(low, i, p):
                memo = text[toks[i].start : toks[i + len(p) - 1].end]
                return finding(VAGUE_ACTION, MEMO, (memo,))
    if lead < n and _negative_rule(low, lead):
        verb = low[lead + 1 + (low[lead] == "do")] if lead + 2 < n else ""
        if shapes.lemma(verb) not in CARE_VERBS and verb[:-3] not in CARE_VERBS:
            return None  # "Do not use a personal address for letsencrypt": a concrete rule
    if lead < n:
        for p in MEMO_LEAD_PAIRS:
            if _at(low, lead, p):
                return finding(VAGUE_ACTION, MEMO, (text[toks[lead].start : toks[lead + 1].end],))
        comms = low[lead] in {"tell", "email", "inform", "warn", "communicate", "announce"}
        if low[lead] in MEMO_LEADS and not (
            comms and (measurable(text) or _AFFECTED & set(low[lead + 1 : lead + 4]))
        ):  # telling the users who were affected is a concrete step, not a reminder
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
    if words is None and shapes.lemma(low[lead]) in VAGUE_VERBS:
        words = toks[lead].text  # "Improving our backfill tooling", "Team discussed ..."
    if (
        words is None
        and low[lead] == "be"
        and low[lead + 1 : lead + 2] != [shapes.lemma(low[lead + 1])]
        and shapes.lemma(low[lead + 1]) in VAGUE_VERBS
    ):
        words = text[toks[lead].start : toks[lead + 1].end]  # "The process should be improved"
    if words is None and low[lead] in WISH_LEADS:
        words = toks[lead].text
    if words is None and low[lead] not in CONCRETE_VERBS:
        # A noun phrase that is only a wish: "Alerting improvements", "Monitoring review".
        for k in range(lead, min(n, lead + 4)):
            if low[k] in WISH_NOUNS or (low[k] == "review" and k == n - 1):
                words = toks[k].text
                break
    if words is None:
        for k in range(lead, shapes.main_clause_end(low, lead)):  # not in "how to ..."
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


def _joined_vague(text: str, toks: list[Token], low: list[str], lead: int) -> str | None:
    """An open question joined to a concrete step: "Spin up a dev hub and figure out how to use
    hubtraf", "Add the alert and investigate why it was silent". The verb must take an object,
    not be a noun ("tests and research notes")."""
    for k in range(lead + 2, min(shapes.main_clause_end(low, lead), len(low) - 2)):
        if low[k] != "and":
            continue
        j = k + 1
        if (low[j] == "ensure" or _at(low, j, ("make", "sure"))) and shapes.ensure_concrete(low, j):
            continue  # "... and make sure they are part of marking a deployment green"
        for p in VAGUE_PHRASES:
            if _at(low, j, p):
                return text[toks[j].start : toks[j + len(p) - 1].end]
        if low[j] in INQUIRY_LEADS | {"consider", "discuss"} and low[j + 1] in _OBJECT_STARTS:
            return toks[j].text  # an open question; "and review its results" is a practice
    return None


def _words(text: str, toks: list[Token], span: tuple[int, int]) -> tuple[str]:
    return (text[toks[span[0]].start : toks[span[1]].end],)


def _frame(text: str, toks: list[Token], low: list[str], lead: Lead) -> Finding | None:
    """A question or a rule for people, whatever the leading verb."""
    span = shapes.question(low, lead.first)
    if span is not None:
        return finding(VAGUE_ACTION, VAGUE_VERB, _words(text, toks, span))
    if not measurable(text):
        span = shapes.policy(low, lead.first, lead.lead, lead.modal)
        if span is not None:
            return finding(VAGUE_ACTION, MEMO, _words(text, toks, span))
    return None


def _goal_end(low: list[str], lead: int, end: int) -> int:
    """Where a comparative still leaves done undefined: the main clause, and for a lead that is
    no concrete step ("Re-architect the spawner to make a much smaller number of requests") its
    "to" of purpose as well."""
    if end < len(low) and low[end] == "to" and shapes.lemma(low[lead]) not in CONCRETE_VERBS:
        return shapes.main_clause_end(low, end + 1)
    return end


def _shape(text: str, toks: list[Token], low: list[str], first: int, lead: int) -> Finding | None:
    """A hedge, a process to be defined, an inquiry behind a concrete verb, a comparative
    without a number."""
    end = shapes.main_clause_end(low, lead)
    spelled_out = measurable(text) or _means(low, lead + 1)
    more = shapes.elaboration(low, lead)
    if more >= 0:
        vague_more = shapes.lemma(low[more]) in VAGUE_VERBS
        if vague_more and shapes.lemma(low[lead]) not in CONCRETE_VERBS:
            # "Implementing monitoring and alerting - consider tracking ...", but "Set up alerts
            # for X - consider monitoring both sides" is the alert, with an idea attached
            return finding(VAGUE_ACTION, VAGUE_VERB, _words(text, toks, (more, more)))
        spelled_out = (
            not vague_more
        )  # "... - we should test lazy loaded extensions with all versions"
    planned = more < 0 or not spelled_out  # a plan whose steps follow the dash is spelled out
    for span in (
        shapes.hedge(low, end),
        shapes.process(low, lead) if planned else None,
        shapes.process_head(low, lead) if planned else None,
        shapes.inquiry(low, first, lead),
        None if spelled_out else shapes.comparative(low, lead, _goal_end(low, lead, end)),
    ):
        if span is not None:
            return finding(VAGUE_ACTION, VAGUE_VERB, _words(text, toks, span))
    return None


def _forgiven(text: str, low: list[str], lead: int) -> bool:
    """Does the action carry what done looks like: a measure, a means, a checkable state?"""
    if low[lead] in INQUIRY_LEADS and any(
        w in {"why", "how", "what", "whether", "where"} for w in low[lead + 1 : lead + 4]
    ):
        return _means(low, lead + 1)  # the numbers describe the incident, not a target
    more = shapes.elaboration(low, lead)
    return (
        measurable(text)
        or _means(low, lead + 1)
        or (more >= 0 and shapes.lemma(low[more]) in CONCRETE_VERBS)
        or shapes.purpose_behaviour(low, lead)
        or shapes.criterion(low, lead)
        or shapes.monitor_concrete(low, lead)
        or (
            (low[lead] == "ensure" or _at(low, lead, ("make", "sure")))
            and shapes.ensure_concrete(low, lead)
        )
        or ensure_state(low, lead)
    )


def wording_findings(text: str) -> list[Finding]:
    """Vague-verb, wish-list, shape and memo-style findings on an action's wording alone."""
    toks = tokenize(text)
    low = [t.low for t in toks]
    n = len(low)
    if n == 0:
        return []
    lead = lead_of(toks, low)
    memo = _memo(text, toks, low, lead.lead) or conduct_rule(text, toks, low)
    if memo is not None:
        return [memo]
    if lead.lead < n and _negative_rule(low, lead.lead):
        lead = lead._replace(lead=lead.lead + 1 + (low[lead.lead] == "do"))  # "Do not use X"
    if lead.lead >= n:
        return []
    framed = _frame(text, toks, low, lead)
    if framed is not None:
        return [framed]
    wish = intent_or_need(text, toks, low)
    if wish is not None and not measurable(text):
        return [wish]
    i = lead.lead
    if shapes.lemma(low[i], WITH_LEADS) in WITH_LEADS and i + 1 < n and low[i + 1] == "with":
        to = next((k for k in range(i + 2, n) if low[k] == "to"), -1)
        if to < 0 or to + 1 >= n:
            return [finding(VAGUE_ACTION, VAGUE_VERB, _words(text, toks, (i, i + 1)))]
        i = to + 1
    words = _vague_words(text, toks, low, i) or _joined_vague(text, toks, low, i)
    second = shapes.coordinated(low, i)
    if second >= 0 and words is None:
        verb = shapes.lemma(low[second])
        if verb in VAGUE_VERBS or verb == "think":  # "Fix and improve our alerts"
            words = _words(text, toks, (second, second + (verb == "think")))[0]
    if words is not None:
        forgiven = _forgiven(text, low, i)
        return [] if forgiven else [finding(VAGUE_ACTION, VAGUE_VERB, (words,))]
    shaped = _shape(text, toks, low, lead.first, i)
    return [shaped] if shaped is not None else []
