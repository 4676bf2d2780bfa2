"""The models the server installs into the wording checks (server/nudge_model, issue 14)."""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pytest

from hindsight.board_state.guardrails import check_action_text, check_text, learned
from hindsight.board_state.guardrails.action_wording import wording_findings
from hindsight.board_state.guardrails.blame import check_text as blame_check
from hindsight.board_state.guardrails.corpus import evaluate_splits, parse, results, score
from hindsight.server import nudge_model
from hindsight.server.app import create_app
from hindsight.server.config import Settings

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests/board_state/guardrails_real_corpus.jsonl"
WRITTEN = ROOT / "tests/board_state/guardrails_corpus.jsonl"


def test_the_server_installs_the_model_at_start(tmp_path: Path) -> None:
    learned.install("vague_action", None)
    create_app(Settings(db=str(tmp_path / "h.db")))
    assert isinstance(learned.installed("vague_action"), nudge_model.TransformerScorer)


def test_a_vague_action_gets_a_nudge_and_a_concrete_one_none() -> None:
    nudge_model.install()
    (f,) = check_action_text("Look at the retry logic")
    assert f.check == "vague_action" and f.words
    assert (
        check_action_text(
            "Add a synthetic check that logs in every minute and pages after 3 failures"
        )
        == []
    )


def test_where_no_rule_fires_the_nudge_names_the_words_behind_the_score() -> None:
    text = "Capacity planning for the holiday peak"
    assert wording_findings(text) == []  # the rules are silent here
    nudge_model.install()
    (f,) = check_action_text(text)
    assert f.words and all(w in text for w in f.words)
    assert "real post-mortems" in f.message and f.reframe
    assert "about" not in f.words and "the" not in f.words


# Per check: what the rules alone say, what the server says, the splits read, and how many
# nudges the model must raise there on its own (it does nudge where no rule does).
ALONE = {
    "vague_action": (wording_findings, check_action_text, None, 50),
    "blame": (
        lambda t: blame_check(t, learned=False),
        check_text,
        # From 0.98 the model adds fewer nudges of its own: six splits give twenty of them.
        ("tune", "holdout", "holdout2", "holdout3", "holdout4", "holdout5"),
        20,
    ),
}


@pytest.mark.parametrize("check", sorted(ALONE))
def test_every_nudge_a_model_raises_alone_on_real_sentences_names_its_words(check: str) -> None:
    rules, server_check, splits, at_least = ALONE[check]
    m = nudge_model.install()[check]
    rows = [json.loads(line) for line in REAL.read_text(encoding="utf-8").splitlines()]
    alone = [
        r["text"]
        for r in rows
        if r["check"] == check
        and (splits is None or r["split"] in splits)
        and not rules(r["text"])
        and m.score(r["text"]) >= m.threshold
    ]
    assert len(alone) >= at_least
    for text in alone:
        (f,) = server_check(text)
        assert f.words and all(w in text for w in f.words), text


def test_the_model_overrules_a_rule_it_does_not_agree_with() -> None:
    text = "Work with the vendor on the certificate rotation"
    assert wording_findings(text)  # "work with" is a vague lead to the rules
    m = nudge_model.install()["vague_action"]
    assert m.score(text) < m.threshold
    assert check_action_text(text) == []
    assert check_action_text(text, learned=False)  # the rules alone still say so


def test_scores_are_a_function_of_the_text_and_cached() -> None:
    m = nudge_model.TransformerScorer("vague_action", nudge_model.SHIPPED["vague_action"])
    first = m.score("Improve monitoring.")
    assert m.score("  Improve monitoring.  ") == first  # the same text, from the cache
    assert m.scores(["Improve monitoring."])[0] == first  # the same number, computed again
    assert 0.0 <= first <= 1.0
    words = m.explain("Look into the alerting")
    assert m.explain(" Look into the alerting ") == words  # every projection asks again
    assert m._explained.cache_info().hits == 1


def test_the_shipped_files_are_the_ones_the_model_card_names() -> None:
    card = (nudge_model.MODELS / "README.md").read_text(encoding="utf-8")
    for path in (
        *(nudge_model.MODELS / s.file for s in nudge_model.SHIPPED.values()),
        nudge_model.TOKENIZER,
    ):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert f"{path.name}: sha256 {digest}" in card


# holdout9 was collected after round eight's candidates were trained and holdout10 after round
# nine's blame model was chosen; each was committed alone (fee50bc, 2b9a70d) and scored by
# decisions written down first (guardrails_real_corpus.md). The shipped models have seen neither:
# their figures are the honest estimates for new documents, and floors. (Blame on holdout9 is
# the round-nine model's; the vague model's figure there is unchanged since round eight.)
UNSEEN_WITH_MODELS = {
    "holdout9": {"blame": (0.8376, 0.4260), "vague_action": (0.9412, 0.6292)},
    "holdout10": {"blame": (0.7758, 0.4455), "vague_action": (0.8659, 0.6363)},
}


@pytest.mark.parametrize("split", sorted(UNSEEN_WITH_MODELS))
def test_on_sentences_they_never_saw_the_models_hold_their_figures(split: str) -> None:
    nudge_model.install()
    scores = dict(evaluate_splits(REAL.read_text(encoding="utf-8").splitlines()))[split]
    assert [s.check for s in scores] == ["blame", "vague_action"]
    for s in scores:
        precision, recall = UNSEEN_WITH_MODELS[split][s.check]
        assert s.precision >= precision, s
        assert s.recall >= recall, s


def test_on_the_written_corpus_the_vague_model_stays_precise() -> None:
    """The sentences written to test the rules: the model never nudges a concrete one there.
    It misses 31 vague ones the rules catch (reminders, "always" / "never" rules, "ensure ...":
    see guardrails_real_corpus.md, rounds seven and eight), the price of precision on real
    text."""
    nudge_model.install()
    examples = [
        e
        for e in parse(WRITTEN.read_text(encoding="utf-8").splitlines())
        if e.check == "vague_action"
    ]
    (s,) = score(results(examples))
    assert s.precision == 1.0, s
    assert s.recall >= 0.76, s


def test_loading_and_scoring_never_touch_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the nudge model opened a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    examples = {"vague_action": "Look into the alerting", "blame": "Sarah forgot to renew it"}
    for check, shipped in nudge_model.SHIPPED.items():
        m = nudge_model.TransformerScorer(check, shipped)  # a fresh load, not the cached one
        assert m.score(examples[check]) >= m.threshold
        assert m.explain(examples[check])
