"""Lapses the failure words of `failures.py` do not reach, found by the shape of the clause:

* a passive that names a slip or a lapse, whoever its subject ("one of the inputs was entered
  incorrectly", "this was merged by mistake", "a prior step was missed", "the process was not
  followed") unless a system is its agent ("not caught by the tests") or the act is one systems
  do on their own ("the pipeline was unintentionally triggered");
* a counterfactual passive ("should have been caught in review", "shouldn't have been rushed");
* a person unaware ("he wasn't fully aware", "without being aware of the risk");
* a person's act with an error as its object ("Engineer deployed invalid config") or named as a
  slip ("an accidental execution of a command", "the wrong push of a button");
* "my bad", "you shouldn't have merged", "we should be more careful".

Every rule stands down when the sentence gives a systemic cause for the lapse
(`clauses.systemic_cause`). Split from `blame.py`, which runs these with its other rules.
"""

from __future__ import annotations

from .clauses import (
    agent_is_system,
    be_before,
    clause_subject,
    is_participle,
    passive_at,
    passive_in_clause,
    systemic_cause,
)
from .ctx import NONE, PERSON, PROPER, Ctx
from .grammar import subject_of
from .lexicon import (
    ACT_ADJECTIVES,
    ACT_NOUNS,
    ATTENTION_NOUNS,
    ATTENTION_PARTICIPLES,
    AUTOMATIC_PARTICIPLES,
    AUTOMATION_NOUNS,
    BEHAVIOUR_WORDS,
    CLAUSE_WORDS,
    DETERMINERS,
    ERROR_ADJECTIVES,
    ERROR_WORDS,
    HUMAN_VERBS,
    HUMAN_VERBS_ING,
    INCIDENT_NOUNS,
    LAPSE_NOUNS,
    LAPSE_PARTICIPLES,
    LUCK_PARTICIPLES,
    MISSED_OK_OBJECTS,
    OPERATION_VERBS,
    SHOULD_HAVE,
    SLIP_ADVERBS,
)
from .text import clause_start

_NEGATED_BE = frozenset({"wasn't", "weren't", "isn't", "aren't"})
_POSSESSIVES = frozenset({"my", "our", "his", "her", "their"})
# Adverbs that make a person's act a slip, in an active clause with a person as its subject:
# "the engineer incorrectly assumed", "I prematurely released", "I regrettably deleted".
_PERSON_SLIPS = frozenset({"incorrectly", "errantly", "prematurely", "hastily", "regrettably"})
_SUBJECT_WORDS = frozenset({"i", "we", "you", "your", "you're", "he", "she", "they"})


def _negated_passive(c: Ctx, p: int) -> bool:
    b = be_before(c, p)
    return b >= 0 and (
        c.low[b] in _NEGATED_BE or any(w in {"not", "never", "n't"} for w in c.low[b + 1 : p])
    )


def _missed_ok(c: Ctx, p: int) -> bool:
    """ "The deadline was missed", "two runs were missed": a missed slot, not a lapse."""
    b = be_before(c, p)
    return any(w in MISSED_OK_OBJECTS for w in c.low[max(0, b - 3) : b])


def rule_passive_lapses(c: Ctx) -> None:
    """Passives that name a slip or a lapse of attention."""
    n = len(c.low)
    for i, w in enumerate(c.low):
        nxt = c.low[i + 1] if i + 1 < n else ""
        if w in LAPSE_PARTICIPLES and passive_at(c, i):
            if not (w == "missed" and _missed_ok(c, i)) and not agent_is_system(c, i):
                if not systemic_cause(c, i):
                    c.hit("person_failure", be_before(c, i), i)
        elif w in ATTENTION_PARTICIPLES and passive_at(c, i) and _negated_passive(c, i):
            if not agent_is_system(c, i) and not systemic_cause(c, i):
                c.hit("person_failure", be_before(c, i), i)
        elif w in SLIP_ADVERBS or (w == "by" and nxt in {"mistake", "accident"}):
            p = passive_in_clause(c, i)
            if (
                p >= 0
                and c.low[p] not in AUTOMATIC_PARTICIPLES | LUCK_PARTICIPLES
                and not agent_is_system(c, p)
                and not systemic_cause(c, i)
            ):
                c.hit("person_failure", i, i + (w == "by"))


# What people are meant to act on: "an issue which should have been addressed".
_TASKS = (
    ATTENTION_NOUNS
    | INCIDENT_NOUNS
    | {"issue", "issues", "problem", "problems", "bug", "bugs", "risk", "risks", "step", "steps"}
)


def rule_counterfactual_passive(c: Ctx) -> None:
    """'Should have been caught in review': a counterfactual about what people did not do."""
    n = len(c.low)
    for i in range(n):
        k = c.any_at(i, SHOULD_HAVE)
        if k < 0 or k + 2 >= n or c.low[k + 1] != "been":
            continue
        p = k + 2
        while p < n - 1 and c.low[p].endswith("ly") and not is_participle(c.low[p]):
            p += 1
        if i > 1 and c.low[i - 1] in {"that", "which"} and c.low[i - 2] not in _TASKS:
            continue  # "sequences that should have been published were removed": which ones
        if (
            is_participle(c.low[p])
            and c.low[p] not in AUTOMATIC_PARTICIPLES
            and not agent_is_system(c, p)
            and not systemic_cause(c, i)
        ):
            c.hit("counterfactual", i, p)


def rule_unaware(c: Ctx) -> None:
    """A person unaware: 'he wasn't fully aware', 'unaware of the change', 'without being aware
    of the risk', 'wasn't sure how to debug'."""
    n = len(c.low)
    for i, w in enumerate(c.low):
        if w == "without" and c.at(i + 1, ("being", "aware")) >= 0:
            end = i + 2
        elif w == "unaware":
            end = i
        elif w in {"aware", "sure"} and i > 0:
            b = i - 1
            while b > 0 and (c.low[b] in {"not", "fully", "really", "entirely", "quite"}):
                b -= 1
            negated = c.low[b] in _NEGATED_BE or "not" in c.low[b + 1 : i]
            if not (negated and c.low[b] in {"was", "were", "is", "are", "am"} | _NEGATED_BE):
                continue
            if w == "sure" and c.at(i + 1, ("how", "to")) < 0:
                continue
            kind, _ = subject_of(c, b)
            if kind in {PERSON, PROPER} and not systemic_cause(c, i):
                c.hit("person_failure", b, i)
            continue
        else:
            continue
        if clause_subject(c, i) in {PERSON, PROPER, NONE} and not systemic_cause(c, i):
            c.hit("person_failure", i, min(end, n - 1))


def _act_head(c: Ctx, k: int) -> bool:
    """Is the act noun at k the head of its phrase, and the act a person's: "an accidental
    execution of a command" but not "the wrong execution results" or "an unintentional
    execution of the pipeline"?"""
    nxt = c.low[k + 1] if k + 1 < len(c.low) else "."
    if nxt == "of":
        obj = k + 2 + (k + 2 < len(c.low) and c.low[k + 2] in DETERMINERS)
        return obj >= len(c.low) or c.low[obj] not in AUTOMATION_NOUNS
    return c.toks[k + 1].is_punct if k + 1 < len(c.low) else True


def _lapse_named(c: Ctx, i: int) -> bool:
    """'a configuration oversight', 'a misunderstanding of requirements', but not 'lack of
    oversight' or 'oversight of the project' (supervision)."""
    before = c.low[max(0, i - 3) : i]
    after = c.low[i + 1] if i + 1 < len(c.low) else ""
    if not set(before) & {"a", "an", "this", "that", "the", "our", "my"}:
        return False
    supervision = {"lack", "without", "no", "more", "regulatory", "little", "sacrifice"}
    supervision |= {"provide", "require", "need", "adequate", "sufficient", "human"}
    return not set(before) & supervision and not (
        c.low[i] == "oversight" and after in {"of", "committee", "board", "over"}
    )


def rule_error_acts(c: Ctx) -> None:
    """A person's act with an error as its object ('deployed invalid config') or named as a slip
    ('an accidental execution of the command', 'the wrong push of a button')."""
    n = len(c.low)
    for i, w in enumerate(c.low):
        nxt = c.low[i + 1] if i + 1 < n else ""
        if w in ACT_ADJECTIVES and nxt in ACT_NOUNS and _act_head(c, i + 1):
            c.hit("person_failure", i, i + 1)
        elif w in LAPSE_NOUNS and _lapse_named(c, i) and not systemic_cause(c, i):
            c.hit("person_failure", i - 1 if c.low[i - 1] != "a" else i, i)
        elif w in OPERATION_VERBS and not passive_at(c, i):
            k = i + 1 + (nxt in DETERMINERS)
            if k < n and c.low[k] in ERROR_ADJECTIVES and not c.toks[k].is_punct:
                # the verb's own subject: "User realizes that I also made an incorrect ..."
                if subject_of(c, i)[0] in {PERSON, PROPER, NONE} and not systemic_cause(c, i):
                    c.hit("person_failure", i, k)


def rule_own_fault(c: Ctx) -> None:
    """'My bad', 'an error on my part', 'a bad habit I have', 'it was a bad idea to deploy',
    and 'you shouldn't merge ...': fault put on a person."""
    n = len(c.low)
    for i, w in enumerate(c.low):
        nxt = c.low[i + 1] if i + 1 < n else ""
        after = c.low[i + 2] if i + 2 < n else "."
        if w == "on" and nxt in _POSSESSIVES and after == "part" and i > 0:
            if c.low[i - 1] in ERROR_WORDS | {"oversight", "fault"}:
                c.hit("fault", i - 1, i + 2)  # "an error on my part"
        elif (
            w == "bad"
            and nxt in {"habit", "habits"}
            and (
                c.low[i - 1 : i]
                and c.low[i - 1] in _POSSESSIVES
                or after in {"i", "we", "he", "she"}
            )
        ):
            c.hit("character", i, i + 1)
        elif w == "bad" and nxt in {"idea", "practice"} and after == "to":
            c.hit("hindsight", i, i + 2)  # "it was a bad idea to deploy that many changes"
        elif w == "bad" and nxt == "at" and set(c.low[max(0, i - 3) : i]) & _SUBJECT_WORDS:
            c.hit("character", i, i + 1)  # "you're so bad at version bumps"
        elif w in ERROR_WORDS | {"oversight"} and nxt in _SUBJECT_WORDS - {"your", "you're"}:
            if after in {"did", "made", "had", "have"}:
                c.hit("fault", i, i + 2)  # "I realised the mistake I did"
        elif w in {"spent", "took", "wasted"} and (c.at(i + 1, ("way", "too")) > 0 or nxt == "too"):
            k = i + 1 + (nxt == "way")
            if c.low[k + 1 : k + 2] in (["much"], ["long"]) and clause_subject(c, i) == PERSON:
                c.hit("person_failure", i, k + 1)  # "we spent way too much time trying to ..."
        elif w in _POSSESSIVES and nxt in {"wrong", "incorrect", "mistaken"}:
            c.hit("fault", i, i + 1)  # "sorry for my wrong operation"
        elif w == "please" and (nxt in {"don't", "never"} or c.at(i + 1, ("do", "not")) > 0):
            c.hit("counterfactual", i, i + 1 + (nxt == "do"))  # "Please don't merge broken ..."
        elif w == "good" and nxt == "idea" and _negated_opinion(c, i):
            c.hit("hindsight", i, i + 1)  # "I don't think it's a good idea to have your ..."
        elif w in _POSSESSIVES and nxt == "bad":
            if c.toks[i + 1].is_punct or after in {",", ".", "!", ";", "as", "for", "on", "-"}:
                c.hit("fault", i, i + 1)
        elif w == "you" and nxt in {"should", "shouldn't", "must", "mustn't"}:
            if clause_start(c.toks, i, CLAUSE_WORDS) == i and "?" not in c.low[i:]:
                c.hit("counterfactual", i, i + 1)


def _negated_opinion(c: Ctx, i: int) -> bool:
    """Is the "good idea" at i negated and about someone's act: "not a good idea to", "don't
    think it's a good idea to have your password ..."?"""
    before = c.low[max(0, i - 6) : i]
    return (
        any(w in {"not", "never"} or w.endswith("n't") for w in before)
        and c.low[i + 2 : i + 3] == ["to"]
        and c.low[i - 1 : i] == ["a"]
    )


def rule_behaviour(c: Ctx) -> None:
    """'We should be more careful', 'we need to be better at following the process': an appeal
    to a person's care instead of a question about the system."""
    n = len(c.low)
    for i, w in enumerate(c.low):
        if w != "be" or i == 0:
            continue
        m = i - 1 - (c.low[i - 1] == "to")
        if m < 0 or c.low[m] not in {"should", "must", "need", "needs", "have", "has", "ought"}:
            continue
        k = i + 1
        while k < n and c.low[k] in {"more", "extra", "much", "a", "bit", "lot"}:
            k += 1
        good = k < n and (
            c.low[k] in BEHAVIOUR_WORDS or (c.low[k] == "better" and c.low[k + 1 : k + 2] == ["at"])
        )
        if good and subject_of(c, m)[0] in {PERSON, PROPER}:
            c.hit("character", m, k)


def rule_knowing_choices(c: Ctx) -> None:
    """A lapse or a decision made against what was known: "not double checking the region",
    "did not disable the pipeline despite being aware of the risk", "decided to push anyway",
    "was deemed good enough by the reviewer"."""
    n = len(c.low)
    for i, w in enumerate(c.low):
        nxt = c.low[i + 1] if i + 1 < n else ""
        after = c.low[i + 2] if i + 2 < n else ""
        if w in _PERSON_SLIPS and clause_start(c.toks, i, CLAUSE_WORDS) < i:
            # "the engineer incorrectly assumed", not "Incorrectly configured identifiers led to"
            if clause_subject(c, i) == PERSON and not passive_at(c, i + 1):
                c.hit("person_failure", i, i)
        elif w == "not" and nxt.endswith("ing") and _diligence(nxt) and after != "anything":
            start = clause_start(c.toks, i, CLAUSE_WORDS)
            if (i == start or c.low[i - 1] in {"by", "for"}) and not systemic_cause(c, i):
                if clause_subject(c, i) in {PERSON, PROPER, NONE}:
                    c.hit("person_failure", i, i + 1)
        elif w == "despite" and (
            c.at(i + 1, ("being", "aware")) > 0 or nxt in {"knowing", "warnings", "the"}
        ):
            if nxt == "the" and c.low[i + 2 : i + 3] not in (["warning"], ["warnings"], ["risk"]):
                continue
            if clause_subject(c, i) in {PERSON, PROPER, NONE}:
                c.hit("person_failure", i, i + 2)
        elif w == "decided" and nxt == "to" and set(c.low[i:]) & _AGAINST:
            if subject_of(c, i)[0] in {PERSON, PROPER, NONE}:
                c.hit("person_failure", i, i + 1)
        elif w == "deemed" and (nxt in _GOOD_ENOUGH or c.at(i + 1, ("good", "enough")) > 0):
            c.hit("person_failure", i, i + 1 + (nxt == "good"))


_AGAINST = frozenset({"despite", "anyway", "regardless", "although", "nevertheless"})
_GOOD_ENOUGH = frozenset({"safe", "sufficient", "acceptable", "adequate", "harmless"})


def _diligence(word: str) -> bool:
    """'checking', 'double-checking', 'testing', 'verifying': the -ing of a diligence verb."""
    stem = word[:-3]
    return stem in HUMAN_VERBS_ING or stem.endswith("-check") or stem + "e" in HUMAN_VERBS
