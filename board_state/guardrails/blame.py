"""Blameful wording: `check_text(text, names=...)`.

Theory of operation. Some phrases carry blame whoever they are about ("human error",
"careless", "if only", "obviously"). Most failure words do not: "the consumer failed to
reconnect" is a fine sentence, "the operator failed to drain the node" is not. For those the
check finds the subject of the verb and asks whether it is a person:

* The subject search walks left from the failure word, inside its clause, over auxiliaries and
  adverbs ("Dana then simply forgot"), steps back over a relative pronoun ("the engineer who
  ...") or a prepositional tail ("the engineer on the rota"), and classifies the word it lands
  on: a person (a name, a role noun, a personal pronoun, "someone"/"nobody"), a system (any
  other word), a capitalised unknown in mid-sentence (perhaps a name not on our list), or
  nothing (a fragment such as "Forgot to drain the node").
* Words that only people do ("forgot", "ignored", "didn't notice", "failed to check") are
  flagged unless the subject is clearly a system. Words that systems do too ("failed to",
  "didn't", "missed", "caused", "should have") are flagged only with a person as the subject.
* A name is a capitalised given name from `lexicon.FIRST_NAMES` or a token of a participant's
  display name. Names that are also ordinary words (Will, May, Bill, Mark, Grant ...) count only
  where they stand as a subject and not in their ordinary use: after an article or a
  preposition ("the grant", "in May"), before a number ("May 3"), or as a modal ("Will we ...",
  "May have ...").

Findings are grouped by reason, one per reason, each with the exact words as written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from .findings import BLAME, BLAME_VOICE, Finding, finding
from .lexicon import (
    AMBIGUOUS_NAMES, CLAUSE_WORDS, DETERMINERS, FIRST_NAMES, HUMAN_VERBS, INCIDENT_NOUNS,
    NOT_FAILURE_VERBS, PERSON_WORDS, PREPOSITIONS, SKIP_LEFT, SYSTEM_PROPER,
)
from .text import SENTENCE_END, Token, clause_start, tokenize

PERSON, SYSTEM, PROPER, NONE = "person", "system", "proper", "none"

NEGATIONS = frozenset({"not", "no", "never", "without", "nobody", "none", "nothing", "hardly"})
PRONOUN_SUBJECTS = frozenset({"i", "we", "you", "he", "she", "they", "it", "there", "this"})
FIRST_PERSON = frozenset({"we", "i", "you"})

_IRREGULAR_PAST = {
    "see": "saw", "read": "read", "catch": "caught", "think": "thought", "tell": "told",
    "pay": "paid", "spot": "spotted", "understand": "understood", "hear": "heard",
}


def _past(verb: str) -> str:
    if verb in _IRREGULAR_PAST:
        return _IRREGULAR_PAST[verb]
    return verb + ("d" if verb.endswith("e") else "ed")


HUMAN_PAST = frozenset(_past(v) for v in HUMAN_VERBS)
# Verbs only people do, in the past tense, and the phrases that go with them.
MEMORY_WORDS = frozenset({"forgot", "forgotten"})
IGNORE_WORDS = frozenset({"ignored", "overlooked", "neglected", "disregarded", "dismissed",
                          "ignoring", "overlooking", "neglecting", "disregarding"})
CAUSE_VERBS = frozenset({"caused", "broke", "triggered"})
CAUSE_PHRASES = (("took", "down"), ("brought", "down"), ("took", "out"), ("knocked", "over"),
                 ("blew", "up"), ("took", "prod", "down"), ("broke", "prod"))
SLIP_PHRASES = (("dropped", "the", "ball"), ("messed", "up"), ("screwed", "up"), ("goofed",),
                ("blundered",), ("botched",), ("fell", "asleep"), ("zoned", "out"),
                ("wasn't", "paying", "attention"), ("weren't", "paying", "attention"),
                ("not", "paying", "attention"), ("was", "distracted"), ("were", "distracted"),
                ("didn't", "bother"), ("did", "not", "bother"))
ACCIDENT_WORDS = frozenset({"accidentally", "mistakenly", "inadvertently", "wrongly",
                            "erroneously", "unintentionally"})
CHARACTER_WORDS = frozenset({
    "careless", "carelessness", "carelessly", "negligent", "negligence", "negligently",
    "incompetent", "incompetence", "reckless", "recklessly", "sloppy", "sloppiness",
    "irresponsible", "irresponsibly", "lazy", "laziness", "stupid", "idiot", "idiotic",
    "clueless", "sloppily",
})
# "lazy" is also software: lazy loading, lazy evaluation.
LAZY_TECH = frozenset({"loading", "load", "loaded", "evaluation", "initialization",
                       "initialisation", "init", "instantiation", "import", "imports", "fetch",
                       "iterator", "sequence", "deletion", "expiry", "expiration", "eval"})
HUMAN_ERROR_HEADS = frozenset({"human", "operator", "user", "engineer", "pilot", "developer",
                               "admin", "people", "personnel", "staff", "manual"})
ERROR_WORDS = frozenset({"error", "errors", "mistake", "mistakes", "slip", "slips", "blunder"})
HUMAN_ERROR_TOKENS = frozenset({"pebkac", "pebcak", "id10t", "fat-fingered", "fat-finger",
                                "fat-fingering"})
MISSED_OK_OBJECTS = frozenset({"sla", "slas", "slo", "slos", "target", "targets", "deadline",
                               "deadlines", "window", "budget", "cutoff", "cut-off", "quota",
                               "heartbeat", "heartbeats", "health", "beat", "beats", "batch",
                               "cycle", "tick", "ticks", "run", "runs", "cron", "schedule",
                               "slot", "connection", "packets", "packet"})
SHOULD_HAVE = (("should", "have"), ("should've",), ("shouldn't", "have"),
               ("should", "not", "have"), ("ought", "to", "have"), ("oughta", "have"),
               ("should", "really", "have"), ("should", "just", "have"),
               ("should", "simply", "have"), ("should", "obviously", "have"))
COULD_HAVE = (("could", "have"), ("could've",), ("could", "easily", "have"),
              ("could", "just", "have"), ("could", "simply", "have"))
DID_NOT = (("didn't",), ("did", "not"), ("never",), ("failed", "to"), ("neglected", "to"),
           ("forgot", "to"), ("fails", "to"), ("failing", "to"), ("doesn't",),
           ("does", "not"), ("hadn't",), ("had", "not"), ("wasn't", "able", "to"),
           ("couldn't", "be", "bothered", "to"))
NOT_WATCHING = tuple((be, v) for be in ("wasn't", "weren't") for v in (
    "watching", "looking", "checking", "monitoring", "listening", "reading", "concentrating",
    "focused", "focusing")) + tuple(("was", "not", v) for v in ("watching", "looking",
                                                              "checking", "monitoring"))
MIS_VERBS = frozenset({"misconfigured", "mistyped", "misread", "misjudged", "misunderstood",
                       "misinterpreted", "mislabeled", "mislabelled", "misclicked",
                       "mis-typed", "misconfigured", "misentered", "misplaced"})
MIS_IMPLIED = frozenset({"misread", "misjudged", "misunderstood", "misinterpreted",
                         "misclicked"})
# Stems of "-ing" forms of diligence verbs: "without checking", "instead of following".
# Only diligence: "instead of waiting" describes a choice, "without checking" a lapse.
HUMAN_VERBS_ING = frozenset({"check", "test", "verify", "follow", "read", "review", "look",
                             "ask", "confirm", "double-check", "notic", "escalat", "tell",
                             "inform", "us", "consult", "warn", "validat", "monitor"})
HUMAN_PRESENT = frozenset(v + ("es" if v.endswith(("s", "sh", "ch")) else "s")
                          for v in HUMAN_VERBS)
WOULD_HAVE_SEEN = tuple(p + (v,) for p in (("would", "have"), ("would've",))
                        for v in ("seen", "noticed", "caught", "known", "spotted", "realised",
                                  "realized", "checked"))
FUTURE_MODALS = frozenset({"would", "will", "could", "can", "might", "may", "'d", "'ll"})
OBVIOUS_NEG = frozenset({"not", "no", "non", "nothing", "less", "hardly", "never", "far",
                         "wasn't", "isn't", "weren't", "aren't", "none"})


@dataclass
class _Ctx:
    text: str
    toks: list[Token]
    low: list[str]
    names: frozenset[str]          # participants' name tokens, lower case, not ordinary words
    ambiguous: frozenset[str]      # participants' name tokens that are also ordinary words
    hits: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def hit(self, reason: str, i: int, j: int) -> None:
        spans = self.hits.setdefault(reason, [])
        if all(j < a or i > b for r in self.hits.values() for a, b in r):
            spans.append((i, j))

    def at(self, i: int, phrase: tuple[str, ...]) -> int:
        """End index (inclusive) when `phrase` starts at token i, else -1."""
        if i + len(phrase) > len(self.low):
            return -1
        for k, w in enumerate(phrase):
            if self.low[i + k] != w:
                return -1
        return i + len(phrase) - 1

    def any_at(self, i: int, phrases: Iterable[tuple[str, ...]]) -> int:
        for p in phrases:
            j = self.at(i, p)
            if j >= 0:
                return j
        return -1


# --- names and people -----------------------------------------------------------------------

def name_tokens(names: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Split display names into (plain, ambiguous) lower-case name tokens."""
    return _name_tokens(tuple(names))


@lru_cache(maxsize=256)
def _name_tokens(names: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    plain: set[str] = set()
    ambiguous: set[str] = set()
    for name in names:
        for t in tokenize(name):
            if len(t.low) < 2 or t.is_punct or not t.low.replace("-", "").replace("'", "").isalpha():
                continue
            if t.low in DETERMINERS or t.low in PREPOSITIONS or t.low in CLAUSE_WORDS:
                continue
            if t.low in AMBIGUOUS_NAMES or t.low in SKIP_LEFT or t.low in PRONOUN_SUBJECTS:
                ambiguous.add(t.low)
            else:
                plain.add(t.low)
    return frozenset(plain), frozenset(ambiguous)


_NAME_BLOCKERS = DETERMINERS | PREPOSITIONS | frozenset({
    "since", "until", "by", "last", "next", "early", "mid", "late", "end", "during", "through",
    "per", "to", "into", "via", "monthly", "quarterly"})
_MODAL_FOLLOWERS = frozenset({
    "have", "be", "not", "never", "also", "we", "you", "they", "i", "he", "she", "it", "the",
    "this", "that", "there", "a", "an", "our", "your", "their", "need", "still", "only",
    "cause", "happen", "fail", "affect"})


def _is_name(c: _Ctx, k: int) -> bool:
    t = c.toks[k]
    low = t.low
    if low in c.ambiguous or (low in AMBIGUOUS_NAMES and not low in c.names):
        if not t.capitalised or t.text.isupper():
            return False
        prev = c.low[k - 1] if k > 0 else ""
        nxt = c.low[k + 1] if k + 1 < len(c.low) else ""
        if prev in _NAME_BLOCKERS or prev.isdigit():
            return False
        if nxt[:1].isdigit():
            return False                       # May 3, June 2026
        if low in {"will", "may"} and (nxt in _MODAL_FOLLOWERS or t.sentence_start and
                                       c.text.rstrip().endswith("?")):
            return False                       # the modal verb
        return True
    if low in c.names:
        return True
    return t.capitalised and not t.text.isupper() and low in FIRST_NAMES


def _is_person(c: _Ctx, k: int) -> bool:
    t = c.toks[k]
    low = t.low
    if t.text in {"US", "UK", "EU", "IT"}:
        return t.text == "IT"                  # the IT department; the others are places
    if low == "one" and k > 0 and c.low[k - 1] in {"no", "every", "any", "some"}:
        return True
    if low in PERSON_WORDS and not t.possessive:
        return True
    return _is_name(c, k)


def _is_ly_adverb(low: str) -> bool:
    return low.endswith("ly") and len(low) > 4 and low not in {
        "family", "supply", "assembly", "reply", "anomaly", "rally", "ally", "daily", "weekly",
        "monthly", "italy", "poly", "apply", "multiply", "jelly", "belly", "early", "only"}


def _classify(c: _Ctx, j: int) -> str:
    t = c.toks[j]
    if _is_person(c, j):
        return PERSON
    if t.is_punct:
        return NONE
    low = t.low
    # A capitalised unknown word in mid-sentence may be a name we do not know, unless it looks
    # like a plural ("Payments", "Backups"): names ending in s are on the list.
    if (t.capitalised and not t.text.isupper() and not t.sentence_start and low.isalpha()
            and low not in SYSTEM_PROPER and low not in PERSON_WORDS
            and not (low.endswith("s") and not low.endswith("ss"))):
        return PROPER
    return SYSTEM


def _first_subject(c: _Ctx, start: int, end: int) -> str:
    """The subject of a clause read from its start: skip a leading prepositional phrase and
    determiners, then classify the first word left."""
    k = start
    if k < end and c.low[k] in PREPOSITIONS | {"during", "around", "after", "before", "by"}:
        k += 1
        while k < end and (c.low[k] in DETERMINERS or c.low[k][:1].isdigit()
                           or not _is_person(c, k) and k < start + 3):
            k += 1
    while k < end and (c.low[k] in DETERMINERS or c.low[k] in SKIP_LEFT):
        k += 1
    if k >= end:
        return NONE
    # The head may come a word or two later: "Mobile team", "the data engineer".
    for h in range(k, min(end, k + 3)):
        if c.low[h] in SKIP_LEFT or c.low[h] in PREPOSITIONS or c.toks[h].is_punct:
            break
        if _is_person(c, h):
            return PERSON
        if h > k and c.low[h].endswith("ed"):
            break
    return _classify(c, k)


def _subject(c: _Ctx, i: int) -> tuple[str, int]:
    """Who or what is the subject of the verb at token i, and where it was found."""
    start = clause_start(c.toks, i, CLAUSE_WORDS)
    j = i - 1
    while j >= start and (c.low[j] in SKIP_LEFT or _is_ly_adverb(c.low[j])
                          or c.low[j] in {"n't", "then"}):
        j -= 1
    if j < start:
        # A clause joined by "and"/"but"/"or" shares its subject with the one before.
        if start > 0 and c.low[start - 1] in {"and", "but", "or", "then"}:
            prev_start = clause_start(c.toks, start - 1, CLAUSE_WORDS)
            return _first_subject(c, prev_start, start - 1), -1
        return NONE, -1
    if c.low[j] in {"who", "that", "which"} and j - 1 >= start:
        j -= 1
    kind = _classify(c, j)
    # "the engineer on the rota", "the consumer in the EU region": the head comes before the
    # preposition.
    for _ in range(2):
        if kind == PERSON:
            break
        k = j - 1
        steps = 0
        while k >= start and steps < 3 and (c.low[k] in DETERMINERS or c.toks[k].possessive
                                            or (c.low[k].isalpha() and c.toks[k].low not in
                                                PREPOSITIONS and c.low[k] not in SKIP_LEFT)):
            k -= 1
            steps += 1
        if k > start and c.low[k] in PREPOSITIONS:
            j = k - 1
            kind = _classify(c, j)
        else:
            break
    if kind != PERSON:
        # "the engineer who deployed the change forgot": the subject is before "who".
        for k in range(j - 1, start - 1, -1):
            if c.low[k] == "whoever":
                return PERSON, k
            if c.low[k] == "who" and k > start and _is_person(c, k - 1):
                return PERSON, k - 1
    return kind, j


def _possessive_person(c: _Ctx, i: int) -> bool:
    """Does the subject phrase before token i hold a person's possessive (Dana's, his, her)?"""
    start = clause_start(c.toks, i, CLAUSE_WORDS)
    for k in range(start, i):
        if c.low[k] in {"his", "her"}:
            return True
        if c.toks[k].possessive and _is_person(c, k):
            return True
    return False


def _negated_before(c: _Ctx, i: int, span: int = 3) -> bool:
    start = clause_start(c.toks, i, CLAUSE_WORDS)
    for k in range(max(start, i - span), i):
        if c.low[k] in NEGATIONS or c.low[k].endswith("n't"):
            return True
    return False


def _person_in_phrase(c: _Ctx, i: int, width: int = 4) -> bool:
    """Is there a person at the head of the noun phrase starting at token i?"""
    k = i
    while k < len(c.low) and k < i + width:
        t = c.toks[k]
        if t.is_punct or c.low[k] in CLAUSE_WORDS or c.low[k] in {"who", "that", "which"}:
            return False
        if _is_person(c, k) and c.low[k] not in FIRST_PERSON | {"us"}:
            nxt = c.low[k + 1] if k + 1 < len(c.low) else "."
            if (t.possessive or nxt in SENTENCE_END or nxt in {",", "who", "that", "and", "or"}
                    or nxt in PREPOSITIONS or nxt in CLAUSE_WORDS or nxt in SKIP_LEFT
                    or nxt.endswith("ing") or nxt.endswith("ed") or _is_name(c, k)):
                return True
        if c.low[k] in {"his", "her"}:
            return True
        k += 1
    return False


# --- the rules --------------------------------------------------------------------------------

def _rule_phrases(c: _Ctx) -> None:
    """Phrases that carry blame whoever they are about."""
    n = len(c.low)
    for i, w in enumerate(c.low):
        nxt = c.low[i + 1] if i + 1 < n else ""
        if w in HUMAN_ERROR_HEADS and nxt in ERROR_WORDS and not c.toks[i].possessive:
            if not _negated_before(c, i):
                c.hit("human_error", i, i + 1)
        elif w in HUMAN_ERROR_TOKENS or (w == "fat" and nxt in {"finger", "fingered",
                                                                 "fingering"}):
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
        elif w in {"just", "only", "simply"} and nxt in {"had", "needed"} and \
                i + 2 < n and c.low[i + 2] == "to":
            c.hit("hindsight", i, i + 2)
        elif w == "all" and i + 3 < n and c.low[i + 1] in PERSON_WORDS and \
                c.low[i + 2] in {"had", "needed"} and c.low[i + 3] == "to":
            c.hit("hindsight", i, i + 3)
        elif w in {"obviously", "obvious"}:
            before = c.low[max(0, i - 3):i]
            # Negated ("not obvious") it describes a hidden signal; after a future or
            # conditional modal ("it would obviously help") it is not about the past.
            if not any(b in OBVIOUS_NEG or b.endswith("n't") or b in FUTURE_MODALS
                       for b in (before if w == "obvious" else before[-2:])):
                c.hit("hindsight", i, i)
        elif w == "simply":
            prev = c.low[i - 1] if i > 0 else ""
            if prev in {"should", "could", "would", "have", "should've", "could've",
                        "would've", "just"} or nxt in MEMORY_WORDS | IGNORE_WORDS | {
                            "didn't", "failed", "missed", "forgot", "never", "did"}:
                c.hit("hindsight", i, i)
        elif (w == "half" and c.at(i, ("half", "a", "brain")) >= 0) or (
                w == "any" and nxt in {"idiot", "fool"}):
            c.hit("character", i, i + 2 if w == "half" else i + 1)
        elif w in {"would", "would've"} and c.any_at(i, WOULD_HAVE_SEEN) >= 0:
            # "anyone would have seen it": a counterfactual about people
            k = c.any_at(i, WOULD_HAVE_SEEN)
            start = clause_start(c.toks, i, CLAUSE_WORDS)
            if any(c.low[h] in {"anyone", "anybody", "everyone", "everybody", "any"}
                   for h in range(start, i)):
                c.hit("counterfactual", i, k)
        elif w in {"asleep"} and nxt == "at":
            c.hit("character", i, min(i + 3, n - 1))


def _rule_failures(c: _Ctx) -> None:
    """Failure words: flagged by who their subject is."""
    n = len(c.low)
    i = 0
    while i < n:
        w = c.low[i]
        j = -1
        reason = ""
        implied = False   # only people do this: flag unless the subject is a system
        # forgot / ignored / overlooked / neglected
        if w in MEMORY_WORDS:
            prev = c.low[i - 1] if i > 0 else ""
            if w == "forgotten" and prev in {"was", "were", "been", "being", "got"}:
                j, reason, implied = i, "memory", True  # passive: someone forgot
                c.hit(reason, i, j)
                i += 1
                continue
            j, reason, implied = i, "memory", True
            if i + 1 < n and c.low[i + 1] == "to":
                j = i + 1
        elif w in {"forget", "forgets", "forgetting"}:
            j, reason = i, "memory"
        elif w in IGNORE_WORDS:
            prev = c.low[i - 1] if i > 0 else ""
            if prev in {"is", "are", "be", "gets", "get"}:
                i += 1      # "unknown fields are ignored": how a system behaves
                continue
            if prev in {"was", "were", "been", "being", "got", "completely", "simply"} and \
                    not (i + 2 < n and c.low[i + 1] == "by" and not _person_in_phrase(c, i + 2)):
                c.hit("person_failure", i, i)     # the alert was ignored: by someone
                i += 1
                continue
            j, reason, implied = i, "person_failure", True
            if i + 1 < n and c.low[i + 1] == "to":
                j = i + 1
        elif w in ACCIDENT_WORDS or (w == "by" and i + 1 < n and c.low[i + 1] in {
                "mistake", "accident"}):
            j = i if w != "by" else i + 1
            prev = c.low[i - 1] if i > 0 else ""
            if prev in {"was", "were", "got", "been"}:
                c.hit("person_failure", i, j)
                i = j + 1
                continue
            reason, implied = "person_failure", True
            if w == "by":
                # "ran the script by mistake": the subject is the clause's
                start = clause_start(c.toks, i, CLAUSE_WORDS)
                kind = _first_subject(c, start, i)
                if kind in {PERSON, PROPER, NONE}:
                    c.hit(reason, i, j)
                i = j + 1
                continue
        else:
            k = c.any_at(i, DID_NOT)
            if k >= 0 and k + 1 < n:
                verb = c.low[k + 1]
                if w == "never":
                    if verb in HUMAN_PAST or verb in HUMAN_PRESENT:
                        j, reason, implied = k + 1, "person_failure", True
                    elif verb.endswith("ed") or verb in {"saw", "caught", "read", "told",
                                                         "thought", "paid"}:
                        if verb not in NOT_FAILURE_VERBS and verb not in {"received",
                                                                          "needed",
                                                                          "wanted",
                                                                          "expected",
                                                                          "happened",
                                                                          "existed",
                                                                          "intended",
                                                                          "seemed",
                                                                          "appeared"}:
                            j, reason = k + 1, "person_failure"
                elif verb in HUMAN_VERBS:
                    j, reason, implied = k + 1, "person_failure", True
                elif verb.isalpha() and verb not in NOT_FAILURE_VERBS and \
                        verb not in SKIP_LEFT and verb not in {"to", "a", "the", "be"}:
                    j, reason = k + 1, "person_failure"
            if j < 0:
                k = c.any_at(i, SHOULD_HAVE)
                if k >= 0:
                    j, reason = k, "counterfactual"
                    kind, _ = _subject(c, i)
                    nxt = c.low[k + 1] if k + 1 < n else ""
                    if kind == PERSON or (kind == NONE and nxt != "been"):
                        c.hit(reason, i, j)
                    i = j + 1
                    continue
                k = c.any_at(i, COULD_HAVE)
                if k >= 0:
                    kind, pos = _subject(c, i)
                    nxt = c.low[k + 1] if k + 1 < n else ""
                    if kind == PERSON and pos >= 0 and c.low[pos] not in FIRST_PERSON and \
                            nxt not in {"been", "caused", "happened"}:
                        c.hit("counterfactual", i, k)
                    i = k + 1
                    continue
                k = c.any_at(i, SLIP_PHRASES)
                if k >= 0:
                    c.hit("person_failure", i, k)   # only people drop the ball
                    i = k + 1
                    continue
                k = c.any_at(i, NOT_WATCHING)
                if k >= 0:
                    j, reason, implied = k, "person_failure", True
                elif w in MIS_VERBS or w == "skipped":
                    j, reason, implied = i, "person_failure", w in MIS_IMPLIED
                elif w in {"without", "instead"} and i + 1 < n:
                    k = i + 1 + (w == "instead" and c.low[i + 1] == "of")
                    if k < n and c.low[k].endswith("ing") and c.low[k][:-3] in HUMAN_VERBS_ING:
                        start = clause_start(c.toks, i, CLAUSE_WORDS - {"and"})
                        if _first_subject(c, start, i) == PERSON:
                            c.hit("person_failure", i, k)
                    i = k + 1
                    continue
                elif w == "missed":
                    obj = i + 1
                    while obj < n and c.low[obj] in DETERMINERS | {"first", "second", "initial",
                                                                   "early", "two", "three"}:
                        obj += 1
                    head = obj
                    while head + 1 < n and c.low[head + 1].isalpha() and \
                            c.low[head + 1] not in CLAUSE_WORDS | PREPOSITIONS | SKIP_LEFT:
                        head += 1
                    if obj < n and not ({c.low[obj], c.low[min(head, n - 1)]}
                                        & MISSED_OK_OBJECTS):
                        j, reason = i, "person_failure"
                elif w in CAUSE_VERBS or c.any_at(i, CAUSE_PHRASES) >= 0:
                    j = max(i, c.any_at(i, CAUSE_PHRASES))
                    prev = c.low[i - 1] if i > 0 else ""
                    if prev not in {"was", "were", "been", "being", "is", "are"}:
                        kind, _ = _subject(c, i)
                        if kind == PERSON or _possessive_person(c, i):
                            c.hit("person_cause", i, j)
                    i = j + 1
                    continue
                elif w in {"made", "makes", "make"} and i + 2 < n and \
                        c.low[i + 1] in {"a", "an", "the", "this", "that", "another"} and \
                        c.low[i + 2] in ERROR_WORDS | {"typo", "blunder"}:
                    j, reason, implied = i + 2, "person_failure", True
                elif w in {"noticed", "reacted", "responded", "escalated", "acted",
                           "paged"} and i + 1 < n and (c.low[i + 1] in {"late", "slowly"} or
                                                       c.at(i + 1, ("too", "late")) >= 0):
                    j, reason = i + 1 + (c.low[i + 1] == "too"), "person_failure"
                elif w in HUMAN_PAST and i > 0 and (c.low[i - 1] in {"nobody", "noone"} or
                                                    c.low[i - 2:i] == ["no", "one"]):
                    j, reason = i, "person_failure"   # "nobody noticed"
                elif w in {"was", "were"} and c.any_at(i + 1, (("slow", "to"), ("too", "slow"),
                                                               ("late", "to"))) >= 0:
                    j, reason = i + 2, "person_failure"
                elif w in {"was", "were", "is", "are"} and c.at(i + 1, ("responsible", "for")) > 0:
                    k2 = i + 3
                    while k2 < n and c.low[k2] in DETERMINERS:
                        k2 += 1
                    if k2 < n and c.low[k2] in INCIDENT_NOUNS:
                        j, reason = k2, "fault"
        if j >= 0:
            kind, _ = _subject(c, i)
            if kind == PERSON or (implied and kind in {NONE, PROPER}):
                c.hit(reason, i, j)
            i = j + 1
        else:
            i += 1


def _rule_counterfactual_if(c: _Ctx) -> None:
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
        while h + 1 < n and h < k + 2 and c.low[h + 1] not in {"had", "hadn't"} and \
                c.low[h + 1].isalpha():
            h += 1
        if h + 1 < n and c.low[h + 1] in {"had", "hadn't"} and _is_person(c, h) and \
                c.low[h] not in FIRST_PERSON:
            after = c.low[h + 2] if h + 2 < n else ""
            if after not in {"been", "known", "had", "access", "a", "an", "the", "no"}:
                c.hit("counterfactual", i, h + 1)


def _rule_as_cause(c: _Ctx) -> None:
    """A person named as the cause: 'caused by the intern', 'root cause: Dana'."""
    n = len(c.low)
    lead = (("caused", "by"), ("because", "of"), ("due", "to"), ("thanks", "to"),
            ("blamed", "on"), ("blame", "on"), ("fault", "of"), ("triggered", "by"),
            ("root", "cause", "was"), ("root", "cause", "is"), ("root", "cause", ":"),
            ("root", "cause", "-"), ("the", "cause", "was"), ("cause", ":"),
            ("blame", "lies", "with"), ("blame", "lay", "with"), ("blame", "falls", "on"),
            ("blame", "is", "on"), ("fault", "lies", "with"), ("fault", "lay", "with"))
    for i in range(n):
        k = c.any_at(i, lead)
        if k < 0 and c.any_at(i, (("was", "made", "by"), ("were", "made", "by"))) >= 0 and \
                set(c.low[clause_start(c.toks, i, CLAUSE_WORDS):i]) & (ERROR_WORDS | {"typo"}):
            k = i + 2   # "the mistake was made by the new hire"
        if k < 0:
            continue
        s = k + 1
        while s < n and c.low[s] in DETERMINERS:
            s += 1
        if s < n and _person_in_phrase(c, s):
            reason = "fault" if c.low[i].startswith("blame") or c.low[i] == "fault" \
                else "person_cause"
            c.hit(reason, i, k)


def _rule_blame_fault(c: _Ctx) -> None:
    n = len(c.low)
    for i, w in enumerate(c.low):
        if w in {"blame", "blamed", "blames", "blaming"}:
            if _negated_before(c, i, 4) or (i > 0 and c.low[i - 1] in {"no", "the"}):
                continue
            prev2 = c.low[max(0, i - 3):i]
            s = i + 1
            while s < n and c.low[s] in DETERMINERS:
                s += 1
            if w != "blame" or c.low[i - 1:i] != ["to"]:
                if s < n and _person_in_phrase(c, s):
                    c.hit("fault", i, i)
                    continue
            if i > 0 and c.low[i - 1] == "to":
                # "Dana was to blame", "who is to blame"
                if "who" in prev2 or "who's" in prev2 or "whom" in prev2:
                    c.hit("fault", i - 1, i)
                    continue
                kind, _ = _subject(c, i - 2 if i >= 2 and c.low[i - 2] in {
                    "is", "was", "are", "were", "be"} else i - 1)
                if kind in {PERSON, PROPER}:
                    c.hit("fault", i - 1, i)
        elif w in ERROR_WORDS | {"typo", "screw-up", "screwup", "oversight", "fault", "faults"} \
                and i > 0 and (c.low[i - 1] in {"my", "his", "her", "whose", "someone's",
                                                "somebody's"} or (c.toks[i - 1].possessive and
                                                                  _is_person(c, i - 1))) \
                and not _negated_before(c, i - 1, 2):
            c.hit("fault", i - 1, i)   # "Ahmed's mistake", "his typo", "my fault"
        elif w == "fault" or w == "faults":
            prev = c.low[i - 1] if i > 0 else ""
            prev_tok = c.toks[i - 1] if i > 0 else None
            if prev == "at":
                if not _negated_before(c, i - 1, 3):
                    kind, _ = _subject(c, i - 2 if i >= 2 and c.low[i - 2] in {
                        "is", "was", "are", "were", "be", "been"} else i - 1)
                    if kind in {PERSON, PROPER, NONE} or "who" in c.low[max(0, i - 4):i]:
                        c.hit("fault", i - 1, i)
            elif prev in {"my", "your", "his", "her", "their", "our", "whose", "someone's",
                          "somebody's"}:
                c.hit("fault", i - 1, i)
            elif prev_tok is not None and prev_tok.possessive and _is_person(c, i - 1):
                if c.low[i - 2:i - 1] not in (["no"], ["not"]) and \
                        not _negated_before(c, i - 1, 2):
                    c.hit("fault", i - 1, i)
            elif i + 2 < n and c.low[i + 1] in {"lies", "lay", "lay's", "is", "was"} and \
                    c.low[i + 2] in {"with", "on"} and i + 3 < n and _person_in_phrase(
                        c, i + 3 + (c.low[i + 3] in DETERMINERS)):
                c.hit("fault", i, i + 2)


def _rule_wrong(c: _Ctx) -> None:
    """'The DBA dropped the wrong table': a person picked wrongly."""
    for i in range(1, len(c.low)):
        if c.low[i] in {"wrong", "incorrect"} and c.low[i - 1] in {"the", "a", "an"}:
            start = clause_start(c.toks, i, CLAUSE_WORDS - {"and"})
            if _first_subject(c, start, i) == PERSON:
                c.hit("person_failure", i - 1, i)


def _rule_on_person(c: _Ctx) -> None:
    """'The outage is on Daniel', 'that's on me': the incident put on a person."""
    n = len(c.low)
    for i in range(1, n - 1):
        if c.low[i] != "on" or c.low[i - 1] not in {"is", "was", "that's", "it's", "that",
                                                    "this", "it", "'s"}:
            continue
        k = i + 1
        while k + 1 < n and c.low[k] in DETERMINERS:
            k += 1
        for h in range(k, min(n - 1, k + 2)):   # "on the platform team"
            if not c.low[h + 1].isalpha() or c.low[h + 1] in CLAUSE_WORDS | {"for"}:
                break
            k = h + 1
        nxt = c.low[k + 1] if k + 1 < n else "."
        if c.toks[k].possessive or not (nxt in SENTENCE_END or nxt in {",", "and", "for",
                                                                      "because", "-", "—"}):
            continue
        if c.low[k] in {"me", "us", "him", "her", "them", "you"} or _is_person(c, k):
            start = clause_start(c.toks, i, CLAUSE_WORDS)
            subj = c.low[start:i - 1]
            if c.low[i - 1] in {"that's", "it's"} or set(subj) & (INCIDENT_NOUNS | {
                    "this", "that", "it", "one"}):
                c.hit("fault", i - 1, k)


_RULES = (_rule_wrong, _rule_on_person, _rule_phrases, _rule_failures, _rule_counterfactual_if, _rule_as_cause,
          _rule_blame_fault)


@lru_cache(maxsize=8192)
def _check(text: str, plain: frozenset[str], ambiguous: frozenset[str]) -> tuple[Finding, ...]:
    toks = tokenize(text)
    c = _Ctx(text, toks, [t.low for t in toks], plain, ambiguous)
    for rule in _RULES:
        rule(c)
    out: list[Finding] = []
    for reason, spans in c.hits.items():
        if not spans:
            continue
        words = tuple(dict.fromkeys(text[toks[a].start:toks[b].end] for a, b in sorted(spans)))
        out.append(finding(BLAME, BLAME_VOICE[reason], words))
    return tuple(out)


def check_text(text: str, *, names: Iterable[str] = ()) -> list[Finding]:
    """Blame findings for any free text: one per reason, each with the words as written.
    `names` are display names of the people on the board; they count as personal names."""
    plain, ambiguous = name_tokens(names)
    return list(_check(text, plain, ambiguous))


_PHRASE_LEAD = DETERMINERS | frozenset({"because", "of", "due", "to", "it", "was", "is", "the",
                                        "simply", "just", "basically", "that"})


def is_person_phrase(text: str, *, names: Iterable[str] = ()) -> str:
    """When `text` is nothing but a person ("Dana.", "Because of the on-call engineer", "The new
    intern"), the word that names them, as written; else "". A five-whys answer like this has
    stopped at a person."""
    plain, ambiguous = name_tokens(names)
    toks = [t for t in tokenize(text) if not t.is_punct]
    c = _Ctx(text, toks, [t.low for t in toks], plain, ambiguous)
    k = 0
    while k < len(toks) and c.low[k] in _PHRASE_LEAD:
        k += 1
    rest = toks[k:]
    if not 1 <= len(rest) <= 5:
        return ""
    last = len(toks) - 1
    if _is_person(c, last) and c.low[last] not in FIRST_PERSON | {"us", "it", "them"}:
        return toks[last].text
    return ""
