"""Words that carry blame whoever they are about: "human error", character words, hindsight
("obviously", "anyone would have seen"), and the incident nouns a person may be put at fault
for. Read by `blame.py`'s rules. Part of the word lists `lexicon.py` gathers.
"""

from __future__ import annotations

CHARACTER_WORDS = frozenset(
    {
        "careless",
        "carelessness",
        "carelessly",
        "negligent",
        "negligence",
        "negligently",
        "incompetent",
        "incompetence",
        "reckless",
        "recklessly",
        "sloppy",
        "sloppiness",
        "irresponsible",
        "irresponsibly",
        "lazy",
        "laziness",
        "stupid",
        "idiot",
        "idiotic",
        "clueless",
        "sloppily",
    }
)

# "lazy" is also software: lazy loading, lazy evaluation.
LAZY_TECH = frozenset(
    {
        "loading",
        "load",
        "loaded",
        "evaluation",
        "initialization",
        "initialisation",
        "init",
        "instantiation",
        "import",
        "imports",
        "fetch",
        "iterator",
        "sequence",
        "deletion",
        "expiry",
        "expiration",
        "eval",
    }
)

HUMAN_ERROR_HEADS = frozenset(
    {
        "human",
        "operator",
        "user",
        "engineer",
        "pilot",
        "developer",
        "admin",
        "people",
        "personnel",
        "staff",
        "manual",
    }
)

ERROR_WORDS = frozenset({"error", "errors", "mistake", "mistakes", "slip", "slips", "blunder"})

HUMAN_ERROR_TOKENS = frozenset(
    {"pebkac", "pebcak", "id10t", "fat-fingered", "fat-finger", "fat-fingering"}
)

WOULD_HAVE_SEEN = tuple(
    p + (v,)
    for p in (("would", "have"), ("would've",))
    for v in ("seen", "noticed", "caught", "known", "spotted", "realised", "realized", "checked")
)

FUTURE_MODALS = frozenset({"would", "will", "could", "can", "might", "may", "'d", "'ll"})

OBVIOUS_NEG = frozenset(
    {
        "not",
        "no",
        "non",
        "nothing",
        "less",
        "hardly",
        "never",
        "far",
        "wasn't",
        "isn't",
        "weren't",
        "aren't",
        "none",
    }
)

# Nouns for incidents, for "responsible for the outage".
INCIDENT_NOUNS: frozenset[str] = frozenset(
    [
        "outage",
        "incident",
        "failure",
        "breach",
        "downtime",
        "mistake",
        "error",
        "problem",
        "issue",
        "crash",
        "loss",
        "disruption",
    ]
)
