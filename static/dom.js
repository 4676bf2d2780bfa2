// @ts-check
// Building DOM nodes without ever parsing HTML.
//
// Everything a person typed reaches the page through `textContent` (via `h`'s string
// children), never through innerHTML and friends, so a note reading "<img onerror=...>" is
// shown as those characters. The CSP forbids inline styles too, so looks go through classes.

/** @typedef {import("./types.js").Attrs} Attrs */
/** @typedef {import("./types.js").Child} Child */

/**
 * h("li", {class: "x", dataset: {id: "1"}, onclick: fn}, "text", child, [more, children])
 * Strings and numbers become text nodes; null/undefined/false children are skipped.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    // String(): what assigning className does to a non-string anyway.
    if (key === "class") el.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : String(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} el
 * @param {readonly Child[]} children
 */
function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * Replace an element's children (text or nodes), keeping the element itself.
 * @template {Element} E
 * @param {E} el
 * @param {...Child} children
 * @returns {E}
 */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * The element `selector` finds, which the page is known to have (it throws otherwise).
 * @param {string} selector
 * @param {ParentNode} [root]
 * @returns {HTMLElement}
 */
export function $(selector, root = document) {
  // Every selector the pages ask for names an HTML element (no SVG or MathML).
  const el = /** @type {HTMLElement | null} */ (root.querySelector(selector));
  if (!el) throw new Error(`missing element ${selector}`);
  return el;
}

/**
 * Show or hide with the `hidden` attribute (no inline styles under our CSP).
 * @param {HTMLElement} el
 * @param {boolean} visible
 */
export function show(el, visible) {
  el.hidden = !visible;
}

/**
 * A polite screen-reader announcement. Re-setting the text makes readers speak it again.
 * @param {Element} region
 * @param {string} text
 */
export function announce(region, text) {
  region.textContent = "";
  clearTimeout(CLEARING.get(region));
  // A fresh task, so assistive tech sees a change even when the text repeats.
  setTimeout(() => { region.textContent = text; }, 50);
  // Said once, then gone: left in place, "1 minute added." was still there phases later for
  // anyone reading the page (a screen reader's browse mode), as if it were news.
  CLEARING.set(region, setTimeout(() => { if (region.textContent === text) region.textContent = ""; }, ANNOUNCED_MS));
}

/** How long an announcement stays in its live region after it is said. */
export const ANNOUNCED_MS = 10_000;
/** @type {WeakMap<Element, number>} */
const CLEARING = new WeakMap();

/**
 * Copy text to the clipboard; falls back to selecting an input where the API is missing
 * (the Clipboard API needs a secure context, and self-hosted boards are often plain http).
 * @param {string} text
 * @param {HTMLInputElement | HTMLTextAreaElement} [fallbackInput]
 * @returns {Promise<boolean>}
 */
export async function copyText(text, fallbackInput) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch { /* fall through to the selection fallback */ }
  if (fallbackInput) {
    fallbackInput.focus();
    fallbackInput.select();
    try { return document.execCommand("copy"); } catch { return false; }
  }
  return false;
}

/**
 * Copy `input`'s link when `button` is pressed: the button says "Copied" for a moment and
 * `status` says what happened (or how to copy by hand where the browser blocks it).
 * @param {HTMLElement} button
 * @param {HTMLInputElement | HTMLTextAreaElement} input
 * @param {HTMLElement} status
 * @param {string} what
 */
export async function copyLink(button, input, status, what) {
  const ok = await copyText(input.value, input);
  status.textContent = ok ? `${what} is copied.` : "Copying is blocked here: the link is selected, copy it by hand.";
  if (ok) {
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = "Copy"; }, 2000);
  }
}

/**
 * Random id from crypto.getRandomValues (randomUUID needs a secure context; this does not).
 * @param {string} [prefix]
 * @returns {string}
 */
export function randomId(prefix = "") {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
