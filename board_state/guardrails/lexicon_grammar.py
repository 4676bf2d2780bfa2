"""Function words the small clause grammar (`grammar.py`) walks: what sits between a subject
and its verb, what opens a noun phrase, where a clause starts. Part of the word lists
`lexicon.py` gathers.
"""

from __future__ import annotations

# Tokens the subject search walks over, leftwards from a failure verb: auxiliaries, negation
# and adverbs that sit between a subject and its verb ("Dana then simply forgot").
SKIP_LEFT: frozenset[str] = frozenset(
    [
        "not",
        "never",
        "also",
        "then",
        "just",
        "simply",
        "probably",
        "apparently",
        "clearly",
        "obviously",
        "had",
        "has",
        "have",
        "was",
        "were",
        "is",
        "are",
        "did",
        "does",
        "do",
        "should",
        "could",
        "would",
        "might",
        "must",
        "still",
        "again",
        "already",
        "initially",
        "first",
        "later",
        "eventually",
        "completely",
        "totally",
        "accidentally",
        "mistakenly",
        "inadvertently",
        "unfortunately",
        "somehow",
        "actually",
        "really",
        "both",
        "reportedly",
        "allegedly",
        "likely",
        "possibly",
        "immediately",
        "only",
        "even",
        "once",
        "ever",
        "themselves",
        "himself",
        "herself",
        "myself",
        "ourselves",
        "keep",
        "keeps",
        "kept",
    ]
)

# Words that begin or sit inside a noun phrase before its head.
DETERMINERS: frozenset[str] = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "our",
        "their",
        "its",
        "his",
        "her",
        "my",
        "your",
        "some",
        "every",
        "each",
        "all",
        "any",
        "no",
    ]
)

PREPOSITIONS: frozenset[str] = frozenset(
    ["of", "on", "in", "from", "at", "for", "with", "behind", "inside", "within"]
)

# Where a new clause starts: its subject is searched for after this point only.
CLAUSE_WORDS: frozenset[str] = frozenset(
    [
        "and",
        "but",
        "or",
        "so",
        "because",
        "since",
        "when",
        "while",
        "after",
        "before",
        "until",
        "although",
        "though",
        "whereas",
        "once",
        "unless",
        "if",
        "as",
        "where",
    ]
)
