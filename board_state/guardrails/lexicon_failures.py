"""Failure words ("forgot", "failed to", "didn't notice", "should have", ...) and the words
around them that decide how they are judged. Read by `failures.py`'s matchers. Part of the word
lists `lexicon.py` gathers.
"""

from __future__ import annotations

# Verbs of attention and diligence: "did not <verb>" or "failed to <verb>" with one of these is
# a statement about a person even when the subject is left out ("Didn't check the graphs").
HUMAN_VERBS: frozenset[str] = frozenset(
    [
        "notice",
        "check",
        "verify",
        "follow",
        "read",
        "test",
        "review",
        "look",
        "see",
        "realize",
        "realise",
        "escalate",
        "communicate",
        "ask",
        "tell",
        "inform",
        "double-check",
        "catch",
        "spot",
        "confirm",
        "consider",
        "understand",
        "warn",
        "document",
        "heed",
        "respond",
        "react",
        "acknowledge",
        "watch",
        "monitor",
        "pay",
        "listen",
        "think",
        "remember",
        "bother",
        "wait",
        "coordinate",
        "announce",
        "update",
        "reply",
        "answer",
    ]
)

_IRREGULAR_PAST = {
    "see": "saw",
    "read": "read",
    "catch": "caught",
    "think": "thought",
    "tell": "told",
    "pay": "paid",
    "spot": "spotted",
    "understand": "understood",
    "hear": "heard",
}


def _past(verb: str) -> str:
    if verb in _IRREGULAR_PAST:
        return _IRREGULAR_PAST[verb]
    return verb + ("d" if verb.endswith("e") else "ed")


# The verbs of attention and diligence, inflected: "noticed", "checks".
HUMAN_PAST = frozenset(_past(v) for v in HUMAN_VERBS)
HUMAN_PRESENT = frozenset(v + ("es" if v.endswith(("s", "sh", "ch")) else "s") for v in HUMAN_VERBS)

# "did not <verb>" with these is not a failure: it reports a state or a fact of the world
# ("we did not have an alert", "the on-call did not receive the page").
NOT_FAILURE_VERBS: frozenset[str] = frozenset(
    [
        "have",
        "has",
        "had",
        "know",
        "learn",
        "feel",
        "knew",
        "receive",
        "get",
        "got",
        "need",
        "want",
        "expect",
        "anticipate",
        "mean",
        "intend",
        "exist",
        "appear",
        "happen",
        "own",
        "hold",
        "belong",
        "matter",
        "require",
        "seem",
        "reach",
        "affect",
        "apply",
        "lose",
        "include",
        "contain",
    ]
)

# Verbs only people do, in the past tense, and the phrases that go with them.
MEMORY_WORDS = frozenset({"forgot", "forgotten"})

IGNORE_WORDS = frozenset(
    {
        "ignored",
        "overlooked",
        "neglected",
        "disregarded",
        "dismissed",
        "ignoring",
        "overlooking",
        "neglecting",
        "disregarding",
    }
)

CAUSE_VERBS = frozenset(
    {"caused", "broke", "triggered", "overwrote", "clobbered", "wiped", "nuked", "trashed"}
    | {"leaked"}
)

CAUSE_PHRASES = (
    ("took", "down"),
    ("brought", "down"),
    ("took", "out"),
    ("knocked", "over"),
    ("blew", "up"),
    ("took", "prod", "down"),
    ("broke", "prod"),
)

# A chance let slip: "..., missing the opportunity for a coordinated response".
MISSED_CHANCES = (
    ("missing", "the", "opportunity"),
    ("missed", "the", "opportunity"),
    ("missed", "the", "chance"),
    ("missed", "an", "opportunity"),
)

SLIP_PHRASES = (
    ("dropped", "the", "ball"),
    ("messed", "up"),
    ("screwed", "up"),
    ("goofed",),
    ("blundered",),
    ("botched",),
    ("fell", "asleep"),
    ("zoned", "out"),
    ("wasn't", "paying", "attention"),
    ("weren't", "paying", "attention"),
    ("not", "paying", "attention"),
    ("was", "distracted"),
    ("were", "distracted"),
    ("didn't", "bother"),
    ("did", "not", "bother"),
)

ACCIDENT_WORDS = frozenset(
    {"accidentally", "mistakenly", "inadvertently", "wrongly", "erroneously", "unintentionally"}
    | {"accidently"}  # a common misspelling
)

MISSED_OK_OBJECTS = frozenset(
    {
        "sla",
        "slas",
        "slo",
        "slos",
        "target",
        "targets",
        "deadline",
        "deadlines",
        "window",
        "budget",
        "cutoff",
        "cut-off",
        "quota",
        "heartbeat",
        "heartbeats",
        "health",
        "beat",
        "beats",
        "batch",
        "cycle",
        "tick",
        "ticks",
        "run",
        "runs",
        "cron",
        "schedule",
        "slot",
        "connection",
        "packets",
        "packet",
    }
)

SHOULD_HAVE = (
    ("should", "have"),
    ("should've",),
    ("shouldn't", "have"),
    ("should", "not", "have"),
    ("ought", "to", "have"),
    ("oughta", "have"),
    ("should", "really", "have"),
    ("should", "just", "have"),
    ("should", "simply", "have"),
    ("should", "obviously", "have"),
)

COULD_HAVE = (
    ("could", "have"),
    ("could've",),
    ("could", "easily", "have"),
    ("could", "just", "have"),
    ("could", "simply", "have"),
)

DID_NOT = (
    ("didn't",),
    ("did", "not"),
    ("never",),
    ("failed", "to"),
    ("failed", "in"),
    ("failed", "at"),
    ("neglected", "to"),
    ("forgot", "to"),
    ("fails", "to"),
    ("failing", "to"),
    ("doesn't",),
    ("does", "not"),
    ("hadn't",),
    ("had", "not"),
    ("wasn't", "able", "to"),
    ("couldn't", "be", "bothered", "to"),
)

NOT_WATCHING = tuple(
    (be, v)
    for be in ("wasn't", "weren't")
    for v in (
        "watching",
        "looking",
        "checking",
        "monitoring",
        "listening",
        "reading",
        "concentrating",
        "focused",
        "focusing",
    )
) + tuple(("was", "not", v) for v in ("watching", "looking", "checking", "monitoring"))

MIS_VERBS = frozenset(
    {
        "misconfigured",
        "mistyped",
        "misread",
        "misjudged",
        "underestimated",
        "overestimated",
        "misunderstood",
        "misinterpreted",
        "mislabeled",
        "mislabelled",
        "misclicked",
        "mis-typed",
        "misentered",
        "misplaced",
    }
)

MIS_IMPLIED = frozenset({"misread", "misjudged", "misunderstood", "misinterpreted", "misclicked"})

# Stems of "-ing" forms of diligence verbs: "without checking", "instead of following".
# Only diligence: "instead of waiting" describes a choice, "without checking" a lapse.
HUMAN_VERBS_ING = frozenset(
    {
        "check",
        "test",
        "verify",
        "follow",
        "read",
        "review",
        "look",
        "ask",
        "confirm",
        "double-check",
        "notic",
        "escalat",
        "tell",
        "inform",
        "us",
        "consult",
        "warn",
        "validat",
        "exclud",
        "monitor",
    }
)

PASSIVE = frozenset({"was", "were", "been", "being", "got"})

NEVER_OK_PAST = frozenset(
    {
        "received",
        "needed",
        "wanted",
        "expected",
        "happened",
        "existed",
        "intended",
        "seemed",
        "appeared",
    }
)
