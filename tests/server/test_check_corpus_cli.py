"""`hindsight check-corpus [PATH ...]`: JSON lines on stdout, one per file and check (and per
split and check when the examples name their split), and nothing else."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hindsight.server.cli", "check-corpus", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


# The written corpus as the server nudges it, with its models (guardrails_real_corpus.md, rounds
# seven to nine): blame by the rules and the blame model, which learned from these sentences
# too (1.0 / 1.0 since round nine; round eight's model nudged four fine ones); vague actions by
# the model, which never nudges a concrete one here but misses 31 reminders and rules for people
# that the rules were written to catch.
AIMS = {"blame": (1.0, 1.0), "vague_action": (1.0, 0.76)}


def test_default_corpus_scores_as_the_server_nudges() -> None:
    r = run()
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["check"] for row in rows] == ["blame", "vague_action"]
    for row in rows:
        assert {"check", "precision", "recall", "n"} <= set(row)
        precision, recall = AIMS[row["check"]]
        assert row["precision"] >= precision and row["recall"] >= recall, row
        assert row["n"] >= 100


def test_any_file_in_the_same_format(tmp_path: Path) -> None:
    corpus = tmp_path / "mine.jsonl"
    corpus.write_text(
        "\n".join(
            json.dumps(x)
            for x in [
                {"check": "blame", "text": "Operator forgot to drain the node", "flag": True},
                {"check": "blame", "text": "The linter does not check TTLs", "flag": True},
                {"check": "blame", "text": "Dana opened the incident channel", "flag": False},
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    r = run(str(corpus))
    assert r.returncode == 0, r.stderr
    (row,) = [json.loads(line) for line in r.stdout.splitlines()]
    assert row == {
        "corpus": str(corpus),
        "check": "blame",
        "precision": 1.0,
        "recall": 0.5,
        "n": 3,
        "tp": 1,
        "fp": 0,
        "fn": 1,
        "tn": 1,
    }


def test_a_missing_or_bad_file_fails_on_stderr_only(tmp_path: Path) -> None:
    r = run(str(tmp_path / "absent.jsonl"))
    assert r.returncode == 2 and r.stdout == "" and "absent.jsonl" in r.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"check": "blame", "text": "x"}\n', encoding="utf-8")
    r = run(str(bad))
    assert r.returncode == 2 and r.stdout == "" and "line 1" in r.stderr


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_several_files_are_scored_each_and_per_split(tmp_path: Path) -> None:
    plain = _write(
        tmp_path / "plain.jsonl",
        [
            {"check": "vague_action", "text": "Improve monitoring", "flag": True},
            {"check": "vague_action", "text": "Add a p99 latency alert at 300 ms", "flag": False},
        ],
    )
    split = _write(
        tmp_path / "split.jsonl",
        [
            {
                "check": "blame",
                "text": "Operator forgot to drain the node",
                "flag": True,
                "split": "tune",
                "source": "https://example.org/a",
            },
            {
                "check": "blame",
                "text": "The linter does not check TTLs",
                "flag": True,
                "split": "holdout",
                "source": "https://example.org/b",
            },
            {
                "check": "blame",
                "text": "Dana opened the incident channel",
                "flag": False,
                "split": "holdout",
                "source": "https://example.org/b",
            },
        ],
    )
    r = run(str(plain), str(split))
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    counts = ("precision", "recall", "n", "tp", "fp", "fn", "tn")
    assert [(row["corpus"], row.get("split"), row["check"]) for row in rows] == [
        (str(plain), None, "vague_action"),
        (str(split), None, "blame"),
        (str(split), "holdout", "blame"),
        (str(split), "tune", "blame"),
    ]
    assert [tuple(row[k] for k in counts) for row in rows] == [
        (1.0, 1.0, 2, 1, 0, 0, 1),
        (1.0, 0.5, 3, 1, 0, 1, 1),
        (1.0, 0.0, 2, 0, 0, 1, 1),
        (1.0, 1.0, 1, 1, 0, 0, 0),
    ]
    assert all(list(row)[-7:] == list(counts) for row in rows)


def test_one_bad_file_among_several_prints_no_scores(tmp_path: Path) -> None:
    good = _write(tmp_path / "good.jsonl", [{"check": "blame", "text": "x", "flag": False}])
    r = run(str(good), str(tmp_path / "absent.jsonl"))
    assert r.returncode == 2 and r.stdout == "" and "absent.jsonl" in r.stderr
