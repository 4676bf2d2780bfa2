"""The little grammar the blame check stands on: who is a person, and who is the subject.

* A name is a capitalised given name from `lexicon.FIRST_NAMES` or a token of a participant's
  display name. Names that are also ordinary words (Will, May, Bill, Mark, Grant ...) count only
  where they stand as a subject and not in their ordinary use: after an article or a
  preposition ("the grant", "in May"), before a number ("May 3"), or as a modal ("Will we ...",
  "May have ...").
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
from dataclasses import dataclass, field
from functools import lru_cache

from .lexicon import (
    AMBIGUOUS_NAMES,
    CLAUSE_WORDS,
    DETERMINERS,
    FIRST_NAMES,
    PERSON_WORDS,
    PREPOSITIONS,
    SKIP_LEFT,
    SYSTEM_PROPER,
)
from .text import SENTENCE_END, Token, clause_start, tokenize

PERSON, SYSTEM, PROPER, NONE = "person", "system", "proper", "none"

NEGATIONS = frozenset({"not", "no", "never", "without", "nobody", "none", "nothing", "hardly"})
PRONOUN_SUBJECTS = frozenset({"i", "we", "you", "he", "she", "they", "it", "there", "this"})
FIRST_PERSON = frozenset({"we", "i", "you"})


@dataclass
class Ctx:
    """One text being checked: its tokens, the board's names, and the spans found so far."""

    text: str
    toks: list[Token]
    low: list[str]
    names: frozenset[str]  # participants' name tokens, lower case, not ordinary words
    ambiguous: frozenset[str]  # participants' name tokens that are also ordinary words
    hits: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def hit(self, reason: str, i: int, j: int) -> None:
        spans = self.hits.setdefault(reason, [])
        if all(j < a or i > b for r in self.hits.values() for a, b in r):
            spans.append((i, j))

    def at(self, i: int, phrase: tuple[str, ...]) -> int:
        """End index (inclusive) when `phrase` starts at token i, else -1."""
        if i + len(phrase) > len(self.low):
            return -1
        for k, w in enumerate(phrase):
            if self.low[i + k] != w:
                return -1
        return i + len(phrase) - 1

    def any_at(self, i: int, phrases: Iterable[tuple[str, ...]]) -> int:
        for p in phrases:
            j = self.at(i, p)
            if j >= 0:
                return j
        return -1


# --- names and people -----------------------------------------------------------------------


def name_tokens(names: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Split display names into (plain, ambiguous) lower-case name tokens."""
    return _name_tokens(tuple(names))


@lru_cache(maxsize=256)
def _name_tokens(names: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    plain: set[str] = set()
    ambiguous: set[str] = set()
    for name in names:
        for t in tokenize(name):
            if (
                len(t.low) < 2
                or t.is_punct
                or not t.low.replace("-", "").replace("'", "").isalpha()
            ):
                continue
            if t.low in DETERMINERS or t.low in PREPOSITIONS or t.low in CLAUSE_WORDS:
                continue
            if t.low in AMBIGUOUS_NAMES or t.low in SKIP_LEFT or t.low in PRONOUN_SUBJECTS:
                ambiguous.add(t.low)
            else:
                plain.add(t.low)
    return frozenset(plain), frozenset(ambiguous)


_NAME_BLOCKERS = (
    DETERMINERS
    | PREPOSITIONS
    | frozenset(
        {
            "since",
            "until",
            "by",
            "last",
            "next",
            "early",
            "mid",
            "late",
            "end",
            "during",
            "through",
            "per",
            "to",
            "into",
            "via",
            "monthly",
            "quarterly",
        }
    )
)
_MODAL_FOLLOWERS = frozenset(
    {
        "have",
        "be",
        "not",
        "never",
        "also",
        "we",
        "you",
        "they",
        "i",
        "he",
        "she",
        "it",
        "the",
        "this",
        "that",
        "there",
        "a",
        "an",
        "our",
        "your",
        "their",
        "need",
        "still",
        "only",
        "cause",
        "happen",
        "fail",
        "affect",
    }
)


def is_name(c: Ctx, k: int) -> bool:
    t = c.toks[k]
    low = t.low
    if low in c.ambiguous or (low in AMBIGUOUS_NAMES and low not in c.names):
        if not t.capitalised or t.text.isupper():
            return False
        prev = c.low[k - 1] if k > 0 else ""
        nxt = c.low[k + 1] if k + 1 < len(c.low) else ""
        if prev in _NAME_BLOCKERS or prev.isdigit():
            return False
        if nxt[:1].isdigit():
            return False  # May 3, June 2026
        if low in {"will", "may"} and (
            nxt in _MODAL_FOLLOWERS or t.sentence_start and c.text.rstrip().endswith("?")
        ):
            return False  # the modal verb
        return True
    if low in c.names:
        return True
    return t.capitalised and not t.text.isupper() and low in FIRST_NAMES


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


def first_subject(c: Ctx, start: int, end: int) -> str:
    """The subject of a clause read from its start: skip a leading prepositional phrase and
    determiners, then classify the first word left."""
    k = start
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
        if is_person(c, h):
            return PERSON
        if h > k and c.low[h].endswith("ed"):
            break
    return classify(c, k)


def subject_of(c: Ctx, i: int) -> tuple[str, int]:
    """Who or what is the subject of the verb at token i, and where it was found."""
    start = clause_start(c.toks, i, CLAUSE_WORDS)
    j = i - 1
    while j >= start and (
        c.low[j] in SKIP_LEFT or _is_ly_adverb(c.low[j]) or c.low[j] in {"n't", "then"}
    ):
        j -= 1
    if j < start:
        # A clause joined by "and"/"but"/"or" shares its subject with the one before.
        if start > 0 and c.low[start - 1] in {"and", "but", "or", "then"}:
            prev_start = clause_start(c.toks, start - 1, CLAUSE_WORDS)
            return first_subject(c, prev_start, start - 1), -1
        return NONE, -1
    if c.low[j] in {"who", "that", "which"} and j - 1 >= start:
        j -= 1
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
