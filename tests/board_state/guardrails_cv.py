"""Choose how the wording checks decide, by grouped cross-validation (issue 14).

Run from the repository root: `.venv/bin/python -m tests.board_state.guardrails_cv`. Not a test
(pytest does not collect it). It prints the figures `guardrails_real_corpus.md` reports.

Round five used the splits that existed before holdout5 was collected (tune .. holdout4);
holdout5 was scored once after the configuration was chosen. Round six, after holdout5 had been
scored and read, uses tune .. holdout5 (`SPLITS`); `--quick` runs only the words features with
thresholds from all training rows (the shipped method). holdout6 (scored once after round six)
is not in `SPLITS`. Folds group whole documents
(`doc`, else `source`). Every threshold is chosen inside the training folds, from grouped
out-of-fold model scores, never on the fold being scored.

A configuration decides `flag = (rules and score >= gate) or score >= add`:

* rules: gate 0, add never;        * model alone: no rules, add = t;
* rules + model: gate 0, add = t;  * rules gated: gate = g, add never;
* hybrid: both g and t free.

For each, the thresholds are those with the highest recall at precision >= 0.9 on the inner
out-of-fold scores (the highest precision when none gets there).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hindsight.board_state.guardrails.learned import encode
from hindsight.board_state.guardrails.learned import features as train_features
from tests.board_state.guardrails_clause_features import clause_features
from tests.board_state.train_guardrails_model import (
    CHECKS,
    Model,
    Row,
    grouped_folds,
    load,
    prf,
)

BEFORE = ("tune", "holdout", "holdout2", "holdout3", "holdout4")
SPLITS = (*BEFORE, "holdout5")  # round six: holdout5 has been scored and read
PACKAGE = Path(__file__).resolve().parents[2] / "board_state/guardrails"
MODULES = {check: PACKAGE / f"learned_weights_{check}.py" for check in CHECKS}
TARGET = 0.9
NEVER = math.inf
GRID = (0.0, *(i / 20 for i in range(1, 20)), NEVER)


@dataclass(frozen=True)
class Config:
    name: str
    gates: tuple[float, ...]  # candidate gate thresholds on rule findings
    adds: tuple[float, ...]  # candidate thresholds for the model's own findings


CONFIGS = (
    Config("rules", (0.0,), (NEVER,)),
    Config("model alone", (NEVER,), GRID),
    Config("rules + model", (0.0,), GRID),
    Config("rules gated by model", GRID, (NEVER,)),
    Config("hybrid (gate and add)", GRID, GRID),
)


def decide(rule: bool, s: float, gate: float, add: float) -> bool:
    return (rule and s >= gate) or s >= add


def pick(scored: Sequence[tuple[Row, float]], cfg: Config) -> tuple[float, float]:
    """The (gate, add) pair with the best recall at precision >= TARGET on `scored`."""
    best: tuple[tuple[int, float, float], float, float] | None = None
    for g in cfg.gates:
        for a in cfg.adds:
            if a < g < NEVER:
                continue
            p, r, tp, _, _ = prf((decide(row.rule, s, g, a), row.flag) for row, s in scored)
            meets = tp > 0 and p >= TARGET
            key = (int(meets), r if meets else (p if r >= 0.2 else 0.0), p)
            if best is None or key > best[0]:
                best = (key, g, a)
    assert best is not None
    return best[1], best[2]


def oof(
    rows: Sequence[Row], k: int, fit: Callable[[Sequence[Row]], Model]
) -> list[tuple[Row, float]]:
    out: list[tuple[Row, float]] = []
    folds = grouped_folds(rows, k)
    for i, held in enumerate(folds):
        model = fit([r for j, f in enumerate(folds) if j != i for r in f])
        out += [(r, model.score(r.text)) for r in held]
    return out


def cross_validate(
    rows: Sequence[Row], fit: Callable[[Sequence[Row]], Model], calibrate: Callable[[Row], bool]
) -> None:
    """Grouped 5-fold; thresholds from the inner out-of-fold scores of the training rows that
    `calibrate` admits. Prints pooled figures on all rows and on the holdout4 rows alone (the
    only rows the rules were not tuned on)."""
    folds = grouped_folds(rows, 5)
    pooled: dict[str, list[tuple[Row, bool]]] = {c.name: [] for c in CONFIGS}
    chosen: dict[str, list[tuple[float, float]]] = {c.name: [] for c in CONFIGS}
    for i, held in enumerate(folds):
        train = [r for j, f in enumerate(folds) if j != i for r in f]
        inner = [(r, s) for r, s in oof(train, 4, fit) if calibrate(r)]
        model = fit(train)
        scores = [(r, model.score(r.text)) for r in held]
        for cfg in CONFIGS:
            g, a = pick(inner, cfg)
            chosen[cfg.name].append((g, a))
            pooled[cfg.name] += [(r, decide(r.rule, s, g, a)) for r, s in scores]
    for cfg in CONFIGS:
        said = pooled[cfg.name]
        p, r, tp, fp, fn = prf((d, row.flag) for row, d in said)
        p4, r4, *_ = prf((d, row.flag) for row, d in said if row.split == "holdout4")
        p5, r5, *_ = prf((d, row.flag) for row, d in said if row.split == "holdout5")
        print(f"    {cfg.name:22} P {p:.3f} / R {r:.3f} (tp {tp}, fp {fp}, fn {fn})", end="")
        print(f"  holdout4 rows P {p4:.3f} / R {r4:.3f}", end="")
        print(f"  holdout5 rows P {p5:.3f} / R {r5:.3f}", end="")
        print("  thresholds", [(round(g, 2), round(a, 2)) for g, a in chosen[cfg.name]])


FEATURES: dict[str, Callable[[str], list[str]]] = {
    "words": cache(train_features),
    "words + clauses": cache(clause_features),
}
CALIBRATION: dict[str, Callable[[Row], bool]] = {
    "all training rows": lambda r: True,
    "training rows of holdout4": lambda r: r.split == "holdout4",
}


# Round six, by the same rule (the best recall at precision >= 0.9 in grouped 5-fold CV over
# tune .. holdout5): blame, rules alone (rules + model fell to P 0.892); vague_action, rules +
# model. Round five chose rules + model for both.
CHOSEN = {"blame": CONFIGS[0], "vague_action": CONFIGS[2]}


def train_table() -> dict[str, dict[str, object]]:
    """The chosen configuration trained on every row of `SPLITS`: per check, the threshold
    from grouped 5-fold out-of-fold scores, then one model on all the rows."""
    table: dict[str, dict[str, object]] = {}
    rows = load(SPLITS)
    for check in CHECKS:
        mine = [r for r in rows if r.check == check]
        _, add = pick(oof(mine, 5, lambda rs: Model().fit(rs)), CHOSEN[check])
        model = Model().fit(mine)
        table[check] = {"bias": model.bias, "threshold": add, "weights": model.weights}
    return table


def _threshold(value: object) -> str:
    """The threshold as Python source: `float("inf")` when the model adds nothing (rules alone)."""
    return (
        'float("inf")  # never: this check runs on its rules alone'
        if value == NEVER
        else str(value)
    )


def module_text(check: str, table: dict[str, dict[str, object]]) -> str:
    """The Python data module that ships `check`'s weights (the core may not read files)."""
    t = table[check]
    weights = t["weights"]
    assert isinstance(weights, dict)
    blob = encode(weights)
    lines = [blob[i : i + 92] for i in range(0, len(blob), 92)]
    return (
        f'"""Learned weights for the {check} check. Generated, do not edit: run\n'
        "`.venv/bin/python -m tests.board_state.guardrails_cv --write` from the repository root.\n\n"
        f"{len(weights)} weights of word features (`learned.features`), in hundredths, as sorted\n"
        '"feature weight" lines, zlib-compressed and base85-encoded; `learned.weights` decodes them.\n'
        '"""\n\n'
        f"BIAS = {t['bias']}\nTHRESHOLD = {_threshold(t['threshold'])}\nBLOB = (\n"
        + "".join(f'    "{line}"\n' for line in lines)
        + ")\n"
    )


def write_weights() -> None:
    """Write the data modules the package ships (`guardrails/learned_weights_*.py`)."""
    table = train_table()
    for check in CHECKS:
        MODULES[check].write_text(module_text(check, table), encoding="utf-8")
        t = table[check]
        print(f"{check}: threshold {t['threshold']}, {len(t['weights'])} weights")  # type: ignore[arg-type]


def _fitter(featurize: Callable[[str], list[str]]) -> Callable[[Sequence[Row]], Model]:
    return lambda rows: Model(featurize).fit(rows)


def main(quick: bool) -> None:
    rows = load(SPLITS)
    for check in CHECKS:
        mine = [r for r in rows if r.check == check]
        for fname, featurize in FEATURES.items():
            for cname, calibrate in CALIBRATION.items():
                if quick and (fname != "words" or cname != "all training rows"):
                    continue
                print(f"== {check} ({len(mine)}), features: {fname}; thresholds from {cname}")
                cross_validate(mine, _fitter(featurize), calibrate)


if __name__ == "__main__":
    if "--write" in sys.argv[1:]:
        write_weights()
    else:
        main("--quick" in sys.argv[1:])
