"""Print holdout4 and holdout5 rows for blind relabelling: text, check and field only, shuffled.

`.venv/bin/python -m tests.board_state.guardrails_relabel_blind` prints one numbered row a line
(the number is the row's place in the shuffled list, not in the corpus) and never the label, so
the rows can be labelled again by hand before the two labellings are compared
(`guardrails_relabel_compare.py`).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

CORPUS = Path(__file__).with_name("guardrails_real_corpus.jsonl")
SPLITS = ("holdout4", "holdout5")


def blind_rows() -> list[dict[str, str]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["split"] in SPLITS:
            rows.append({"text": row["text"], "check": row["check"], "field": row["field"]})
    random.Random(14).shuffle(rows)
    return rows


def main() -> None:
    for number, row in enumerate(blind_rows()):
        print(number, row["check"], row["field"], json.dumps(row["text"], ensure_ascii=False))


if __name__ == "__main__":
    main()
