"""Word lists the checks read. Plain data, kept apart so a reviewer can audit them at a glance.

Everything here is lower case; the checks compare lower-cased tokens and look at the original
spelling only where capitals carry meaning (a name is capitalised, the modal "will" is not).

The lists live by topic in the `lexicon_*` modules beside this one: `lexicon_names` (given
names, and names that are also words), `lexicon_people` (words for people, proper names of
systems), `lexicon_grammar` (function words the clause grammar walks), `lexicon_blame` (words
that blame whoever they are about), `lexicon_failures` (failure words and what decides them),
`lexicon_actions` (vague and memo-style action wording) and `lexicon_action_leads` (how an
action begins). The checks import every list from here.
"""

from __future__ import annotations

from .lexicon_action_leads import (
    CONCRETE_VERBS,
    LEAD_WORDS,
    MODALS,
)
from .lexicon_actions import (
    EMPTY_LEADS,
    HEDGES,
    INQUIRY_LEADS,
    INQUIRY_NOUNS,
    MEMO_LEAD_PAIRS,
    MEMO_LEADS,
    MEMO_PHRASES,
    VAGUE_OBJECT_LEADS,
    VAGUE_OBJECTS,
    VAGUE_PHRASES,
    VAGUE_VERBS,
    WISH_LEADS,
    WISH_NOUNS,
    WITH_LEADS,
)
from .lexicon_blame import (
    CHARACTER_WORDS,
    ERROR_WORDS,
    FUTURE_MODALS,
    HUMAN_ERROR_HEADS,
    HUMAN_ERROR_TOKENS,
    INCIDENT_NOUNS,
    LAZY_TECH,
    OBVIOUS_NEG,
    WOULD_HAVE_SEEN,
)
from .lexicon_failures import (
    ACCIDENT_WORDS,
    CAUSE_PHRASES,
    CAUSE_VERBS,
    COULD_HAVE,
    DID_NOT,
    HUMAN_VERBS,
    HUMAN_VERBS_ING,
    IGNORE_WORDS,
    MEMORY_WORDS,
    MIS_IMPLIED,
    MIS_VERBS,
    MISSED_OK_OBJECTS,
    NEVER_OK_PAST,
    NOT_FAILURE_VERBS,
    NOT_WATCHING,
    PASSIVE,
    SHOULD_HAVE,
    SLIP_PHRASES,
)
from .lexicon_grammar import (
    CLAUSE_WORDS,
    DETERMINERS,
    PREPOSITIONS,
    SKIP_LEFT,
)
from .lexicon_names import (
    AMBIGUOUS_NAMES,
    FIRST_NAMES,
)
from .lexicon_people import (
    PERSON_WORDS,
    SYSTEM_PROPER,
)

__all__ = [
    "ACCIDENT_WORDS",
    "AMBIGUOUS_NAMES",
    "CAUSE_PHRASES",
    "CAUSE_VERBS",
    "CHARACTER_WORDS",
    "CLAUSE_WORDS",
    "CONCRETE_VERBS",
    "COULD_HAVE",
    "DETERMINERS",
    "DID_NOT",
    "EMPTY_LEADS",
    "ERROR_WORDS",
    "FIRST_NAMES",
    "FUTURE_MODALS",
    "HEDGES",
    "HUMAN_ERROR_HEADS",
    "HUMAN_ERROR_TOKENS",
    "HUMAN_VERBS",
    "HUMAN_VERBS_ING",
    "IGNORE_WORDS",
    "INCIDENT_NOUNS",
    "INQUIRY_LEADS",
    "INQUIRY_NOUNS",
    "LAZY_TECH",
    "LEAD_WORDS",
    "MEMORY_WORDS",
    "MEMO_LEADS",
    "MEMO_LEAD_PAIRS",
    "MEMO_PHRASES",
    "MISSED_OK_OBJECTS",
    "MIS_IMPLIED",
    "MIS_VERBS",
    "MODALS",
    "NEVER_OK_PAST",
    "NOT_FAILURE_VERBS",
    "NOT_WATCHING",
    "OBVIOUS_NEG",
    "PASSIVE",
    "PERSON_WORDS",
    "PREPOSITIONS",
    "SHOULD_HAVE",
    "SKIP_LEFT",
    "SLIP_PHRASES",
    "SYSTEM_PROPER",
    "VAGUE_OBJECTS",
    "VAGUE_OBJECT_LEADS",
    "VAGUE_PHRASES",
    "VAGUE_VERBS",
    "WISH_LEADS",
    "WISH_NOUNS",
    "WITH_LEADS",
    "WOULD_HAVE_SEEN",
]
