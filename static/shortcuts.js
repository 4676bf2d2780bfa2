// @ts-check
// Keyboard shortcuts. `?` shows the list; keys act only when no field has the focus, so typing
// a note never triggers one, and Esc leaves a field. Every shortcut also exists as a visible
// control. The facilitator's keys are capitals (Shift+N, ...) so a stray lowercase letter never
// moves the meeting.

/** @typedef {import("./types.js").BoardStore} BoardStore */
/** @typedef {import("./console.js").FacilitatorConsole} FacilitatorConsole */
/** @typedef {import("./spotlight.js").Spotlight} Spotlight */
/** @typedef {HTMLElement & {disabled?: boolean}} Control  a button or a field (or a link) */

const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);

/**
 * @param {string[]} selectors
 * @returns {Control | null}
 */
function firstVisible(selectors) {
  for (const selector of selectors) {
    for (const el of /** @type {NodeListOf<Control>} */ (document.querySelectorAll(selector))) {
      if (el.offsetParent !== null && !el.disabled) return el;
    }
  }
  return null;
}

export class Shortcuts {
  /**
   * @param {object} o
   * @param {BoardStore} o.store
   * @param {() => void} o.toggleHand
   * @param {FacilitatorConsole} o.facilitator
   * @param {() => void} o.openMenu
   * @param {Spotlight} o.spotlight
   */
  constructor({ store, toggleHand, facilitator, openMenu, spotlight }) {
    this.dialog = /** @type {HTMLDialogElement} */ (document.getElementById("shortcuts"));  // in the page's template
    const fac = (/** @type {() => void} */ fn) => () => { if (store.isFacilitator() && store.board && store.board.closed_at === null) fn(); };
    const click = (/** @type {string} */ id) => () => {
      const el = /** @type {Control | null} */ (document.getElementById(id));
      if (el && !el.hidden && !el.disabled && el.offsetParent !== null) el.click();
    };
    /** @type {Record<string, () => void>} */
    this.keys = {
      "?": () => this.show(),
      // The composer of the current phase: a note, a why, an action, else the timeline.
      n: () => this.focus(["textarea[data-section]", "#note-text", "#chain-problem-new", "#action-text", "#tl-text", "#sheet-summary", "#feedback-change"]),
      t: () => this.focus(["#tl-text"]),
      p: () => this.focus(["#park-text", "#park-open"]),
      h: () => toggleHand(),
      m: () => openMenu(),
      s: () => spotlight.reveal(true),
      N: fac(click("advance")),
      B: fac(click("go-back")),
      P: fac(() => facilitator.toggleTimer()),
      "+": fac(() => facilitator.extend(1)),
      R: fac(() => facilitator.primary()),
    };
    this.store = store;
    document.addEventListener("keydown", (e) => this.onKey(e));
    const open = document.getElementById("shortcuts-open");
    if (open) open.addEventListener("click", () => this.show());
    /** @type {HTMLElement} */ (this.dialog.querySelector("#shortcuts-close")).addEventListener("click", () => this.dialog.close());
  }

  /** @param {KeyboardEvent} e */
  onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const target = /** @type {HTMLElement | null} */ (e.target);
    if (target && (TYPING.has(target.tagName) || target.isContentEditable)) {
      // Esc leaves the field (what is typed stays), so the letters work again without a Tab.
      // Fields in dialogs and inline edits handle their own Esc first.
      if (e.key === "Escape" && !target.closest("dialog")) target.blur();
      return;
    }
    if (document.querySelector("dialog[open]") && e.key !== "?") return;
    const action = this.keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  }

  /** @param {string[]} selectors */
  focus(selectors) {
    const el = firstVisible(selectors);
    if (el) el.focus();
  }

  show() {
    for (const el of /** @type {NodeListOf<HTMLElement>} */ (this.dialog.querySelectorAll(".fac-key"))) el.hidden = !this.store.isFacilitator();
    if (this.dialog.open) this.dialog.close();
    else this.dialog.showModal();
  }
}
