// @ts-check
// The facilitator's console (agenda, timer, reveal, handing over, closing the meeting), the tags
// editor and the invite panel (its join links are door.js's).
//
// Buttons send intents; the board moves when the server says it moved. While a navigation or
// timer op is in flight its buttons are disabled, because a double click on "Next" must not
// skip a phase. Labels follow the server's state ("Pause" only while the timer runs, "Reveal"
// only while there is something private), which is presentation, not policy: the server still
// checks every op.

import { copyLink, fill, h } from "./dom.js";
import { privateLink } from "./credential.js";
import { JoinLinks } from "./door.js";
import { isRunning } from "./timer.js";

/** @typedef {import("./types.js").BoardMeta} BoardMeta */
/** @typedef {import("./types.js").BoardStore} BoardStore */
/** @typedef {import("./types.js").OpType} OpType */
/** @typedef {import("./types.js").PhaseView} PhaseView */
/** @typedef {import("./types.js").Send} Send */
/** @typedef {import("./types.js").VoteTarget} VoteTarget */

/**
 * One of the console's buttons, in the board page's template.
 * @param {ParentNode} root
 * @param {string} selector
 */
const button = (root, selector) => /** @type {HTMLButtonElement} */ (root.querySelector(selector));

/** @type {Set<OpType>} */
const NAV_OPS = new Set(["advance_phase", "go_back", "go_to_phase"]);
/** @type {Set<OpType>} */
const TIMER_OPS = new Set(["start_timer", "pause_timer", "resume_timer", "extend_timer"]);

export class FacilitatorConsole {
  /** @param {{root: HTMLElement, store: BoardStore, send: Send, handOverSlot: HTMLElement}} o */
  constructor({ root, store, send, handOverSlot }) {
    this.root = root;
    this.store = store;
    this.send = send;
    this.back = button(root, "#go-back");
    this.advance = button(root, "#advance");
    this.toggle = button(root, "#timer-toggle");
    this.extend1 = button(root, "#extend-1");
    this.extend5 = button(root, "#extend-5");
    this.reveal = button(root, "#reveal");
    this.voteSlot = /** @type {HTMLElement} */ (root.querySelector("#vote-slot"));
    this.spotlightClear = button(root, "#spotlight-clear");
    this.back.addEventListener("click", () => send({ type: "go_back" }));
    this.advance.addEventListener("click", () => send({ type: "advance_phase" }));
    this.extend1.addEventListener("click", () => this.extend(1));
    this.extend5.addEventListener("click", () => this.extend(5));
    this.toggle.addEventListener("click", () => this.toggleTimer());
    this.reveal.addEventListener("click", () => {
      const phase = store.currentPhase();
      if (phase) send({ type: "reveal", phase_id: phase.id });
    });
    this.spotlightClear.addEventListener("click", () => send({ type: "spotlight" }));
    this.closeButton = button(root, "#close-meeting");
    this.confirm = /** @type {HTMLElement} */ (root.querySelector("#close-confirm"));
    this.confirmYes = button(root, "#close-confirm-yes");
    this.closeCancel = button(root, "#close-cancel");
    /** @type {string | undefined} the hand-over candidates last drawn */
    this.handIds = undefined;
    /** @type {string | undefined} the vote buttons last drawn */
    this.voteKey = undefined;
    // Closing is final, so the first click only asks; the question sits next to the button.
    this.closeButton.addEventListener("click", () => this.askToClose(true));
    this.closeCancel.addEventListener("click", () => this.askToClose(false));
    this.confirm.addEventListener("keydown", (e) => { if (e.key === "Escape") this.askToClose(false); });
    this.confirmYes.addEventListener("click", () => {
      this.confirm.hidden = true;
      send({ type: "close_meeting" });
    });
    // "Hand over facilitation" (buildHandOver puts these in the menu and wires them).
    this.handButton = h("button", { type: "button", class: "button small", id: "hand-over", "aria-expanded": "false", "aria-controls": "hand-over-panel" }, "Hand over facilitation");
    this.handSelect = h("select", { id: "hand-over-to" });
    this.handYes = h("button", { type: "button", class: "button primary", id: "hand-over-yes" }, "Hand over");
    this.handCancel = h("button", { type: "button", class: "button", id: "hand-over-cancel" }, "Cancel");
    this.handNone = h("p", { class: "hint", id: "hand-over-none" }, "Nobody to hand over to yet: only participants can facilitate, not observers.");
    this.handPanel = h("div", { id: "hand-over-panel", class: "hand-over", role: "group", "aria-labelledby": "hand-over-text", hidden: true },
      h("p", { id: "hand-over-text" }, h("strong", {}, "Hand over facilitation?"),
        " The meeting controls move to them and you become a participant."),
      h("div", { class: "hand-over-row" },
        h("label", { for: "hand-over-to" }, "New facilitator"), this.handSelect, this.handYes, this.handCancel),
      this.handNone);
    this.buildHandOver(handOverSlot);
  }

  /** @param {number} minutes */
  extend(minutes) {
    if (this.store.currentPhase()) this.send({ type: "extend_timer", minutes });
  }

  toggleTimer() {
    const phase = this.store.currentPhase();
    if (!phase) return;
    if (isRunning(phase)) this.send({ type: "pause_timer" });
    else this.send({ type: phase.elapsed_ms === 0 ? "start_timer" : "resume_timer" });
  }

  /** The phase's own main action, for the keyboard: reveal notes, else the vote's next step. */
  primary() {
    const button = [this.reveal, ...this.voteSlot.querySelectorAll("button")]
      .find((b) => !b.hidden && !b.disabled && b.classList.contains("primary"));
    if (button) button.click();
  }

  /**
   * "Hand over facilitation": pick a participant (observers cannot facilitate), then confirm.
   * It sits in the menu's facilitation section, with the other controls that leave with you.
   * @param {HTMLElement} slot
   */
  buildHandOver(slot) {
    slot.append(h("p", {}, this.handButton), this.handPanel);
    this.handButton.addEventListener("click", () => this.askToHandOver(this.handPanel.hidden === true));
    this.handCancel.addEventListener("click", () => this.askToHandOver(false));
    this.handPanel.addEventListener("keydown", (e) => { if (e.key === "Escape") this.askToHandOver(false); });
    this.handYes.addEventListener("click", () => {
      if (!this.handSelect.value) return;
      this.handPanel.hidden = true;
      this.handButton.setAttribute("aria-expanded", "false");
      this.send({ type: "hand_over", participant_id: this.handSelect.value });
    });
  }

  /** @param {boolean} asking */
  askToHandOver(asking) {
    this.handPanel.hidden = !asking;
    this.handButton.setAttribute("aria-expanded", String(asking));
    if (asking) this.renderHandOver();
    (asking ? (this.handSelect.disabled ? this.handCancel : this.handSelect) : this.handButton).focus();
  }

  renderHandOver() {
    const candidates = [...this.store.participants.values()]
      .filter((p) => p.role === "participant" && !p.me && p.id !== this.store.you)
      .sort((a, b) => a.name.localeCompare(b.name));
    const chosen = this.handSelect.value;
    const ids = candidates.map((p) => `${p.id}:${p.name}`).join("|");
    if (ids !== this.handIds) {
      this.handIds = ids;
      fill(this.handSelect, candidates.map((p) => h("option", { value: p.id }, p.name)));
      if (candidates.some((p) => p.id === chosen)) this.handSelect.value = chosen;
    }
    const none = candidates.length === 0;
    this.handSelect.disabled = none;
    this.handYes.disabled = none || this.store.pendingOps("hand_over").length > 0;
    this.handNone.hidden = !none;
  }

  /** @param {boolean} asking */
  askToClose(asking) {
    this.confirm.hidden = !asking;
    this.closeButton.setAttribute("aria-expanded", String(asking));
    (asking ? this.confirmYes : this.closeButton).focus();
  }

  /** @param {boolean} isFacilitator */
  render(isFacilitator) {
    // Once closed there is nothing left to steer: navigation, timers and reveal are refused.
    const closed = Boolean(this.store.board && this.store.board.closed_at !== null);
    this.root.hidden = !isFacilitator || closed;
    if (this.root.hidden) {
      // Whoever gets the role back later starts from a closed question.
      this.handPanel.hidden = true;
      this.handButton.setAttribute("aria-expanded", "false");
    }
    if (this.root.hidden || !this.store.board) return;
    const { agenda, current } = this.store.board;
    const phase = this.store.currentPhase();
    const index = phase ? agenda.indexOf(phase) : -1;
    const next = agenda[index + 1] || null;
    const inFlight = [...this.store.pending.values()].map((p) => p.op.type);
    const navBusy = inFlight.some((t) => NAV_OPS.has(t));
    const timerBusy = inFlight.some((t) => TIMER_OPS.has(t) || NAV_OPS.has(t));

    this.advance.textContent = !current ? "Start the meeting" : next ? `Next: ${next.title}` : "Last phase";
    this.advance.disabled = navBusy || (current !== null && !next);
    this.advance.classList.toggle("primary", !current || Boolean(next));
    this.back.hidden = !current;
    this.back.disabled = navBusy || index <= 0;

    for (const el of [this.toggle, this.extend1, this.extend5]) {
      el.hidden = !phase;
      el.disabled = timerBusy;
    }
    if (phase) {
      this.toggle.textContent = isRunning(phase) ? "Pause" : phase.elapsed_ms === 0 ? "Start timer" : "Resume";
    }
    const canReveal = Boolean(phase && phase.private && !phase.revealed);
    this.reveal.hidden = !canReveal;
    this.reveal.disabled = inFlight.includes("reveal");
    if (phase && canReveal) this.reveal.textContent = `Reveal notes (${phase.private_count})`;
    this.renderVote(phase, inFlight);
    // Closing belongs to the wrap-up (or the last phase of an agenda without one).
    const closing = inFlight.includes("close_meeting");
    const lastPhase = Boolean(phase && !next);
    this.closeButton.hidden = !(phase && (phase.kind === "wrap_up" || lastPhase));
    this.closeButton.classList.toggle("primary", Boolean(phase && phase.kind === "wrap_up"));
    this.closeButton.disabled = closing;
    this.closeButton.textContent = closing ? "Closing…" : "Close meeting";
    this.spotlightClear.hidden = !this.store.board.spotlight;
    this.renderHandOver();
  }

  /**
   * Open, close and reveal the vote from the bar. Opening votes on themes when there are
   * themes (else on the notes; on the actions in the actions phase), with the board's budget;
   * the vote panel keeps the full form for anything else.
   * @param {PhaseView | null} phase
   * @param {OpType[]} inFlight  the types of our ops in flight
   */
  renderVote(phase, inFlight) {
    const rounds = [...this.store.rounds.values()];
    const open = rounds.find((r) => r.state === "open");
    const latest = open || rounds[rounds.length - 1] || null;
    const votingPhase = Boolean(phase && VOTE_PHASES.has(phase.kind));
    /** @type {HTMLButtonElement[]} */
    const buttons = [];
    if (open) {
      buttons.push(h("button", { type: "button", class: "button primary", id: "bar-close-vote", disabled: inFlight.includes("close_vote"),
        onclick: () => this.send({ type: "close_vote", round_id: open.id }) }, "Close vote"));
    } else if (latest && latest.state === "closed") {
      buttons.push(h("button", { type: "button", class: "button primary", id: "bar-reveal-vote", disabled: inFlight.includes("reveal_vote"),
        onclick: () => this.send({ type: "reveal_vote", round_id: latest.id }) }, "Reveal vote"));
    } else if (votingPhase) {
      const target = defaultTarget(this.store, phase);
      buttons.push(h("button", { type: "button", class: ["button", !latest && "primary"], id: "bar-open-vote", disabled: inFlight.includes("open_vote"),
        // Drawn by render(), which returns early without a board.
        onclick: () => this.send({ type: "open_vote", target, multi: true, budget: /** @type {BoardMeta} */ (this.store.board).settings.dot_budget }) },
      `Open vote on ${TARGET_WORDS[target]}`));
    }
    const key = buttons.map((b) => `${b.id}:${b.disabled}:${b.textContent}`).join("|");
    if (key === this.voteKey) return;
    this.voteKey = key;
    const focused = document.activeElement && this.voteSlot.contains(document.activeElement);
    fill(this.voteSlot, buttons);
    if (focused && buttons[0]) buttons[0].focus();
  }
}

/** @type {Set<string>} */
const VOTE_PHASES = new Set(["themes", "vote", "actions", "discussion"]);
/** @type {Record<VoteTarget, string>} */
const TARGET_WORDS = { themes: "themes", stickies: "notes", actions: "actions" };

/**
 * What a vote is about when nobody says otherwise: the actions in the actions phase, the
 * themes once there are any, else the notes.
 * @param {BoardStore} store
 * @param {PhaseView | null} phase
 * @returns {VoteTarget}
 */
export function defaultTarget(store, phase) {
  if (phase && phase.kind === "actions" && store.actions.size > 0) return "actions";
  if (store.themes.size > 0) return "themes";
  return "stickies";
}

/** Comma-separated tags for the incident log, shown back as chips from the server's list. The
 * server lowercases and deduplicates, so the chips (not the input) show what was saved. */
export class TagsEditor {
  /** @param {{root: HTMLElement, store: BoardStore, send: Send}} o */
  constructor({ root, store, send }) {
    this.root = root;
    this.store = store;
    this.send = send;
    this.chips = /** @type {HTMLElement} */ (root.querySelector("#tag-chips"));
    this.none = /** @type {HTMLElement} */ (root.querySelector("#no-tags"));
    this.form = /** @type {HTMLFormElement} */ (root.querySelector("#tags-form"));
    this.input = /** @type {HTMLInputElement} */ (root.querySelector("#tags-input"));
    this.save = button(root, "#tags-save");
    this.dirty = false;   // while someone is typing, a redraw must not overwrite their text
    /** @type {string | null} the last save, until the server settles it */
    this.sentCid = null;
    this.input.addEventListener("input", () => { this.dirty = true; });
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      const tags = this.input.value.split(",").map((t) => t.trim()).filter(Boolean);
      this.sentCid = send({ type: "set_tags", tags }).cid;
    });
  }

  /** @param {boolean} isFacilitator */
  render(isFacilitator) {
    this.root.hidden = !isFacilitator;
    if (!isFacilitator || !this.store.board) return;
    if (this.sentCid && !this.store.pending.has(this.sentCid)) {
      // Saved: show the server's spelling. Refused: keep what was typed, to fix and resend.
      if (!this.store.rejections.some((r) => r.cid === this.sentCid)) this.dirty = false;
      this.sentCid = null;
    }
    const tags = this.store.board.header.tags || [];
    fill(this.chips, tags.map((t) => h("li", { class: "chip" }, t)));
    this.chips.hidden = tags.length === 0;
    this.none.hidden = tags.length > 0;
    if (!this.dirty) this.input.value = tags.join(", ");
    const saving = this.store.pendingOps("set_tags").length > 0;
    this.save.disabled = saving;
    this.save.textContent = saving ? "Saving…" : "Save tags";
  }
}

/** The menu's invite section: the two join links (door.js keeps them current and replaces
 * them) and the facilitator's own private link for another device. */
export class InvitePanel {
  /**
   * @param {{root: HTMLElement, store: BoardStore, send: Send, boardId: string, credential: string,
   *   status: HTMLElement}} o
   */
  constructor({ root, store, send, boardId, credential, status }) {
    this.root = root;
    // The invite section's parts, in the board page's template.
    this.links = new JoinLinks({ root: /** @type {HTMLElement} */ (root.querySelector("#invite-links")), store, send, boardId, status });
    /** @type {HTMLInputElement} */ (root.querySelector("#private-link")).value = privateLink(boardId, credential);
    root.addEventListener("click", (e) => {
      const copy = e.target instanceof Element ? /** @type {HTMLElement | null} */ (e.target.closest("button[data-copy]")) : null;
      if (!copy) return;
      // A Copy button names the field it copies (`data-copy`).
      copyLink(copy, /** @type {HTMLInputElement} */ (root.querySelector(`#${copy.dataset.copy}`)), status, "Your private link");
    });
    // Selecting a read-only link on focus makes keyboard copying one shortcut away.
    root.addEventListener("focusin", (e) => {
      const field = e.target;
      if ((field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement) && field.readOnly) field.select();
    });
  }

  /** @param {boolean} isFacilitator */
  render(isFacilitator) {
    this.root.hidden = !isFacilitator;
    if (isFacilitator) this.links.render();
  }
}
