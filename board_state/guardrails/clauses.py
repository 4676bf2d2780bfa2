"""Clause shapes the blame rules read besides the subject (`grammar.py`): whether a clause is
passive and which participle it turns on, whether a passive names a system as its agent ("not
caught by the tests"), and whether the sentence itself gives a systemic cause for a lapse.

* A passive is a form of "be" (or "got") followed, over adverbs and "not", by a past
  participle: "was entered", "had been set", "wasn't fully noticed".
* A systemic cause is a "because", "because of", "due to", "since" or "as" phrase, or what comes
  before a "so", whose words name a gap ("no alert", "a blind spot in our tests", "lack of
  monitoring", "we don't have any applications that ...") or whose subject is not a person
  ("the alert went to a muted channel"). A lapse explained by the system is not blamed on the
  people in it: "we did not spot this because of a blind spot in our tests". A cause about a
  person ("because I was tired") explains nothing away.
"""

from __future__ import annotations

from .ctx import NONE, PERSON, Ctx
from .grammar import first_subject, person_in_phrase, subject_of
from .lexicon import BELIEF_PARTICIPLES, CLAUSE_WORDS, GAP_WORDS, IRREGULAR_PARTICIPLES
from .text import clause_start, sentence_bounds

BE_FORMS = frozenset(
    {"was", "were", "is", "are", "am", "been", "be", "being", "got", "gets", "get", "wasn't"}
    | {"weren't", "isn't", "aren't"}
)
_BETWEEN = frozenset({"not", "never", "also", "then", "now", "just", "already", "still", "n't"})
_CAUSE_LEADS: tuple[tuple[str, ...], ...] = (
    ("because", "of"),
    ("because",),
    ("due", "to"),
    ("as", "a", "result", "of"),
    ("since",),
    ("as",),
)
_CONSEQUENCE = frozenset({"so", "thus", "therefore", "hence"})
_CHECK_STAGES = frozenset({"testing", "tests", "test", "staging", "ci", "qa", "review"})
_AS_CAUSE = frozenset({"the", "there", "it", "we", "they", "our", "no", "nobody", "this"})
_CLAUSE_STOP = frozenset({",", ";", ".", "!", "?", ":", "(", ")", "—", "–", "-"})


def is_participle(word: str) -> bool:
    return (word.endswith("ed") and len(word) > 3) or word in IRREGULAR_PARTICIPLES


def _adverb(word: str) -> bool:
    return word in _BETWEEN or (word.endswith("ly") and len(word) > 4)


def be_before(c: Ctx, p: int) -> int:
    """The index of the form of "be" that makes token p a passive participle, else -1."""
    k = p - 1
    while k >= 0 and _adverb(c.low[k]) and p - k <= 4:
        k -= 1
    if k >= 0 and c.low[k] in BE_FORMS:
        return k
    return -1


def passive_at(c: Ctx, p: int) -> bool:
    return is_participle(c.low[p]) and be_before(c, p) >= 0


def passive_in_clause(c: Ctx, i: int) -> int:
    """The participle of the passive that the clause of token i turns on, else -1:
    "containerd had been set as the default runtime accidentally" -> "set". A leading adverbial
    set off by a comma ("By mistake, the branch was force updated") reads the clause after it."""
    start = clause_start(c.toks, i, (CLAUSE_WORDS | {"which", "who", "that"}) - {"as"})
    end = i + 1
    if start == i and c.low[i + 1 : i + 3].count(",") == 1:
        end = sentence_bounds(c.toks, i)[1]
    for p in range(start, min(end, len(c.low))):
        if passive_at(c, p) and c.low[p] not in BELIEF_PARTICIPLES:
            return p
    return -1


def agent_is_system(c: Ctx, p: int) -> bool:
    """Does the passive at participle p name its agent, and is that agent not a person: "was
    not caught by the tests", "was triggered by the scheduler"?"""
    n = len(c.low)
    k = p + 1
    while k < n and k <= p + 6 and c.low[k] not in _CLAUSE_STOP:
        if c.low[k] == "by" and k + 1 < n and c.low[k + 1] not in {"mistake", "accident"}:
            return not person_in_phrase(c, k + 1 + (c.low[k + 1] in {"the", "our", "a", "an"}))
        if c.low[k] in {"in", "during"} and set(c.low[k + 1 : k + 3]) & _CHECK_STAGES:
            return True  # "not caught in testing": the tests were the check that missed it
        k += 1
    return any(
        w in {"automatically", "automated", "autoscaler"} for w in c.low[max(0, p - 3) : p + 3]
    )


_PAST = frozenset({"did", "ran", "set", "put", "made", "took", "sent", "wrote", "hit", "gave"})


_ASIDES = frozenset({"which", "who", "that", "including", "where", "e.g", "i.e"})


def main_clause_subject(c: Ctx, comma: int) -> str | None:
    """The kind of subject of the clause a subjectless clause after the comma at `comma`
    belongs to: walking back over the sentence's earlier clauses, PERSON if one has a person
    for its subject (", wrongly thinking that ..." after "I pushed my commits into master"),
    else the kind of the nearest one that is not an aside ("The 3.32.3 release, which
    included some fixes, accidentally uploaded ..." -> the release); None when nothing comes
    before."""
    nearest: str | None = None
    while comma > 0:
        k = clause_start(c.toks, comma, CLAUSE_WORDS)
        if k >= comma:
            break
        kind = first_subject(c, k, comma)
        if kind == PERSON:
            return PERSON
        aside = c.low[k] in _ASIDES or (c.low[k].endswith("ing") and k > 0)
        if nearest is None and not aside:
            nearest = kind
        if k == 0 or c.low[k - 1] != ",":
            break
        comma = k - 1
    return nearest


def clause_subject(c: Ctx, i: int) -> str:
    """The kind of subject of the clause token i sits in: read from the clause's start when the
    word comes after its verb ("I did some things wrongly"), else walked to from the word ("a
    system that accidentally pushed"); for a clause that opens after a comma with no subject
    of its own (", accidentally overwriting the annotations"), the main clause's."""
    start = clause_start(c.toks, i, CLAUSE_WORDS)
    if start == i and i > 0 and c.low[i - 1] == ",":
        kind = main_clause_subject(c, i - 1)
        if kind is not None:
            return kind
    nxt = c.low[i + 1] if i + 1 < len(c.low) else ""
    before_verb = nxt.endswith("ed") or nxt in _PAST
    if start < i and not before_verb:
        kind = first_subject(c, start, i)
        if kind != NONE:
            return kind
    kind, _ = subject_of(c, i)
    return kind


def _systemic(c: Ctx, a: int, b: int) -> bool:
    """Does the cause in tokens [a, b) name a gap in the system: a gap word ("no alert", "a
    blind spot in our tests"), "we don't have ...", or a system that did not do its part ("the
    alert did not fire")?"""
    if a >= b:
        return False
    words = c.low[a:b]
    if set(words) & GAP_WORDS:
        return True
    negated = any(w in {"not", "never"} or w.endswith("n't") for w in words)
    if negated and any(
        c.low[k] in {"don't", "didn't", "doesn't", "not"} and c.low[k + 1 : k + 2] == ["have"]
        for k in range(a, b - 1)
    ):
        return True
    return negated and first_subject(c, a, b) != PERSON


def _cause_end(c: Ctx, a: int, end: int) -> int:
    k = a
    while k < end and c.low[k] not in _CLAUSE_STOP:
        k += 1
    return k


def systemic_cause(c: Ctx, i: int) -> bool:
    """Does the sentence of token i give a systemic cause for the lapse at i?"""
    s, e = sentence_bounds(c.toks, i)
    own = clause_start(c.toks, i, CLAUSE_WORDS)
    for k in range(s, e):
        if c.low[k] in _CONSEQUENCE and own - 1 <= k <= own and k > s:
            end = k - (c.low[k - 1] in {"and", ","})  # "X was not up to date and thus we ..."
            before = clause_start(c.toks, end, CLAUSE_WORDS - {"so"})
            if _systemic(c, before, end):
                return True
            continue
        lead = c.any_at(k, _CAUSE_LEADS)
        if lead < 0 or k == i:
            continue
        nxt = c.low[lead + 1] if lead + 1 < e else ""
        if c.low[k] == "since" and nxt[:1].isdigit():
            continue  # "since 14:02"
        if c.low[k] == "as" and (nxt not in _AS_CAUSE or c.low[k - 1 : k] == ["soon"]):
            continue  # "as part of", "as well", "as soon as": not a cause clause
        end = _cause_end(c, lead + 1, e)
        if lead + 1 <= i < end:
            continue  # the lapse sits in the cause itself
        between = c.low[end:i] if end <= i else c.low[i:k]
        if set(between) & {"and", "but", ";"}:
            continue  # the cause belongs to another clause: "X as Y, and Z wasn't sure"
        if _systemic(c, lead + 1, end):
            return True
    return False


REPORT_VERBS = frozenset(
    {"confirmed", "informed", "said", "stated", "told", "claimed", "reported", "denied"}
)


def deliberate(c: Ctx, v: int) -> bool:
    """Is the "did not" at verb v a choice, given with its purpose or its reason: "did not roll
    back, to keep the evidence", "did not restart it in order to preserve state", "the reason I
    did not release a new version was ..."?"""
    if "reason" in c.low[max(0, v - 6) : v]:
        return True
    for k in range(v + 1, len(c.low) - 1):
        if c.low[k] in {".", ";", "because", "but"}:
            return False
        if (c.low[k] == "," and c.low[k + 1] == "to") or c.at(k, ("in", "order", "to")) > 0:
            return True
        if c.at(k, ("so", "as", "to")) > 0:
            return True
    return False


def hypothetical(c: Ctx, i: int) -> bool:
    """Is the clause of token i a condition or a maxim rather than a report: "if they did not
    identify ...", "just because you didn't change the code ..."?"""
    start = clause_start(c.toks, i, CLAUSE_WORDS)
    s, _ = sentence_bounds(c.toks, i)
    lead = c.low[start - 1] if start > 0 else ""
    return lead in {"if", "unless", "whether"} or c.at(s, ("just", "because")) > 0


def reported(c: Ctx, i: int) -> bool:
    """Is the clause of token i the content of a report ("confirmed that he did not suspend the
    account", "informed them that he did not access it"): a denial, not a lapse?"""
    start = clause_start(c.toks, i, CLAUSE_WORDS | {"that"})
    before = c.low[max(0, start - 4) : start]
    return "that" in before and bool(set(before) & REPORT_VERBS)
