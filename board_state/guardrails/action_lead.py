"""Where an action item's own words begin: `lead_of` finds the first word and the leading verb
after bullets, fronted adverbials ("Going forward,", "Shorter term, we're going to ...") and
lead-ins ("Payments team to ...", "We need to ...", "Created a ticket to ..."). Split from
`action_wording.py`, which judges the words found.
"""

from __future__ import annotations

from typing import NamedTuple

from .lexicon import (
    CONCRETE_VERBS,
    FIRST_NAMES,
    INTENT_VERBS,
    LEAD_WORDS,
    MEMO_LEAD_PAIRS,
    MEMO_LEADS,
    MEMO_PHRASES,
    MODALS,
    PERSON_WORDS,
    TICKET_NOUNS,
    TICKET_VERBS,
    VAGUE_PHRASES,
    VAGUE_VERBS,
)
from .text import Token


def _at(low: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    return low[i : i + len(phrase)] == list(phrase)


# Words that begin an action themselves, so they are never part of a lead-in.
_VERBISH = (
    CONCRETE_VERBS
    | VAGUE_VERBS
    | MEMO_LEADS
    | frozenset(p[0] for p in VAGUE_PHRASES + MEMO_PHRASES + MEMO_LEAD_PAIRS)
)


class Lead(NamedTuple):
    first: int  # the first word, after bullets and leading adverbials
    lead: int  # the leading verb
    modal: int  # the modal that ends the lead-in ("should", "to", "will"), -1 when none


_ADVERBIALS: tuple[tuple[str, ...], ...] = (
    ("going", "forward"),
    ("in", "particular"),
    ("first", "course", "of", "action"),
    ("going", "forwards"),
)


def _subject_like(toks: list[Token], a: int, b: int) -> bool:
    """Do tokens [a, b) name who will act ("Payments team", "Dana", "DevOps")? Only then is "X
    to <verb>" a lead-in; "Quarterly incident response drills to ensure readiness" is a
    purpose."""
    return any(
        toks[k].low in PERSON_WORDS
        or (toks[k].capitalised and toks[k].low in FIRST_NAMES)
        or any(ch.isupper() for ch in toks[k].text[1:])
        for k in range(a, b)
    )


def _after_ticket(low: list[str], i: int) -> int:
    """'Created a ticket to configure ...', 'added a backlog task to curate ...': the action is
    what the ticket is for."""
    if i < len(low) and low[i] in TICKET_VERBS:
        for k in range(i + 1, min(len(low) - 1, i + 5)):
            if low[k] in TICKET_NOUNS and low[k + 1] in {"to", "for"}:
                return k + 2
    return i


_DISCOURSE = frozenset(
    {"lastly", "finally", "additionally", "secondly", "thirdly", "furthermore", "moreover"}
)
_WE = frozenset({"we", "i", "you", "they", "we're", "i'm", "let's"})


def _after_fronted(low: list[str], i: int) -> int:
    """After a fronted adverbial that ends in a comma before "we <modal>": "Shorter term, we're
    going to rewrite ...", "Looking at the factory dashboard, we should figure out ...", "Once
    the migration is done, we will remove the flag"."""
    for k in range(i + 1, min(len(low) - 2, i + 15)):
        if low[k] in {".", ";", ":"}:
            return i
        if low[k] == "," and low[k + 1] in _WE | {"we'll", "we'd", "i'll"}:
            after = low[k + 2 : k + 4]
            if low[k + 1] in {"we'll", "we'd", "i'll"} or any(
                w in MODALS or w in INTENT_VERBS for w in after
            ):
                return k + 1
    return i


def lead_of(toks: list[Token], low: list[str]) -> Lead:
    """The first word and the leading verb of an action, after bullets and lead-ins."""
    i = 0
    n = len(low)
    while i < n and (toks[i].is_punct or low[i][:1].isdigit() or low[i] in {"*", "•"}):
        i += 1
    for adv in _ADVERBIALS:
        if _at(low, i, adv):
            i += len(adv) + (i + len(adv) < n and low[i + len(adv)] == ",")
    if i < n and low[i] in _DISCOURSE:  # "Lastly we have already improved ..."
        i += 1 + (i + 1 < n and low[i + 1] == ",")
    i = _after_fronted(low, i)
    first, modal = i, -1
    # "Payments team to investigate", "Dana will look into", "the team is going to rebuild":
    # up to four words of lead-in ending at a modal, none of them a verb of their own.
    for k in range(i, min(n, i + 5)):
        intent = low[k] in INTENT_VERBS and low[k + 1 : k + 2] == ["to"]
        if low[k] in MODALS or intent:
            before = low[i:k]
            # "Payments team to ...", and "Lesson learned is to ...", "The plan is to ..."
            copular = k > i and low[k - 1] in {"is", "was"}
            if all(w not in _VERBISH for w in before) and (
                low[k] != "to" or copular or _subject_like(toks, i, k)
            ):
                modal, i = k, k + 1
                while i < n and (low[i] in MODALS or low[i] in INTENT_VERBS):
                    i += 1
            break
        if toks[k].is_punct and low[k] == ":" and low[k - 1 : k] not in (["http"], ["https"]):
            i = first = k + 1
            break
    while (
        i < n
        and low[i] in LEAD_WORDS - {"be"}
        and not (i + 1 < n and low[i + 1] in CONCRETE_VERBS and low[i] == "get")
    ):
        i += 1
    while i < n and (low[i] in MODALS or low[i] == "to"):
        i += 1
    if i + 1 < n and low[i] in {"continue", "keep"} and low[i + 1].endswith("ing"):
        i += 1  # "Continue investigating ...": the verb that goes on
    i = _after_ticket(low, i)
    if i + 1 < n and low[i] == "be" and low[i + 1].endswith("ing"):
        i += 1  # "will be rethinking"
    return Lead(first, i, modal)
