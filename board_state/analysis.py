"""Handlers for how the group makes sense of the writing: five-whys chains and themes.

Same contract as `reducer.py`: validate everything, then mutate, then return the changes.
Chains and themes belong to the whole group, so anyone who may write in the phase may edit them
(unlike stickies, see `content.py`); a whole chain is deleted only by whoever started it or the
facilitator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import ops as o
from .ballot import not_on_a_secret_ballot, refund_item
from .content import visible_sticky
from .errors import Rejected
from .limits import MAX_CHAINS, MAX_STEPS, MAX_THEMES
from .model import Board, Chain, Theme, WhyStep
from .util import Change, Ctx, check_limit, check_may_delete, lookup

# --- five whys -------------------------------------------------------------------------------


def _chain(board: Board, chain_id: str) -> Chain:
    return lookup(board.chains, chain_id, "five-whys chain")


def _step(chain: Chain, step_id: str) -> WhyStep:
    for step in chain.steps:
        if step.id == step_id:
            return step
    raise Rejected("not_found", "there is no such step in this chain")


def _add_chain(board: Board, op: o.AddChain, ctx: Ctx) -> list[Change]:
    check_limit(len(board.chains), MAX_CHAINS, "five-whys chains")
    board.chains[ctx.new_id] = Chain(id=ctx.new_id, problem=op.problem, author=ctx.actor)
    return [Change("chain", ctx.new_id)]


def _edit_chain(board: Board, op: o.EditChain, ctx: Ctx) -> list[Change]:
    c = _chain(board, op.chain_id)
    c.problem = op.problem if op.problem is not None else c.problem
    c.done = op.done if op.done is not None else c.done
    return [Change("chain", c.id)]


def _delete_chain(board: Board, op: o.DeleteChain, ctx: Ctx) -> list[Change]:
    c = _chain(board, op.chain_id)
    check_may_delete(c.author, ctx, "five-whys chain")
    del board.chains[c.id]
    return [Change("chain", c.id), *refund_item(board, c.id)]


def _add_why(board: Board, op: o.AddWhy, ctx: Ctx) -> list[Change]:
    c = _chain(board, op.chain_id)
    if len(c.steps) >= MAX_STEPS:
        raise Rejected("limit", f"a chain holds at most {MAX_STEPS} steps")
    c.steps.append(WhyStep(id=ctx.new_id, why=op.why, answer=op.answer))
    return [Change("chain", c.id)]


def _edit_why(board: Board, op: o.EditWhy, ctx: Ctx) -> list[Change]:
    c = _chain(board, op.chain_id)
    step = _step(c, op.step_id)
    step.why = op.why if op.why is not None else step.why
    step.answer = op.answer if op.answer is not None else step.answer
    return [Change("chain", c.id)]


def _delete_why(board: Board, op: o.DeleteWhy, ctx: Ctx) -> list[Change]:
    c = _chain(board, op.chain_id)
    step = _step(c, op.step_id)
    c.steps.remove(step)
    if c.root_step_id == step.id:
        c.root_step_id = None
    return [Change("chain", c.id)]


def _mark_root_cause(board: Board, op: o.MarkRootCause, ctx: Ctx) -> list[Change]:
    c = _chain(board, op.chain_id)
    if op.step_id is not None:
        _step(c, op.step_id)
    c.root_step_id = op.step_id
    c.root_cause = op.cause.strip()
    return [Change("chain", c.id)]


# --- themes ----------------------------------------------------------------------------------


def _theme(board: Board, theme_id: str) -> Theme:
    return lookup(board.themes, theme_id, "theme")


def _add_theme(board: Board, op: o.AddTheme, ctx: Ctx) -> list[Change]:
    check_limit(len(board.themes), MAX_THEMES, "themes")
    if not op.name.strip():
        raise Rejected("invalid", "a theme needs a name")
    stickies = [visible_sticky(board, i, ctx.actor) for i in dict.fromkeys(op.sticky_ids)]
    board.themes[ctx.new_id] = Theme(id=ctx.new_id, name=op.name.strip())
    for s in stickies:
        s.theme_id = ctx.new_id
    return [
        Change("theme", ctx.new_id),
        *(Change("sticky", s.id, s.author if s.hidden else None) for s in stickies),
    ]


def _rename_theme(board: Board, op: o.RenameTheme, ctx: Ctx) -> list[Change]:
    t = _theme(board, op.theme_id)
    if not op.name.strip():
        raise Rejected("invalid", "a theme needs a name")
    t.name = op.name.strip()
    return [Change("theme", t.id)]


def _delete_theme(board: Board, op: o.DeleteTheme, ctx: Ctx) -> list[Change]:
    t = _theme(board, op.theme_id)
    not_on_a_secret_ballot(board, "themes", "theme")
    del board.themes[t.id]
    changes = [Change("theme", t.id)]
    for s in board.stickies.values():
        if s.theme_id == t.id:
            s.theme_id = None
            changes.append(Change("sticky", s.id, s.author if s.hidden else None))
    return changes + refund_item(board, t.id)


def _group(board: Board, op: o.Group, ctx: Ctx) -> list[Change]:
    s = visible_sticky(board, op.sticky_id, ctx.actor)
    if op.theme_id is not None:
        _theme(board, op.theme_id)
    s.theme_id = op.theme_id
    return [Change("sticky", s.id, s.author if s.hidden else None)]


ANALYSIS_HANDLERS: dict[type[o.Op], Callable[[Board, Any, Ctx], list[Change]]] = {
    o.AddChain: _add_chain,
    o.EditChain: _edit_chain,
    o.DeleteChain: _delete_chain,
    o.AddWhy: _add_why,
    o.EditWhy: _edit_why,
    o.DeleteWhy: _delete_why,
    o.MarkRootCause: _mark_root_cause,
    o.AddTheme: _add_theme,
    o.RenameTheme: _rename_theme,
    o.DeleteTheme: _delete_theme,
    o.Group: _group,
}
