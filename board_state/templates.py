"""The built-in agendas, and the words the product shows at the start of a meeting.

Phase lists and timeboxes follow the source agendas (the 90-minute blameless post-mortem, the
60-minute agenda for incident reviews, and the four-column reflection board); the wording is
ours. A template is data: `create_board` copies it into the board, after which the facilitator
may reorder, retime, add and remove phases.
"""

from __future__ import annotations

from typing import NamedTuple

from .model import PhaseKind, Section


class PhaseTemplate(NamedTuple):
    kind: PhaseKind
    title: str
    minutes: int
    prompt: str
    private: bool = False
    sections: tuple[Section, ...] = ()


GROUND_RULES: tuple[str, ...] = (
    "We assume everyone acted sensibly with what they knew, the time they had and the tools "
    "in front of them. We are here to change the system, not to judge people.",
    "We will leave with three things: a timeline we agree on, a structural cause, and two or "
    "three actions that each have one owner and a date.",
    "Anyone, the facilitator included, may call out blame when they hear it.",
    "Facts first, interpretation later: questions that need judgement go to the parking lot.",
)

# Offered with every agenda (the create form's "start by reviewing earlier actions"): the open
# actions of earlier post-mortems come back first, once the room is set (review.py).
ACTION_REVIEW = PhaseTemplate(
    kind="action_review",
    title="Review earlier actions",
    minutes=10,
    prompt="Open actions from earlier post-mortems that share this one's tags: is each done, "
    "still under way, or no longer worth doing? Owners say where theirs stand; the facilitator "
    "records it.",
)

BLAMELESS_90: tuple[PhaseTemplate, ...] = (
    PhaseTemplate(
        "set_the_room",
        "Set the room",
        5,
        "Read the ground rules together and agree to them. Name the three outcomes.",
    ),
    PhaseTemplate(
        "summary",
        "Incident summary",
        5,
        "Check the header: severity, impact, when it started, was detected and was "
        "resolved. Correct what is wrong; no debate yet.",
    ),
    PhaseTemplate(
        "timeline",
        "Timeline",
        18,
        "Walk through events in order. Record facts (what happened) and signals (what "
        "we could have seen) with their times. Park interpretation questions.",
    ),
    PhaseTemplate(
        "five_whys",
        "Five whys",
        20,
        "Start from the observable failure and keep asking why until the answer is "
        "something engineering can change, not a reminder to be careful.",
    ),
    PhaseTemplate(
        "contributing_factors",
        "Contributing factors",
        10,
        "What made this worse, slower to detect or harder to fix? Missing alerts, stale "
        "runbooks, reasonable assumptions the system did not correct.",
        sections=("contributing",),
    ),
    PhaseTemplate(
        "reflection",
        "What went well, what went badly",
        7,
        "Write on your own first: only you see your notes until the facilitator reveals them.",
        private=True,
        sections=("went_well", "went_badly"),
    ),
    PhaseTemplate(
        "themes",
        "Themes and vote",
        7,
        "Group related notes into themes, then spend your dots on what matters most.",
        sections=("went_well", "went_badly", "contributing"),
    ),
    PhaseTemplate(
        "actions",
        "Actions",
        15,
        "Propose fixes, force-rank them by impact and pick two or three. Each gets one "
        "owner, a due date and a way to tell it worked; owners confirm out loud.",
    ),
    PhaseTemplate(
        "wrap_up", "Wrap-up", 3, "Read the agreed actions aloud; each owner confirms theirs."
    ),
)

INCIDENT_60: tuple[PhaseTemplate, ...] = (
    PhaseTemplate(
        "set_the_room",
        "Ground rules",
        5,
        "We are here to improve systems. Mistakes and near misses said out loud are "
        "valued, not punished.",
    ),
    PhaseTemplate(
        "summary",
        "Incident summary",
        5,
        "Severity, duration, users affected, cost and current status, as facts.",
    ),
    PhaseTemplate(
        "timeline",
        "Timeline reconstruction",
        15,
        "From the first anomaly through detection, response, escalation, mitigation "
        "and resolution. Events and decisions, not judgements.",
    ),
    PhaseTemplate(
        "five_whys",
        "Root cause analysis",
        15,
        "Five whys from the trigger; file contributing factors by category: monitoring, "
        "testing, process, knowledge, tooling.",
        sections=("contributing",),
    ),
    PhaseTemplate(
        "reflection",
        "What went well, what could improve",
        10,
        "What limited the impact? What would have made detection, response or "
        "communication faster?",
        sections=("went_well", "went_badly"),
    ),
    PhaseTemplate(
        "actions",
        "Action items",
        10,
        "Specific and measurable, each with an owner and a deadline: immediate (this "
        "week), short-term (this quarter) or long-term (next quarter).",
    ),
)

REFLECTION_4: tuple[PhaseTemplate, ...] = (
    PhaseTemplate(
        "set_the_room",
        "Set the tone",
        5,
        "Everyone did the best they could with what they knew then. We look at the "
        "system, not at people.",
    ),
    PhaseTemplate(
        "summary",
        "Review the facts",
        10,
        "Walk through what happened and its impact until everyone shares the picture.",
    ),
    PhaseTemplate(
        "reflection",
        "Individual reflection",
        10,
        "On your own: what went well, lessons learned, ideas for the future, and what "
        "is still a problem.",
        private=True,
        sections=("went_well", "lessons", "future", "ongoing"),
    ),
    PhaseTemplate(
        "discussion",
        "Group discussion",
        20,
        "Go through each column; authors may explain, everyone may ask.",
        sections=("went_well", "lessons", "future", "ongoing"),
    ),
    PhaseTemplate(
        "themes",
        "Themes",
        8,
        "Group similar notes and name each group.",
        sections=("went_well", "lessons", "future", "ongoing"),
    ),
    PhaseTemplate("vote", "Prioritise", 5, "Spend your dots on what matters most."),
    PhaseTemplate(
        "actions",
        "Action planning",
        12,
        "Turn the top themes into actions with one owner and a deadline each.",
    ),
    PhaseTemplate("wrap_up", "Wrap-up", 5, "Sum up the takeaways and the next steps."),
)

TEMPLATES: dict[str, tuple[PhaseTemplate, ...]] = {
    "blameless-90": BLAMELESS_90,
    "incident-60": INCIDENT_60,
    "reflection-4": REFLECTION_4,
}

TEMPLATE_TITLES: dict[str, str] = {
    "blameless-90": "Blameless post-mortem (90 min)",
    "incident-60": "Incident review (60 min)",
    "reflection-4": "Four-column reflection",
}
