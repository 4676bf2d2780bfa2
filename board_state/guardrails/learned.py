"""A small learned scorer that adds to the wording rules: features, weights, explanation.

Theory of operation. A logistic regression per check (`blame`, `vague_action`) over the words of
one sentence: its lower-cased words, word pairs and first word. The weights and the threshold
are data modules in this package (`learned_weights_blame.py`, `learned_weights_vague_action.py`:
the core reads no files), trained offline by `tests/board_state/guardrails_cv.py --write` on
the real-sentence corpus, the threshold chosen
by grouped cross-validation (whole documents per fold) for precision first. Inference is a sum
of weights and a logistic, pure Python: no I/O after the first load, no network.

The model only adds findings where the rules are silent (`blame.check_text`,
`action_wording.wording_findings`). Each finding names the words that pushed the score up most,
as written in the text, and says that the wording resembles real post-mortems where such a
sentence pointed at a person, or was an action that did not say what would change.

A stronger model can be installed from outside (`install`): the server installs fine-tuned
transformers (`server/nudge_model`), which need libraries the core does not import. An
installed `Scorer` decides its check (`decide`, called by `actions.check_action_text` and
`blame.check_text`): a rule's finding stands only where the model's score reaches `agree`, and
the model adds its own from `threshold`, named by the words behind its score. Without one, as
in the core's own tests, the rules and the word weights above decide, as they always did.
"""

from __future__ import annotations

import base64
import math
import re
import zlib
from collections.abc import Callable
from functools import cache
from typing import Protocol

import msgspec

from . import learned_weights_blame, learned_weights_vague_action
from .findings import Finding, Voice, finding

_WORD = re.compile(r"[a-z0-9']+")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
# Little words carry weight in the model but explain nothing to a reader; a nudge names the
# strongest of the other words (all of them are still in the score).
SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "as",
        "to",
        "of",
        "for",
        "in",
        "on",
        "at",
        "by",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "with",
        "from",
        "we",
        "i",
        "our",
    ]
)


class Weights(msgspec.Struct, frozen=True):
    bias: float
    threshold: float  # the score from which the check adds a finding
    weights: dict[str, float]


VOICES = {
    "blame": Voice(
        "Sentences worded like this, with {quoted}, often make a person the subject of a "
        "failure in real post-mortems. People act sensibly on what they can see; the useful "
        "question is what they could see.",
        "What in the system made this easy to miss at the time?",
    ),
    "vague_action": Voice(
        "Actions worded like this, with {quoted}, often leave open what will change in real "
        "post-mortems.",
        "What concrete change will we make, and which number or test tells us it worked?",
    ),
}


def features(text: str) -> list[str]:
    """The sparse features of `text`: its lower-cased words, word pairs and first word, sorted
    and without repeats. Training (`tests/board_state/train_guardrails_model.py`) uses this
    same function."""
    words = _WORD.findall(text.lower())
    out = [f"w:{w}" for w in words]
    out += [f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    if words:
        out.append(f"first:{words[0]}")
    return sorted(set(out))


def logistic(z: float) -> float:
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


_MODULES = {"blame": learned_weights_blame, "vague_action": learned_weights_vague_action}


def encode(weights: dict[str, float]) -> str:
    """Weights as the text the data modules hold: sorted "feature weight-in-hundredths" lines,
    zlib-compressed and base85-encoded (`decode` reverses it)."""
    lines = "\n".join(f"{f} {round(v * 100)}" for f, v in sorted(weights.items()))
    return base64.b85encode(zlib.compress(lines.encode(), 9)).decode()


def decode(blob: str) -> dict[str, float]:
    text = zlib.decompress(base64.b85decode(blob)).decode()
    return {f: int(v) / 100 for f, _, v in (line.rpartition(" ") for line in text.splitlines())}


@cache
def weights(check: str) -> Weights:
    """The shipped weights and threshold of `check`, decoded once."""
    m = _MODULES[check]
    return Weights(bias=m.BIAS, threshold=m.THRESHOLD, weights=decode("".join(m.BLOB)))


def score(check: str, text: str) -> float:
    """The model's probability that `text` (one sentence) should raise `check`."""
    w = weights(check)
    return logistic(w.bias + sum(w.weights.get(f, 0.0) for f in features(text)))


def explain(check: str, text: str, top: int = 3) -> tuple[str, ...]:
    """The words of `text` behind its score, strongest first, spelled as in `text`: the
    features present with the highest positive weights, read back as the words they stand
    for ("should have", "forgot")."""
    w = weights(check).weights
    ranked = sorted(((w.get(f, 0.0), f) for f in features(text)), reverse=True)
    out: list[str] = []
    for v, f in ranked:
        if v <= 0 or len(out) == top:
            break
        phrase = f.partition(":")[2].replace("_", " ")
        if all(w in SMALL_WORDS for w in phrase.split()) or any(
            phrase in o.lower() or o.lower() in phrase for o in out
        ):
            continue
        m = re.search(
            r"(?<![a-z0-9'])" + r"\W+".join(map(re.escape, phrase.split())) + r"(?![a-z0-9'])",
            text,
            re.IGNORECASE,
        )
        out.append(m.group(0) if m else phrase)
    return tuple(out)


class Scorer(Protocol):
    """A model that decides one check: a score for a text, the words of the text behind a score
    (as written), and two levels. From `threshold` the scorer raises a finding of its own where
    no rule does; from `agree` (at most `threshold`) a rule's finding stands; below `agree` the
    rules' findings are dropped."""

    threshold: float
    agree: float

    def score(self, text: str) -> float: ...

    def explain(self, text: str) -> tuple[str, ...]: ...


# Installed once, at start, by the shell; read by every check. A process-wide setting like the
# lexicon, not state that changes with a board.
_installed: dict[str, Scorer] = {}


def install(check: str, scorer: Scorer | None) -> None:
    """Let `scorer` decide `check` from now on (None: back to the rules and word weights)."""
    if scorer is None:
        _installed.pop(check, None)
    else:
        _installed[check] = scorer


def installed(check: str) -> Scorer | None:
    return _installed.get(check)


# What an installed model says: the page shows the words in front of it, so it does not repeat
# them (the word weights' voice above names them because it was written before the page did).
MODEL_VOICES = {
    "blame": Voice(
        "In real post-mortems, sentences worded like this mostly made a person the agent of the "
        "failure. People act sensibly on what they can see; the useful question is what they "
        "could see.",
        "What in the system made this easy to miss at the time?",
    ),
    "vague_action": Voice(
        "In real post-mortems, actions worded like this mostly left open what would change or "
        "how anyone would know it was done.",
        "What concrete change will we make, and which number or test tells us it worked?",
    ),
}


def model_finding(check: str, scorer: Scorer, text: str) -> Finding:
    """The finding an installed scorer raises, naming the words behind its score."""
    return finding(check, MODEL_VOICES[check], scorer.explain(text))


def decide(
    check: str, scorer: Scorer, text: str, rules: Callable[[], list[Finding]]
) -> list[Finding]:
    """What an installed scorer makes of `text`: from its threshold a nudge, explained by the
    rules' findings when there are any (`rules` is only called when its answer can count), else
    by the words behind the score; from `agree` the rules' findings alone; below, nothing."""
    if not text.strip():
        return []
    s = scorer.score(text)
    if s < scorer.agree:
        return []
    found = rules()
    if s >= scorer.threshold:
        return found or [model_finding(check, scorer, text)]
    return found


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def learned_findings(check: str, text: str) -> list[Finding]:
    """One finding for the first sentence of `text` whose score reaches the threshold, naming
    the words behind it; none when no sentence does."""
    threshold = weights(check).threshold
    for sentence in sentences(text):
        if score(check, sentence) >= threshold:
            words = explain(check, sentence)
            quoted = ", ".join(f"“{w}”" for w in words) or "these words"
            return [finding(check, VOICES[check], words, quoted=quoted)]
    return []
