"""Blameless guardrails: nudges that keep a review on systems, not people.

Theory of operation. Every check is a pure function of board data (or of a piece of text) to a
list of `Finding`s, so the browser, the server and the write-up all show the same nudges. A
finding explains and suggests; nothing here blocks an op, and the facilitator can switch each
kind off per board (`CHECKS` are the stable names the settings store).

* `blame` (`check_text`): blameful wording in any free text. Fixed phrases ("human error",
  "careless", "if only", "obviously") are flagged wherever they appear; failure words
  ("forgot", "failed to", "didn't notice", "should have") only when a person is their subject,
  found with a small clause grammar (see `blame.py`). Names are a built-in list of given names
  plus the board's display names, minus ordinary words in their ordinary use.
* `vague_action` (`check_action_text`, `check_action`): a vague leading verb without a measure,
  memo-style "be more careful" actions, and missing owner, due date or success criterion; a
  short-term action due outside 7..21 days (see `actions.py`).
* `action_load` (`check_load`): more than three selected or seven open actions.
* `five_whys` (`check_chain`): a chain marked done with fewer than five whys, or one whose last
  answer stops at a person or at human error.
* `writeup` (`check_writeup`): regulatory "N/A" without a reason, no communications, no action
  confirmed by its owner. The board settings call this kind "completeness"; both names work.

`board_findings` runs them all over a board with targets set; `nudge_history` replays an op log
to count nudges raised and resolved; `corpus.evaluate` measures precision and recall of the two
wording checks on a labelled corpus.

Rule-based and transparent on purpose: a false alarm can be traced to the rule that fired, and
a reviewer can read every list in the `lexicon_*` modules (`lexicon.py` gathers them). Where no
rule fires, a small learned scorer (`learned.py`, a logistic regression over words, its weights
shipped as data modules) may add one `blame` or `vague_action` finding that names the words
behind its score; issue 14's cross-validation chose this over the rules alone. A stronger model
can be installed from outside (`learned.install`): the server installs fine-tuned transformers
that then decide `vague_action` and which `blame` findings stand (issue 14, rounds seven and
eight, `learned.decide`); the core never imports them.
No I/O, no clock: dates come in as arguments.
"""

from __future__ import annotations

from .actions import check_action, check_action_text, check_load
from .blame import check_text
from .board import (
    CheckHistory,
    NudgeHistory,
    board_findings,
    check_chain,
    check_writeup,
    nudge_history,
)
from .findings import CHECKS, Finding

__all__ = [
    "CHECKS",
    "CheckHistory",
    "Finding",
    "NudgeHistory",
    "board_findings",
    "check_action",
    "check_action_text",
    "check_chain",
    "check_load",
    "check_text",
    "check_writeup",
    "nudge_history",
]
