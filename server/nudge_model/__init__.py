"""The models the server installs into the wording checks (issue 14, rounds seven to nine).

Theory of operation. Seven rounds of rules written from read post-mortems did not carry over to
new documents; a small transformer fine-tuned on the labelled real sentences did better on
documents it had never seen (`tests/board_state/guardrails_real_corpus.md`). It needs
onnxruntime, tokenizers and NumPy, which the pure core does not import, so it lives in the
shell and is handed to the core at start (`install`), where `guardrails.learned.decide` lets it
decide its check: from `agree` a rule's finding stands, from `threshold` the model adds its own.

* The models: sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0) with a linear head,
  fine-tuned on the real-sentence corpus, one per check, exported to ONNX and quantised to 8
  bits (`models/*.onnx`, 22 MB each; `models/README.md` says how they were made and what they
  scored on documents they never saw). They ship in the package and need no network.
* Levels (`SHIPPED`): chosen by grouped cross-validation over the corpus before the last blind
  set was scored, for precision first.
* Speed: one sentence is one run of about 10-40 tokens on one thread, 1.4-1.9 ms on the
  machine it was measured on; naming the words of a nudge a model raises alone costs about 6
  ms more, so the average over real sentences is 2.1-2.6 ms in runs here
  (`tests/board_state/guardrails_benchmark.py` prints the figures). Scores and the
  words that explain them are cached by text, because every projection of a board asks again
  about the same texts.
* Blame reads sentences: a note's score is its highest sentence's, as the model learned from
  single sentences; an action item is read whole.
* Explanation: a nudge names the words behind it. When a rule agrees, the rule's words; else
  those of a few candidate words whose removal lowers the model's score (one batched run over
  the sentence with each candidate left out), as written, leaving out little words.
* Determinism: a score is a function of the text and the shipped file only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from hindsight.board_state.guardrails import learned

MODELS = Path(__file__).resolve().parent / "models"
TOKENIZER = MODELS / "tokenizer.json"
MAX_TOKENS = 96
CANDIDATES = 3  # words left out one by one to explain a nudge, the likeliest first
MAX_WORDS = 40
TOP = 3
_WORD = re.compile(r"[\w'’-]+")
# A sentence ends at ".", "!" or "?" followed by space and a capital, a digit or an opening quote
# or bracket, or at a line break: "v0.7", "e.g. the" and "hub.mybinder.org" stay whole.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n+")
# Little words move a score but explain nothing to a reader: the word weights' list and a few
# more that action items are full of.
_SMALL = learned.SMALL_WORDS | frozenset(
    ["us", "they", "their", "all", "any", "some", "so", "if", "when", "about", "into", "onto"]
)


@dataclass(frozen=True)
class Shipped:
    """One shipped model and the levels it decides at (see `learned.Scorer`)."""

    file: str
    threshold: float
    agree: float
    per_sentence: bool  # score each sentence and keep the highest


SHIPPED = {
    # A rule's blame finding stands from 0.1, so the model only overrules rules it clearly
    # disagrees with; it adds its own from 0.98 (chosen on holdout6 and holdout8, round nine).
    "blame": Shipped("blame.onnx", threshold=0.98, agree=0.1, per_sentence=True),
    # The model alone decides vague actions: 0.92 is the lowest score at which its out-of-fold
    # 8-bit scores over the whole corpus were 90% right; the rules only explain.
    "vague_action": Shipped("vague_action.onnx", threshold=0.92, agree=0.92, per_sentence=False),
}


class TransformerScorer:
    """A `learned.Scorer` over one shipped ONNX model."""

    def __init__(self, check: str, shipped: Shipped, models: Path = MODELS) -> None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # one sentence at a time; the server has other work
        options.inter_op_num_threads = 1
        self.check = check
        self.session = ort.InferenceSession(
            str(models / shipped.file), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(models / TOKENIZER.name))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.threshold = shipped.threshold
        self.agree = shipped.agree
        self.per_sentence = shipped.per_sentence
        self._cached = lru_cache(maxsize=4096)(self._score_one)
        self._explained = lru_cache(maxsize=1024)(self._explain)

    def scores(self, texts: list[str]) -> list[float]:
        """One score per text, each read whole, in one run."""
        encoded = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encoded)
        ids = np.zeros((len(encoded), width), dtype=np.int64)
        mask = np.zeros((len(encoded), width), dtype=np.int64)
        for row, e in enumerate(encoded):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        out = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return [float(x) for x in out]

    def _score_one(self, text: str) -> float:
        return self.scores([text])[0]

    def _parts(self, text: str) -> list[str]:
        """What gets a score of its own, stripped: each sentence, or the whole text."""
        if not self.per_sentence:
            return [text.strip()]
        return [p for p in (p.strip() for p in _SENTENCE_END.split(text)) if p] or [text.strip()]

    def score(self, text: str) -> float:
        """The score of `text` (for blame, of its highest-scoring sentence); cached by text."""
        return max(float(self._cached(part)) for part in self._parts(text))

    def explain(self, text: str) -> tuple[str, ...]:
        """Words of `text` whose removal lowers its score, strongest first (cached by text, as
        scores are: a board's every projection names the same words again)."""
        top = max(self._parts(text), key=self._cached)
        return tuple(self._explained(top))

    def _explain(self, text: str) -> tuple[str, ...]:
        """`explain` computed for one sentence or action item.

        Leaving out every word in turn costs a run per word (about 18 ms for an action item on
        one core here), so the candidates are the few words the word-weight model
        (`guardrails.learned`) reads as most telling for this check, and only those are left
        out, in one run; a candidate is named only if the transformer's own score falls
        without it."""
        words = [m for m in _WORD.finditer(text) if m.group(0).lower() not in _SMALL]
        if not words:
            return ()
        weight = learned.weights(self.check).weights

        def evidence(i: int) -> float:
            w = words[i].group(0).lower()
            lead = weight.get(f"first:{w}", 0.0) if words[i].start() == 0 else 0.0
            return weight.get(f"w:{w}", 0.0) + lead

        order = sorted(range(len(words)), key=lambda i: -evidence(i))
        base = self._cached(text)
        # The likeliest few first; the rest only when none of them moves the score (rare).
        for tried in (order[:CANDIDATES], order[CANDIDATES:MAX_WORDS]):
            if not tried:
                break
            without = [text[: words[i].start()] + text[words[i].end() :] for i in tried]
            drops = [base - s for s in self.scores(without)]
            ranked = sorted(range(len(tried)), key=lambda k: -drops[k])
            named = tuple(words[tried[k]].group(0) for k in ranked if drops[k] > 0)[:TOP]
            if named:
                return named
        return ()


@cache
def model(check: str) -> TransformerScorer:
    """The shipped model of `check`, loaded once per process."""
    return TransformerScorer(check, SHIPPED[check])


def install() -> dict[str, TransformerScorer]:
    """Hand every shipped model to the wording checks (idempotent)."""
    out = {check: model(check) for check in SHIPPED}
    for check, scorer in out.items():
        learned.install(check, scorer)
    return out
