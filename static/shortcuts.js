// Keyboard shortcuts. `?` shows the list; single letters act only when no field has the focus,
// so typing a note never triggers one. Every shortcut also exists as a visible control.

const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);

function firstVisible(selectors) {
  for (const selector of selectors) {
    const el = document.querySelector(selector);
    if (el && el.offsetParent !== null && !el.disabled) return el;
  }
  return null;
}

export class Shortcuts {
  constructor({ store, toggleHand }) {
    this.dialog = document.getElementById("shortcuts");
    this.keys = {
      "?": () => this.show(),
      // The composer of the current phase: a note, a why, an action, else the timeline.
      n: () => this.focus(["#note-text", "#chain-problem-new", "#action-text", "#tl-text", "#feedback-change"]),
      t: () => this.focus(["#tl-text"]),
      p: () => this.focus(["#park-text"]),
      h: () => toggleHand(),
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
    if (this.dialog.open && e.key !== "?") return;
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
    if (this.dialog.open) this.dialog.close();
    else this.dialog.showModal();
  }
}
