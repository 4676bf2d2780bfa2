"""Failure words ("forgot", "failed to", "didn't notice", "should have", ...), judged by who
their subject is: the table of matchers `rule_failures` runs. The words themselves are in
`lexicon_failures.py` (imported, like every list, through `lexicon.py`).

Split from `blame.py`, which holds the other rules and `check_text`; the theory of operation is
at the top of that module. Each matcher recognises the words at one position and says how they
are judged: already decided (`HIT`, `SKIP`), flagged unless the subject is a system
(`IMPLIED`: only people do this), or flagged only with a person as the subject (`PERSON_ONLY`).
"""

from __future__ import annotations

from typing import NamedTuple

from .clauses import (
    agent_is_system,
    clause_subject,
    deliberate,
    hypothetical,
    is_participle,
    main_clause_subject,
    passive_at,
    passive_in_clause,
    reported,
    systemic_cause,
)
from .grammar import (
    FIRST_PERSON,
    NONE,
    PERSON,
    PROPER,
    SYSTEM,
    Ctx,
    first_subject,
    person_in_phrase,
    possessive_person,
    subject_of,
)
from .lexicon import (
    ACCIDENT_WORDS,
    ATTENTION_NOUNS,
    AUTOMATIC_PARTICIPLES,
    CAUSE_PHRASES,
    CAUSE_VERBS,
    CLAUSE_WORDS,
    COULD_HAVE,
    DETERMINERS,
    DID_NOT,
    ERROR_WORDS,
    HUMAN_PAST,
    HUMAN_PRESENT,
    HUMAN_VERBS,
    HUMAN_VERBS_ING,
    IGNORE_WORDS,
    INCIDENT_NOUNS,
    MEMORY_WORDS,
    MIS_IMPLIED,
    MIS_VERBS,
    MISSED_CHANCES,
    MISSED_OK_OBJECTS,
    NEVER_OK_PAST,
    NOT_FAILURE_VERBS,
    NOT_WATCHING,
    PASSIVE,
    PREPOSITIONS,
    SHOULD_HAVE,
    SKIP_LEFT,
    SLIP_PHRASES,
)
from .text import clause_start

# How a matched failure word is judged (see `_rule_failures`).
HIT, SKIP = "hit", "skip"  # the matcher already decided
IMPLIED = "implied"  # only people do this: flag unless the subject is a system
PERSON_ONLY = "person_only"  # systems do this too: flag only with a person as subject


class _Match(NamedTuple):
    end: int  # the last token of the words found
    reason: str  # a key of BLAME_VOICE
    judge: str  # HIT, SKIP, IMPLIED or PERSON_ONLY


def _prev(c: Ctx, i: int) -> str:
    return c.low[i - 1] if i > 0 else ""


def _next(c: Ctx, i: int) -> str:
    return c.low[i + 1] if i + 1 < len(c.low) else ""


def _m_memory(c: Ctx, i: int) -> _Match | None:
    w = c.low[i]
    if w in MEMORY_WORDS:
        if w == "forgotten" and _prev(c, i) in PASSIVE:
            return _Match(i, "memory", HIT)  # "the step was forgotten": by someone
        return _Match(i + (_next(c, i) == "to"), "memory", IMPLIED)
    if w in {"forget", "forgets", "forgetting"}:
        return _Match(i, "memory", IMPLIED)  # "keep forgetting about the registry"
    return None


def _m_ignore(c: Ctx, i: int) -> _Match | None:
    if c.low[i] not in IGNORE_WORDS:
        return None
    prev = _prev(c, i)
    if prev in {"is", "are", "be", "gets", "get"}:
        return _Match(i, "person_failure", SKIP)  # "unknown fields are ignored"
    if prev in PASSIVE | {"completely", "simply"} or passive_at(c, i):
        # "the alert was ignored" blames someone; "the argument was now being ignored"
        # describes software: what was ignored decides.
        kind, k = subject_of(c, i)
        ignored_thing = kind in {SYSTEM, PROPER} and (k < 0 or c.low[k] not in ATTENTION_NOUNS)
        skip = agent_is_system(c, i) or prev == "being" or ignored_thing
        return _Match(i, "person_failure", SKIP if skip else HIT)
    if deliberate(c, i):  # "Temporarily ignoring the events ... in order to allow ..."
        return _Match(i, "person_failure", SKIP)
    return _Match(i + (_next(c, i) == "to"), "person_failure", IMPLIED)


def _m_accident(c: Ctx, i: int) -> _Match | None:
    w = c.low[i]
    if w == "by" and _next(c, i) in {"mistake", "accident"}:
        # "ran the script by mistake", "it was on the Manager cluster by mistake": a person's
        # slip whoever the clause's subject is; "worked around it by accident" is luck
        start = clause_start(c.toks, i, CLAUSE_WORDS)
        lucky = bool(set(c.low[start:i]) & _LUCKY)
        return _Match(i + 1, "person_failure", SKIP if lucky else HIT)
    if w in ACCIDENT_WORDS:
        if _prev(c, i) in _LUCKY:
            return _Match(i, "person_failure", SKIP)  # "it was found unintentionally": luck
        p = i + 1 + (_next(c, i) in {"being", "been"})  # "accidentally being removed"
        passive = p > i + 1 or _prev(c, i) in PASSIVE - {"being"} | {"is", "are"}
        if passive and p < len(c.low) and is_participle(c.low[p]):
            # "was accidentally deleted", but not "was unintentionally triggered" or "were
            # unintentionally relying on"
            auto = c.low[p] in AUTOMATIC_PARTICIPLES or agent_is_system(c, p)
            return _Match(i, "person_failure", SKIP if auto else HIT)
        kind = clause_subject(c, i)  # "I did some things wrongly": the clause's subject
        return _Match(i, "person_failure", HIT if kind in {PERSON, PROPER, NONE} else SKIP)
    return None


def _m_did_not(c: Ctx, i: int) -> _Match | None:
    """'didn't notice', 'failed to check', 'never tested', 'did not roll back'."""
    k = c.any_at(i, DID_NOT)
    if k < 0 or k + 1 >= len(c.low):
        return None
    if c.low[k + 1] == "yet":
        return _Match(k + 1, "person_failure", SKIP)  # "had not yet actioned it": pending
    while k + 2 < len(c.low) and c.low[k + 1] in _BETWEEN_VERB:
        k += 1  # "did not initially recall", "didn't even check"
    if reported(c, i) or deliberate(c, k + 1) or hypothetical(c, i):
        # "confirmed that he did not suspend it"; "did not restart the pods, to keep the logs"
        return _Match(k + 1, "person_failure", SKIP)
    verb = c.low[k + 1]
    if verb == "find" or (verb in _SEEING and _next(c, k + 1) in {"any", "anything", "much"}):
        return _Match(k + 1, "person_failure", SKIP)  # "we didn't see any errors": a finding
    if _consequence(c, i):
        return _Match(k + 1, "person_failure", SKIP)  # "So we did not deploy them together."
    if verb == "think" and _next(c, k + 1) != "to":
        return _Match(k + 1, "person_failure", SKIP)  # "I didn't think anyone used it": a belief
    if c.low[i] == "never":
        if verb in HUMAN_PAST or verb in HUMAN_PRESENT:
            return _Match(k + 1, "person_failure", IMPLIED)
        if (
            (verb.endswith("ed") or verb in {"saw", "caught", "read", "told", "thought", "paid"})
            and verb not in NOT_FAILURE_VERBS
            and verb not in NEVER_OK_PAST
        ):
            return _Match(k + 1, "person_failure", PERSON_ONLY)
        return None
    if verb in HUMAN_VERBS:
        return _Match(k + 1, "person_failure", IMPLIED)
    if (
        verb.isalpha()
        and verb not in NOT_FAILURE_VERBS
        and verb not in SKIP_LEFT
        and verb not in {"to", "a", "the", "be"}
    ):
        return _Match(k + 1, "person_failure", PERSON_ONLY)
    return None


_LUCKY = frozenset(
    {"worked", "fixed", "found", "discovered", "noticed", "resolved", "solved", "avoided"}
)
_NOTE_LEADS = frozenset({"did", "didn't", "missed", "never", "skipped"})
_SEEING = frozenset({"see", "find", "observe", "notice", "spot", "detect"})
_BETWEEN_VERB = frozenset({"initially", "even", "fully", "really", "actually", "yet", "always"})


def _consequence(c: Ctx, i: int) -> bool:
    """Does the sentence of token i open with "So", "Thus" or "Therefore": a consequence of what
    the sentence before said?"""
    s = i
    while s > 0 and c.low[s - 1] not in {".", "!", "?", ";", "\n"}:
        s -= 1
    return c.low[s] in {"so", "thus", "therefore", "hence"} and c.toks[s].capitalised


def _m_should_have(c: Ctx, i: int) -> _Match | None:
    k = c.any_at(i, SHOULD_HAVE)
    if k < 0:
        return None
    nxt = _next(c, k)
    if nxt in DETERMINERS or nxt.endswith("ing") or nxt in {"no", "more", "enough"}:
        return _Match(k, "counterfactual", SKIP)  # "we should have working nodes": possession
    kind, _ = subject_of(c, i)
    # A fragment ("Should have tested the rollback") is about a person, unless it is passive.
    hit = kind == PERSON or (kind == NONE and nxt != "been")
    return _Match(k, "counterfactual", HIT if hit else SKIP)


def _m_could_have(c: Ctx, i: int) -> _Match | None:
    k = c.any_at(i, COULD_HAVE)
    if k < 0:
        return None
    kind, pos = subject_of(c, i)
    # "We could have caught this with a canary" is a lesson; "Maria could have prevented
    # this" is a verdict.
    hit = (
        kind == PERSON
        and pos >= 0
        and c.low[pos] not in FIRST_PERSON
        and _next(c, k) not in {"been", "caused", "happened", "helped"}
    )
    return _Match(k, "counterfactual", HIT if hit else SKIP)


def _m_slips(c: Ctx, i: int) -> _Match | None:
    k = c.any_at(i, SLIP_PHRASES)
    if k >= 0:  # people drop the ball; "the autorenewal screwed up" is a system's failure
        return _Match(k, "person_failure", IMPLIED)
    k = max(c.any_at(i, NOT_WATCHING), c.any_at(i, MISSED_CHANCES))
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
    if k >= len(c.low) or not c.low[k].endswith("ing") or c.low[k][:-3] not in HUMAN_VERBS_ING:
        return None
    start = clause_start(c.toks, i, CLAUSE_WORDS - {"and"})
    kind = first_subject(c, start, i)
    if kind == NONE and start > 0 and c.low[start - 1] == ",":
        kind = main_clause_subject(c, start - 1) or NONE  # "we release it ..., without testing"
    # "was run manually without excluding the namespace": a passive has a person behind it
    by_person = kind == PERSON or passive_in_clause(c, i) >= 0
    return _Match(k, "person_failure", HIT if by_person else SKIP)


def _m_missed(c: Ctx, i: int) -> _Match | None:
    """'missed the alert', but not 'missed its deadline' or 'missed two runs'."""
    if c.low[i] != "missed":
        return None
    n = len(c.low)
    obj = i + 1
    while obj < n and c.low[obj] in DETERMINERS | {
        "first",
        "second",
        "initial",
        "early",
        "two",
        "three",
    }:
        obj += 1
    head = obj
    while (
        head + 1 < n
        and c.low[head + 1].isalpha()
        and c.low[head + 1] not in CLAUSE_WORDS | PREPOSITIONS | SKIP_LEFT
    ):
        head += 1
    if obj >= n or c.toks[obj].is_punct:
        # "a sign we missed": the object came first, in a relative clause
        return _Match(i, "person_failure", PERSON_ONLY)
    if {c.low[obj], c.low[min(head, n - 1)]} & MISSED_OK_OBJECTS:
        return None
    return _Match(i, "person_failure", PERSON_ONLY)


def _m_cause(c: Ctx, i: int) -> _Match | None:
    """'Dana caused the outage', "Dana's change took down prod"."""
    k = c.any_at(i, CAUSE_PHRASES)
    if c.low[i] not in CAUSE_VERBS and k < 0:
        return None
    end = max(i, k)
    if _prev(c, i) in PASSIVE | {"is", "are"}:
        return _Match(end, "person_cause", SKIP)  # passive: "caused by" is its own rule
    kind, _ = subject_of(c, i)
    hit = kind == PERSON or possessive_person(c, i)
    return _Match(end, "person_cause", HIT if hit else SKIP)


def _m_mistake_made(c: Ctx, i: int) -> _Match | None:
    if (
        c.low[i] in {"made", "makes", "make"}
        and i + 2 < len(c.low)
        and c.low[i + 1] in {"a", "an", "the", "this", "that", "another"}
        and c.low[i + 2] in ERROR_WORDS | {"typo", "blunder"}
    ):
        return _Match(i + 2, "person_failure", IMPLIED)
    made = c.low[i + 1 : i + 3] in (["was", "made"], ["were", "made"])
    if c.low[i] in ERROR_WORDS | {"typo", "blunder"} and made:
        return _Match(i + 2, "person_failure", HIT)  # "an error was made when republishing"
    return None


def _m_late(c: Ctx, i: int) -> _Match | None:
    """'noticed late', 'was too slow to page', 'nobody noticed', 'responsible for the outage'."""
    w, nxt = c.low[i], _next(c, i)
    if w in {"noticed", "reacted", "responded", "escalated", "acted", "paged"} and (
        nxt in {"late", "slowly"} or c.at(i + 1, ("too", "late")) >= 0
    ):
        return _Match(i + 1 + (nxt == "too"), "person_failure", PERSON_ONLY)
    if w in {"slow", "late"} and nxt == "to" and i + 2 < len(c.low) and c.low[i + 2] in HUMAN_VERBS:
        return _Match(i + 2, "person_failure", IMPLIED)  # "slow to notice"
    if w in HUMAN_PAST and (
        _prev(c, i) in {"nobody", "noone"} or c.low[max(0, i - 2) : i] == ["no", "one"]
    ):
        return _Match(i, "person_failure", PERSON_ONLY)  # "nobody noticed"
    if (
        w in {"was", "were"}
        and c.any_at(i + 1, (("slow", "to"), ("too", "slow"), ("late", "to"))) >= 0
    ):
        return _Match(i + 2, "person_failure", PERSON_ONLY)
    if w in {"was", "were", "is", "are"} and c.at(i + 1, ("responsible", "for")) > 0:
        k = i + 3
        while k < len(c.low) and c.low[k] in DETERMINERS:
            k += 1
        if k < len(c.low) and c.low[k] in INCIDENT_NOUNS:
            return _Match(k, "fault", PERSON_ONLY)
    return None


_MATCHERS = (
    _m_memory,
    _m_ignore,
    _m_accident,
    _m_did_not,
    _m_should_have,
    _m_could_have,
    _m_slips,
    _m_without,
    _m_missed,
    _m_cause,
    _m_mistake_made,
    _m_late,
)


def _by_person(c: Ctx, end: int) -> bool:
    """Is the failure at `end` a passive with a person as its agent: "botched by the team"?"""
    return (
        end + 2 < len(c.low)
        and c.low[end + 1] == "by"
        and passive_at(c, end)
        and person_in_phrase(c, end + 2)
    )


def rule_failures(c: Ctx) -> None:
    """Failure words, judged by who their subject is: the first matcher that recognises the
    words at a position decides, and the scan goes on after them."""
    i = 0
    while i < len(c.low):
        m = next((m for m in (matcher(c, i) for matcher in _MATCHERS) if m is not None), None)
        if m is None:
            i += 1
            continue
        if m.judge != SKIP and systemic_cause(c, i):
            pass  # "we did not spot this because of a blind spot in our tests"
        elif m.judge == HIT:
            c.hit(m.reason, i, m.end)
        elif m.judge in {IMPLIED, PERSON_ONLY} and _by_person(c, m.end):
            c.hit(m.reason, i, m.end)  # "the release was botched by the mobile team"
        elif m.judge in {IMPLIED, PERSON_ONLY} and not (
            m.end + 2 < len(c.low)
            and c.low[m.end + 1] == "by"
            and not person_in_phrase(c, m.end + 2)
        ):
            # "never acknowledged by the phone app": a system was the agent
            kind, _ = subject_of(c, i)
            # A note that starts with the lapse is about the people writing it: "Did not disable
            # the pipeline despite ...", "Missed a semicolon in the config".
            fragment = kind == NONE and c.toks[i].sentence_start and c.low[i] in _NOTE_LEADS
            if kind == PERSON or fragment or (m.judge == IMPLIED and kind in {NONE, PROPER}):
                c.hit(m.reason, i, m.end)
        i = m.end + 1
