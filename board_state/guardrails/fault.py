"""A person put at fault: named as the cause ("caused by the intern", "root cause: Dana"),
blamed ("Dana was to blame"), given the fault or the mistake ("Ahmed's mistake", "my fault",
"the fault lies with the new hire") or the incident ("the outage is on Daniel"). "Nobody's
fault" is not.

Split from `blame.py`, which holds the other rules and `check_text` and runs these with them;
the theory of operation is at the top of that module.
"""

from __future__ import annotations

from .grammar import (
    NONE,
    PERSON,
    PROPER,
    Ctx,
    is_person,
    negated_before,
    person_in_phrase,
    subject_of,
)
from .lexicon import CLAUSE_WORDS, DETERMINERS, ERROR_WORDS, INCIDENT_NOUNS
from .text import SENTENCE_END, clause_start


def rule_as_cause(c: Ctx) -> None:
    """A person named as the cause: 'caused by the intern', 'root cause: Dana'."""
    n = len(c.low)
    lead = (
        ("caused", "by"),
        ("because", "of"),
        ("due", "to"),
        ("thanks", "to"),
        ("blamed", "on"),
        ("blame", "on"),
        ("fault", "of"),
        ("triggered", "by"),
        ("root", "cause", "was"),
        ("root", "cause", "is"),
        ("root", "cause", ":"),
        ("root", "cause", "-"),
        ("the", "cause", "was"),
        ("cause", ":"),
        ("blame", "lies", "with"),
        ("blame", "lay", "with"),
        ("blame", "falls", "on"),
        ("blame", "is", "on"),
        ("fault", "lies", "with"),
        ("fault", "lay", "with"),
    )
    for i in range(n):
        k = c.any_at(i, lead)
        if (
            k < 0
            and c.any_at(i, (("was", "made", "by"), ("were", "made", "by"))) >= 0
            and set(c.low[clause_start(c.toks, i, CLAUSE_WORDS) : i]) & (ERROR_WORDS | {"typo"})
        ):
            k = i + 2  # "the mistake was made by the new hire"
        if k < 0:
            continue
        s = k + 1
        while s < n and c.low[s] in DETERMINERS:
            s += 1
        if s < n and person_in_phrase(c, s):
            reason = (
                "fault" if c.low[i].startswith("blame") or c.low[i] == "fault" else "person_cause"
            )
            c.hit(reason, i, k)


def _nobody(c: Ctx, k: int) -> bool:
    """Is token k "nobody" or "no one": "nobody's fault" clears people of blame."""
    return c.low[k] in {"nobody", "noone", "none"} or (
        c.low[k] == "one" and k > 0 and c.low[k - 1] == "no"
    )


def _blame_word(c: Ctx, i: int, w: str) -> None:
    """The word "blame" (`w`, at token i) aimed at a person: "blamed the intern", "Dana was to
    blame", "who is to blame"."""
    n = len(c.low)
    if negated_before(c, i, 4) or (i > 0 and c.low[i - 1] in {"no", "the"}):
        return
    prev2 = c.low[max(0, i - 3) : i]
    s = i + 1
    while s < n and c.low[s] in DETERMINERS:
        s += 1
    if w != "blame" or c.low[i - 1 : i] != ["to"]:
        if s < n and person_in_phrase(c, s):
            c.hit("fault", i, i)
            return
    if i > 0 and c.low[i - 1] == "to":
        # "Dana was to blame", "who is to blame"
        if "who" in prev2 or "who's" in prev2 or "whom" in prev2:
            c.hit("fault", i - 1, i)
            return
        kind, _ = subject_of(
            c,
            i - 2 if i >= 2 and c.low[i - 2] in {"is", "was", "are", "were", "be"} else i - 1,
        )
        if kind in {PERSON, PROPER}:
            c.hit("fault", i - 1, i)


def _fault_word(c: Ctx, i: int) -> None:
    """The word "fault" (at token i) put on a person: "at fault", "my fault", "Dana's fault",
    "the fault lies with the new hire"; "nobody's fault" is not."""
    n = len(c.low)
    prev = c.low[i - 1] if i > 0 else ""
    prev_tok = c.toks[i - 1] if i > 0 else None
    if prev == "at":
        if not negated_before(c, i - 1, 3):
            kind, _ = subject_of(
                c,
                i - 2
                if i >= 2 and c.low[i - 2] in {"is", "was", "are", "were", "be", "been"}
                else i - 1,
            )
            if kind in {PERSON, PROPER, NONE} or "who" in c.low[max(0, i - 4) : i]:
                c.hit("fault", i - 1, i)
    elif prev in {
        "my",
        "your",
        "his",
        "her",
        "their",
        "our",
        "whose",
        "someone's",
        "somebody's",
    }:
        c.hit("fault", i - 1, i)
    elif (
        prev_tok is not None
        and prev_tok.possessive
        and is_person(c, i - 1, possessive_ok=True)
        and not _nobody(c, i - 1)
    ):
        if c.low[i - 2 : i - 1] not in (["no"], ["not"]) and not negated_before(c, i - 1, 2):
            c.hit("fault", i - 1, i)
    elif (
        i + 2 < n
        and c.low[i + 1] in {"lies", "lay", "lay's", "is", "was"}
        and c.low[i + 2] in {"with", "on"}
        and i + 3 < n
        and person_in_phrase(c, i + 3 + (c.low[i + 3] in DETERMINERS))
    ):
        c.hit("fault", i, i + 2)


def rule_blame_fault(c: Ctx) -> None:
    """Blame or fault put on a person, and a person's mistake: "Ahmed's mistake", "my fault"."""
    for i, w in enumerate(c.low):
        if w in {"blame", "blamed", "blames", "blaming"}:
            _blame_word(c, i, w)
        elif (
            w in ERROR_WORDS | {"typo", "screw-up", "screwup", "oversight", "fault", "faults"}
            and i > 0
            and (
                c.low[i - 1] in {"my", "his", "her", "whose", "someone's", "somebody's"}
                or (c.toks[i - 1].possessive and is_person(c, i - 1, possessive_ok=True))
            )
            and not negated_before(c, i - 1, 2)
            and not _nobody(c, i - 1)
        ):
            c.hit("fault", i - 1, i)  # "Ahmed's mistake", "his typo", "my fault"
        elif w == "fault" or w == "faults":
            _fault_word(c, i)


def rule_on_person(c: Ctx) -> None:
    """'The outage is on Daniel', 'that's on me': the incident put on a person."""
    n = len(c.low)
    for i in range(1, n - 1):
        if c.low[i] != "on" or c.low[i - 1] not in {
            "is",
            "was",
            "that's",
            "it's",
            "that",
            "this",
            "it",
            "'s",
        }:
            continue
        k = i + 1
        while k + 1 < n and c.low[k] in DETERMINERS:
            k += 1
        for h in range(k, min(n - 1, k + 2)):  # "on the platform team"
            if not c.low[h + 1].isalpha() or c.low[h + 1] in CLAUSE_WORDS | {"for"}:
                break
            k = h + 1
        nxt = c.low[k + 1] if k + 1 < n else "."
        if c.toks[k].possessive or not (
            nxt in SENTENCE_END or nxt in {",", "and", "for", "because", "-", "—"}
        ):
            continue
        if c.low[k] in {"me", "us", "him", "her", "them", "you"} or is_person(c, k):
            start = clause_start(c.toks, i, CLAUSE_WORDS)
            subj = c.low[start : i - 1]
            if c.low[i - 1] in {"that's", "it's"} or set(subj) & (
                INCIDENT_NOUNS | {"this", "that", "it", "one"}
            ):
                c.hit("fault", i - 1, k)
