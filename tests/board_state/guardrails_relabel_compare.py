"""Compare the blind relabelling (`guardrails_relabel.jsonl`) with the corpus labels.

`.venv/bin/python -m tests.board_state.guardrails_relabel_compare [--list]` prints, per check and
split, the agreement, Cohen's kappa and the precision / recall of the relabelling scored against
the corpus labels (the same numbers with the roles swapped: P and R trade places); `--list`
prints every disagreement.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent


def load(name: str) -> list[dict[str, object]]:
    text = (HERE / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def kappa(pairs: list[tuple[bool, bool]]) -> float:
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    pa = sum(a for a, _ in pairs) / n
    pb = sum(b for _, b in pairs) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def summary(pairs: list[tuple[bool, bool]]) -> str:
    """pairs are (corpus, relabel)."""
    tp = sum(a and b for a, b in pairs)
    fp = sum(b and not a for a, b in pairs)
    fn = sum(a and not b for a, b in pairs)
    agree = sum(a == b for a, b in pairs) / len(pairs)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return (
        f"n={len(pairs)} corpus+={tp + fn} relabel+={tp + fp} agreement={agree:.3f} "
        f"kappa={kappa(pairs):.3f} relabel-vs-corpus P={precision:.3f} R={recall:.3f}"
    )


def main() -> None:
    corpus = {(r["check"], r["text"]): r for r in load("guardrails_real_corpus.jsonl")}
    groups: dict[tuple[str, str], list[tuple[bool, bool]]] = {}
    differing = []
    for row in load("guardrails_relabel.jsonl"):
        original = corpus[(row["check"], row["text"])]
        pair = (bool(original["flag"]), bool(row["flag"]))
        for split in (str(original["split"]), "both"):
            groups.setdefault((str(row["check"]), split), []).append(pair)
        if pair[0] != pair[1]:
            differing.append((original["split"], row["check"], pair, row["text"]))
    for (check, split), pairs in sorted(groups.items()):
        print(f"{check:12} {split:8} {summary(pairs)}")
    if "--list" in sys.argv:
        for where, what, (was, now), text in sorted(differing, key=str):
            print(f"{where} {what} corpus={int(was)} relabel={int(now)} {text}")


if __name__ == "__main__":
    main()
