"""One text being checked, as the blame rules see it: its tokens, the board's names, and the
spans found so far (`Ctx`); and the four kinds a subject can be (`PERSON`, `SYSTEM`, `PROPER`,
`NONE`, see `grammar.py`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .text import Token

PERSON, SYSTEM, PROPER, NONE = "person", "system", "proper", "none"


@dataclass
class Ctx:
    """One text being checked: its tokens, the board's names, and the spans found so far."""

    text: str
    toks: list[Token]
    low: list[str]
    names: frozenset[str]  # participants' name tokens, lower case, not ordinary words
    ambiguous: frozenset[str]  # participants' name tokens that are also ordinary words
    hits: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def hit(self, reason: str, i: int, j: int) -> None:
        spans = self.hits.setdefault(reason, [])
        if all(j < a or i > b for r in self.hits.values() for a, b in r):
            spans.append((i, j))

    def at(self, i: int, phrase: tuple[str, ...]) -> int:
        """End index (inclusive) when `phrase` starts at token i, else -1."""
        if i + len(phrase) > len(self.low):
            return -1
        for k, w in enumerate(phrase):
            if self.low[i + k] != w:
                return -1
        return i + len(phrase) - 1

    def any_at(self, i: int, phrases: Iterable[tuple[str, ...]]) -> int:
        for p in phrases:
            j = self.at(i, p)
            if j >= 0:
                return j
        return -1
