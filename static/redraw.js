// @ts-check
// Redrawing a panel that several people change at once without losing what one person is doing
// there: `redraw` keeps unsaved typing and the keyboard focus across a rebuild, and
// `inlineField` is a field that commits on change or blur but never while a redraw runs. Used by
// the five whys, the themes board and the incident sheet.

import { fill, h } from "./dom.js";

/** @typedef {import("./types.js").Attrs} Attrs */
/** @typedef {import("./types.js").Child} Child */
/** @typedef {HTMLInputElement | HTMLTextAreaElement} TextField */

/**
 * Rebuild `root` with `build()`, keeping unsaved typing and focus in keyed fields
 * (`data-key`) and buttons (`data-key`, or `data-focus` with its `data-focus-fallback` when it
 * comes back disabled: a "+ dot" pressed by keyboard keeps the focus for the next press).
 * Shared with themes.js.
 * @param {HTMLElement} root
 * @param {() => Child} build
 * @param {{rendering: boolean}} state  says "rendering" while build() runs, so fields that
 *   commit on change do not send what the rebuild does to them
 */
export function redraw(root, build, state) {
  // What has the focus here is a keyed field or a button: an HTML element, maybe a text field.
  const active = /** @type {(HTMLElement & Partial<TextField>) | null} */ (document.activeElement);
  const focusKey = active && root.contains(active) ? active.dataset.key || active.dataset.focus : undefined;
  const fallbackKey = active && root.contains(active) ? active.dataset.focusFallback : undefined;
  /** @type {[number, number] | null} */
  let selection = null;
  if (focusKey && active && typeof active.selectionStart === "number") {
    try { selection = [active.selectionStart, /** @type {number} */ (active.selectionEnd)]; } catch { selection = null; }
  }
  /** @type {Map<string, string>} */
  const drafts = new Map();
  for (const el of /** @type {NodeListOf<TextField>} */ (root.querySelectorAll("input[data-key], textarea[data-key]"))) {
    if (el.type === "checkbox") continue;
    if (el.value !== el.defaultValue) drafts.set(/** @type {string} */ (el.dataset.key), el.value);  // the selector asks for it
  }
  state.rendering = true;
  try {
    fill(root, build());
  } finally {
    state.rendering = false;
  }
  // Keyed elements are fields and buttons, HTML elements all (`value` for the fields).
  const find = (/** @type {string} */ key) => [.../** @type {NodeListOf<HTMLElement & Partial<TextField>>} */ (root.querySelectorAll("[data-key], [data-focus]"))]
    .find((el) => el.dataset.key === key || el.dataset.focus === key);
  for (const [key, value] of drafts) {
    const el = find(key);
    if (el) el.value = value;
  }
  if (focusKey) {
    const found = find(focusKey);
    const fallback = fallbackKey ? find(fallbackKey) : undefined;
    const usable = (/** @type {HTMLElement | undefined} */ e) => e && !(/** @type {HTMLButtonElement} */ (e).disabled);
    const el = usable(found) || !usable(fallback) ? found : fallback;
    if (el) {
      el.focus({ preventScroll: true });
      if (selection && typeof el.setSelectionRange === "function") {
        try { el.setSelectionRange(...selection); } catch { /* not a text field */ }
      }
    }
  }
}

/**
 * An inline field that sends `onCommit(value)` when it changes or loses focus (once).
 * @param {"input" | "textarea"} tag
 * @param {Attrs} attrs
 * @param {string} value
 * @param {{rendering: boolean}} state  commits nothing while it says "rendering" (redraw)
 * @param {(value: string) => void} onCommit
 * @returns {TextField}
 */
export function inlineField(tag, attrs, value, state, onCommit) {
  const el = h(tag, { ...attrs, dataset: { ...(attrs.dataset || {}), orig: value } }, tag === "textarea" ? value : null);
  if (tag !== "textarea") el.value = value;
  el.defaultValue = value;
  const commit = () => {
    if (state.rendering) return;
    const next = el.value.trim();
    if (next === el.dataset.orig) return;
    if (!next && attrs.required) {
      el.value = /** @type {string} */ (el.dataset.orig);  // set above, and on every commit
      return;
    }
    el.dataset.orig = next;
    onCommit(next);
  };
  el.addEventListener("change", commit);
  el.addEventListener("blur", commit);
  return el;
}
