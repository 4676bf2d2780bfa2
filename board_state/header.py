"""Handlers for the incident header (the write-up's facts) and the incident log's tags.

Same contract as `reducer.py`: validate everything, then mutate, then return the changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import ops as o
from .errors import Rejected
from .model import Board, ImpactRow, SignOff
from .util import Change, Ctx, normalise_date, normalise_time

BOARD = Change("board", "")
GUIDANCE = Change("guidance", "")  # board-wide nudges: see projection.guidance_view


def _edit_header(board: Board, op: o.EditHeader, ctx: Ctx) -> list[Change]:
    times = {f: getattr(op, f) for f in ("started_at", "detected_at", "resolved_at")}
    normal = {f: normalise_time(v, f.replace("_", " ")) for f, v in times.items() if v}
    h = board.header
    if op.sign_off is not None:
        dates = [normalise_date(e.date, "sign-off date") for e in op.sign_off]
    rows = _impact_rows(op.impact_rows) if op.impact_rows is not None else None
    for field in (
        "title",
        "severity",
        "learning_question",
        "summary",
        "communications",
        "regulatory",
    ):
        value = getattr(op, field)
        if value is not None:
            setattr(h, field, value)
    for field, value in times.items():
        if value is not None:
            setattr(h, field, normal.get(field, ""))
    if op.sign_off is not None:
        h.sign_off = [SignOff(role=e.role, name=e.name, date=d) for e, d in zip(op.sign_off, dates)]
    for field, target in (
        ("users_affected", "users_affected"),
        ("duration", "duration"),
        ("cost", "cost"),
        ("impact_notes", "notes"),
    ):
        value = getattr(op, field)
        if value is not None:
            setattr(h.impact, target, value)
    if rows is not None:
        h.impact.rows = rows
    return [BOARD, GUIDANCE]  # the write-up gaps and the nudge switches live here


def _impact_rows(given: list[o.ImpactRowInput]) -> list[ImpactRow]:
    """The impact table as sent, stripped; rows with neither half are dropped."""
    rows = []
    for n, r in enumerate(given, 1):
        dimension, impact = r.dimension.strip(), r.impact.strip()
        if dimension or impact:
            if not dimension:
                raise Rejected(
                    "invalid",
                    f"impact row {n} needs a dimension "
                    "(what was affected, e.g. 'Wrong matches generated')",
                )
            rows.append(ImpactRow(dimension=dimension, impact=impact))
    return rows


def _set_tags(board: Board, op: o.SetTags, ctx: Ctx) -> list[Change]:
    board.header.tags = list(dict.fromkeys(t.strip().lower() for t in op.tags if t.strip()))
    return [BOARD]


HEADER_HANDLERS: dict[type[o.Op], Callable[[Board, Any, Ctx], list[Change]]] = {
    o.EditHeader: _edit_header,
    o.SetTags: _set_tags,
}
