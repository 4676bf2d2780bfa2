// @ts-check
// Dot voting: the facilitator opens a round over the notes, the themes or the actions; everyone
// who writes spends a budget of dots; only the aggregate ("12 dots cast by 5 people") shows until
// the facilitator reveals the totals, so nobody votes with the crowd.
//
// The server keeps the count: `remaining`, `mine` and `totals` come from the RoundView, and a
// refused dot comes back as a rejection. Buttons are disabled when the server would refuse
// anyway (no dots left, one dot per item), which is presentation, not policy.

import { fill, h } from "./dom.js";
import { plural, sectionLabel } from "./format.js";
import { defaultTarget } from "./console.js";

/** @typedef {import("./types.js").ActionView} ActionView */
/** @typedef {import("./types.js").BoardStore} BoardStore */
/** @typedef {import("./types.js").PanelContext} PanelContext */
/** @typedef {import("./types.js").RoundView} RoundView */
/** @typedef {import("./types.js").VoteTarget} VoteTarget */
/** @typedef {{keys: string[] | null}} FocusMemo */
/** @typedef {{id: string, label: string, detail?: string}} BallotItem */

/** @type {Set<string>} */
const VOTE_PHASES = new Set(["themes", "vote", "actions"]);
/** @type {Record<VoteTarget, string>} */
const TARGETS = { stickies: "Notes", themes: "Themes", actions: "Actions" };
const RELEVANT = ["round", "sticky", "theme", "action", "board", "participant", "pending"];

/**
 * Rebuild part of a panel without losing the keyboard focus: a control with a `data-focus`
 * key gets the focus back after the redraw (or its `data-focus-fallback` when it is disabled).
 * `memo` (an object the caller keeps) remembers the wish across redraws while every candidate
 * is disabled, e.g. while the op a button sent is in flight.
 * @param {HTMLElement} root
 * @param {() => void} rebuild
 * @param {FocusMemo} [memo]
 */
export function keepFocus(root, rebuild, memo = { keys: null }) {
  // What has the focus in a panel: a button or a field (`selectionStart` on text fields).
  const active = /** @type {(HTMLElement & Partial<HTMLInputElement>) | null} */ (document.activeElement);
  if (active && root.contains(active) && active.dataset.focus) {
    memo.keys = [active.dataset.focus, active.dataset.focusFallback].filter(/** @returns {k is string} */ (k) => Boolean(k));
  } else if (active && active !== document.body && !root.contains(active)) {
    memo.keys = null;  // the person moved on: do not pull the focus back
  }
  // A kept node that is re-attached (an inline edit form) loses the focus on the move.
  const kept = active && root.contains(active) && !active.dataset.focus ? active : null;
  /** @type {[number, number] | null} */
  const caret = kept && typeof kept.selectionStart === "number" ? [kept.selectionStart, /** @type {number} */ (kept.selectionEnd)] : null;
  rebuild();
  if (kept) {
    if (kept.isConnected && document.activeElement !== kept) {
      kept.focus();
      if (caret) try { /** @type {HTMLInputElement} */ (kept).setSelectionRange(...caret); } catch { /* not a text field */ }
    }
    return;
  }
  if (!memo.keys) return;
  // Elements with a focus key are this page's buttons and fields.
  const keyed = () => [.../** @type {NodeListOf<HTMLButtonElement>} */ (root.querySelectorAll("[data-focus]"))];
  for (const k of memo.keys) {
    const el = keyed().find((e) => e.dataset.focus === k);
    if (el && !el.disabled) {
      el.focus();
      return;
    }
  }
  if (!memo.keys.some((k) => keyed().some((e) => e.dataset.focus === k))) memo.keys = null;
}

/**
 * A memo for keepFocus that forgets its wish once the person clicks anywhere else.
 * @returns {FocusMemo}
 */
export function focusMemo() {
  /** @type {FocusMemo} */
  const memo = { keys: null };
  document.addEventListener("pointerdown", (e) => {
    if (!(e.target instanceof Element && e.target.closest("[data-focus]"))) memo.keys = null;
  });
  return memo;
}

/**
 * Dots I am sending for a round, net (cast minus taken back), not yet settled.
 * @param {BoardStore} store
 * @param {RoundView} round
 * @returns {number}
 */
export function dotsInFlight(store, round) {
  return store.pendingOps("cast_vote").filter((op) => op.round_id === round.id).length
    - store.pendingOps("unvote").filter((op) => op.round_id === round.id).length;
}

/**
 * The dot control for one item of an open round: my dots on it, "− dot" and "+ dot". Used on
 * the ballot and on the cards themselves (themes, notes), so a vote happens where people look.
 * @param {PanelContext} ctx
 * @param {RoundView} round
 * @param {string} itemId
 * @param {string} label
 * @returns {HTMLElement}
 */
export function dotControl(ctx, round, itemId, label) {
  const { store } = ctx;
  const mine = round.mine[itemId] || 0;
  const canVote = ctx.canWrite() && store.can("cast_vote");
  const left = round.remaining - dotsInFlight(store, round);
  return h("span", { class: ["dot-control", mine > 0 && "has-dots"], dataset: { dotItem: itemId } },
    h("span", { class: "dots", "aria-hidden": "true" }, Array.from({ length: mine }, () => h("span", { class: "dot" }))),
    h("span", { class: "visually-hidden" }, mine ? `your ${plural(mine, "dot", "dots")}` : "no dots from you"),
    canVote ? [
      h("button", {
        type: "button", class: "button small vote-minus", "aria-label": `Take a dot back from: ${label}`,
        dataset: { focus: `${itemId}:minus`, focusFallback: `${itemId}:plus` }, disabled: mine === 0,
        onclick: () => ctx.send({ type: "unvote", round_id: round.id, item_id: itemId }),
      }, "− dot"),
      h("button", {
        type: "button", class: "button small vote-plus", "aria-label": `Add a dot to: ${label}`,
        dataset: { focus: `${itemId}:plus`, focusFallback: `${itemId}:minus` },
        disabled: left <= 0 || (!round.multi && mine > 0),
        onclick: () => ctx.send({ type: "cast_vote", round_id: round.id, item_id: itemId }),
      }, "+ dot")] : null);
}

/** @param {{remaining: number, budget: number}} round */
function dotsLeft(round) {
  return `${round.remaining} of ${round.budget} ${round.budget === 1 ? "dot" : "dots"} left`;
}

/** @param {RoundView} round */
function progress(round) {
  return `${plural(round.dots_cast, "dot", "dots")} cast by ${plural(round.voters, "person", "people")}`;
}

export class VotePanel {
  /**
   * @param {HTMLElement} root
   * @param {PanelContext} ctx
   */
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.budgetDirty = false;
    this.targetChosen = false;
    this.focusMemo = focusMemo();
    root.hidden = true;
    root.className = "card vote-panel";
    root.setAttribute("role", "region");
    root.setAttribute("aria-labelledby", "vote-heading");

    this.target = h("select", { id: "vote-target", name: "target" },
      Object.entries(TARGETS).map(([value, label]) => h("option", { value }, label)));
    this.budget = h("input", { id: "vote-budget", name: "budget", type: "number", min: "1", max: "50", required: true, inputmode: "numeric" });
    this.multi = h("input", { id: "vote-multi", name: "multi", type: "checkbox", checked: true });
    this.budget.addEventListener("input", () => { this.budgetDirty = true; });
    this.target.addEventListener("change", () => { this.targetChosen = true; });
    this.openForm = h("form", { class: "vote-open", "aria-label": "Open a vote" },
      h("div", { class: "field" }, h("label", { for: "vote-target" }, "Vote on"), this.target),
      h("div", { class: "field vote-budget-field" }, h("label", { for: "vote-budget" }, "Dots each"), this.budget),
      h("label", { class: "vote-multi", for: "vote-multi" }, this.multi, " Several dots per item"),
      h("button", { type: "submit", class: "button primary", id: "vote-open-button" }, "Open the vote"));
    this.openForm.addEventListener("submit", (e) => {
      e.preventDefault();
      const budget = Number.parseInt(this.budget.value, 10);
      this.ctx.send({
        // The target's options are TARGETS' keys.
        type: "open_vote", target: /** @type {VoteTarget} */ (this.target.value), multi: this.multi.checked,
        ...(Number.isFinite(budget) ? { budget } : {}),
      });
      this.budgetDirty = false;
    });
    // Closing and revealing are the bar's (one place, one name: "Close vote", "Reveal vote").
    this.controls = h("div", { class: "vote-controls" }, this.openForm);
    this.status = h("div", { class: "vote-status", "aria-live": "polite" });
    this.body = h("div", { class: "vote-body" });
    root.append(
      h("h2", { id: "vote-heading" }, "Dot voting"),
      this.controls, this.status, this.body);
  }

  /** The round on screen: the open one, else the latest. */
  round() {
    const rounds = [...this.ctx.store.rounds.values()];
    return rounds.find((r) => r.state === "open") || rounds[rounds.length - 1] || null;
  }

  /**
   * What a round of `target` votes on, in board order: [{id, label, detail}].
   * @param {VoteTarget} target
   * @returns {BallotItem[]}
   */
  items(target) {
    const { store } = this.ctx;
    if (target === "themes") return [...store.themes.values()].map((t) => ({ id: t.id, label: t.name }));
    if (target === "actions") {
      const order = store.board ? store.board.action_order : [];
      return order.map((id) => store.actions.get(id))
        .filter(/** @returns {a is ActionView} */ (a) => Boolean(a))
        .map((a) => ({ id: a.id, label: a.text }));
    }
    return [...store.stickies.values()].filter((s) => s.section !== "parking_lot" && !s.hidden)
      .map((s) => ({ id: s.id, label: s.text, detail: sectionLabel(s.section) }));
  }

  /** @param {Set<string> | null} kinds */
  render(kinds) {
    if (kinds && !RELEVANT.some((k) => kinds.has(k))) return;
    const { store } = this.ctx;
    if (!store.board) return;
    const phase = store.currentPhase();
    const inVotePhase = Boolean(phase && VOTE_PHASES.has(phase.kind));
    const closed = store.board.closed_at !== null;
    const fac = this.ctx.isFacilitator() && !closed;
    const round = this.round();
    // In the actions phase the panel is for a vote on the actions only; earlier rounds (on
    // themes) were seen where they happened and are in the write-up.
    const relevant = phase && phase.kind === "actions" ? Boolean(round && round.target === "actions") : true;
    const visible = Boolean((round && round.state === "open") || (inVotePhase && relevant && (round || fac)));
    this.root.hidden = !visible;
    if (!visible) return;

    this.renderControls(fac, round);
    if (!round) {
      fill(this.status, h("p", { class: "hint" }, "No vote yet. Open one when the notes or themes are ready."));
      fill(this.body);
      return;
    }
    if (round.state === "open") this.renderOpen(round);
    else if (round.state === "closed") this.renderClosed(round);
    else this.renderResults(round);
  }

  /**
   * @param {boolean} fac
   * @param {RoundView | null} round
   */
  renderControls(fac, round) {
    this.controls.hidden = !fac;
    if (!fac) return;
    const open = round && round.state === "open";
    // Between closing and revealing, the next step is the reveal (in the bar), not a new vote.
    this.openForm.hidden = Boolean(open || (round && round.state === "closed"));
    const { board } = this.ctx.store;
    if (!this.budgetDirty && board) this.budget.value = String(board.settings.dot_budget);
    if (!this.targetChosen) this.target.value = defaultTarget(this.ctx.store, this.ctx.store.currentPhase());
    /** @type {HTMLButtonElement} */ (this.openForm.querySelector("button")).disabled = this.ctx.store.pendingOps("open_vote").length > 0;
  }

  /**
   * Whether the round's items carry their dot controls on the stage already (themes and
   * notes on the themes board), so the ballot here would only repeat them.
   * @param {RoundView} round
   */
  onCards(round) {
    const phase = this.ctx.store.currentPhase();
    return Boolean(phase && (phase.kind === "themes" || phase.kind === "discussion") && (round.target === "themes" || round.target === "stickies"));
  }

  /** @param {RoundView} round */
  renderOpen(round) {
    const canVote = this.ctx.canWrite();
    const cards = this.onCards(round);
    fill(this.status,
      canVote ? h("p", { class: "vote-left" }, h("strong", {}, dotsLeft({ ...round, remaining: round.remaining - dotsInFlight(this.ctx.store, round) }))) : null,
      h("p", { class: "vote-progress" }, progress(round)),
      h("p", { class: "hint" }, `Voting on ${TARGETS[round.target].toLowerCase()}. `,
        cards && canVote ? "Put your dots on the cards. " : "",
        round.multi ? "You may put several dots on one item. " : "One dot per item. ",
        "Totals stay hidden until the facilitator reveals them."));
    const items = cards ? [] : this.items(round.target);
    keepFocus(this.body, () => {
      if (cards) {
        fill(this.body);
        return;
      }
      if (!items.length) {
        fill(this.body, h("p", { class: "empty" }, "Nothing to vote on yet."));
        return;
      }
      fill(this.body, h("ul", { class: "vote-items", "aria-label": "Items to vote on" }, items.map((item) => {
        const mine = round.mine[item.id] || 0;
        return h("li", { class: ["vote-item", mine > 0 && "has-dots"], dataset: { id: item.id } },
          h("span", { class: "vote-item-text" }, item.label,
            item.detail ? h("span", { class: "vote-item-detail" }, item.detail) : null),
          dotControl(this.ctx, round, item.id, item.label));
      })));
    }, this.focusMemo);
  }

  /** @param {RoundView} round */
  renderClosed(round) {
    fill(this.status,
      h("p", { class: "vote-progress" }, `Voting is closed: ${progress(round)}.`),
      h("p", { class: "hint" }, "The results appear when the facilitator reveals them."));
    fill(this.body);
  }

  /** @param {RoundView} round */
  renderResults(round) {
    const totals = round.totals || {};
    const order = this.items(round.target);
    const rows = order.map((item, i) => ({ ...item, i, total: totals[item.id] || 0, mine: round.mine[item.id] || 0 }))
      .sort((a, b) => b.total - a.total || a.i - b.i);
    const max = Math.max(1, ...rows.map((r) => r.total));
    // Ties are ties: equal totals share a place ("2=").
    const places = rows.map((r) => rows.findIndex((o) => o.total === r.total) + 1);
    const tied = (/** @type {number} */ p) => places.filter((q) => q === p).length > 1;
    fill(this.status,
      h("p", { class: "vote-progress" }, `Results: ${progress(round)}.`));
    fill(this.body, rows.length ? h("ol", { class: "vote-results", "aria-label": "Results, most dots first" }, rows.map((r, i) => {
      const fill_ = h("span", { class: "vote-bar-fill" });
      // CSSOM, not a style attribute: allowed under the CSP.
      fill_.style.width = `${Math.round((r.total / max) * 100)}%`;
      const place = `${places[i]}${tied(places[i]) ? "=" : ""}`;
      return h("li", { class: ["vote-result", tied(places[i]) && "is-tie"], dataset: { id: r.id } },
        h("span", { class: "vote-place", title: tied(places[i]) ? "tied" : null }, place,
          tied(places[i]) ? h("span", { class: "visually-hidden" }, " (tied)") : null),
        h("span", { class: "vote-result-text" }, r.label),
        h("span", { class: "vote-bar", "aria-hidden": "true" }, fill_),
        h("span", { class: "vote-total" }, plural(r.total, "dot", "dots"),
          r.mine ? h("span", { class: "vote-yours" }, ` (${r.mine} yours)`) : null));
    })) : h("p", { class: "empty" }, "Nothing was on the ballot."));
  }
}
