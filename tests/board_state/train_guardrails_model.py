"""The learned wording model and its folds (issue 14), stdlib only.

`Model` is a logistic regression over `guardrails.learned.features` (lower-cased words, word
pairs, first word), trained by stochastic gradient descent, its weights pruned to |w| >= PRUNE
and rounded to hundredths, as the package ships them. `grouped_folds` puts each document (`doc`,
else `source`) wholly in one fold. `guardrails_cv.py` uses both to choose the configuration by
cross-validation and to write the shipped weights; see `guardrails_real_corpus.md`.

Run from the repository root: `.venv/bin/python -m tests.board_state.train_guardrails_model`
prints the first trial's figures (train on tune .. holdout3, thresholds for added findings that
are 90% right, holdout4 with `--blind`), which led to the cross-validated choice; it is not a
test (pytest does not collect it).
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hindsight.board_state.guardrails.corpus import flags
from hindsight.board_state.guardrails.learned import features

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests/board_state/guardrails_real_corpus.jsonl"
READ = ("tune", "holdout", "holdout2", "holdout3")
BLIND = "holdout4"
CHECKS = ("blame", "vague_action")
TARGET_PRECISION = 0.9
EPOCHS = 20
L2 = 1e-4
SEED = 14
PRUNE = 0.2


@dataclass(frozen=True)
class Row:
    check: str
    text: str
    flag: bool
    split: str
    group: str
    rule: bool  # do the rules flag it?


class Model:
    def __init__(
        self, featurize: Callable[[str], list[str]] = features, l2: float = L2, epochs: int = EPOCHS
    ) -> None:
        self.featurize = featurize
        self.l2 = l2
        self.epochs = epochs
        self.weights: dict[str, float] = {}
        self.bias = 0.0

    def fit(self, rows: Sequence[Row]) -> Model:
        data = [(self.featurize(r.text), 1.0 if r.flag else 0.0) for r in rows]
        rng = random.Random(SEED)
        w: dict[str, float] = defaultdict(float)
        b = 0.0
        for epoch in range(self.epochs):
            rng.shuffle(data)
            lr = 0.2 / (1 + 0.2 * epoch)
            for xs, y in data:
                z = b + sum(w[f] for f in xs)
                p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
                g = p - y
                for f in xs:
                    w[f] -= lr * (g + self.l2 * w[f])
                b -= lr * g
        # Small weights barely move a score; dropping them and rounding the rest keeps the data
        # file that ships small. Cross-validation trains with the same pruning.
        self.weights = {f: round(v, 2) for f, v in w.items() if abs(v) >= PRUNE}
        self.bias = round(b, 2)
        return self

    def score(self, text: str) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in self.featurize(text))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    def explain(self, text: str, top: int = 3) -> list[str]:
        """The features that pushed the score up most: what a nudge would name."""
        contrib = [(self.weights.get(f, 0.0), f) for f in self.featurize(text)]
        return [f for v, f in sorted(contrib, reverse=True)[:top] if v > 0]


def load(splits: Iterable[str] = (*READ, BLIND)) -> list[Row]:
    """The corpus rows of `splits` (by default not holdout5, which is scored once, elsewhere)."""
    wanted = set(splits)
    rows = []
    for line in REAL.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        if d["split"] not in wanted:
            continue
        rows.append(
            Row(
                check=d["check"],
                text=d["text"],
                flag=d["flag"],
                split=d["split"],
                group=str(d.get("doc") or d["source"]),
                rule=flags(d["check"], d["text"], learned=False),
            )
        )
    return rows


def grouped_folds(rows: Sequence[Row], k: int) -> list[list[Row]]:
    """k folds of whole documents, balanced by size, the same on every run."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        groups[r.group].append(r)
    order = sorted(groups, key=lambda g: (-len(groups[g]), hashlib.sha256(g.encode()).hexdigest()))
    folds: list[list[Row]] = [[] for _ in range(k)]
    for g in order:
        min(folds, key=len).extend(groups[g])
    return folds


Prf = tuple[float, float, int, int, int]  # precision, recall, tp, fp, fn


def prf(pairs: Iterable[tuple[bool, bool]]) -> Prf:
    tp = fp = fn = 0
    for said, truth in pairs:
        tp += said and truth
        fp += said and not truth
        fn += (not said) and truth
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn


def _lowest_precise(scored: list[tuple[float, bool]]) -> float:
    scored.sort(reverse=True)
    best = math.inf
    tp = fp = 0
    for s, truth in scored:
        tp += truth
        fp += not truth
        if tp >= 3 and tp / (tp + fp) >= TARGET_PRECISION:
            best = s
    return best


def choose_thresholds(rows: Sequence[Row], k: int) -> tuple[float, float]:
    """From grouped out-of-fold scores: the lowest score at which what the model adds (where the
    rules are silent) is >= 90% right, and the lowest at which the model alone is; infinity when
    no score gets there."""
    added: list[tuple[float, bool]] = []
    alone: list[tuple[float, bool]] = []
    folds = grouped_folds(rows, k)
    for i, held in enumerate(folds):
        model = Model().fit([r for j, f in enumerate(folds) if j != i for r in f])
        for r in held:
            s = model.score(r.text)
            alone.append((s, r.flag))
            if not r.rule:
                added.append((s, r.flag))
    return _lowest_precise(added), _lowest_precise(alone)


def evaluate(model: Model, threshold: float, alone: float, rows: Sequence[Row]) -> dict[str, Prf]:
    scores = [model.score(r.text) for r in rows]
    return {
        "rules": prf((r.rule, r.flag) for r in rows),
        "model@0.5": prf((s >= 0.5, r.flag) for s, r in zip(scores, rows, strict=True)),
        "model@P.9": prf((s >= alone, r.flag) for s, r in zip(scores, rows, strict=True)),
        "rules+model": prf(
            (r.rule or s >= threshold, r.flag) for s, r in zip(scores, rows, strict=True)
        ),
    }


def fmt(t: Prf) -> str:
    return f"{t[0]:.3f} / {t[1]:.3f} (tp {t[2]}, fp {t[3]}, fn {t[4]})"


def main(blind_run: bool) -> None:
    started = time.perf_counter()
    rows = load()
    rules_ms = (time.perf_counter() - started) * 1000 / len(rows)
    for check in CHECKS:
        mine = [r for r in rows if r.check == check]
        read = [r for r in mine if r.split in READ]
        blind = [r for r in mine if r.split == BLIND]
        print(f"== {check}: {len(read)} read sentences, {len(blind)} in {BLIND}")
        per_fold: dict[str, list[Prf]] = defaultdict(list)
        thresholds = []
        folds = grouped_folds(read, 5)
        for i, held in enumerate(folds):
            train = [r for j, f in enumerate(folds) if j != i for r in f]
            threshold, alone = choose_thresholds(train, 4)
            thresholds.append((round(threshold, 3), round(alone, 3)))
            model = Model().fit(train)
            for name, t in evaluate(model, threshold, alone, held).items():
                per_fold[name].append(t)
        print("  grouped 5-fold on tune+holdout..holdout3, thresholds (added, alone)", thresholds)
        for name, ts in per_fold.items():
            p = sum(t[0] for t in ts) / len(ts)
            r = sum(t[1] for t in ts) / len(ts)
            print(f"    {name:12} mean P {p:.3f} / R {r:.3f}  per fold:", [fmt(t) for t in ts])
        threshold, alone = choose_thresholds(read, 5)
        model = Model().fit(read)
        print(
            f"  trained on all four, thresholds {threshold}, {alone}; {len(model.weights)} weights"
        )
        if blind_run:  # holdout4 is scored once, with --blind, after the design is fixed
            for name, t in evaluate(model, threshold, alone, blind).items():
                print(f"    {BLIND} {name:12} {fmt(t)}")
        texts = [r.text for r in mine] * 5
        t0 = time.perf_counter()
        for text in texts:
            model.score(text)
            model.explain(text)
        model_ms = (time.perf_counter() - t0) * 1000 / len(texts)
        print(f"  model: {model_ms:.4f} ms a sentence (score + explanation)")
        top = sorted(model.weights.items(), key=lambda kv: -kv[1])[:15]
        print("  top weights:", [(f, round(v, 2)) for f, v in top])
    print(f"rules: {rules_ms:.3f} ms a sentence (both checks' rules, cold, incl. loading)")


if __name__ == "__main__":
    import sys

    main("--blind" in sys.argv[1:])
