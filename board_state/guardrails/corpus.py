"""Measuring the wording checks on a labelled corpus.

A corpus is JSON lines, one example a line: `{"check": "blame" | "vague_action", "text": ...,
"flag": true | false}`, `flag` true where the check should raise a nudge. An example may say
which `split` it belongs to ("tune", "holdout", ...) and carry other fields (`source`, `field`)
that scoring ignores. Blank lines and lines starting with `#` are skipped. `evaluate` gives
precision, recall and counts per check, `evaluate_splits` the same per split; they read lines
handed to them (the shell opens the file), so they stay pure.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from .actions import check_action_text
from .blame import check_text
from .findings import BLAME, VAGUE_ACTION

CORPUS_CHECKS: tuple[str, ...] = (BLAME, VAGUE_ACTION)


class Example(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    check: str
    text: str
    flag: bool
    split: str = ""  # "tune", "holdout", ...: which part of a corpus the example is in


class Result(msgspec.Struct, frozen=True):
    example: Example
    flagged: bool  # what the check said

    @property
    def correct(self) -> bool:
        return self.flagged == self.example.flag


class Score(msgspec.Struct, frozen=True):
    check: str
    precision: float
    recall: float
    n: int
    tp: int
    fp: int
    fn: int
    tn: int


_decoder = msgspec.json.Decoder(Example)


def parse(lines: Iterable[str]) -> list[Example]:
    """Examples from JSON lines; a malformed line raises ValueError naming its line number."""
    out: list[Example] = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            ex = _decoder.decode(line)
        except msgspec.DecodeError as err:
            raise ValueError(f"line {number}: {err}") from None
        if ex.check not in CORPUS_CHECKS:
            raise ValueError(f"line {number}: unknown check {ex.check!r}")
        out.append(ex)
    return out


def flags(check: str, text: str, *, learned: bool = True) -> bool:
    """Does `check` raise a nudge on `text`? With `learned=False`, the rules alone."""
    if check == BLAME:
        return bool(check_text(text, learned=learned))
    if check == VAGUE_ACTION:
        return bool(check_action_text(text, learned=learned))
    raise ValueError(f"unknown check {check!r}")


def results(examples: Iterable[Example]) -> list[Result]:
    return [Result(e, flags(e.check, e.text)) for e in examples]


def score(results_: Iterable[Result]) -> list[Score]:
    """Precision and recall per check, in `CORPUS_CHECKS` order (checks with no examples are
    left out). With nothing flagged, precision is 1.0; with nothing to find, recall is 1.0."""
    rs = list(results_)
    out: list[Score] = []
    for check in CORPUS_CHECKS:
        mine = [r for r in rs if r.example.check == check]
        if not mine:
            continue
        tp = sum(r.flagged and r.example.flag for r in mine)
        fp = sum(r.flagged and not r.example.flag for r in mine)
        fn = sum(not r.flagged and r.example.flag for r in mine)
        tn = len(mine) - tp - fp - fn
        out.append(
            Score(
                check=check,
                precision=round(tp / (tp + fp), 4) if tp + fp else 1.0,
                recall=round(tp / (tp + fn), 4) if tp + fn else 1.0,
                n=len(mine),
                tp=tp,
                fp=fp,
                fn=fn,
                tn=tn,
            )
        )
    return out


def evaluate(lines: Iterable[str]) -> list[Score]:
    """Scores per check for a corpus given as JSON lines."""
    return score(results(parse(lines)))


def score_splits(results_: Iterable[Result]) -> list[tuple[str, list[Score]]]:
    """`score` for each split named in the examples, in name order; examples without a split
    are left out, and a corpus without splits gives an empty list."""
    rs = list(results_)
    names = sorted({r.example.split for r in rs if r.example.split})
    return [(name, score(r for r in rs if r.example.split == name)) for name in names]


def evaluate_splits(lines: Iterable[str]) -> list[tuple[str, list[Score]]]:
    """Scores per split and check for a corpus given as JSON lines."""
    return score_splits(results(parse(lines)))
