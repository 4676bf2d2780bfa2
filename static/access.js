// @ts-check
// Who may read this post-mortem outside its meeting, when the organisation signs in: the
// facilitator restricts it (a security incident, say) and names readers besides the people who
// joined it signed in. The server filters the log, the write-up and the actions pages by it;
// this drawer section only sends `set_access` and shows what the board says.

import { fill, h } from "./dom.js";

/** @typedef {import("./types.js").BoardStore} BoardStore */
/** @typedef {import("./types.js").Send} Send */

export class AccessEditor {
  /** @param {{root: HTMLElement, store: BoardStore, send: Send}} o */
  constructor({ root, store, send }) {
    this.root = root;
    this.store = store;
    this.send = send;
    this.dirty = false;  // while someone is typing, a redraw must not overwrite their text
    this.restricted = /** @type {HTMLInputElement} */ (h("input", { id: "access-restricted", type: "checkbox" }));
    this.readers = /** @type {HTMLTextAreaElement} */ (h("textarea", { id: "access-readers", rows: "3", maxlength: "20000",
      placeholder: "security-lead@example.com, ciso@example.com" }));
    this.readers.addEventListener("input", () => { this.dirty = true; });
    this.status = h("p", { class: "hint", role: "status", "aria-live": "polite" });
    this.save = /** @type {HTMLButtonElement} */ (h("button", { type: "submit", class: "button small", id: "access-save" }, "Save access"));
    const form = h("form", { class: "access-form" },
      h("div", { class: "field field-check" }, this.restricted,
        h("label", { for: "access-restricted" }, "Restricted: only the people who joined signed in, and those named below, can read it")),
      h("div", { class: "field" }, h("label", { for: "access-readers" }, "Also readable by (emails, separated by commas or lines)"), this.readers),
      this.save, this.status);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const members = this.readers.value.split(/[\s,;]+/).map((m) => m.trim()).filter(Boolean);
      this.send({ type: "set_access", restricted: this.restricted.checked, members });
      this.dirty = false;
      fill(this.status, "Saving…");
    });
    this.badge = h("p", { class: "access-badge" });
    root.append(h("h3", { id: "access-heading" }, "Who may read it"), this.badge, form);
    this.form = form;
  }

  /** @param {boolean} isFacilitator */
  render(isFacilitator) {
    const board = this.store.board;
    // Only where people sign in (the page says so): elsewhere everyone reads everything.
    this.root.hidden = !board || document.body.dataset.signIn !== "on";
    if (this.root.hidden || !board) return;
    this.form.hidden = !isFacilitator;
    fill(this.badge, board.restricted
      ? "Restricted: its people and the readers the facilitator named can read it in the log, the write-up and the actions page."
      : "Every signed-in member of the organisation can read it in the log, the write-up and the actions page.");
    if (!isFacilitator) return;
    const saving = this.store.pendingOps("set_access").length > 0;
    this.save.disabled = saving;
    if (!saving && this.status.textContent === "Saving…") fill(this.status, "Saved.");
    if (!this.dirty) {
      this.restricted.checked = Boolean(board.restricted);
      this.readers.value = (board.readers || []).join(", ");
    }
  }
}
