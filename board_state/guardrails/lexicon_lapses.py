"""Word classes for the clause rules in `lapses.py` and `clauses.py`: which participles name an
act only people perform, which name something systems do on their own, which adjectives make
the object of an act an error, and the words by which a sentence gives a systemic cause for a
lapse. Small closed classes rather than phrases: the rules combine them with the clause's shape
(passive or active, who the subject is, what the object is). Part of the word lists
`lexicon.py` gathers.
"""

from __future__ import annotations

# Passives of these name a lapse of attention whoever the subject is: "the step was missed",
# "a sign was overlooked", "the process was not followed".
LAPSE_PARTICIPLES = frozenset({"missed", "overlooked", "neglected", "rushed", "mishandled"})

# Negated passives of these name a lapse of attention: "this was not noticed", "it wasn't
# caught". With a system as the agent ("not caught by the tests") they do not.
ATTENTION_PARTICIPLES = frozenset(
    {
        "noticed",
        "seen",
        "spotted",
        "caught",
        "followed",
        "heeded",
        "acknowledged",
        "read",
        "tested",
        "reviewed",
        "verified",
    }
)

# Nouns that name a person's lapse as the cause: "due to a configuration oversight", "it appears
# to be a misunderstanding of requirements".
LAPSE_NOUNS = frozenset({"oversight", "misunderstanding", "misjudgement", "misjudgment"})

# Finding something by chance is luck, not a slip: "it was found unintentionally".
LUCK_PARTICIPLES = frozenset({"found", "discovered", "noticed", "spotted", "detected"})

# Things systems do on their own: "the pipeline was unintentionally triggered" has no person
# behind it, "the data was accidentally deleted" has.
AUTOMATIC_PARTICIPLES = frozenset(
    {
        "triggered",
        "fired",
        "invoked",
        "evicted",
        "restarted",
        "respawned",
        "rescheduled",
        "scaled",
        "spawned",
        "generated",
        "cached",
        "dropped",
        "throttled",
        "killed",
        "flagged",
    }
)

# Beliefs, not acts: "was incorrectly assumed" reports a premise, not a slip.
BELIEF_PARTICIPLES = frozenset({"assumed", "thought", "believed", "considered", "expected"})

# Irregular past participles the passive test recognises besides "-ed".
IRREGULAR_PARTICIPLES = frozenset(
    {
        "done",
        "run",
        "set",
        "put",
        "made",
        "taken",
        "given",
        "seen",
        "caught",
        "sent",
        "written",
        "shut",
        "cut",
        "forgotten",
        "overridden",
        "thrown",
        "broken",
        "chosen",
        "left",
        "lost",
        "kept",
        "built",
        "found",
        "brought",
        "read",
        "gone",
        "held",
    }
)

# Adverbs that make a person's act a slip, wherever they sit in a passive clause: "one of the
# inputs was entered incorrectly", "it was merged by mistake".
SLIP_ADVERBS = frozenset(
    {
        "accidentally",
        "mistakenly",
        "inadvertently",
        "wrongly",
        "erroneously",
        "unintentionally",
        "incorrectly",
        "errantly",
        "inadvertantly",  # as often written
    }
)

# Acts that put something into a system: with an error adjective as their object, a person made
# the error ("deployed invalid config", "ran the wrong command"). Fixing acts are absent: "we
# restarted the broken pods" is recovery.
OPERATION_VERBS = frozenset(
    {
        "deployed",
        "pushed",
        "ran",
        "applied",
        "merged",
        "committed",
        "released",
        "shipped",
        "entered",
        "typed",
        "used",
        "selected",
        "chose",
        "picked",
        "set",
        "configured",
        "wrote",
        "added",
        "introduced",
        "published",
        "uploaded",
        "executed",
        "issued",
        "edited",
        "changed",
        "updated",
        "made",
    }
)

ERROR_ADJECTIVES = frozenset(
    {
        "invalid",
        "wrong",
        "incorrect",
        "bad",
        "broken",
        "faulty",
        "malformed",
        "erroneous",
        "untested",
    }
)

# Nouns for a person's act: "an accidental execution of a command", "the wrong push of a
# button". Things ("an accidental environment variable") and updates are absent.
ACT_NOUNS = frozenset(
    {
        "execution",
        "removal",
        "deletion",
        "push",
        "merge",
        "click",
        "press",
        "overwrite",
        "reboot",
        "shutdown",
        "destruction",
        "force-push",
    }
)
# What runs on its own: "an unintentional execution of the pipeline" is automation's.
AUTOMATION_NOUNS = frozenset(
    {"pipeline", "pipelines", "job", "jobs", "workflow", "cron", "cronjob", "automation", "bot"}
)
ACT_ADJECTIVES = frozenset(
    {"accidental", "inadvertent", "unintentional", "mistaken", "erroneous", "wrong", "incorrect"}
)

# What people attend to: "the alert was ignored" blames someone, "the argument was ignored"
# describes software.
ATTENTION_NOUNS = frozenset(
    {
        "alert",
        "alerts",
        "alarm",
        "alarms",
        "warning",
        "warnings",
        "page",
        "pages",
        "email",
        "emails",
        "message",
        "messages",
        "notification",
        "notifications",
        "report",
        "reports",
        "ticket",
        "tickets",
        "sign",
        "signs",
        "advice",
        "advisory",
        "reminder",
        "reminders",
        "they",
        "it",
        "this",
        "that",
    }
)

# Words by which a cause names a gap in the system: "because of a blind spot in our tests",
# "since there was no alert", "as the page went to a muted channel".
GAP_WORDS = frozenset(
    {
        "no",
        "lack",
        "lacking",
        "missing",
        "without",
        "blind",
        "gap",
        "gaps",
        "absence",
        "absent",
        "nothing",
        "insufficient",
        "inadequate",
        "complexity",
        "muted",
        "unclear",
    }
)

# "We should be more careful", "we need to be better at following the process": an appeal to a
# person's care rather than to the system.
BEHAVIOUR_WORDS = frozenset(
    {"careful", "vigilant", "diligent", "mindful", "thorough", "attentive", "disciplined"}
)
