"""Names: a capitalised given name from `lexicon.FIRST_NAMES`, or a token of a participant's
display name. Names that are also ordinary words (Will, May, Bill, Mark, Grant ...) count only
where they stand as a subject and not in their ordinary use: after an article or a preposition
("the grant", "in May"), before a number ("May 3"), or as a modal ("Will we ...", "May have
...")."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from .ctx import Ctx
from .lexicon import (
    AMBIGUOUS_NAMES,
    CLAUSE_WORDS,
    DETERMINERS,
    FIRST_NAMES,
    PREPOSITIONS,
    SKIP_LEFT,
)
from .text import tokenize

PRONOUN_SUBJECTS = frozenset({"i", "we", "you", "he", "she", "they", "it", "there", "this"})


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
