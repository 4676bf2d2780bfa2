"""What makes an action's wording vague or memo-style: vague verbs and phrases, wishes, hedges,
inquiries without a target, and the reminders and appeals to care that are no fix. Read by
`actions.py`. Part of the word lists `lexicon.py` gathers.
"""

from __future__ import annotations

VAGUE_VERBS: frozenset[str] = frozenset(
    [
        "improve",
        "investigate",
        "review",
        "consider",
        "ensure",
        "explore",
        "evaluate",
        "assess",
        "revisit",
        "discuss",
        "monitor",
        "enhance",
        "optimize",
        "optimise",
        "strengthen",
        "tighten",
        "harden",
        "streamline",
        "address",
        "research",
        "analyze",
        "analyse",
        "understand",
        "clarify",
        "rethink",
        "reconsider",
        "align",
        "examine",
        "study",
        "reassess",
        "re-evaluate",
        "reevaluate",
        "re-assess",
        "communicate",
        "coordinate",
        "socialize",
        "socialise",
        "prioritize",
        "prioritise",
        "re-examine",
        "re-review",
        "reinforce",
        "emphasize",
        "emphasise",
        "encourage",
        "promote",
        "boost",
        "better",
        "spike",
        "reflect",
        "identify",
        "diagnose",
        "minimize",
        "minimise",
        "rework",
        "re-work",
        "refine",
        "propose",
        "agree",
    ]
)

VAGUE_PHRASES: tuple[tuple[str, ...], ...] = (
    ("look", "into"),
    ("look", "at"),
    ("follow", "up"),
    ("keep", "an", "eye", "on"),
    ("think", "about"),
    ("work", "on"),
    ("make", "sure"),
    ("try", "to"),
    ("figure", "out"),
    ("dig", "into"),
    ("check", "in"),
    ("sync", "with"),
    ("sync", "up"),
    ("talk", "to"),
    ("circle", "back"),
    ("find", "out"),
    ("find", "a", "way"),
    ("find", "a", "path"),
    ("come", "up", "with"),
    ("get", "better"),
    ("do", "better"),
    ("be", "more"),
    ("put", "more"),
    ("spend", "more"),
    ("keep", "track"),
    ("stay", "on", "top"),
    ("be", "proactive"),
    ("be", "aware"),
    ("keep", "monitoring"),
    ("keep", "watching"),
    ("keep", "checking"),
    ("continue", "to"),
    ("continue", "monitoring"),
    ("continue", "watching"),
)

# "Perform a review of ...", "Do an investigation": a vague noun behind an empty verb.
EMPTY_LEADS = frozenset(
    {
        "perform",
        "conduct",
        "do",
        "carry",
        "undertake",
        "complete",
        "start",
        "begin",
        "kick",
        "initiate",
        "organise",
        "organize",
        "schedule",
    }
)

INQUIRY_NOUNS = frozenset(
    {
        "review",
        "analysis",
        "investigation",
        "assessment",
        "evaluation",
        "deep-dive",
        "dive",
        "retrospective",
        "study",
        "survey",
        "exploration",
        "discussion",
        "audit",
    }
) | frozenset({"improvement", "improvements"})

# "Work with the vendor to improve reliability": the real verb comes after "to".
WITH_LEADS = frozenset({"work", "partner", "collaborate", "engage", "coordinate", "liaise"})

# Inquiries whose numbers describe the incident, not a target ("why the deploy took 40
# minutes").
INQUIRY_LEADS = frozenset(
    {
        "investigate",
        "understand",
        "analyse",
        "analyze",
        "research",
        "examine",
        "study",
        "explore",
        "look",
        "figure",
        "dig",
        "find",
    }
)

HEDGES: tuple[tuple[str, ...], ...] = (
    ("better",),
    ("properly",),
    ("more", "closely"),
    ("adequately",),
    ("appropriately",),
)

# Nouns and adjectives of a wish: "Better alerting", "More tests", "Alerting improvements".
WISH_LEADS = frozenset(
    {
        "better",
        "more",
        "improved",
        "improve",
        "enhanced",
        "increased",
        "additional",
        "further",
        "proper",
        "adequate",
        "sufficient",
        "stronger",
        "greater",
        "less",
        "fewer",
        "clearer",
        "faster",
        "tighter",
    }
)

WISH_NOUNS = frozenset(
    {
        "improvement",
        "improvements",
        "enhancement",
        "enhancements",
        "awareness",
        "hardening",
        "cleanup",
        "clean-up",
        "investigation",
        "follow-up",
        "followup",
        "optimization",
        "optimisation",
        "discussion",
    }
)

# "Fix monitoring gaps": a concrete verb whose object is only a vague plural.
VAGUE_OBJECT_LEADS = frozenset(
    {
        "fix",
        "resolve",
        "solve",
        "tackle",
        "handle",
        "sort",
        "close",
        "reduce",
        "remove",
        "cut",
        "eliminate",
    }
)

VAGUE_OBJECTS = frozenset(
    {
        "gaps",
        "issues",
        "problems",
        "things",
        "stuff",
        "weaknesses",
        "shortcomings",
        "inefficiencies",
        "noise",
        "toil",
        "risks",
        "debt",
    }
)

MEMO_PHRASES: tuple[tuple[str, ...], ...] = (
    ("be", "more", "careful"),
    ("be", "careful"),
    ("be", "extra", "careful"),
    ("be", "more", "vigilant"),
    ("be", "vigilant"),
    ("stay", "vigilant"),
    ("stay", "alert"),
    ("take", "more", "care"),
    ("take", "extra", "care"),
    ("take", "care"),
    ("pay", "more", "attention"),
    ("pay", "attention"),
    ("pay", "closer", "attention"),
    ("raise", "awareness"),
    ("increase", "awareness"),
    ("build", "awareness"),
    ("remember", "to"),
    ("don't", "forget"),
    ("do", "not", "forget"),
    ("think", "twice"),
    ("be", "more", "mindful"),
    ("be", "mindful"),
    ("be", "more", "thorough"),
    ("be", "thorough"),
    ("be", "more", "diligent"),
    ("be", "diligent"),
    ("send", "a", "reminder"),
    ("send", "reminders"),
    ("send", "an", "email"),
    ("send", "a", "memo"),
    ("send", "a", "note"),
    ("send", "out", "a"),
    ("email", "the", "team"),
    ("email", "everyone"),
    ("tell", "everyone"),
    ("tell", "the", "team"),
    ("tell", "engineers"),
    ("tell", "people"),
    ("tell", "staff"),
    ("announce", "in"),
    ("post", "a", "reminder"),
    ("share", "a", "reminder"),
    ("make", "everyone", "aware"),
    ("make", "people", "aware"),
    ("make", "the", "team", "aware"),
    ("everyone", "should"),
    ("everybody", "should"),
    ("people", "should"),
    ("engineers", "should"),
    ("staff", "should"),
    ("operators", "should"),
    ("everyone", "must"),
    ("engineers", "must"),
    ("all", "engineers", "must"),
    ("be", "reminded"),
    ("re-read", "the"),
    ("reread", "the"),
    ("read", "the", "runbook"),
    ("double-check", "before"),
    ("double", "check", "before"),
    ("try", "harder"),
    ("work", "harder"),
    ("more", "carefully"),
    ("reach", "out"),
    ("get", "in", "touch"),
    ("learning", "path"),
    ("continuous", "training"),
    ("regular", "training"),
    ("more", "training"),
)

# Memo verbs that count only as the leading verb ("Remind on-call to ..."; an automated
# reminder is engineering work).
MEMO_LEADS = frozenset(
    {
        "remind",
        "retrain",
        "re-train",
        "re-educate",
        "reeducate",
        "educate",
        "warn",
        "always",
        "never",
        "don't",
        "avoid",
        "double-check",
        "doublecheck",
        "caution",
        "instruct",
        "announce",
        "inform",
        "reiterate",
        "stress",
        "communicate",
        "tell",
        "email",
        "teach",
        "train",
        "discourage",
        "advise",
    }
)

MEMO_LEAD_PAIRS = (("do", "not"), ("double", "check"), ("be", "sure"), ("make", "everyone"))
