"""Blameful wording: `check_text(text, names=...)`.

Theory of operation. Some phrases carry blame whoever they are about ("human error",
"careless", "if only", "obviously", "just had to"). Most failure words do not: "the consumer
failed to reconnect" is a fine sentence, "the operator failed to drain the node" is not. For
those the check finds the subject of the verb (`grammar.subject_of`) and asks whether it is a
person:

* Words that only people do ("forgot", "ignored", "didn't notice", "failed to check") are
  flagged unless the subject is clearly a system; a fragment without a subject counts as a
  person ("Forgot to update the status page").
* Words that systems do too ("failed to", "didn't", "missed", "skipped", "caused", "should
  have") are flagged only with a person as the subject.
* A person named as the cause or at fault ("caused by the intern", "root cause: Dana",
  "Ahmed's mistake", "the outage is on Daniel") is flagged; "nobody's fault" is not.

Each rule is a small function over the token list, run in the order of `_RULES`: the phrases,
the counterfactuals and a wrong pick are below; `failures.rule_failures` runs a table of
matchers, the first to recognise the words at a position decides; `fault.py` holds the rules
for a person named as the cause or at fault. Findings are grouped by reason (one `Finding` per
reason, see `findings.BLAME_VOICE`), each with the words as written.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from .clauses import agent_is_system, passive_in_clause
from .failures import rule_failures
from .fault import rule_as_cause, rule_blame_fault, rule_on_person
from .findings import BLAME, BLAME_VOICE, Finding, finding
from .grammar import (
    FIRST_PERSON,
    PERSON,
    SYSTEM,
    Ctx,
    first_subject,
    is_person,
    is_person_phrase,
    name_tokens,
    negated_before,
    subject_of,
)
from .lapses import (
    rule_behaviour,
    rule_counterfactual_passive,
    rule_error_acts,
    rule_knowing_choices,
    rule_own_fault,
    rule_passive_lapses,
    rule_unaware,
)
from .learned import decide, installed, learned_findings
from .lexicon import (
    CHARACTER_WORDS,
    CLAUSE_WORDS,
    DETERMINERS,
    ERROR_WORDS,
    FUTURE_MODALS,
    HUMAN_ERROR_HEADS,
    HUMAN_ERROR_TOKENS,
    IGNORE_WORDS,
    LAZY_TECH,
    MEMORY_WORDS,
    OBVIOUS_NEG,
    PERSON_WORDS,
    WOULD_HAVE_SEEN,
)
from .text import clause_start, tokenize
from .verdicts import rule_elliptic_counterfactual, rule_undone_operations, rule_verdicts

__all__ = ["check_text", "is_person_phrase", "name_tokens"]

# --- the rules --------------------------------------------------------------------------------


def _obvious_in_hindsight(c: Ctx, i: int, w: str, nxt: str) -> bool:
    """Is "obviously" or "obvious" (`w`, at token i) hindsight about what people should have
    seen?"""
    before = c.low[max(0, i - 3) : i]
    # Negated ("not obvious") it describes a hidden signal; after a future or
    # conditional modal ("it would obviously help") it is not about the past.
    # "obvious once we saw the graph" says when it became clear, not who should have
    # seen it.
    # "nothing obviously wrong", "anything obviously broken": a description, not hindsight;
    # "Windows Defender, obviously." comments on a thing, not on what people should have seen.
    described = w == "obviously" and i > 0 and c.low[i - 1] in _QUANTIFIERS
    described = described or (
        w == "obviously" and c.low[i - 1 : i] == [","] and (nxt in {".", "!", ""})
    )
    return (
        not described
        and not any(
            b in OBVIOUS_NEG or b.endswith("n't") or b in FUTURE_MODALS
            for b in (before if w == "obvious" else before[-2:])
        )
        and not (w == "obvious" and nxt in {"once", "after", "when", "from"})
    )


_QUANTIFIERS = frozenset({"anything", "nothing", "something", "everything"})
_MODALS = frozenset({"should", "could", "would", "should've", "could've", "would've", "have"})


def _simply_in_hindsight(c: Ctx, i: int, nxt: str) -> bool:
    """Is "simply" (at token i) hindsight: next to a counterfactual ("should simply have") or
    a failure word ("simply forgot")?"""
    prev = c.low[i - 1] if i > 0 else ""
    return prev in {
        "should",
        "could",
        "would",
        "have",
        "should've",
        "could've",
        "would've",
        "just",
    } or nxt in MEMORY_WORDS | IGNORE_WORDS | {
        "didn't",
        "failed",
        "missed",
        "forgot",
        "never",
        "did",
    }


def _rule_phrases(c: Ctx) -> None:
    """Phrases that carry blame whoever they are about."""
    n = len(c.low)
    for i, w in enumerate(c.low):
        nxt = c.low[i + 1] if i + 1 < n else ""
        if w in HUMAN_ERROR_HEADS and nxt in ERROR_WORDS and not c.toks[i].possessive:
            if not negated_before(c, i):
                c.hit("human_error", i, i + 1)
        elif w in HUMAN_ERROR_TOKENS or (w == "fat" and nxt in {"finger", "fingered", "fingering"}):
            c.hit("human_error", i, i + 1 if w == "fat" else i)
        elif w in {"rookie", "stupid", "silly", "dumb"} and nxt in ERROR_WORDS:
            c.hit("character", i, i + 1)
        elif w in CHARACTER_WORDS:
            if w in {"lazy", "laziness"} and nxt in LAZY_TECH | {"-"}:
                continue
            if w == "sloppy" and nxt in {"joins", "join", "matching", "match"}:
                continue
            c.hit("character", i, i)
        elif w == "if" and nxt == "only":
            c.hit("counterfactual", i, i + 1)
        elif (
            w in {"just", "only", "simply"}
            and nxt in {"had", "needed"}
            and i + 2 < n
            and c.low[i + 2] == "to"
        ):
            c.hit("hindsight", i, i + 2)
        elif (
            w == "all"
            and i + 3 < n
            and c.low[i + 1] in PERSON_WORDS
            and c.low[i + 2] in {"had", "needed"}
            and c.low[i + 3] == "to"
        ):
            c.hit("hindsight", i, i + 3)
        elif w in {"obviously", "obvious"}:
            if _obvious_in_hindsight(c, i, w, nxt):
                c.hit("hindsight", i, i)
        elif w == "simply":
            # "should simply have", "Dana simply forgot"; not "the renewal simply didn't happen"
            kind, j = subject_of(c, i)
            system = kind == SYSTEM and not (j >= 0 and c.toks[j].capitalised)
            if _simply_in_hindsight(c, i, nxt) and (
                c.low[i - 1 : i] and c.low[i - 1] in _MODALS or not system
            ):
                c.hit("hindsight", i, i)
        elif (w == "half" and c.at(i, ("half", "a", "brain")) >= 0) or (
            w == "any" and nxt in {"idiot", "fool"}
        ):
            c.hit("character", i, i + 2 if w == "half" else i + 1)
        elif w in {"would", "would've"} and c.any_at(i, WOULD_HAVE_SEEN) >= 0:
            # "anyone would have seen it": a counterfactual about people
            k = c.any_at(i, WOULD_HAVE_SEEN)
            start = clause_start(c.toks, i, CLAUSE_WORDS)
            if any(
                c.low[h] in {"anyone", "anybody", "everyone", "everybody", "any"}
                for h in range(start, i)
            ):
                c.hit("counterfactual", i, k)
        elif w in {"asleep"} and nxt == "at":
            c.hit("character", i, min(i + 3, n - 1))


def _rule_counterfactual_if(c: Ctx) -> None:
    """'If Dana had checked ...': a conditional about what a person did not do."""
    n = len(c.low)
    for i, w in enumerate(c.low):
        if w != "if" or i + 2 >= n:
            continue
        k = i + 1
        while k < n and c.low[k] in DETERMINERS and k < i + 3:
            k += 1
        # allow a role phrase: "if the on-call engineer had"
        h = k
        while (
            h + 1 < n
            and h < k + 2
            and c.low[h + 1] not in {"had", "hadn't"}
            and c.low[h + 1].isalpha()
        ):
            h += 1
        if (
            h + 1 < n
            and c.low[h + 1] in {"had", "hadn't"}
            and is_person(c, h)
            and c.low[h] not in FIRST_PERSON
        ):
            after = c.low[h + 2] if h + 2 < n else ""
            if after not in {"been", "known", "had", "access", "a", "an", "the", "no"}:
                c.hit("counterfactual", i, h + 1)


def _rule_wrong(c: Ctx) -> None:
    """'The DBA dropped the wrong table', 'it was brought back up with the wrong filesystem': a
    person (or a passive, which has one behind it) picked wrongly."""
    for i in range(1, len(c.low)):
        if c.low[i] in {"wrong", "incorrect"} and c.low[i - 1] in {"the", "a", "an"}:
            start = clause_start(c.toks, i, CLAUSE_WORDS - {"and", "as"})  # "as the wrong user"
            p = passive_in_clause(c, i)
            if first_subject(c, start, i) == PERSON or (p >= 0 and not agent_is_system(c, p)):
                c.hit("person_failure", i - 1, i)


_RULES = (
    _rule_wrong,
    rule_on_person,
    _rule_phrases,
    rule_counterfactual_passive,
    rule_passive_lapses,
    rule_unaware,
    rule_error_acts,
    rule_own_fault,
    rule_behaviour,
    rule_knowing_choices,
    rule_failures,
    _rule_counterfactual_if,
    rule_as_cause,
    rule_blame_fault,
    rule_verdicts,
    rule_undone_operations,
    rule_elliptic_counterfactual,
)


@lru_cache(maxsize=8192)
def _check(text: str, plain: frozenset[str], ambiguous: frozenset[str]) -> tuple[Finding, ...]:
    toks = tokenize(text)
    c = Ctx(text, toks, [t.low for t in toks], plain, ambiguous)
    for rule in _RULES:
        rule(c)
    out: list[Finding] = []
    for reason, spans in c.hits.items():
        if not spans:
            continue
        words = tuple(dict.fromkeys(text[toks[a].start : toks[b].end] for a, b in sorted(spans)))
        out.append(finding(BLAME, BLAME_VOICE[reason], words))
    return tuple(out)


def check_text(text: str, *, names: Iterable[str] = (), learned: bool = True) -> list[Finding]:
    """Blame findings for any free text: one per reason, each with the words as written.
    `names` are display names of the people on the board; they count as personal names. When
    no rule fires and `learned` is on, the learned scorer may add one finding (`learned.py`);
    action items pass `learned=False`, as the scorer learned from narrative sentences. With a
    model installed for `blame` (the server installs one) and `learned` on, the model decides
    which rule findings stand and adds its own (`learned.decide`)."""
    plain, ambiguous = name_tokens(names)
    model = installed(BLAME) if learned else None
    if model is not None:  # the server's model decides (issue 14, round eight)
        return decide(BLAME, model, text, lambda: list(_check(text, plain, ambiguous)))
    found = list(_check(text, plain, ambiguous))
    if not found and learned:
        found = learned_findings(BLAME, text)
    return found
