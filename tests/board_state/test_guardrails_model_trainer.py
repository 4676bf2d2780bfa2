"""The learned wording scorer and its trainer keep their evaluation honest (issue 14).

`guardrails_cv.py` chooses the configuration by grouped cross-validation and writes the weights
the package ships (`guardrails/learned_weights.json`); `train_guardrails_model.py` holds the
model and the folds. These tests pin what the reported figures rest on: folds never split a
document and are stable, thresholds are chosen for precision first, the shipped weights are
exactly what the trainer makes from the corpus, and a learned nudge names words of the sentence.
"""

from __future__ import annotations

from hindsight.board_state.guardrails import check_action_text, check_text
from hindsight.board_state.guardrails.learned import (
    decode,
    encode,
    explain,
    features,
    score,
    weights,
)
from tests.board_state.guardrails_cv import (
    CONFIGS,
    MODULES,
    NEVER,
    module_text,
    pick,
    train_table,
)
from tests.board_state.train_guardrails_model import Model, Row, grouped_folds, prf


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


def test_thresholds_are_chosen_for_precision_first() -> None:
    # Scores where only >= 0.8 is 90% right: the model may add from 0.8, never lower.
    scored = [(Row("blame", f"t{i}", i < 10, "tune", f"d{i}", rule=False), 0.9) for i in range(10)]
    scored += [(Row("blame", "x", False, "tune", "dx", rule=False), 0.85)]
    scored += [(Row("blame", f"u{i}", i < 3, "tune", f"e{i}", rule=False), 0.5) for i in range(9)]
    rules, _, added, gated, _ = CONFIGS
    assert pick(scored, rules) == (0.0, NEVER)
    gate, add = pick(scored, added)
    assert gate == 0.0 and 0.5 < add <= 0.9
    precision, recall, *_ = prf((s >= add, r.flag) for r, s in scored)
    assert precision >= 0.9 and recall == 10 / 13
    assert pick(scored, gated)[1] == NEVER


def test_the_shipped_weights_are_what_the_trainer_makes() -> None:
    table = train_table()
    for check, path in MODULES.items():
        assert path.read_text(encoding="utf-8") == module_text(check, table), check
        shipped = weights(check)
        assert shipped.weights == table[check]["weights"] and shipped.bias == table[check]["bias"]
        # round six: blame runs on its rules alone (the threshold is never reached)
        assert shipped.threshold == NEVER or 0.5 <= shipped.threshold < 1
        assert len(shipped.weights) > 1000
    assert weights("blame").threshold == NEVER and weights("vague_action").threshold < 1
    assert decode(encode({"w:forgot": 1.25, "b:should_have": -0.5})) == {
        "w:forgot": 1.25,
        "b:should_have": -0.5,
    }


def test_a_learned_nudge_names_words_of_the_sentence() -> None:
    # A sentence the rules leave alone and the learned scorer flags: the finding quotes words
    # of the sentence, as written, and its message repeats them. Since round six the blame
    # check adds no learned finding (cross-validation chose its rules alone).
    blame = "Agents forgot to tag the tickets as incident-related"
    action = "Implement least-privilege in Hellman Kubernetes cluster"
    assert check_text(blame, learned=False) == [] and check_action_text(action, learned=False) == []
    assert check_text(blame) == []
    for check, text, run in (("vague_action", action, check_action_text),):
        assert score(check, text) >= weights(check).threshold, text
        [f] = run(text)
        assert f.check == check and f.words == explain(check, text) and f.words
        assert all(w in text for w in f.words)
        assert all(f"“{w}”" in f.message for w in f.words)
