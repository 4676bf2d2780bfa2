"""The wording checks on real sentences from public post-mortems (issue 14).

`guardrails_real_corpus.jsonl` holds sentences copied from public post-mortems and incident
reports, each with its source, the field it came from and the split it belongs to; how it was
collected and labelled is in `guardrails_real_corpus.md`. The held-out splits were labelled
before any check ran on them; each was scored once unseen (the figures are in the .md) and has
been read since, so the thresholds here guard against regressions rather than measure
generalisation.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from hindsight.board_state.guardrails.corpus import evaluate_splits, parse, results, score

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests/board_state/guardrails_real_corpus.jsonl"
WRITTEN = ROOT / "tests/board_state/guardrails_corpus.jsonl"
SPLITS = (
    "tune",
    "holdout",
    "holdout2",
    "holdout3",
    "holdout4",
    "holdout5",
    "holdout6",
    "holdout7",
    "holdout8",
    "holdout9",
    "holdout10",
)
READ = ("tune", "holdout", "holdout2", "holdout3")  # read and tuned on
HELD_OUT = ("holdout", "holdout2", "holdout3")
FIELDS = {
    "summary",
    "timeline",
    "root_cause",
    "went_wrong",
    "went_well",
    "action",
    "issue",
    "other",
}


def _rows() -> list[dict[str, object]]:
    return [json.loads(line) for line in REAL.read_text(encoding="utf-8").splitlines()]


def test_every_row_names_its_source_field_and_split() -> None:
    rows = _rows()
    for row in rows:
        assert {"check", "text", "flag", "source", "field", "split"} <= set(row), row
        # A few stored copies of status pages and mailing lists have only a plain-http address.
        assert str(row["source"]).startswith(("https://", "http://")), row
        assert row["field"] in FIELDS and row["split"] in SPLITS, row
        assert row["check"] != "vague_action" or row["field"] == "action", row
    assert len(parse(REAL.read_text(encoding="utf-8").splitlines())) == len(rows)


def test_size_composition_and_no_overlap_with_the_written_corpus() -> None:
    rows = _rows()
    counts = Counter((r["check"], r["flag"]) for r in rows)
    assert len(rows) >= 400
    assert counts["blame", True] >= 100 and counts["blame", False] >= 100
    assert counts["vague_action", True] + counts["vague_action", False] >= 100
    assert counts["vague_action", True] >= 50 and counts["vague_action", False] >= 50
    keys = [(r["check"], r["text"]) for r in rows]
    assert len(keys) == len(set(keys))
    written = {
        json.loads(line)["text"]
        for line in WRITTEN.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert not {r["text"] for r in rows} & written


def test_a_document_stays_on_one_side_of_the_split() -> None:
    sides: dict[str, set[object]] = defaultdict(set)
    for r in _rows():
        sides[str(r.get("doc") or r["source"])].add(r["split"])
    assert all(len(s) == 1 for s in sides.values()), {d: s for d, s in sides.items() if len(s) > 1}


@pytest.mark.parametrize("split", READ)
def test_each_split_meets_the_aims(split: str) -> None:
    scores = dict(evaluate_splits(REAL.read_text(encoding="utf-8").splitlines()))[split]
    assert [s.check for s in scores] == ["blame", "vague_action"]
    for s in scores:
        assert s.precision >= 0.9, s
        assert s.recall >= 0.8, s


def test_all_held_out_sentences_together_meet_the_aims() -> None:
    held = [e for e in parse(REAL.read_text(encoding="utf-8").splitlines()) if e.split in HELD_OUT]
    for s in score(results(held)):
        assert s.precision >= 0.9, s
        assert s.recall >= 0.8, s


# Each of these sets was scored once, unseen, before anything was read or tuned on it (the .md
# has the history); its figure is a floor, so a change that makes the checks worse on it fails.
# The aims (precision 0.9, recall 0.8) are not asserted: none of these sets meets them.
# - holdout4: scored after its rows were committed (e2fa52d); its errors were not read.
# - holdout5: scored after the method was chosen by grouped cross-validation; two blame labels
#   were corrected after the blind relabelling, which moves 0.7742 / 0.5333 to 0.7419 / 0.5111.
# - holdout6: 20 new post-mortems, committed alone (5f7e749), scored with round six's checks.
# - holdout7: 1,763 sentences from 254 documents, committed alone (11412bd), scored with the
#   checks as at 07f54f1.
# - holdout8: 1,581 sentences from 204 more documents, committed alone (f2a73d7). The core alone
#   (rules and word weights, as these tests run) scored this; the server, with the vague-action
#   model, scored vague_action 0.8636 / 0.6244.
# - holdout9: 2,327 sentences from 279 more documents, committed alone (fee50bc); the core alone
#   scored this, the server's round-eight models the figures in tests/server/test_nudge_model.py.
# - holdout10: 926 sentences from 199 more documents, committed alone (2b9a70d), scored once.
UNSEEN = {
    "holdout4": {"blame": (0.70, 0.80), "vague_action": (0.8235, 0.5185)},
    "holdout5": {"blame": (0.7419, 0.5111), "vague_action": (0.6, 0.5172)},
    "holdout6": {"blame": (0.8148, 0.40), "vague_action": (0.7308, 0.475)},
    "holdout7": {"blame": (0.7257, 0.3402), "vague_action": (0.7955, 0.6076)},
    "holdout8": {"blame": (0.6585, 0.3396), "vague_action": (0.7321, 0.5775)},
    "holdout9": {"blame": (0.6909, 0.3304), "vague_action": (0.8159, 0.6348)},
    "holdout10": {"blame": (0.66, 0.3267), "vague_action": (0.7796, 0.6969)},
}


@pytest.mark.parametrize("split", sorted(UNSEEN))
def test_a_set_scored_unseen_does_not_fall_below_its_first_score(split: str) -> None:
    scores = dict(evaluate_splits(REAL.read_text(encoding="utf-8").splitlines()))[split]
    assert [s.check for s in scores] == ["blame", "vague_action"]
    for s in scores:
        precision, recall = UNSEEN[split][s.check]
        assert s.precision >= precision, s
        assert s.recall >= recall, s
