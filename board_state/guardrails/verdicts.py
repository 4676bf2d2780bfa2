"""Lapses named by the shape of a clause rather than by a failure word (issue 14, round six):

* a verdict on what people did, with "this", "that" or "it" as the subject and a lapse noun as
  the complement ("This was a massive, massive mistake", "This is a significant miss", "This
  was the wrong call", "This was a planning failure"), a possessive lapse with adjectives ("my
  big mistake", "our biggest blunder") and fault that "belongs to" a person ("the biggest
  failure belongs to me");
* an operation people carry out, in a negated past passive ("the health check was never
  enabled", "the previous strategy was not revoked properly", "auto renewal wasn't set up
  properly"): an operation that systems also do ("updated", "set", "removed") counts only with
  a manner that says it was done badly ("properly", "correctly");
* a wrong value that was set ("due to incorrect nameservers being set"), an operation done badly
  ("alarms were improperly configured");
* an elliptical counterfactual after a passive ("Change was approved when it should not have
  been").

Each stands down when the sentence gives a systemic cause (`clauses.systemic_cause`) or names a
system as the agent ("was not enabled by default", "set by the migration script"). A state in
the present tense ("the feature is not enabled") is not a lapse and is left alone.
"""

from __future__ import annotations

from .clauses import agent_is_system, be_before, is_participle, systemic_cause
from .ctx import Ctx

# Verdict nouns: what a sentence calls an act when it judges it ("error" is left out: "this was
# an error in the config" describes a thing).
_VERDICT_NOUNS = frozenset(
    {"mistake", "mistakes", "blunder", "blunders", "slip", "miss", "misstep", "fail"}
)
# Words a verdict's modifiers do not cross: "this was an OS issue from the error message".
_STOP = frozenset({"from", "the", "a", "an", "in", "on", "for", "with", "by", "at", "of", "to"})
_CALL_NOUNS = frozenset({"call", "decision", "choice", "move"})
_BAD_CALL = frozenset({"wrong", "bad", "poor"})
# "A planning failure" names people's work; "a disk failure" does not.
_WORK_FAILURES = frozenset(
    {"planning", "operational", "control", "communication", "coordination", "judgement"}
)
_THIS = frozenset({"this", "that", "it"})
_COPULA = frozenset({"was", "is", "'s", "were"})
_ARTICLES = frozenset({"a", "an", "the"})
_POSSESSIVE = frozenset({"my", "our"})
_OWNED = frozenset({"belongs", "lies", "rests"})
_OWNER = frozenset({"me", "us", "him", "her", "them"})

# Operations people carry out on a system; a negated past passive of one is an omission.
_OPERATIONS = frozenset(
    {"enabled", "disabled", "revoked", "configured", "rotated", "patched", "communicated"}
)
# Operations systems carry out too: an omission only when the manner says it was done badly.
_MANNER = frozenset({"properly", "correctly", "appropriately"})
_PAST_BE = frozenset({"was", "were", "wasn't", "weren't", "been"})
_SET_WORDS = frozenset({"set", "configured", "entered", "specified", "chosen", "selected"})
_WRONG = frozenset({"incorrect", "wrong", "improper", "invalid"})


def _adjectives_to(c: Ctx, k: int, limit: int = 4) -> int:
    """The index after up to `limit` modifier words (adjectives, commas, "very") from k."""
    n = len(c.low)
    while k < n and limit > 0 and (c.low[k] == "," or c.low[k].isalpha()):
        if c.low[k] in _VERDICT_NOUNS | _CALL_NOUNS | _STOP | {"failure", "and", "but"}:
            break
        k += 1
        limit -= 1
    return k


def _verdict_at(c: Ctx, k: int) -> int:
    """The end of a verdict noun phrase's head starting at or after k, else -1."""
    n = len(c.low)
    h = _adjectives_to(c, k)
    if h >= n:
        return -1
    if c.low[h] in _VERDICT_NOUNS:
        return h
    if c.low[h] in _CALL_NOUNS and h > k and c.low[h - 1] in _BAD_CALL:
        return h
    if c.low[h] == "failure" and h > k and c.low[h - 1] in _WORK_FAILURES:
        return h
    return -1


def rule_verdicts(c: Ctx) -> None:
    """'This was a massive mistake', 'It is a significant miss', 'my big mistake', 'the
    biggest failure belongs to me'."""
    n = len(c.low)
    for i, w in enumerate(c.low):
        nxt = c.low[i + 1] if i + 1 < n else ""
        if w in _THIS and nxt in _COPULA and i + 2 < n and c.low[i + 2] in _ARTICLES:
            if c.low[i - 1 : i] and c.low[i - 1] in {"if", "whether", "not"}:
                continue
            h = _verdict_at(c, i + 3)
            located = c.low[h + 1 : h + 2] in (["in"], ["with"])  # "a mistake in the node pool"
            if h >= 0 and not located and not systemic_cause(c, h):
                c.hit("fault", i, h)
        elif w in _POSSESSIVE and nxt not in _VERDICT_NOUNS:
            h = _verdict_at(c, i + 1)
            if h >= 0 and h > i + 1 and c.low[h] in _VERDICT_NOUNS:
                c.hit("fault", i, h)
        elif w in {"failure", "mistake", "fault"} and nxt in _OWNED and i + 3 < n:
            if c.low[i + 2] in {"to", "with"} and c.low[i + 3] in _OWNER:
                c.hit("fault", i, i + 3)


def _past_negated(c: Ctx, p: int) -> int:
    """The "be" of a negated past passive at participle p ("was never enabled", "wasn't set up"),
    else -1."""
    b = be_before(c, p)
    if b < 0 or c.low[b] not in _PAST_BE:
        return -1
    if c.low[b] in {"wasn't", "weren't"} or any(w in {"not", "never"} for w in c.low[b + 1 : p]):
        return b
    return -1


def rule_undone_operations(c: Ctx) -> None:
    """'The health check was never enabled', 'the old strategy was not revoked properly',
    'certificate auto renewal wasn't set up properly', 'due to incorrect nameservers being
    set'."""
    n = len(c.low)
    for p, w in enumerate(c.low):
        if not is_participle(w):
            continue
        after = c.low[p + 1 : p + 3]
        # "not set up properly", "not configured correctly"; not "the cookie was not set
        # properly" (a value systems set too)
        badly = bool(set(after) & _MANNER) and (w in _OPERATIONS or after[:1] == ["up"])
        if w in _OPERATIONS and c.low[p - 1 : p] in (["improperly"], ["poorly"], ["badly"]):
            b = be_before(c, p)  # "alarms were improperly configured"
            if b >= 0 and c.low[b] in _PAST_BE and not agent_is_system(c, p):
                if not systemic_cause(c, p):
                    c.hit("person_failure", p - 1, p)
        elif w in _OPERATIONS or badly:
            b = _past_negated(c, p)
            reason = bool(set(c.low[p + 1 : p + 5]) & {"because", "since", "due"})
            if b >= 0 and not reason and not agent_is_system(c, p) and not systemic_cause(c, p):
                end = p + 1 + after.index(next(a for a in after if a in _MANNER)) if badly else p
                c.hit("person_failure", b, end)
        elif w in _SET_WORDS and p > 1 and c.low[p - 1] in {"being", "been"}:
            k = p - 2
            while k >= 0 and p - k <= 4 and c.low[k] not in _WRONG:
                k -= 1
            if k >= 0 and c.low[k] in _WRONG and not agent_is_system(c, p):
                if not systemic_cause(c, p) and p < n:
                    c.hit("person_failure", k, p)


_ELLIPTIC = frozenset({"should", "shouldn't"})


def rule_elliptic_counterfactual(c: Ctx) -> None:
    """'Change was approved when it should not have been': the counterfactual's participle is
    the passive before it."""
    n = len(c.low)
    for i, w in enumerate(c.low):
        if w not in _ELLIPTIC:
            continue
        k = i + 1 + (i + 1 < n and c.low[i + 1] == "not")
        if c.low[k : k + 2] != ["have", "been"] or (k + 2 < n and c.low[k + 2].isalpha()):
            continue
        p = next((q for q in range(i - 1, max(-1, i - 8), -1) if is_participle(c.low[q])), -1)
        if p >= 0 and be_before(c, p) >= 0 and not agent_is_system(c, p):
            if not systemic_cause(c, i):
                c.hit("counterfactual", i, k + 1)
