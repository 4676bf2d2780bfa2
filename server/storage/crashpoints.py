"""Deterministic crash points, for testing the durability promise at exact moments.

    HINDSIGHT_CRASH_AT=after_commit_before_ack       # die the first time that point is reached
    HINDSIGHT_CRASH_AT=after_insert_before_commit:3  # ... the third time

When the selected point is reached the N-th time, the process kills itself with SIGKILL: no
shutdown handlers, no flush, no rollback, exactly what `kill -9` at that instant would do. A line
`hindsight: crash point <name> reached` goes to stderr first, so a test can tell this crash
from any other death. Unset (the normal case), every hook is a comparison and a return.

The points (each named where it sits):

* `after_insert_before_commit` (store writer thread): the batch's rows are inserted in the open
  transaction, COMMIT has not run. Nothing of it may survive; nobody was told anything.
* `after_commit_before_ack` (store writer thread): COMMIT returned, the room was not told yet.
  All of it must survive, though no client saw an ack.
* `after_ack_before_broadcast` (room): the acks of a round were sent (and given a moment to
  reach the wire), the events not. An acked op whose event nobody saw must survive.
* `during_snapshot` (store writer thread): a snapshot row is inserted in the open transaction,
  COMMIT has not run. The board must load from the previous snapshot and the log.
* `during_seal` (store writer thread): a closed board's op rows and snapshots are deleted in the
  open transaction, its sealed snapshot not yet written, COMMIT has not run. The board must
  load exactly as before the close (not closed, not sealed, nothing lost), and the close was
  never acknowledged.

The name is read once, at import; an unknown name stops the server at start, so a typo cannot
make a crash test pass without crashing.
"""

from __future__ import annotations

import asyncio
import os
import signal

ENV = "HINDSIGHT_CRASH_AT"
POINTS = frozenset(
    {
        "after_insert_before_commit",
        "after_commit_before_ack",
        "after_ack_before_broadcast",
        "during_snapshot",
        "during_seal",
    }
)
# How long an async point lets queued frames reach the sockets before dying: the writer tasks
# only need a few turns of the event loop, this leaves room for a loaded machine.
FLUSH_SECONDS = 1.0


def parse(value: str) -> tuple[str, int]:
    """`name` or `name:N` -> (name, N); ("", 0) for an empty value."""
    value = value.strip()
    if not value:
        return "", 0
    name, _, count = value.partition(":")
    if name not in POINTS:
        known = ", ".join(sorted(POINTS))
        raise ValueError(f"{ENV}={value!r}: unknown crash point; known: {known}")
    times = int(count) if count else 1
    if times < 1:
        raise ValueError(f"{ENV}={value!r}: the count must be 1 or more")
    return name, times


_selected, _remaining = parse(os.environ.get(ENV, ""))


def selected(name: str) -> bool:
    """Whether `name` is the point this process may die at (testing only)."""
    return _selected == name


def _due(name: str) -> bool:
    # Each point is reached from one thread only (the store's writer or the event loop), so the
    # countdown needs no lock.
    global _remaining
    if name != _selected:
        return False
    _remaining -= 1
    return _remaining == 0


def _die(name: str) -> None:
    os.write(2, f"hindsight: crash point {name} reached\n".encode())
    os.kill(os.getpid(), signal.SIGKILL)


def crash_point(name: str) -> None:
    """Die here, now, if `name` is the selected point reached for the N-th time."""
    if _selected and _due(name):
        _die(name)


async def crash_point_after_flush(name: str) -> None:
    """Like `crash_point`, but first let the frames already queued to connections go out:
    for a point defined by what clients have been told."""
    if _selected and _due(name):
        await asyncio.sleep(FLUSH_SECONDS)
        _die(name)
