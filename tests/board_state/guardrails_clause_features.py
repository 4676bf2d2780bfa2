"""Clause features tried for the learned wording model (issue 14), kept to document the trial.

`clause_features(text)` adds to the shipped word features (`guardrails/learned.py`) a few clause
readings made with the rules' own tokenizer: who the first clause is about (a person, a thing,
or no subject: a fragment), negated past, counterfactual modals ("should have"), past passives,
slip adverbs, a reason clause, a leading first person, a number, a future or planning lead, a
comparative, a question, a length bucket, and an action's leading verb and modal. Grouped
cross-validation (`guardrails_cv.py`) found no gain from them over words alone, so the package
does not ship them.
"""

from __future__ import annotations

import re

from hindsight.board_state.guardrails.action_lead import lead_of
from hindsight.board_state.guardrails.lexicon import FIRST_NAMES, PERSON_WORDS
from hindsight.board_state.guardrails.text import Token, has_number, tokenize

_WORD = re.compile(r"[a-z0-9']+")
_PRONOUNS = frozenset({"i", "we", "he", "she", "they", "someone", "somebody", "nobody", "you"})
_NEG_PAST = frozenset(
    {"didn't", "wasn't", "weren't", "hadn't", "couldn't", "haven't", "hasn't", "wouldn't"}
)
_BE_PAST = frozenset({"was", "were", "been", "got"})
_CF_MODALS = frozenset({"should", "could", "would", "must", "shouldn't", "couldn't"})
_SLIP_ADVERBS = frozenset(
    {"accidentally", "mistakenly", "inadvertently", "inadvertantly", "erroneously", "wrongly"}
)
_REASON = frozenset({"because", "since", "due", "as"})
_FUTURE = frozenset({"will", "shall", "plan", "planning", "going", "intend", "aim", "'ll"})
_COMPARATIVES = frozenset({"more", "less", "better", "fewer", "faster", "stricter", "easier"})


def _subject(low: list[str], toks: list[Token]) -> str:
    """Who the first clause is about: a person, a system, or no subject at all (a fragment)."""
    for i, w in enumerate(low[:4]):
        if toks[i].is_punct:
            continue
        if w in _PRONOUNS or w.startswith("@") or w in PERSON_WORDS:
            return "person"
        if toks[i].capitalised and w in FIRST_NAMES and i == 0:
            return "person"
        if w in {"the", "a", "an", "our", "my", "one", "some", "all", "every"}:
            continue
        if w.endswith("ed") or w in {"not", "did", "missed", "forgot", "was", "were"}:
            return "fragment"
        return "thing"
    return "thing"


def _clause_features(toks: list[Token], low: list[str]) -> list[str]:
    words = [w for w, t in zip(low, toks, strict=True) if not t.is_punct]
    out = [f"subj:{_subject(low, toks)}"]
    pairs = list(zip(words, words[1:], strict=False))
    if any(w in _NEG_PAST for w in words) or any(
        a in {"did", "was", "were", "had", "could"} and b in {"not", "never"} for a, b in pairs
    ):
        out.append("neg_past")
    if any(a in _CF_MODALS and b == "have" for a, b in pairs):
        out.append("counterfactual")
    if any(
        a in _BE_PAST and (b.endswith("ed") or b in {"missed", "forgotten", "overlooked"})
        for a, b in pairs
    ):
        out.append("passive_past")
    if any(w in _SLIP_ADVERBS for w in words):
        out.append("slip_adverb")
    if any(w in _REASON for w in words):
        out.append("reason_clause")
    if words and words[0] in {"we", "i"}:
        out.append("first_person_start")
    if has_number(" ".join(words)):
        out.append("number")
    if any(w in _FUTURE for w in words[:4]):
        out.append("future_lead")
    if any(w in _COMPARATIVES for w in words):
        out.append("comparative")
    if "?" in low:
        out.append("question")
    out.append(f"len:{min(len(words) // 5, 4)}")
    return out


def clause_features(text: str) -> list[str]:
    """Word and clause features of `text`, sorted and without repeats."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    out = [f"w:{w}" for w in words]
    out += [f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    if words:
        out.append(f"first:{words[0]}")
    toks = tokenize(text)
    low = [t.low for t in toks]
    if toks:
        out += _clause_features(toks, low)
        lead = lead_of(toks, low)
        if 0 <= lead.lead < len(low):
            out.append(f"lead:{low[lead.lead]}")
        if 0 <= lead.modal < len(low):
            out.append(f"modal:{low[lead.modal]}")
    return sorted(set(out))
