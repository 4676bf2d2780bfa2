"""The wording checks measured on the project's labelled corpus.

Every example's outcome is pinned: the checks must agree with every label except the known
misses listed here. A regression (a new miss) and an improvement (a listed miss now right) both
fail this test, so the list is kept honest. Labelling policy, in short:

* blame: true when a person (a name, a role such as "operator" or "the on-call", a personal
  pronoun including "we" and "I", "someone"/"nobody") is the subject of a failure or of a
  counterfactual ("should have"), when a person is named as the cause or at fault, or for
  phrases that carry blame whoever they are about ("human error", "careless", "if only",
  hindsight words such as "obviously" and "just had to"). False for systems as subjects ("the
  consumer failed to reconnect"), for people doing things ("Dana opened the channel"), for
  names that are ordinary words in their ordinary sense (Will, May, Bill, Mark, Grant ...),
  for negated forms ("not obvious", "nobody's fault") and for impact on users ("customers
  failed to log in").
* vague_action: true when the leading verb is vague ("improve", "investigate", "look into",
  "review", "consider", "ensure", "monitor" ...) and the action carries no measure or concrete
  means, for wishes ("Better alerting") and for memo-style actions asking people to be careful,
  pay attention, remember or be reminded. False for concrete changes, for "review" as a noun,
  and for a vague verb with a measurable target ("Improve p99 latency to under 300 ms").
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from hindsight.board_state.guardrails.corpus import evaluate, parse, results, score

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests/board_state/guardrails_corpus.jsonl"
SAMPLE = ROOT.parent / "shared/guardrails/sample.jsonl"

# Examples the checks get wrong today, as (check, text). The rules alone miss "Agents forgot to
# tag the tickets as incident-related" (the lexicon takes "agents" for software); round five's
# learned scorer caught it, and since round six the blame check runs on its rules alone
# (cross-validation, guardrails_real_corpus.md), so it is a known miss again (issue 14).
KNOWN_MISSES: set[tuple[str, str]] = {
    ("blame", "Agents forgot to tag the tickets as incident-related"),
}


def _lines() -> list[str]:
    return CORPUS.read_text(encoding="utf-8").splitlines()


def test_the_corpus_is_large_balanced_and_has_no_duplicates() -> None:
    examples = parse(_lines())
    assert len(examples) >= 200
    counts = Counter((e.check, e.flag) for e in examples)
    for check in ("blame", "vague_action"):
        assert counts[check, True] >= 80 and counts[check, False] >= 80
        assert abs(counts[check, True] - counts[check, False]) <= 10
    texts = [e.text for e in examples]
    assert len(texts) == len(set(texts))


def test_the_corpus_includes_the_shared_sample() -> None:
    if not SAMPLE.exists():  # the sample lives beside the checkout, not in it
        return
    mine = {json.dumps(json.loads(line), sort_keys=True) for line in _lines() if line.strip()}
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip():
            assert json.dumps(json.loads(line), sort_keys=True) in mine, line


def test_every_example_matches_its_label_except_the_known_misses() -> None:
    wrong = {(r.example.check, r.example.text) for r in results(parse(_lines())) if not r.correct}
    assert wrong - KNOWN_MISSES == set(), "new misses (a regression)"
    assert KNOWN_MISSES - wrong == set(), "fixed misses: remove them from KNOWN_MISSES"


def test_precision_and_recall_meet_the_aims_per_check() -> None:
    scores = {s.check: s for s in evaluate(_lines())}
    assert set(scores) == {"blame", "vague_action"}
    for s in scores.values():
        assert s.precision >= 0.9, s
        assert s.recall >= 0.8, s
        assert s.tp + s.fp + s.fn + s.tn == s.n


def test_scores_count_what_they_claim() -> None:
    lines = [
        '{"check": "blame", "text": "Operator forgot to drain the node", "flag": true}',
        '{"check": "blame", "text": "The consumer failed to reconnect", "flag": true}',
        '{"check": "blame", "text": "Dana obviously missed it", "flag": false}',
        '{"check": "blame", "text": "Dana opened the channel", "flag": false}',
        "",
        "# a comment",
        '{"check": "vague_action", "text": "Improve alerting", "flag": true}',
    ]
    blame, action = score(results(parse(lines)))
    assert (blame.tp, blame.fp, blame.fn, blame.tn, blame.n) == (1, 1, 1, 1, 4)
    assert blame.precision == 0.5 and blame.recall == 0.5
    assert (action.check, action.precision, action.recall, action.n) == (
        "vague_action",
        1.0,
        1.0,
        1,
    )


def test_a_malformed_line_names_its_number() -> None:
    import pytest

    with pytest.raises(ValueError, match="line 2"):
        parse(['{"check": "blame", "text": "x", "flag": true}', '{"check": "blame"}'])
    with pytest.raises(ValueError, match="unknown check"):
        parse(['{"check": "tone", "text": "x", "flag": true}'])
