"""Word classes for the shapes of an action item `action_shapes.py` reads: questions, policies
for people, hedges, comparatives without a number, processes and plans to be defined, what
"ensure" asks for, and what makes monitoring concrete. Part of the word lists `lexicon.py`
gathers.
"""

from __future__ import annotations

# An action that is a question: "Can we use ACM instead of Letsencrypt?"
QUESTION_WORDS = frozenset(
    {"can", "could", "should", "how", "what", "why", "is", "are", "do", "does", "any", "would"}
    | {"where", "who", "which", "shall"}
)

# "All applications should run in containers", "Nobody to use the token going forward": a rule
# for people rather than a change.
POLICY_QUANTIFIERS = frozenset({"all", "every", "each", "nobody", "no"})

# Words that open a clause inside an action: what follows them is purpose or condition, not the
# change itself ("Make sure we have X so we can catch issues earlier").
SUBORDINATORS = frozenset(
    {"so", "because", "since", "when", "while", "if", "until", "unless", "once", "whenever"}
)

# Comparatives that need a number to say what done is: "more often", "more robust", "easier".
COMPARATIVES = frozenset(
    {
        "more",
        "less",
        "fewer",
        "easier",
        "faster",
        "quicker",
        "earlier",
        "longer",
        "shorter",
        "higher",
        "lower",
        "deeper",
        "stronger",
        "tighter",
        "stricter",
        "clearer",
        "safer",
        "simpler",
        "smoother",
        "greater",
        "smaller",
        "larger",
        "bigger",
        "cheaper",
    }
)
# Verbs of degree: without a number after them they are a comparative ("Reduce the interval at
# which the hub checks", "Speed up the fix"), with one they are a target ("Lower the threshold
# from 90% to 80%").
DEGREE_VERBS = frozenset(
    {"reduce", "lower", "increase", "raise", "decrease", "minimize", "minimise", "tune", "speed"}
)
VAGUE_QUANTITIES: tuple[tuple[str, ...], ...] = (
    ("some", "kind", "of"),
    ("some", "sort", "of"),
    ("something", "about"),
    ("in", "a", "way", "that"),
    ("something",),
    ("somewhere",),
    ("some",),
)

HEDGE_PHRASES: tuple[tuple[str, ...], ...] = (
    ("would", "be", "useful"),
    ("would", "be", "nice"),
    ("would", "be", "good"),
    ("might", "be", "an", "option"),
    ("could", "potentially"),
    ("could", "help"),
    ("might", "help"),
    ("if", "possible"),
    ("maybe",),
    ("perhaps",),
    ("possibly",),
    ("potentially",),
)

# A process, plan or rule to be defined: vague until it says what it does.
PROCESS_NOUNS = frozenset(
    {
        "process",
        "processes",
        "plan",
        "strategy",
        "guidelines",
        "guideline",
        "framework",
        "way",
        "approach",
        "path",
        "culture",
        "standards",
    }
)
# Verbs that set one up or rework it. "Document", "describe" and "write down" a process are
# concrete: the document is the deliverable.
PROCESS_VERBS = frozenset(
    {
        "create",
        "establish",
        "implement",
        "define",
        "institute",
        "devise",
        "develop",
        "rebuild",
        "rework",
        "re-work",
        "have",
        "introduce",
        "agree",
        "build",
        "come",
        "formalize",
        "formalise",
    }
)

# Objects that make "monitor" concrete: a signal one can put a threshold on.
SIGNAL_NOUNS = frozenset(
    {
        "timeout",
        "timeouts",
        "error",
        "errors",
        "5xx",
        "4xx",
        "status",
        "codes",
        "latency",
        "usage",
        "rate",
        "rates",
        "count",
        "restarts",
        "expiry",
        "expiration",
        "cert",
        "certificate",
        "certificates",
        "lag",
        "depth",
        "memory",
        "cpu",
        "disk",
        "saturation",
        "throughput",
        "failures",
        "size",
        "health",
        "metrics",
    }
)

# What "ensure X has ..." asks for when it is no deliverable: "have a plan", "have visibility".
ABSTRACT_NOUNS = PROCESS_NOUNS | frozenset(
    {"visibility", "awareness", "understanding", "confidence", "durability", "ownership"}
)

# "Ensure checklists are used", "make sure the runbook is followed": people's practice.
PRACTICE_NOUNS = frozenset(
    {"checklist", "checklists", "runbook", "runbooks", "playbook", "playbooks", "procedure"}
    | {"procedures", "process", "processes", "guidelines", "policy", "policies", "rules"}
)
PRACTICE_PARTICIPLES = frozenset({"used", "followed", "applied", "respected", "observed", "read"})

# "Do not forget", "never assume": an appeal to care. "Do not use a personal address for
# letsencrypt" is a concrete rule and stays one.
CARE_VERBS = frozenset(
    {"forget", "ignore", "skip", "rush", "assume", "panic", "hesitate", "overlook", "neglect"}
)

# "Created a ticket to configure ...": the ticket is the lead-in, the action comes after it.
TICKET_VERBS = frozenset({"created", "raised", "opened", "filed", "added", "create", "raise"})
TICKET_NOUNS = frozenset({"ticket", "issue", "task", "story", "item"})

# Words asking what, why or whether: after "check", "ask", "find" or "confirm" they make an
# inquiry ("Check why we did not get the alert", "Ask support if we should use a PVC").
INQUIRY_WORDS = frozenset({"why", "whether", "if", "how", "where", "what", "which"})
INQUIRY_VERBS = frozenset({"check", "ask", "find", "confirm", "see", "determine", "decide", "try"})

# Verbs that take "to" before the action they announce: "is going to rebuild", "is continuing
# to improve", "we plan to add".
INTENT_VERBS = frozenset(
    {"going", "continuing", "plan", "planning", "aim", "aiming", "intend", "intending", "want"}
)
