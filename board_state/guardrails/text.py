"""Tokens and clauses: the little grammar the wording checks stand on.

A token keeps its exact spelling and offsets, so a finding can quote the words as written.
Sentences end at . ! ? ; : and line breaks; a clause also ends at a comma, a dash or a joining
word ("and", "because", "when" ...). The subject of a verb is searched for inside its clause.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Times (14:02), versions and hosts (v1.2, api.example.com), contractions and hyphenated words
# (didn't, on-call) are single tokens; other punctuation is a token of its own.
_TOKEN = re.compile(
    r"[0-9]+(?::[0-9]+)+"
    r"|[A-Za-z0-9]+(?:[.'’\-/_][A-Za-z0-9]+)*(?:['’]s\b)?"
    r"|[.,;:!?()\[\]\"“”—–]|\n|(?<=\s)-(?=\s)"
)
SENTENCE_END = frozenset(".!?;:\n")
CLAUSE_END = SENTENCE_END | frozenset(',()[]"“”—–-')


class Token(NamedTuple):
    text: str  # as written
    low: str  # lower case, curly apostrophe made straight, possessive 's removed
    start: int
    end: int
    possessive: bool
    sentence_start: bool  # the first token of its sentence

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def is_punct(self) -> bool:
        return self.low in CLAUSE_END


def tokenize(text: str) -> list[Token]:
    out: list[Token] = []
    new_sentence = True
    for m in _TOKEN.finditer(text):
        raw = m.group(0)
        low = raw.lower().replace("’", "'")
        possessive = (
            low.endswith("'s")
            and len(low) > 2
            and low
            not in {
                "it's",
                "that's",
                "what's",
                "there's",
                "who's",
                "here's",
                "let's",
                "he's",
                "she's",
            }
        )
        if possessive:
            low = low[:-2]
        out.append(Token(raw, low, m.start(), m.end(), possessive, new_sentence))
        # After a quote, a bracket or a dash a capital letter may start a fragment.
        new_sentence = (
            low in SENTENCE_END
            or (new_sentence and low in CLAUSE_END)
            or low in {'"', "“", "(", "[", "—", "–", "-"}
        )
    return out


def words_of(text: str, tokens: list[Token], i: int, j: int) -> str:
    """The exact text from token i to token j inclusive."""
    return text[tokens[i].start : tokens[j].end]


def clause_start(tokens: list[Token], i: int, joiners: frozenset[str]) -> int:
    """Index of the first token of the clause that token i belongs to."""
    k = i - 1
    while k >= 0:
        t = tokens[k]
        if t.is_punct or (t.low in joiners and not _idiom(tokens, k)):
            return k + 1
        k -= 1
    return 0


def _idiom(tokens: list[Token], k: int) -> bool:
    """A joining word used inside a phrase: "at once", "such as", "as well"."""
    prev = tokens[k - 1].low if k > 0 else ""
    nxt = tokens[k + 1].low if k + 1 < len(tokens) else ""
    return (tokens[k].low == "once" and prev == "at") or (
        tokens[k].low == "as"
        and (prev in {"such", "well", "same", "so"} or nxt == "well" or _version(nxt))
    )


def _version(word: str) -> bool:
    """A version or a number ("as v1.21.0", "as 2.0"): "as" is then a preposition."""
    return word[:1].isdigit() or (word[:1] == "v" and word[1:2].isdigit())


def sentence_bounds(tokens: list[Token], i: int) -> tuple[int, int]:
    """[start, end) of the sentence holding token i."""
    s = i
    while s > 0 and tokens[s - 1].low not in SENTENCE_END:
        s -= 1
    e = i
    while e < len(tokens) and tokens[e].low not in SENTENCE_END:
        e += 1
    return s, e


def has_number(text: str) -> bool:
    return re.search(r"\d", text) is not None
