"""The trainer of the (not adopted) learned wording model keeps its evaluation honest (issue 14).

`train_guardrails_model.py` reports the k-fold and holdout4 figures in
`guardrails_real_corpus.md`; these tests pin the parts those figures rest on: folds never split
a document, they are the same on every run, and an explanation names words of the sentence.
"""

from __future__ import annotations

from tests.board_state.train_guardrails_model import Model, Row, features, grouped_folds


def _rows() -> list[Row]:
    texts = [
        ("We forgot to renew the certificate.", True),
        ("The certificate expired at midnight.", False),
        ("I accidentally deleted the bucket.", True),
        ("The bucket was restored from a backup.", False),
    ]
    return [
        Row("blame", t, f, "tune", f"doc{i % 5}", rule=False) for i, (t, f) in enumerate(texts * 5)
    ]


def test_folds_keep_each_document_on_one_side_and_are_stable() -> None:
    rows = _rows()
    folds = grouped_folds(rows, 3)
    assert sum(len(f) for f in folds) == len(rows) and all(folds)
    where = {r.group: i for i, f in enumerate(folds) for r in f}
    assert all(where[r.group] == i for i, f in enumerate(folds) for r in f)
    assert grouped_folds(rows, 3) == folds


def test_features_and_explanation_come_from_the_sentence() -> None:
    assert "w:forgot" in features("We forgot to renew") and "b:forgot_to" in features(
        "We forgot to"
    )
    model = Model().fit(_rows())
    assert model.score("We forgot to renew the certificate.") > model.score(
        "The certificate expired at midnight."
    )
    named = model.explain("We forgot to renew the certificate.")
    assert named and all(
        f.split(":", 1)[1].split("_")[0] in "we forgot to renew the certificate" for f in named
    )
