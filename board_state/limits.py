"""Every count limit of a board, in one place: the reducer enforces them, and whatever reads a
board from elsewhere (an import document) sizes its fields by them, so the two cannot drift."""

from __future__ import annotations

MAX_PARTICIPANTS = 500  # facilitator and participants (people who write)
MAX_OBSERVERS = 500  # counted apart: a flood of observers cannot lock out a writer
MAX_PHASES = 30
MAX_ROUNDS = 50
MAX_STICKIES = 2000
MAX_TIMELINE = 1000
MAX_CHAINS = 50
MAX_STEPS = 30  # whys in one chain
MAX_THEMES = 200
MAX_ACTIONS = 200
MAX_ACCESS_MEMBERS = 200  # people a facilitator names as readers of a restricted board
MAX_REVIEW_BOARDS = 20  # earlier post-mortems the facilitator may pick for the action review
MAX_REVIEW_ITEMS = 100  # open actions the review shows at once (more is not a review)
