// @ts-check
// Guardrail hints while typing, and the facilitator's count of open nudges.
//
// Any field marked `data-nudge="text"` (notes, timeline entries, parked questions, whys) or
// `data-nudge="action"` (an action's wording) is checked as the person types: after a short
// pause the words go to the server as a `check` frame, and the `advice` that comes back (to this
// connection only) shows under the field. A hint explains and suggests a question about the
// system; it never blocks: the writer may keep their words. The checks themselves are the
// core's (board_state/guardrails), so this page and the write-up say the same things.
//
// The facilitator also sees how many nudges are open per phase (`count_nudges`), never which
// item or whose: a small line in the agenda.

import { fill, h } from "./dom.js";

/** @typedef {import("./types.js").AdviceMessage} AdviceMessage */
/** @typedef {import("./types.js").BoardSocket} BoardSocket */
/** @typedef {import("./types.js").BoardStore} BoardStore */
/** @typedef {import("./types.js").Finding} Finding */
/** @typedef {import("./types.js").NudgeCountsMessage} NudgeCountsMessage */
/** @typedef {import("./types.js").NudgeKind} NudgeKind */
/** @typedef {import("./types.js").Send} Send */
/** @typedef {HTMLInputElement | HTMLTextAreaElement} Field */

const PAUSE_MS = 500;      // after the last keystroke
const RECOUNT_MS = 1500;   // after the last board change, for the facilitator's counts

export class Nudges {
  /** @param {{root: HTMLElement, socket: BoardSocket, store: BoardStore}} o */
  constructor({ root, socket, store }) {
    this.root = root;
    this.socket = socket;
    this.store = store;
    /** @type {WeakMap<Field, number>} */
    this.timers = new WeakMap();
    /** @type {Map<string, Field>} cid -> the field it was asked for */
    this.waiting = new Map();
    this.seq = 0;
    /** @type {NudgeCountsMessage | null} */
    this.counts = null;
    /** @type {number | undefined} */
    this.recount = undefined;
    // Only fields marked `data-nudge` are checked, and those are inputs and textareas.
    root.addEventListener("input", (e) => this.onInput(/** @type {Field | null} */ (e.target)));
    // A sent note clears its field: take its hint away with it.
    root.addEventListener("submit", () => setTimeout(() => this.sweep(), 0), true);
    socket.addEventListener("advice", (e) => this.onAdvice(e.detail));
    socket.addEventListener("nudge_counts", (e) => {
      this.counts = e.detail;
      this.renderCounts();
    });
  }

  /** @param {Field | null} field */
  onInput(field) {
    const kind = field && field.dataset ? field.dataset.nudge : undefined;
    if (!field || (kind !== "text" && kind !== "action")) return;
    clearTimeout(this.timers.get(field));
    this.timers.set(field, setTimeout(() => this.ask(field, kind), PAUSE_MS));
  }

  /**
   * @param {Field} field
   * @param {"text" | "action"} kind
   */
  ask(field, kind) {
    const text = field.value.trim();
    if (text.length < 3) {
      this.show(field, []);
      return;
    }
    const cid = `n${++this.seq}`;
    this.waiting.set(cid, field);
    if (!this.socket.request({ type: "check", cid, kind, text })) this.waiting.delete(cid);
  }

  /** @param {AdviceMessage} msg */
  onAdvice(msg) {
    const field = this.waiting.get(msg.cid);
    this.waiting.delete(msg.cid);
    // Only the latest question about a field counts: older answers are about older words.
    if (!field || [...this.waiting.values()].includes(field) || !field.isConnected) return;
    this.show(field, msg.findings);
  }

  /**
   * @param {Field} field
   * @returns {HTMLElement}
   */
  hintFor(field) {
    const id = `${field.id || "field"}-nudge`;
    let hint = document.getElementById(id);
    if (!hint) {
      hint = h("div", { id, class: "nudge", role: "status", "aria-live": "polite", hidden: true });
      field.insertAdjacentElement("afterend", hint);
      const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (!described.includes(id)) field.setAttribute("aria-describedby", [...described, id].join(" "));
    }
    return hint;
  }

  /**
   * @param {Field} field
   * @param {Finding[]} findings
   */
  show(field, findings) {
    const hint = this.hintFor(field);
    hint.hidden = findings.length === 0;
    if (!findings.length) {
      fill(hint);
      return;
    }
    // One hint per kind of reason: several blame words usually share one reframe.
    const seen = new Set();
    const items = [];
    for (const f of findings) {
      const key = `${f.check}:${f.reframe}`;
      if (seen.has(key)) continue;
      seen.add(key);
      items.push(h("p", { class: "nudge-item" },
        f.words.length ? [h("q", {}, f.words.join("”, “")), ": "] : null,
        f.message,
        f.reframe ? h("strong", { class: "nudge-reframe" }, f.reframe) : null));
    }
    fill(hint, items, h("p", { class: "nudge-keep" }, "A suggestion only: you can keep your wording."));
  }

  /** Hints of fields that were emptied (a note was sent) go away. */
  sweep() {
    // Only the typing hints this module made (id "<field>-nudge"): the server's own nudges on a
    // chain or an action belong to their renderers and stay.
    for (const hint of /** @type {NodeListOf<HTMLElement>} */ (this.root.querySelectorAll(".nudge[id$='-nudge']"))) {
      // The field a hint was made for (hintFor): an input or a textarea.
      const field = /** @type {Field | null} */ (document.getElementById(hint.id.replace(/-nudge$/, "")));
      if (!field || !field.value.trim()) {
        hint.hidden = true;
        fill(hint);
      }
    }
  }

  /** The facilitator asks again a moment after the board changed. */
  boardChanged() {
    if (!this.store.isFacilitator()) return;
    clearTimeout(this.recount);
    this.recount = setTimeout(() => this.socket.request({ type: "count_nudges" }), RECOUNT_MS);
  }

  renderCounts() {
    const box = document.getElementById("nudge-counts");
    if (!box) return;
    const counts = this.counts;
    box.hidden = !this.store.isFacilitator() || !counts;
    if (box.hidden || !counts) return;
    const titles = new Map((this.store.board ? this.store.board.agenda : []).map((p) => [p.id, p.title]));
    const parts = Object.entries(counts.by_phase).map(([id, n]) => `${titles.get(id) || "Before the meeting"} ${n}`);
    fill(box, counts.total
      ? [h("strong", {}, `${counts.total} open ${counts.total === 1 ? "nudge" : "nudges"}`), ` · ${parts.join(" · ")}`]
      : "No open nudges.");
  }
}

/**
 * The facilitator's switches for each kind of nudge (board settings, `edit_settings`).
 * @param {HTMLElement} root
 * @param {{store: BoardStore, send: Send}} o
 * @returns {() => void} redraws the switches from the board
 */
export function attachNudgeSettings(root, { store, send }) {
  // The switches are checkboxes named "nudge" whose values are nudge kinds.
  const boxes = (/** @type {string} */ selector) => [.../** @type {NodeListOf<HTMLInputElement>} */ (root.querySelectorAll(selector))];
  root.addEventListener("change", (e) => {
    if (/** @type {HTMLInputElement} */ (e.target).name !== "nudge") return;
    const on = boxes("input[name=nudge]:checked").map((i) => /** @type {NudgeKind} */ (i.value));
    send({ type: "edit_settings", nudges: on });
  });
  return () => {
    const on = new Set(store.board ? store.board.settings.nudges : []);
    const sending = store.pendingOps("edit_settings").some((op) => op.nudges);
    if (sending) return;  // keep what was just clicked until the server answers
    for (const box of boxes("input[name=nudge]")) box.checked = on.has(/** @type {NudgeKind} */ (box.value));
  };
}
