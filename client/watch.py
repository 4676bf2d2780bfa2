"""What `hindsight-client watch` prints: one line per change, in words.

A board view changes for many reasons; the line says which one a person watching cares about
(the phase moved on, the timer started or stopped, the meeting closed) by comparing it with the
previous one, instead of a bare "board updated".
"""

from __future__ import annotations

from typing import Any

import msgspec

from hindsight.board_state.protocol import Event, Presence
from hindsight.board_state.views import BoardMeta


class Describer:
    def __init__(self) -> None:
        self.meta: BoardMeta | None = None
        self.here: tuple[int, list[str]] | None = None  # the last presence said

    def seen(self, meta: BoardMeta | None) -> None:
        """The board as the watch starts (from the welcome's snapshot)."""
        self.meta = meta

    def board(self, meta: BoardMeta) -> str:
        before, self.meta = self.meta, meta
        titles = {p.id: p.title for p in meta.agenda}
        if meta.closed_at is not None and (before is None or before.closed_at is None):
            return "meeting closed"
        if before is None or meta.current != before.current:
            if meta.current is None:
                return "back in the lobby"
            n = next(i for i, p in enumerate(meta.agenda, 1) if p.id == meta.current)
            return f"phase {n} of {len(meta.agenda)}: {titles[meta.current]}"
        now = next((p for p in meta.agenda if p.id == meta.current), None)
        was = next((p for p in before.agenda if p.id == before.current), None)
        if now is not None and was is not None:
            if was.running_since is None and now.running_since is not None:
                return f"timer started: {now.title}"
            if was.running_since is not None and now.running_since is None:
                return f"timer paused: {now.title}"
            if now.extended_ms > was.extended_ms:
                minutes = (now.extended_ms - was.extended_ms) // 60_000
                return f"timer extended by {minutes} min: {now.title}"
        if meta.header != before.header:
            return "incident header edited"
        if [p.title for p in meta.agenda] != [p.title for p in before.agenda]:
            return "agenda changed"
        return "board settings changed"

    def line(self, message: Any) -> str | None:
        if isinstance(message, Event):
            parts = []
            for v in message.changes:
                if isinstance(v, BoardMeta):
                    parts.append(self.board(v))
                    continue
                data = msgspec.to_builtins(v)
                kind = data.pop("type")
                text = (
                    data.get("text")
                    or data.get("name")
                    or data.get("problem")
                    or data.get("id", "")
                )
                parts.append(f"{kind} {text}")
            return f"#{message.seq}: " + "; ".join(parts)
        if isinstance(message, Presence):
            here = (message.online, message.names)
            if here == self.here:  # someone's second tab, or a script's short visit
                return None
            self.here = here
            return f"{message.online} online" + (
                f": {', '.join(message.names)}" if message.names else ""
            )
        return None
