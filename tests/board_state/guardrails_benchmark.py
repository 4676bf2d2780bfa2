"""How long the wording checks take per sentence on this machine (issue 14's 2 ms budget).

Run from the repository root: `.venv/bin/python -m tests.board_state.guardrails_benchmark`. It
prints figures and asserts nothing: wall time is no test. Each sentence of the real corpus is
checked once (so the blame rules' cache of repeated texts does not help), rules plus the learned
scorer, as a writer's hint would run them; then the learned scorer alone; then, as the server
runs them, each check with its transformer installed (`server/nudge_model`: a first look at each
text, explanations included where it nudges), and the model's score alone, on one thread.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from hindsight.board_state.guardrails import Finding, check_action_text, check_text, learned
from hindsight.board_state.guardrails.learned import learned_findings, score
from hindsight.server import nudge_model

REAL = Path(__file__).resolve().parent / "guardrails_real_corpus.jsonl"


def main() -> None:
    rows = [json.loads(line) for line in REAL.read_text(encoding="utf-8").splitlines()]
    blame = [r["text"] for r in rows if r["check"] == "blame"]
    actions = [r["text"] for r in rows if r["check"] == "vague_action"]
    score("blame", "warm up"), score("vague_action", "warm up")  # load the weights once
    runs: list[tuple[str, list[str], Callable[[str], list[Finding]]]] = [
        ("blame (rules + learned)", blame, lambda t: check_text(t)),
        ("vague_action (rules + learned)", actions, lambda t: check_action_text(t)),
        ("blame, learned scorer alone", blame, lambda t: learned_findings("blame", t)),
        ("vague, learned scorer alone", actions, lambda t: learned_findings("vague_action", t)),
    ]
    for name, texts, run in runs:
        _time(name, texts, run)
    for check, texts, run in (
        ("vague_action", actions, check_action_text),
        ("blame", blame, check_text),
    ):
        model = nudge_model.TransformerScorer(check, nudge_model.SHIPPED[check])  # nothing cached
        learned.install(check, model)
        model.scores(["warm up"])
        _time(f"{check} (server, model)", texts, run)
        fresh = nudge_model.TransformerScorer(check, nudge_model.SHIPPED[check])
        fresh.scores(["warm up"])

        def score_only(text: str, m: nudge_model.TransformerScorer = fresh) -> list[Finding]:
            m.score(text)  # each sentence once: texts are unique, so the cache never answers
            return []

        _time(f"{check}, model score alone", texts, score_only)
    words = [len(t.split()) for t in actions]
    print(f"(action items: {sum(words) / len(words):.1f} words on average, at most {max(words)})")


def _time(name: str, texts: list[str], run: Callable[[str], list[Finding]]) -> None:
    start = time.perf_counter()
    for text in texts:
        run(text)
    ms = (time.perf_counter() - start) * 1000 / len(texts)
    print(f"{name:32} {ms:.3f} ms a sentence ({len(texts)} sentences)")


if __name__ == "__main__":
    main()
