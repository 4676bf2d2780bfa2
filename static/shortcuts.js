// Keyboard shortcuts. `?` shows the list; keys act only when no field has the focus, so typing
// a note never triggers one. Every shortcut also exists as a visible control. The facilitator's
// keys are capitals (Shift+N, ...) so a stray lowercase letter never moves the meeting.

const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);

function firstVisible(selectors) {
  for (const selector of selectors) {
    for (const el of document.querySelectorAll(selector)) {
      if (el.offsetParent !== null && !el.disabled) return el;
    }
  }
  return null;
}

export class Shortcuts {
  constructor({ store, toggleHand, facilitator, openMenu, spotlight }) {
    this.dialog = document.getElementById("shortcuts");
    const fac = (fn) => () => { if (store.isFacilitator() && store.board && store.board.closed_at === null) fn(); };
    const click = (id) => () => {
      const el = document.getElementById(id);
      if (el && !el.hidden && !el.disabled && el.offsetParent !== null) el.click();
    };
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
    this.dialog.querySelector("#shortcuts-close").addEventListener("click", () => this.dialog.close());
  }

  onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const target = e.target;
    if (target && (TYPING.has(target.tagName) || target.isContentEditable)) return;
    if (document.querySelector("dialog[open]") && e.key !== "?") return;
    const action = this.keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  }

  focus(selectors) {
    const el = firstVisible(selectors);
    if (el) el.focus();
  }

  show() {
    for (const el of this.dialog.querySelectorAll(".fac-key")) el.hidden = !this.store.isFacilitator();
    if (this.dialog.open) this.dialog.close();
    else this.dialog.showModal();
  }
}
