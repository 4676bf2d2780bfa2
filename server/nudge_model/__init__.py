"""The vague-action model the server installs into the wording checks (issue 14, round seven).

Theory of operation. Seven rounds of rules written from read post-mortems did not carry over to
new documents; a small transformer fine-tuned on the labelled real sentences did better on
documents it had never seen (`tests/board_state/guardrails_real_corpus.md`, round seven). It
needs onnxruntime, tokenizers and NumPy, which the pure core does not import, so it lives in
the shell and is handed to the core at start (`install`), where it decides `vague_action` on
an action's wording (`guardrails.actions.check_action_text`).

* The model: sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0) with a linear head,
  fine-tuned on the action items of the real-sentence corpus (tune .. holdout5 and holdout7;
  holdout6 and holdout8, which it never saw, measure it), exported to ONNX and quantised to 8 bits
  (`models/vague_action.onnx`, 22 MB; `models/README.md` says how it was made). It ships in the
  package and needs no network.
* Speed: one action item is one run of about 10-40 tokens on one thread, 1.4-1.7 ms on the
  machine it was measured on, within the 2 ms budget; naming the words of a nudge the model
  raises alone costs about 6 ms more, so over real action items the average is 1.9-2.5 ms
  (`tests/board_state/guardrails_benchmark.py` prints the figures). Scores and the words that
  explain them are cached by text, because every projection of a board asks again about the
  same actions.
* Explanation: a nudge names the words behind it. When a rule agrees, the rule's words; else
  those of a few candidate words whose removal lowers the model's score (one batched run over
  the item with each candidate left out), as written, leaving out little words.
* Determinism: a score is a function of the text and the shipped file only.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from hindsight.board_state.guardrails import learned

MODELS = Path(__file__).resolve().parent / "models"
MODEL = MODELS / "vague_action.onnx"
TOKENIZER = MODELS / "tokenizer.json"
# The lowest score at which the model's own nudges were at least 90% right on a set of real
# action items it was not trained on (holdout7, scored by a model trained without it).
THRESHOLD = 0.9
MAX_TOKENS = 96
CANDIDATES = 3  # words left out one by one to explain a nudge, the likeliest first
MAX_WORDS = 40
TOP = 3
_WORD = re.compile(r"[\w'’-]+")
# Little words move a score but explain nothing to a reader: the word weights' list and a few
# more that action items are full of.
_SMALL = learned.SMALL_WORDS | frozenset(
    ["us", "they", "their", "all", "any", "some", "so", "if", "when", "about", "into", "onto"]
)


class VagueActionModel:
    """A `learned.Scorer` over the shipped ONNX model."""

    def __init__(self, model: Path = MODEL, tokenizer: Path = TOKENIZER) -> None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # one sentence at a time; the server has other work
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.threshold = THRESHOLD
        self._cached = lru_cache(maxsize=4096)(self._score_one)
        self._explained = lru_cache(maxsize=1024)(self._explain)

    def scores(self, texts: list[str]) -> list[float]:
        """One score per text, in one run."""
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

    def score(self, text: str) -> float:
        return float(self._cached(text.strip()))

    def explain(self, text: str) -> tuple[str, ...]:
        """Words of `text` whose removal lowers its score, strongest first (cached by text, as
        scores are: a board's every projection names the same action's words again)."""
        return tuple(self._explained(text.strip()))

    def _explain(self, text: str) -> tuple[str, ...]:
        """`explain` computed.

        Leaving out every word in turn costs a run per word (about 18 ms for an action item on
        one core here), so the candidates are the few words the word-weight model
        (`guardrails.learned`) reads as most vague, and only those are left out, in one run; a
        candidate is named only if the transformer's own score falls without it."""
        words = [m for m in _WORD.finditer(text) if m.group(0).lower() not in _SMALL]
        if not words:
            return ()
        weight = learned.weights("vague_action").weights

        def evidence(i: int) -> float:
            w = words[i].group(0).lower()
            lead = weight.get(f"first:{w}", 0.0) if words[i].start() == 0 else 0.0
            return weight.get(f"w:{w}", 0.0) + lead

        order = sorted(range(len(words)), key=lambda i: -evidence(i))
        base = self.score(text)
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
def model() -> VagueActionModel:
    """The shipped model, loaded once per process."""
    return VagueActionModel()


def install() -> VagueActionModel:
    """Hand the shipped model to the wording checks (idempotent)."""
    m = model()
    learned.install("vague_action", m)
    return m
