"""Action items that are rules for people's conduct, found by the item's shape (issue 14, round
six), which `action_wording` runs before it looks at the leading verb:

* a manner adverb that leads the item: "clearly state the motivation for the change",
  "explicitly define the risks considered during the review", "carefully check ...": how people
  should do their work, not a change to the system;
* a rule after a condition: "If an attack is ongoing: we should disable or pause ...",
  "Otherwise: we should not disable ...": a policy for people's decisions;
* sharing practices: "Share developer best practices for using RPC endpoints": telling people.

Two more shapes are vague (`findings.VAGUE_VERB`) whatever the verb: an intention still in the
making ("We are also looking into disallowing ...", "We will be deciding the exact wording ...",
"The Security Initiative is planning future work on ...") and a need stated as the whole item
("A configuration drift analysis is needed.").

And a shape that makes a vague "ensure" concrete: a checkable state (`ensure_state`).

Each is a memo-style finding (`findings.MEMO`) naming the words that make it one.
"""

from __future__ import annotations

from .clauses import is_participle
from .findings import MEMO, VAGUE_ACTION, VAGUE_VERB, Finding, finding
from .text import Token

_MANNER_LEADS = frozenset({"clearly", "explicitly", "carefully", "thoroughly", "properly"})
_RULE_MODALS = frozenset({"should", "shouldn't", "must", "mustn't"})
_PRACTICES = frozenset({"practices", "practice", "learnings", "lessons", "tips", "knowledge"})


def _span(text: str, toks: list[Token], a: int, b: int) -> tuple[str]:
    return (text[toks[a].start : toks[b].end],)


def conduct_rule(text: str, toks: list[Token], low: list[str]) -> Finding | None:
    """A memo-style finding when the item is a rule for people's conduct, else None."""
    n = len(low)
    if n >= 2 and low[0] in _MANNER_LEADS and low[1].isalpha() and low[1][-2:] not in {"ly", "ed"}:
        return finding(VAGUE_ACTION, MEMO, _span(text, toks, 0, 1))
    if ":" in low:
        k = low.index(":")
        if k + 2 < n and low[k + 1] == "we" and low[k + 2] in _RULE_MODALS:
            return finding(VAGUE_ACTION, MEMO, _span(text, toks, k + 1, k + 2))
    if n >= 2 and low[0] == "share" and _PRACTICES & set(low[1:6]):
        return finding(VAGUE_ACTION, MEMO, _span(text, toks, 0, 0))
    return None


_BE = frozenset({"is", "are", "get", "gets", "stays", "stay", "remain", "remains"})
# What people follow: "ensure checklists are used" asks people to follow them.
_PRACTICES_USED = frozenset(
    {"checklist", "checklists", "runbook", "runbooks", "guidelines", "procedures", "processes"}
    | {"practices", "playbooks", "process", "procedure"}
)
# Participles that leave done undefined: "ensure monitoring is improved".
_UNDONE = frozenset(
    {"needed", "required", "improved", "enhanced", "increased", "reduced", "optimized"}
    | {"optimised", "considered", "reviewed", "addressed", "handled", "understood"}
)


def ensure_state(low: list[str], lead: int) -> bool:
    """'Ensure that the code paths are permanently gated', 'ensure the common tests are run
    against Bedrock': "ensure" with a state anyone can check (a passive of the thing it names)."""
    for e in range(lead, min(len(low), lead + 12)):
        if low[e] != "ensure" and low[e : e + 2] != ["make", "sure"]:
            continue
        k = e + 1 + (low[e] == "make") + (e + 1 < len(low) and low[e + 1] == "that")
        for b in range(k + 1, min(len(low), k + 11)):
            if low[b] in _BE and b + 1 < len(low):
                if set(low[k:b]) & _PRACTICES_USED:
                    return False  # "Ensure checklists are used": a rule for people, not a state
                p = b + 1 + (low[b + 1].endswith("ly") and b + 2 < len(low))
                return is_participle(low[p]) and low[p] not in _UNDONE
            if not low[b].isalpha() and low[b] not in {"“", "”", '"', "-"}:
                return False
    return False


_INTENT = frozenset(
    {"looking", "planning", "hoping", "deciding", "exploring", "considering", "investigating"}
    | {"thinking", "evaluating"}
)
_AUX = frozenset({"are", "is", "am", "'re", "be"})
_NEEDED = frozenset({"needed", "required", "necessary"})


def intent_or_need(text: str, toks: list[Token], low: list[str]) -> Finding | None:
    """A VAGUE_VERB finding for an intention in the making or a bare need, else None."""
    n = len(low)
    for k in range(1, min(n - 1, 8)):
        if low[k] in _AUX:
            v = k + 1 + (low[k + 1] in {"also", "currently", "now", "still"})
            if (
                v < n
                and low[v] in _INTENT
                and (low[v] != "looking" or low[v + 1 : v + 2] == ["into"])
            ):
                return finding(VAGUE_ACTION, VAGUE_VERB, _span(text, toks, k, v))
    for k in range(1, n):
        if low[k] in _NEEDED and low[k - 1] in _AUX | {"also"}:
            rest = [w for w in low[k + 1 :] if w.isalpha()]
            if not rest or rest[0] in {"also", "and"}:
                return finding(VAGUE_ACTION, VAGUE_VERB, _span(text, toks, k - 1, k))
    return None
