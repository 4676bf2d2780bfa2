"""Blameful wording: `check_text(text, names=...)`.

Theory of operation. Some phrases carry blame whoever they are about ("human error",
"careless", "if only", "obviously", "just had to"). Most failure words do not: "the consumer
failed to reconnect" is a fine sentence, "the operator failed to drain the node" is not. For
those the check finds the subject of the verb (`grammar.subject_of`) and asks whether it is a
person:

* Words that only people do ("forgot", "ignored", "didn't notice", "failed to check") are
  flagged unless the subject is clearly a system; a fragment without a subject counts as a
  person ("Forgot to update the status page").
* Words that systems do too ("failed to", "didn't", "missed", "skipped", "caused", "should
  have") are flagged only with a person as the subject.
* A person named as the cause or at fault ("caused by the intern", "root cause: Dana",
  "Ahmed's mistake", "the outage is on Daniel") is flagged; "nobody's fault" is not.

Each rule below is a small function over the token list; `_rule_failures` runs a table of
matchers, the first to recognise the words at a position decides. Findings are grouped by
reason (one `Finding` per reason, see `findings.BLAME_VOICE`), each with the words as written.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from .findings import BLAME, BLAME_VOICE, Finding, finding
from .grammar import (
    FIRST_PERSON, NONE, PERSON, PROPER, Ctx, first_subject, is_person,
    is_person_phrase, name_tokens, negated_before, person_in_phrase, possessive_person,
    subject_of,
)
from .lexicon import (
    CLAUSE_WORDS, DETERMINERS, HUMAN_VERBS, INCIDENT_NOUNS, NOT_FAILURE_VERBS, PERSON_WORDS,
    PREPOSITIONS, SKIP_LEFT,
)
from .text import SENTENCE_END, clause_start, tokenize

__all__ = ["check_text", "is_person_phrase", "name_tokens"]

_IRREGULAR_PAST = {
    "see": "saw", "read": "read", "catch": "caught", "think": "thought", "tell": "told",
    "pay": "paid", "spot": "spotted", "understand": "understood", "hear": "heard",
}


def _past(verb: str) -> str:
    if verb in _IRREGULAR_PAST:
        return _IRREGULAR_PAST[verb]
    return verb + ("d" if verb.endswith("e") else "ed")


HUMAN_PAST = frozenset(_past(v) for v in HUMAN_VERBS)
# Verbs only people do, in the past tense, and the phrases that go with them.
MEMORY_WORDS = frozenset({"forgot", "forgotten"})
IGNORE_WORDS = frozenset({"ignored", "overlooked", "neglected", "disregarded", "dismissed",
                          "ignoring", "overlooking", "neglecting", "disregarding"})
CAUSE_VERBS = frozenset({"caused", "broke", "triggered"})
CAUSE_PHRASES = (("took", "down"), ("brought", "down"), ("took", "out"), ("knocked", "over"),
                 ("blew", "up"), ("took", "prod", "down"), ("broke", "prod"))
SLIP_PHRASES = (("dropped", "the", "ball"), ("messed", "up"), ("screwed", "up"), ("goofed",),
                ("blundered",), ("botched",), ("fell", "asleep"), ("zoned", "out"),
                ("wasn't", "paying", "attention"), ("weren't", "paying", "attention"),
                ("not", "paying", "attention"), ("was", "distracted"), ("were", "distracted"),
                ("didn't", "bother"), ("did", "not", "bother"))
ACCIDENT_WORDS = frozenset({"accidentally", "mistakenly", "inadvertently", "wrongly",
                            "erroneously", "unintentionally"})
CHARACTER_WORDS = frozenset({
    "careless", "carelessness", "carelessly", "negligent", "negligence", "negligently",
    "incompetent", "incompetence", "reckless", "recklessly", "sloppy", "sloppiness",
    "irresponsible", "irresponsibly", "lazy", "laziness", "stupid", "idiot", "idiotic",
    "clueless", "sloppily",
})
# "lazy" is also software: lazy loading, lazy evaluation.
LAZY_TECH = frozenset({"loading", "load", "loaded", "evaluation", "initialization",
                       "initialisation", "init", "instantiation", "import", "imports", "fetch",
                       "iterator", "sequence", "deletion", "expiry", "expiration", "eval"})
HUMAN_ERROR_HEADS = frozenset({"human", "operator", "user", "engineer", "pilot", "developer",
                               "admin", "people", "personnel", "staff", "manual"})
ERROR_WORDS = frozenset({"error", "errors", "mistake", "mistakes", "slip", "slips", "blunder"})
HUMAN_ERROR_TOKENS = frozenset({"pebkac", "pebcak", "id10t", "fat-fingered", "fat-finger",
                                "fat-fingering"})
MISSED_OK_OBJECTS = frozenset({"sla", "slas", "slo", "slos", "target", "targets", "deadline",
                               "deadlines", "window", "budget", "cutoff", "cut-off", "quota",
                               "heartbeat", "heartbeats", "health", "beat", "beats", "batch",
                               "cycle", "tick", "ticks", "run", "runs", "cron", "schedule",
                               "slot", "connection", "packets", "packet"})
SHOULD_HAVE = (("should", "have"), ("should've",), ("shouldn't", "have"),
               ("should", "not", "have"), ("ought", "to", "have"), ("oughta", "have"),
               ("should", "really", "have"), ("should", "just", "have"),
               ("should", "simply", "have"), ("should", "obviously", "have"))
COULD_HAVE = (("could", "have"), ("could've",), ("could", "easily", "have"),
              ("could", "just", "have"), ("could", "simply", "have"))
DID_NOT = (("didn't",), ("did", "not"), ("never",), ("failed", "to"), ("neglected", "to"),
           ("forgot", "to"), ("fails", "to"), ("failing", "to"), ("doesn't",),
           ("does", "not"), ("hadn't",), ("had", "not"), ("wasn't", "able", "to"),
           ("couldn't", "be", "bothered", "to"))
NOT_WATCHING = tuple((be, v) for be in ("wasn't", "weren't") for v in (
    "watching", "looking", "checking", "monitoring", "listening", "reading", "concentrating",
    "focused", "focusing")) + tuple(("was", "not", v) for v in ("watching", "looking",
                                                              "checking", "monitoring"))
MIS_VERBS = frozenset({"misconfigured", "mistyped", "misread", "misjudged", "misunderstood",
                       "misinterpreted", "mislabeled", "mislabelled", "misclicked",
                       "mis-typed", "misconfigured", "misentered", "misplaced"})
MIS_IMPLIED = frozenset({"misread", "misjudged", "misunderstood", "misinterpreted",
                         "misclicked"})
# Stems of "-ing" forms of diligence verbs: "without checking", "instead of following".
# Only diligence: "instead of waiting" describes a choice, "without checking" a lapse.
HUMAN_VERBS_ING = frozenset({"check", "test", "verify", "follow", "read", "review", "look",
                             "ask", "confirm", "double-check", "notic", "escalat", "tell",
                             "inform", "us", "consult", "warn", "validat", "monitor"})
HUMAN_PRESENT = frozenset(v + ("es" if v.endswith(("s", "sh", "ch")) else "s")
                          for v in HUMAN_VERBS)
WOULD_HAVE_SEEN = tuple(p + (v,) for p in (("would", "have"), ("would've",))
                        for v in ("seen", "noticed", "caught", "known", "spotted", "realised",
                                  "realized", "checked"))
FUTURE_MODALS = frozenset({"would", "will", "could", "can", "might", "may", "'d", "'ll"})
OBVIOUS_NEG = frozenset({"not", "no", "non", "nothing", "less", "hardly", "never", "far",
                         "wasn't", "isn't", "weren't", "aren't", "none"})


# --- the rules --------------------------------------------------------------------------------

def _rule_phrases(c: Ctx) -> None:
    """Phrases that carry blame whoever they are about."""
    n = len(c.low)
    for i, w in enumerate(c.low):
        nxt = c.low[i + 1] if i + 1 < n else ""
        if w in HUMAN_ERROR_HEADS and nxt in ERROR_WORDS and not c.toks[i].possessive:
            if not negated_before(c, i):
                c.hit("human_error", i, i + 1)
        elif w in HUMAN_ERROR_TOKENS or (w == "fat" and nxt in {"finger", "fingered",
                                                                 "fingering"}):
            c.hit("human_error", i, i + 1 if w == "fat" else i)
        elif w in {"rookie", "stupid", "silly", "dumb"} and nxt in ERROR_WORDS:
            c.hit("character", i, i + 1)
        elif w in CHARACTER_WORDS:
            if w in {"lazy", "laziness"} and nxt in LAZY_TECH | {"-"}:
                continue
            if w == "sloppy" and nxt in {"joins", "join", "matching", "match"}:
                continue
            c.hit("character", i, i)
        elif w == "if" and nxt == "only":
            c.hit("counterfactual", i, i + 1)
        elif w in {"just", "only", "simply"} and nxt in {"had", "needed"} and \
                i + 2 < n and c.low[i + 2] == "to":
            c.hit("hindsight", i, i + 2)
        elif w == "all" and i + 3 < n and c.low[i + 1] in PERSON_WORDS and \
                c.low[i + 2] in {"had", "needed"} and c.low[i + 3] == "to":
            c.hit("hindsight", i, i + 3)
        elif w in {"obviously", "obvious"}:
            before = c.low[max(0, i - 3):i]
            # Negated ("not obvious") it describes a hidden signal; after a future or
            # conditional modal ("it would obviously help") it is not about the past.
            # "obvious once we saw the graph" says when it became clear, not who should have
            # seen it.
            if not any(b in OBVIOUS_NEG or b.endswith("n't") or b in FUTURE_MODALS
                       for b in (before if w == "obvious" else before[-2:])) and \
                    not (w == "obvious" and nxt in {"once", "after", "when", "from"}):
                c.hit("hindsight", i, i)
        elif w == "simply":
            prev = c.low[i - 1] if i > 0 else ""
            if prev in {"should", "could", "would", "have", "should've", "could've",
                        "would've", "just"} or nxt in MEMORY_WORDS | IGNORE_WORDS | {
                            "didn't", "failed", "missed", "forgot", "never", "did"}:
                c.hit("hindsight", i, i)
        elif (w == "half" and c.at(i, ("half", "a", "brain")) >= 0) or (
                w == "any" and nxt in {"idiot", "fool"}):
            c.hit("character", i, i + 2 if w == "half" else i + 1)
        elif w in {"would", "would've"} and c.any_at(i, WOULD_HAVE_SEEN) >= 0:
            # "anyone would have seen it": a counterfactual about people
            k = c.any_at(i, WOULD_HAVE_SEEN)
            start = clause_start(c.toks, i, CLAUSE_WORDS)
            if any(c.low[h] in {"anyone", "anybody", "everyone", "everybody", "any"}
                   for h in range(start, i)):
                c.hit("counterfactual", i, k)
        elif w in {"asleep"} and nxt == "at":
            c.hit("character", i, min(i + 3, n - 1))


# How a matched failure word is judged (see `_rule_failures`).
HIT, SKIP = "hit", "skip"            # the matcher already decided
IMPLIED = "implied"                  # only people do this: flag unless the subject is a system
PERSON_ONLY = "person_only"          # systems do this too: flag only with a person as subject
PASSIVE = frozenset({"was", "were", "been", "being", "got"})
NEVER_OK_PAST = frozenset({"received", "needed", "wanted", "expected", "happened", "existed",
                           "intended", "seemed", "appeared"})


class _Match(NamedTuple):
    end: int       # the last token of the words found
    reason: str    # a key of BLAME_VOICE
    judge: str     # HIT, SKIP, IMPLIED or PERSON_ONLY


def _prev(c: Ctx, i: int) -> str:
    return c.low[i - 1] if i > 0 else ""


def _next(c: Ctx, i: int) -> str:
    return c.low[i + 1] if i + 1 < len(c.low) else ""


def _m_memory(c: Ctx, i: int) -> _Match | None:
    w = c.low[i]
    if w in MEMORY_WORDS:
        if w == "forgotten" and _prev(c, i) in PASSIVE:
            return _Match(i, "memory", HIT)             # "the step was forgotten": by someone
        return _Match(i + (_next(c, i) == "to"), "memory", IMPLIED)
    if w in {"forget", "forgets", "forgetting"}:
        return _Match(i, "memory", PERSON_ONLY)
    return None


def _m_ignore(c: Ctx, i: int) -> _Match | None:
    if c.low[i] not in IGNORE_WORDS:
        return None
    prev = _prev(c, i)
    if prev in {"is", "are", "be", "gets", "get"}:
        return _Match(i, "person_failure", SKIP)        # "unknown fields are ignored"
    if prev in PASSIVE | {"completely", "simply"}:
        by_system = _next(c, i) == "by" and not person_in_phrase(c, i + 2)
        return _Match(i, "person_failure", SKIP if by_system else HIT)
    return _Match(i + (_next(c, i) == "to"), "person_failure", IMPLIED)


def _m_accident(c: Ctx, i: int) -> _Match | None:
    w = c.low[i]
    if w == "by" and _next(c, i) in {"mistake", "accident"}:
        # "ran the script by mistake": the subject is the clause's
        kind = first_subject(c, clause_start(c.toks, i, CLAUSE_WORDS), i)
        return _Match(i + 1, "person_failure", HIT if kind in {PERSON, PROPER, NONE} else SKIP)
    if w in ACCIDENT_WORDS:
        if _prev(c, i) in PASSIVE - {"being"}:
            return _Match(i, "person_failure", HIT)     # "was accidentally deleted"
        return _Match(i, "person_failure", IMPLIED)
    return None


def _m_did_not(c: Ctx, i: int) -> _Match | None:
    """'didn't notice', 'failed to check', 'never tested', 'did not roll back'."""
    k = c.any_at(i, DID_NOT)
    if k < 0 or k + 1 >= len(c.low):
        return None
    verb = c.low[k + 1]
    if c.low[i] == "never":
        if verb in HUMAN_PAST or verb in HUMAN_PRESENT:
            return _Match(k + 1, "person_failure", IMPLIED)
        if (verb.endswith("ed") or verb in {"saw", "caught", "read", "told", "thought",
                                            "paid"}) and \
                verb not in NOT_FAILURE_VERBS and verb not in NEVER_OK_PAST:
            return _Match(k + 1, "person_failure", PERSON_ONLY)
        return None
    if verb in HUMAN_VERBS:
        return _Match(k + 1, "person_failure", IMPLIED)
    if verb.isalpha() and verb not in NOT_FAILURE_VERBS and verb not in SKIP_LEFT and \
            verb not in {"to", "a", "the", "be"}:
        return _Match(k + 1, "person_failure", PERSON_ONLY)
    return None


def _m_should_have(c: Ctx, i: int) -> _Match | None:
    k = c.any_at(i, SHOULD_HAVE)
    if k < 0:
        return None
    kind, _ = subject_of(c, i)
    # A fragment ("Should have tested the rollback") is about a person, unless it is passive.
    hit = kind == PERSON or (kind == NONE and _next(c, k) != "been")
    return _Match(k, "counterfactual", HIT if hit else SKIP)


def _m_could_have(c: Ctx, i: int) -> _Match | None:
    k = c.any_at(i, COULD_HAVE)
    if k < 0:
        return None
    kind, pos = subject_of(c, i)
    # "We could have caught this with a canary" is a lesson; "Maria could have prevented
    # this" is a verdict.
    hit = kind == PERSON and pos >= 0 and c.low[pos] not in FIRST_PERSON and \
        _next(c, k) not in {"been", "caused", "happened"}
    return _Match(k, "counterfactual", HIT if hit else SKIP)


def _m_slips(c: Ctx, i: int) -> _Match | None:
    k = c.any_at(i, SLIP_PHRASES)
    if k >= 0:
        return _Match(k, "person_failure", HIT)         # only people drop the ball
    k = c.any_at(i, NOT_WATCHING)
    if k >= 0:
        return _Match(k, "person_failure", IMPLIED)
    w = c.low[i]
    if w in MIS_VERBS or w == "skipped":
        return _Match(i, "person_failure", IMPLIED if w in MIS_IMPLIED else PERSON_ONLY)
    return None


def _m_without(c: Ctx, i: int) -> _Match | None:
    """'shipped the build without testing', 'instead of following the plan'."""
    w = c.low[i]
    if w not in {"without", "instead"} or i + 1 >= len(c.low):
        return None
    k = i + 1 + (w == "instead" and c.low[i + 1] == "of")
    if k >= len(c.low) or not c.low[k].endswith("ing") or \
            c.low[k][:-3] not in HUMAN_VERBS_ING:
        return None
    start = clause_start(c.toks, i, CLAUSE_WORDS - {"and"})
    return _Match(k, "person_failure", HIT if first_subject(c, start, i) == PERSON else SKIP)


def _m_missed(c: Ctx, i: int) -> _Match | None:
    """'missed the alert', but not 'missed its deadline' or 'missed two runs'."""
    if c.low[i] != "missed":
        return None
    n = len(c.low)
    obj = i + 1
    while obj < n and c.low[obj] in DETERMINERS | {"first", "second", "initial", "early", "two",
                                                   "three"}:
        obj += 1
    head = obj
    while head + 1 < n and c.low[head + 1].isalpha() and \
            c.low[head + 1] not in CLAUSE_WORDS | PREPOSITIONS | SKIP_LEFT:
        head += 1
    if obj >= n or {c.low[obj], c.low[min(head, n - 1)]} & MISSED_OK_OBJECTS:
        return None
    return _Match(i, "person_failure", PERSON_ONLY)


def _m_cause(c: Ctx, i: int) -> _Match | None:
    """'Dana caused the outage', "Dana's change took down prod"."""
    k = c.any_at(i, CAUSE_PHRASES)
    if c.low[i] not in CAUSE_VERBS and k < 0:
        return None
    end = max(i, k)
    if _prev(c, i) in PASSIVE | {"is", "are"}:
        return _Match(end, "person_cause", SKIP)        # passive: "caused by" is its own rule
    kind, _ = subject_of(c, i)
    hit = kind == PERSON or possessive_person(c, i)
    return _Match(end, "person_cause", HIT if hit else SKIP)


def _m_mistake_made(c: Ctx, i: int) -> _Match | None:
    if c.low[i] in {"made", "makes", "make"} and i + 2 < len(c.low) and \
            c.low[i + 1] in {"a", "an", "the", "this", "that", "another"} and \
            c.low[i + 2] in ERROR_WORDS | {"typo", "blunder"}:
        return _Match(i + 2, "person_failure", IMPLIED)
    return None


def _m_late(c: Ctx, i: int) -> _Match | None:
    """'noticed late', 'was too slow to page', 'nobody noticed', 'responsible for the outage'."""
    w, nxt = c.low[i], _next(c, i)
    if w in {"noticed", "reacted", "responded", "escalated", "acted", "paged"} and \
            (nxt in {"late", "slowly"} or c.at(i + 1, ("too", "late")) >= 0):
        return _Match(i + 1 + (nxt == "too"), "person_failure", PERSON_ONLY)
    if w in {"slow", "late"} and nxt == "to" and i + 2 < len(c.low) and \
            c.low[i + 2] in HUMAN_VERBS:
        return _Match(i + 2, "person_failure", IMPLIED)  # "slow to notice"
    if w in HUMAN_PAST and (_prev(c, i) in {"nobody", "noone"} or
                            c.low[max(0, i - 2):i] == ["no", "one"]):
        return _Match(i, "person_failure", PERSON_ONLY)  # "nobody noticed"
    if w in {"was", "were"} and c.any_at(i + 1, (("slow", "to"), ("too", "slow"),
                                                 ("late", "to"))) >= 0:
        return _Match(i + 2, "person_failure", PERSON_ONLY)
    if w in {"was", "were", "is", "are"} and c.at(i + 1, ("responsible", "for")) > 0:
        k = i + 3
        while k < len(c.low) and c.low[k] in DETERMINERS:
            k += 1
        if k < len(c.low) and c.low[k] in INCIDENT_NOUNS:
            return _Match(k, "fault", PERSON_ONLY)
    return None


_MATCHERS = (_m_memory, _m_ignore, _m_accident, _m_did_not, _m_should_have, _m_could_have,
             _m_slips, _m_without, _m_missed, _m_cause, _m_mistake_made, _m_late)


def _rule_failures(c: Ctx) -> None:
    """Failure words, judged by who their subject is: the first matcher that recognises the
    words at a position decides, and the scan goes on after them."""
    i = 0
    while i < len(c.low):
        m = next((m for m in (matcher(c, i) for matcher in _MATCHERS) if m is not None), None)
        if m is None:
            i += 1
            continue
        if m.judge == HIT:
            c.hit(m.reason, i, m.end)
        elif m.judge in {IMPLIED, PERSON_ONLY} and not (
                m.end + 2 < len(c.low) and c.low[m.end + 1] == "by"
                and not person_in_phrase(c, m.end + 2)):
            # "never acknowledged by the phone app": a system was the agent
            kind, _ = subject_of(c, i)
            if kind == PERSON or (m.judge == IMPLIED and kind in {NONE, PROPER}):
                c.hit(m.reason, i, m.end)
        i = m.end + 1


def _rule_counterfactual_if(c: Ctx) -> None:
    """'If Dana had checked ...': a conditional about what a person did not do."""
    n = len(c.low)
    for i, w in enumerate(c.low):
        if w != "if" or i + 2 >= n:
            continue
        k = i + 1
        while k < n and c.low[k] in DETERMINERS and k < i + 3:
            k += 1
        # allow a role phrase: "if the on-call engineer had"
        h = k
        while h + 1 < n and h < k + 2 and c.low[h + 1] not in {"had", "hadn't"} and \
                c.low[h + 1].isalpha():
            h += 1
        if h + 1 < n and c.low[h + 1] in {"had", "hadn't"} and is_person(c, h) and \
                c.low[h] not in FIRST_PERSON:
            after = c.low[h + 2] if h + 2 < n else ""
            if after not in {"been", "known", "had", "access", "a", "an", "the", "no"}:
                c.hit("counterfactual", i, h + 1)


def _rule_as_cause(c: Ctx) -> None:
    """A person named as the cause: 'caused by the intern', 'root cause: Dana'."""
    n = len(c.low)
    lead = (("caused", "by"), ("because", "of"), ("due", "to"), ("thanks", "to"),
            ("blamed", "on"), ("blame", "on"), ("fault", "of"), ("triggered", "by"),
            ("root", "cause", "was"), ("root", "cause", "is"), ("root", "cause", ":"),
            ("root", "cause", "-"), ("the", "cause", "was"), ("cause", ":"),
            ("blame", "lies", "with"), ("blame", "lay", "with"), ("blame", "falls", "on"),
            ("blame", "is", "on"), ("fault", "lies", "with"), ("fault", "lay", "with"))
    for i in range(n):
        k = c.any_at(i, lead)
        if k < 0 and c.any_at(i, (("was", "made", "by"), ("were", "made", "by"))) >= 0 and \
                set(c.low[clause_start(c.toks, i, CLAUSE_WORDS):i]) & (ERROR_WORDS | {"typo"}):
            k = i + 2   # "the mistake was made by the new hire"
        if k < 0:
            continue
        s = k + 1
        while s < n and c.low[s] in DETERMINERS:
            s += 1
        if s < n and person_in_phrase(c, s):
            reason = "fault" if c.low[i].startswith("blame") or c.low[i] == "fault" \
                else "person_cause"
            c.hit(reason, i, k)


def _nobody(c: Ctx, k: int) -> bool:
    """Is token k "nobody" or "no one": "nobody's fault" clears people of blame."""
    return c.low[k] in {"nobody", "noone", "none"} or (
        c.low[k] == "one" and k > 0 and c.low[k - 1] == "no")


def _rule_blame_fault(c: Ctx) -> None:
    n = len(c.low)
    for i, w in enumerate(c.low):
        if w in {"blame", "blamed", "blames", "blaming"}:
            if negated_before(c, i, 4) or (i > 0 and c.low[i - 1] in {"no", "the"}):
                continue
            prev2 = c.low[max(0, i - 3):i]
            s = i + 1
            while s < n and c.low[s] in DETERMINERS:
                s += 1
            if w != "blame" or c.low[i - 1:i] != ["to"]:
                if s < n and person_in_phrase(c, s):
                    c.hit("fault", i, i)
                    continue
            if i > 0 and c.low[i - 1] == "to":
                # "Dana was to blame", "who is to blame"
                if "who" in prev2 or "who's" in prev2 or "whom" in prev2:
                    c.hit("fault", i - 1, i)
                    continue
                kind, _ = subject_of(c, i - 2 if i >= 2 and c.low[i - 2] in {
                    "is", "was", "are", "were", "be"} else i - 1)
                if kind in {PERSON, PROPER}:
                    c.hit("fault", i - 1, i)
        elif w in ERROR_WORDS | {"typo", "screw-up", "screwup", "oversight", "fault", "faults"} \
                and i > 0 and (c.low[i - 1] in {"my", "his", "her", "whose", "someone's",
                                                "somebody's"} or (c.toks[i - 1].possessive and is_person(
                                                    c, i - 1, possessive_ok=True))) \
                and not negated_before(c, i - 1, 2) and not _nobody(c, i - 1):
            c.hit("fault", i - 1, i)   # "Ahmed's mistake", "his typo", "my fault"
        elif w == "fault" or w == "faults":
            prev = c.low[i - 1] if i > 0 else ""
            prev_tok = c.toks[i - 1] if i > 0 else None
            if prev == "at":
                if not negated_before(c, i - 1, 3):
                    kind, _ = subject_of(c, i - 2 if i >= 2 and c.low[i - 2] in {
                        "is", "was", "are", "were", "be", "been"} else i - 1)
                    if kind in {PERSON, PROPER, NONE} or "who" in c.low[max(0, i - 4):i]:
                        c.hit("fault", i - 1, i)
            elif prev in {"my", "your", "his", "her", "their", "our", "whose", "someone's",
                          "somebody's"}:
                c.hit("fault", i - 1, i)
            elif prev_tok is not None and prev_tok.possessive and \
                    is_person(c, i - 1, possessive_ok=True) and not _nobody(c, i - 1):
                if c.low[i - 2:i - 1] not in (["no"], ["not"]) and \
                        not negated_before(c, i - 1, 2):
                    c.hit("fault", i - 1, i)
            elif i + 2 < n and c.low[i + 1] in {"lies", "lay", "lay's", "is", "was"} and \
                    c.low[i + 2] in {"with", "on"} and i + 3 < n and person_in_phrase(
                        c, i + 3 + (c.low[i + 3] in DETERMINERS)):
                c.hit("fault", i, i + 2)


def _rule_wrong(c: Ctx) -> None:
    """'The DBA dropped the wrong table': a person picked wrongly."""
    for i in range(1, len(c.low)):
        if c.low[i] in {"wrong", "incorrect"} and c.low[i - 1] in {"the", "a", "an"}:
            start = clause_start(c.toks, i, CLAUSE_WORDS - {"and"})
            if first_subject(c, start, i) == PERSON:
                c.hit("person_failure", i - 1, i)


def _rule_on_person(c: Ctx) -> None:
    """'The outage is on Daniel', 'that's on me': the incident put on a person."""
    n = len(c.low)
    for i in range(1, n - 1):
        if c.low[i] != "on" or c.low[i - 1] not in {"is", "was", "that's", "it's", "that",
                                                    "this", "it", "'s"}:
            continue
        k = i + 1
        while k + 1 < n and c.low[k] in DETERMINERS:
            k += 1
        for h in range(k, min(n - 1, k + 2)):   # "on the platform team"
            if not c.low[h + 1].isalpha() or c.low[h + 1] in CLAUSE_WORDS | {"for"}:
                break
            k = h + 1
        nxt = c.low[k + 1] if k + 1 < n else "."
        if c.toks[k].possessive or not (nxt in SENTENCE_END or nxt in {",", "and", "for",
                                                                      "because", "-", "—"}):
            continue
        if c.low[k] in {"me", "us", "him", "her", "them", "you"} or is_person(c, k):
            start = clause_start(c.toks, i, CLAUSE_WORDS)
            subj = c.low[start:i - 1]
            if c.low[i - 1] in {"that's", "it's"} or set(subj) & (INCIDENT_NOUNS | {
                    "this", "that", "it", "one"}):
                c.hit("fault", i - 1, k)


_RULES = (_rule_wrong, _rule_on_person, _rule_phrases, _rule_failures, _rule_counterfactual_if, _rule_as_cause,
          _rule_blame_fault)


@lru_cache(maxsize=8192)
def _check(text: str, plain: frozenset[str], ambiguous: frozenset[str]) -> tuple[Finding, ...]:
    toks = tokenize(text)
    c = Ctx(text, toks, [t.low for t in toks], plain, ambiguous)
    for rule in _RULES:
        rule(c)
    out: list[Finding] = []
    for reason, spans in c.hits.items():
        if not spans:
            continue
        words = tuple(dict.fromkeys(text[toks[a].start:toks[b].end] for a, b in sorted(spans)))
        out.append(finding(BLAME, BLAME_VOICE[reason], words))
    return tuple(out)


def check_text(text: str, *, names: Iterable[str] = ()) -> list[Finding]:
    """Blame findings for any free text: one per reason, each with the words as written.
    `names` are display names of the people on the board; they count as personal names."""
    plain, ambiguous = name_tokens(names)
    return list(_check(text, plain, ambiguous))

