// @ts-check
// Editing and deleting in place: the small "Edit" / "Delete" controls on items a person may
// change, and the inline form that replaces an item's text while it is being edited.
//
// Renderers redraw whole lists whenever anyone changes anything, so the edit state lives here,
// keyed by item, not in the DOM: a redraw rebuilds the form with the draft typed so far and
// gives it the focus back. Deleting takes a second click ("Delete?" -> "Yes, delete"), because
// there is no undo. Which controls show is decided by the caller from the board's `can` list and
// the item's `mine` flag (the data rules the server also applies); the server still decides.

import { h } from "./dom.js";

export class InlineEdits {
  /** @param {() => void} rerender  redraw the owner's list (called when an edit starts, ends
   * or asks to confirm) */
  constructor(rerender) {
    this.rerender = rerender;
    /** @type {string | null} key of the item being edited */
    this.editing = null;
    this.draft = "";
    /** @type {string | null} key of the item whose delete waits for "Yes" */
    this.confirming = null;
    this.focusNext = false;
    this.selectAll = false;
  }

  /** @param {string} key */
  isEditing(key) {
    return this.editing === key;
  }

  /**
   * selectAll: a placeholder name to be typed over (a theme made by a drop).
   * @param {string} key
   * @param {string} value
   * @param {{selectAll?: boolean}} [o]
   */
  start(key, value, { selectAll = false } = {}) {
    this.editing = key;
    this.draft = value;
    this.confirming = null;
    this.focusNext = true;
    this.selectAll = selectAll;
    this.rerender();
  }

  stop() {
    this.editing = null;
    this.draft = "";
    this.rerender();
  }

  /**
   * The inline form: a text field holding the draft, Save and Cancel. `onSave(text)` sends
   * the op; an unchanged or empty text just closes the form.
   * @param {string} key
   * @param {{label: string, value: string, multiline?: boolean, maxlength?: number,
   *   onSave: (text: string) => void}} o
   * @returns {HTMLFormElement}
   */
  form(key, { label, value, multiline = true, maxlength = 2000, onSave }) {
    const id = `edit-${key.replace(/[^a-zA-Z0-9_-]/g, "-")}`;
    const field = multiline
      ? h("textarea", { id, rows: 2, maxlength, dataset: { nudge: "text" } })
      : h("input", { id, type: "text", maxlength, autocomplete: "off", dataset: { nudge: "text" } });
    field.value = this.draft;
    field.addEventListener("input", () => { this.draft = field.value; });
    const save = () => {
      const text = field.value.trim();
      this.editing = null;
      this.draft = "";
      if (text && text !== value) onSave(text);
      this.rerender();
    };
    // As an HTMLElement: its event map types the listener (the union of two element types cannot).
    /** @type {HTMLElement} */ (field).addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        this.stop();
      } else if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        // Through the form, so other fields' listeners see it (the field is in it, below).
        /** @type {HTMLFormElement} */ (field.form).requestSubmit();
      }
    });
    const form = h("form", { class: "edit-form", "aria-label": label, onsubmit: (e) => { e.preventDefault(); save(); } },
      h("label", { for: id, class: "visually-hidden" }, label),
      field,
      h("button", { type: "submit", class: "button small primary" }, "Save"),
      h("button", { type: "button", class: "button small", onclick: () => this.stop() }, "Cancel"));
    if (this.focusNext) {
      this.focusNext = false;
      setTimeout(() => {
        if (!field.isConnected) return;
        field.focus();
        if (this.selectAll) field.select();
        else field.setSelectionRange(field.value.length, field.value.length);
        this.selectAll = false;
      }, 0);
    } else {
      // A redraw while typing: keep the caret where it was.
      setTimeout(() => { if (field.isConnected && document.activeElement === document.body) field.focus(); }, 0);
    }
    return form;
  }

  /**
   * Edit / Delete controls for one item; null when the viewer may do neither.
   * @param {string} key
   * @param {{what: string, value: string, canEdit: boolean, canDelete: boolean,
   *   onDelete: () => void, spotlight?: HTMLElement | null}} o
   * @returns {HTMLElement | null}
   */
  controls(key, { what, value, canEdit, canDelete, onDelete, spotlight = null }) {
    /** @type {HTMLElement[]} */
    const buttons = [];
    if (canEdit) {
      buttons.push(h("button", { type: "button", class: "link-button item-edit", "aria-label": `Edit ${what}: ${short(value)}`,
        onclick: () => this.start(key, value) }, "Edit"));
    }
    if (canDelete) {
      if (this.confirming === key) {
        buttons.push(
          h("button", { type: "button", class: "link-button danger-link item-delete-yes", "aria-label": `Yes, delete ${what}: ${short(value)}`,
            onclick: () => { this.confirming = null; onDelete(); this.rerender(); } }, "Yes, delete"),
          h("button", { type: "button", class: "link-button item-delete-no",
            onclick: () => { this.confirming = null; this.rerender(); } }, "Keep"));
      } else {
        buttons.push(h("button", { type: "button", class: "link-button danger-link item-delete", "aria-label": `Delete ${what}: ${short(value)}`,
          onclick: () => { this.confirming = key; this.rerender(); } }, "Delete"));
      }
    }
    if (spotlight) buttons.push(spotlight);
    if (this.confirming === key) {
      setTimeout(() => {
        const yes = buttons.find((b) => b.classList.contains("item-delete-yes"));
        if (yes && yes.isConnected) yes.focus();
      }, 0);
    }
    return buttons.length ? h("span", { class: "item-controls" }, buttons) : null;
  }
}

/** @param {string} text */
function short(text) {
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}
