"""What a check returns, and the product's own words for each kind of nudge.

The messages are kind and plain: they explain why a phrase tends to hurt a review and never
repeat or name the person. The reframes are questions about the system, for the writer to
answer instead.
"""

from __future__ import annotations

import msgspec

BLAME = "blame"
VAGUE_ACTION = "vague_action"
ACTION_LOAD = "action_load"
FIVE_WHYS = "five_whys"
WRITEUP = "writeup"

# Stable names: the board settings store which of these a facilitator turned off.
CHECKS: tuple[str, ...] = (BLAME, VAGUE_ACTION, ACTION_LOAD, FIVE_WHYS, WRITEUP)

# The board settings (model.Nudge) call the write-up check "completeness"; both names work
# wherever a caller says which checks are off.
ALIASES: dict[str, str] = {"completeness": WRITEUP}


class Finding(msgspec.Struct, frozen=True):
    check: str  # one of CHECKS
    words: tuple[str, ...]  # the words found, exactly as written (empty for missing fields)
    message: str  # why this may hurt the review, in a sentence or two
    reframe: str  # a question about the system, or a rewrite; "" when none fits
    target: str = ""  # the id of the item it is about, when checking a board


class Voice(msgspec.Struct, frozen=True):
    message: str
    reframe: str


# --- blameful wording, by the reason a phrase was flagged --------------------------------------

BLAME_VOICE: dict[str, Voice] = {
    "person_failure": Voice(
        "This makes a person the subject of the failure. People act sensibly on what they can "
        "see; the useful question is what they could see.",
        "What made this easy to miss at the time?",
    ),
    "memory": Voice(
        "This leans on someone remembering. Memory is not a safeguard, for anyone.",
        "Which step relied on memory, and what could prompt or automate it?",
    ),
    "human_error": Voice(
        "Calling it human error ends the search just where the learning starts.",
        "Which check or alert was missing?",
    ),
    "counterfactual": Voice(
        "Looking back, the right move always seems clear; at the time it wasn't. "
        "Counterfactuals judge the past instead of explaining it.",
        "What did people know at that moment, and what would have helped them see more?",
    ),
    "hindsight": Voice(
        "Words like this judge with hindsight and can make people feel foolish for "
        "something that was hard to see.",
        "What made the signal hard to see or act on at the time?",
    ),
    "fault": Voice(
        "Assigning fault to a person closes the conversation about causes.",
        "Which conditions in the system allowed this to happen?",
    ),
    "character": Voice(
        "This describes a person rather than what happened, and it rarely helps anyone "
        "do better next time.",
        "What in the tools or process made the safe path harder than the risky one?",
    ),
    "person_cause": Voice(
        "A person is named as the cause. The causes worth fixing live in the system around them.",
        "What let a single action have this much impact?",
    ),
}

# --- actions ----------------------------------------------------------------------------------

VAGUE_VERB = Voice(
    "This doesn't yet say what will change or how anyone will know it is done.",
    "What concrete change will we make, and which number or test tells us it worked?",
)
MEMO = Voice(
    "Asking people to take more care is not engineering work: it fades within weeks and "
    "leaves the trap in place.",
    "Which guard, check or automation would make the safe path the default?",
)
NO_OWNER = Voice(
    "Nobody has taken this on yet; actions without an owner rarely happen.", "Who will own this?"
)
NO_DUE = Voice(
    "There's no due date, so this can slide indefinitely.",
    "When will this be done? For a short-term action, 7 to 21 days works well.",
)
NO_SUCCESS = Voice(
    "There's no way yet to tell when this is done.",
    "What will we measure or test to know it worked?",
)
DUE_SOON = Voice(
    "Due in {days} days: little time to do it properly alongside other work.",
    "Could the first useful step land within 7 to 21 days?",
)
DUE_LATE = Voice(
    "Due in {days} days: short-term actions lose momentum after about three weeks.",
    "Could it be split so a first step lands within 21 days?",
)
DUE_PAST = Voice(
    "The due date is already in the past.", "Is it done, or what new date can the owner commit to?"
)

# --- load, five whys, write-up ----------------------------------------------------------------

TOO_MANY_SELECTED = Voice(
    "{n} actions are selected. Two or three well-owned actions tend to get done; a longer list "
    "tends to get lost.",
    "Which two or three would make the biggest difference?",
)
TOO_MANY_OPEN = Voice(
    "{n} actions are open. Beyond seven, attention spreads thin and fewer get finished.",
    "Which could be merged, dropped or parked for later?",
)
SHORT_CHAIN = Voice(
    "This chain stops after {n} {whys}. The first answers usually sit close to the symptom.",
    "Keep asking why: what made that possible?",
)
ENDS_AT_PERSON = Voice(
    "This chain ends at a person. There is usually a condition behind any one person's action.",
    "Keep asking why: what in the system made that step easy to get wrong?",
)
REGULATORY_MISSING = Voice(
    "Regulatory considerations aren't recorded yet.",
    "Which obligations apply here, or why does none?",
)
REGULATORY_BARE = Voice(
    "'N/A' needs a reason, so a reader can see it was considered.",
    "Why does no reporting obligation apply?",
)
NO_COMMUNICATIONS = Voice("No communications are recorded yet.", "Who was told what, and when?")
NO_CONFIRMED = Voice(
    "No action has been confirmed by its owner yet.",
    "Could each owner say yes to their action before the meeting closes?",
)
NO_ACTIONS = Voice(
    "No actions are recorded yet.",
    "Which one or two changes would make this less likely or less harmful?",
)


def finding(
    check: str, voice: Voice, words: tuple[str, ...] = (), target: str = "", **fmt: object
) -> Finding:
    return Finding(
        check=check,
        words=words,
        message=voice.message.format(**fmt),
        reframe=voice.reframe.format(**fmt),
        target=target,
    )
