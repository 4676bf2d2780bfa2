"""Issue trackers, the server's side: the configured tracker, and the poll that brings the state
of linked issues back to their actions.

Theory of operation. An action's issue is created on request (`trackers.py`) and recorded on
the board with `link_issue`; the board's log row then carries it. Every `tracker_poll`
seconds one task reads the incident log, asks the tracker about each linked action that is
still open or in progress, and applies `set_action_status` as the server when its issue is
closed (done, or dropped when the tracker says it was closed without doing it). So the state
comes back through the same op, room and log as a person's change, and the completion rates
move with it. A round stops at the first failure that would fail every call (the token, the
network, the tracker); an issue that is gone is logged once and skipped. Nothing is kept
between rounds but that: the log is the list of what to ask about.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from hindsight.board_state import SYSTEM, Rejected
from hindsight.board_state import ops as o
from hindsight.board_state.model import ActionStatus
from hindsight.server.config import Settings
from hindsight.server.meeting.room import RoomClosed
from hindsight.server.outputs.tracker_clients import (
    Tracker,
    TrackerError,
    issue_status,
    tracker_from,
)
from hindsight.server.storage.log_rows import UNFINISHED, actions_of

if TYPE_CHECKING:
    from hindsight.server.meeting.hub import Hub

logger = logging.getLogger("hindsight.trackers")


class Trackers:
    """The tracker the operator configured (None: none), the actions whose issue is being
    created right now, and the poll task."""

    def __init__(self, settings: Settings) -> None:
        self.tracker: Tracker | None = tracker_from(settings)  # ValueError: a wrong setting
        self.interval = settings.tracker_poll
        self.creating: set[tuple[str, str]] = set()  # (board id, action id)
        self._task: asyncio.Task[None] | None = None
        self._hub: Hub | None = None
        self._warned: set[str] = set()  # issue keys already logged as unreadable

    def start(self, hub: Hub) -> None:
        self._hub = hub
        if self.tracker is not None and self.interval > 0:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        while True:
            # First wait, then ask: a server restarting again and again does not hammer the
            # tracker, and its start-up is not slowed by a round.
            await asyncio.sleep(self.interval)
            try:
                # One node asks the tracker (several on PostgreSQL: see Store.leads).
                hub = self._hub
                if hub is not None and await asyncio.to_thread(hub.store.leads, "trackers"):
                    await self.poll_once()
            except Exception:
                logger.exception(
                    "the issue tracker poll failed; it runs again in %g s", self.interval
                )

    async def poll_once(self) -> int:
        """Ask the tracker about every linked unfinished action once; how many changed."""
        hub, tracker = self._hub, self.tracker
        if hub is None or tracker is None:
            return 0
        await hub.sync_log()
        changed = 0
        for row in await asyncio.to_thread(hub.store.log_rows):
            for action in actions_of(row):
                issue = action.get("issue")
                if not issue or issue["tracker"] != tracker.kind:
                    continue
                if action["status"] not in UNFINISHED:
                    continue
                try:
                    status = await asyncio.to_thread(issue_status, tracker, issue["key"])
                except TrackerError as e:
                    if e.stops_a_round:
                        logger.warning("issue tracker poll stopped: %s", e.message)
                        return changed
                    if issue["key"] not in self._warned:
                        self._warned.add(issue["key"])
                        logger.warning("issue %s: %s", issue["key"], e.message)
                    continue
                if status is not None and await self._set(row.board_id, action["id"], status):
                    changed += 1
        return changed

    async def _set(self, board_id: str, action_id: str, status: ActionStatus) -> bool:
        """Apply the tracker's verdict as the server; False if the board would not take it."""
        assert self._hub is not None
        room = await self._hub.room(board_id)
        if room is None:
            return False
        try:
            await room.submit_as(SYSTEM, o.SetActionStatus(action_id=action_id, status=status))
        except (Rejected, RoomClosed) as e:
            logger.warning("board %s: action %s stays as it is: %s", board_id, action_id, e)
            return False
        logger.info("board %s: action %s is %s (its issue was closed)", board_id, action_id, status)
        try:
            await self._hub.refresh_log(board_id)
        except Exception:  # the op is durable; the next read of the log catches the row up
            logger.exception("board %s: incident log refresh failed", board_id)
        return True
