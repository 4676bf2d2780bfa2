"""The little grammar the blame check stands on: who is a person, and who is the subject.

* A name is a capitalised given name or a token of a participant's display name (`names.py`).
* A person is a name, a role noun (`lexicon.PERSON_WORDS`: operator, engineer, on-call, they,
  someone, nobody ...), or "no one".
* The subject of a verb is found by walking left from it inside its clause, over auxiliaries
  and adverbs ("Dana then simply forgot"), back over a relative pronoun ("the engineer who
  ...") or a prepositional tail ("the engineer on the rota"). The word it lands on is a person,
  a system (any other word), a capitalised unknown in mid-sentence (perhaps a name not on our
  list: PROPER), or nothing at all (a fragment such as "Forgot to drain the node": NONE).
"""

from __future__ import annotations

from collections.abc import Iterable

from .ctx import NONE, PERSON, PROPER, SYSTEM, Ctx
from .lexicon import (
    CLAUSE_WORDS,
    DETERMINERS,
    PERSON_WORDS,
    PREPOSITIONS,
    SKIP_LEFT,
    SYSTEM_PROPER,
)
from .names import is_name, name_tokens
from .text import SENTENCE_END, clause_start, tokenize

__all__ = [
    "FIRST_PERSON",
    "NONE",
    "PERSON",
    "PROPER",
    "SYSTEM",
    "Ctx",
    "classify",
    "first_subject",
    "is_name",
    "is_person",
    "is_person_phrase",
    "name_tokens",
    "negated_before",
    "person_in_phrase",
    "possessive_person",
    "subject_of",
]

NEGATIONS = frozenset({"not", "no", "never", "without", "nobody", "none", "nothing", "hardly"})
FIRST_PERSON = frozenset({"we", "i", "you"})


def is_person(c: Ctx, k: int, *, possessive_ok: bool = False) -> bool:
    """Is token k a person? A role word in the possessive ("the operator's") counts only when
    asked for: as a modifier it usually names a thing ("the on-call's phone")."""
    t = c.toks[k]
    low = t.low
    if t.text in {"US", "UK", "EU", "IT"}:
        return t.text == "IT"  # the IT department; the others are places
    if low == "one" and k > 0 and c.low[k - 1] in {"no", "every", "any", "some"}:
        return True
    if low in PERSON_WORDS and (possessive_ok or not t.possessive):
        return True
    return is_name(c, k)


def _is_ly_adverb(low: str) -> bool:
    return (
        low.endswith("ly")
        and len(low) > 4
        and low
        not in {
            "family",
            "supply",
            "assembly",
            "reply",
            "anomaly",
            "rally",
            "ally",
            "daily",
            "weekly",
            "monthly",
            "italy",
            "poly",
            "apply",
            "multiply",
            "jelly",
            "belly",
            "early",
            "only",
        }
    )


def classify(c: Ctx, j: int) -> str:
    t = c.toks[j]
    if is_person(c, j):
        return PERSON
    if t.is_punct:
        return NONE
    low = t.low
    # A capitalised unknown word in mid-sentence may be a name we do not know, unless it looks
    # like a plural ("Payments", "Backups"): names ending in s are on the list.
    if (
        t.capitalised
        and not t.text.isupper()
        and not t.sentence_start
        and low.isalpha()
        and low not in SYSTEM_PROPER
        and low not in PERSON_WORDS
        and not (low.endswith("s") and not low.endswith("ss"))
    ):
        return PROPER
    return SYSTEM


_NOT_GERUNDS = frozenset(
    {
        "during",
        "including",
        "according",
        "regarding",
        "following",
        "concerning",
        "pending",
        "considering",
        "morning",
        "evening",
        "nothing",
        "something",
        "anything",
        "everything",
        "thing",
        "things",
        "string",
        "spring",
        "ring",
        "ping",
        "king",
        "bring",
    }
)
_SUBORDINATORS = frozenset({"while", "when", "whilst", "after", "before", "since", "by"})


def gerund(c: Ctx, k: int) -> bool:
    """Is token k an "-ing" form heading a clause ("Appointing an incident manager could have
    helped", "while troubleshooting accidentally pushed")?"""
    w = c.low[k]
    return w.endswith("ing") and len(w) > 5 and w not in _NOT_GERUNDS and not is_person(c, k)


_PRONOUNS = frozenset({"we", "i", "you", "they", "he", "she"})


def first_subject(c: Ctx, start: int, end: int) -> str:
    """The subject of a clause read from its start: skip a leading prepositional phrase and
    determiners, then classify the first word left. A clause opened by a gerund has an action
    for its subject ("Appointing a lead could have helped": SYSTEM), or none after "while",
    "when", "after" ... ("while troubleshooting accidentally pushed": NONE)."""
    k = start
    if k < end and gerund(c, k):
        return NONE if k > 0 and c.low[k - 1] in _SUBORDINATORS else SYSTEM
    if k < end and c.low[k] in PREPOSITIONS | {"during", "around", "after", "before", "by"}:
        k += 1
        while k < end and (
            c.low[k] in DETERMINERS
            or c.low[k][:1].isdigit()
            or not is_person(c, k)
            and k < start + 3
        ):
            k += 1
    while k < end and (c.low[k] in DETERMINERS or c.low[k] in SKIP_LEFT):
        k += 1
    if k >= end:
        return NONE
    # The head may come a word or two later: "Mobile team", "the data engineer".
    for h in range(k, min(end, k + 3)):
        if c.low[h] in SKIP_LEFT or c.low[h] in PREPOSITIONS or c.toks[h].is_punct:
            break
        if h > k and c.low[h] in _PRONOUNS:
            break  # "The code we run ...": a relative clause begins
        if is_person(c, h):
            return PERSON
        if h > k and c.low[h].endswith("ed"):
            break
    return classify(c, k)


def subject_of(c: Ctx, i: int) -> tuple[str, int]:
    """Who or what is the subject of the verb at token i, and where it was found. A
    parenthesis just before the verb is skipped: "The code we run (NotifiedProjects) did not
    consider ..."."""
    start = clause_start(c.toks, i, CLAUSE_WORDS)
    if start > 0 and start == i and c.low[start - 1] == ")":
        opening = max((k for k in range(start - 1) if c.low[k] == "("), default=-1)
        if opening > 0:  # the sentence's subject: "The code we run to figure out who ..."
            start = opening
            while start > 0 and c.low[start - 1] not in {".", "!", "?", ";"}:
                start -= 1
            return first_subject(c, start, opening), -1
    j = i - 1
    while j >= start and (
        c.low[j] in SKIP_LEFT or _is_ly_adverb(c.low[j]) or c.low[j] in {"n't", "then"}
    ):
        j -= 1
    if j < start:
        # A clause joined by "and"/"but"/"or" shares its subject with the one before.
        if start > 0 and c.low[start - 1] in {"and", "but", "or", "then"}:
            end = start - 1 - (start > 1 and c.low[start - 2] == ",")  # ", but did not ..."
            prev_start = clause_start(c.toks, end, CLAUSE_WORDS)
            if prev_start > 0 and c.low[prev_start - 1] == "that":
                # "We understood that X was breaking, but underestimated ...": the subject
                # of the clause around the "that"
                end = prev_start - 1
                prev_start = clause_start(c.toks, end, CLAUSE_WORDS)
            return first_subject(c, prev_start, end), -1
        return NONE, -1
    if c.low[j] in {"who", "that", "which"} and j - 1 >= start:
        j -= 1
    if start < len(c.low) and gerund(c, start) and j >= start:
        # "Appointing an incident manager could ...", "while troubleshooting accidentally ..."
        return first_subject(c, start, j + 1), -1
    kind = classify(c, j)
    # "the engineer on the rota", "the consumer in the EU region": the head comes before the
    # preposition.
    for _ in range(2):
        if kind == PERSON:
            break
        k = j - 1
        steps = 0
        while (
            k >= start
            and steps < 3
            and (
                c.low[k] in DETERMINERS
                or c.toks[k].possessive
                or (
                    c.low[k].isalpha()
                    and c.toks[k].low not in PREPOSITIONS
                    and c.low[k] not in SKIP_LEFT
                )
            )
        ):
            k -= 1
            steps += 1
        if k > start and c.low[k] in PREPOSITIONS:
            j = k - 1
            kind = classify(c, j)
        else:
            break
    if kind != PERSON:
        # "the engineer who deployed the change forgot": the subject is before "who".
        for k in range(j - 1, start - 1, -1):
            if c.low[k] == "whoever":
                return PERSON, k
            if c.low[k] == "who" and k > start and is_person(c, k - 1):
                return PERSON, k - 1
            if (
                k + 2 <= j
                and c.low[k + 1].endswith("ing")
                and c.low[k + 2] in DETERMINERS
                and is_person(c, k)
            ):
                return PERSON, k  # "the person solving the problem wasn't sure"
    return kind, j


def possessive_person(c: Ctx, i: int) -> bool:
    """Does the subject phrase before token i hold a person's possessive (Dana's, his, her)?"""
    start = clause_start(c.toks, i, CLAUSE_WORDS)
    for k in range(start, i):
        if c.low[k] in {"his", "her"}:
            return True
        if c.toks[k].possessive and is_person(c, k, possessive_ok=True):
            return True
    return False


def negated_before(c: Ctx, i: int, span: int = 3) -> bool:
    start = clause_start(c.toks, i, CLAUSE_WORDS)
    for k in range(max(start, i - span), i):
        if c.low[k] in NEGATIONS or c.low[k].endswith("n't"):
            return True
    return False


def person_in_phrase(c: Ctx, i: int, width: int = 4) -> bool:
    """Is there a person at the head of the noun phrase starting at token i?"""
    k = i
    while k < len(c.low) and k < i + width:
        t = c.toks[k]
        if t.is_punct or c.low[k] in CLAUSE_WORDS or c.low[k] in {"who", "that", "which"}:
            return False
        if is_person(c, k) and c.low[k] not in FIRST_PERSON | {"us"}:
            nxt = c.low[k + 1] if k + 1 < len(c.low) else "."
            if (
                t.possessive
                or nxt in SENTENCE_END
                or nxt in {",", "who", "that", "and", "or"}
                or nxt in PREPOSITIONS
                or nxt in CLAUSE_WORDS
                or nxt in SKIP_LEFT
                or nxt.endswith("ing")
                or nxt.endswith("ed")
                or is_name(c, k)
            ):
                return True
        if c.low[k] in {"his", "her"}:
            return True
        k += 1
    return False


_PHRASE_LEAD = DETERMINERS | frozenset(
    {"because", "of", "due", "to", "it", "was", "is", "the", "simply", "just", "basically", "that"}
)


def is_person_phrase(text: str, *, names: Iterable[str] = ()) -> str:
    """When `text` is nothing but a person ("Dana.", "Because of the on-call engineer", "The new
    intern"), the word that names them, as written; else "". A five-whys answer like this has
    stopped at a person."""
    plain, ambiguous = name_tokens(names)
    toks = [t for t in tokenize(text) if not t.is_punct]
    c = Ctx(text, toks, [t.low for t in toks], plain, ambiguous)
    k = 0
    while k < len(toks) and c.low[k] in _PHRASE_LEAD:
        k += 1
    rest = toks[k:]
    if not 1 <= len(rest) <= 5:
        return ""
    last = len(toks) - 1
    if is_person(c, last) and c.low[last] not in FIRST_PERSON | {"us", "it", "them"}:
        return toks[last].text
    return ""
