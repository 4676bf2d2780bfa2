// @ts-check
// The incident log page: tag editing for the boards this browser holds a seat on.
//
// The page is complete without this script (search, filters, CSV are plain HTML). Here we only
// add an "Edit tags" control to entries whose board has a credential in localStorage, where the
// board page keeps it. Only the facilitator may set tags, and we do not guess who holds which
// role: we try, and show the server's answer if it refuses. Everything a person typed reaches
// the page through `h` (textContent), never as HTML.

import { h, fill } from "./dom.js";

/**
 * The credential the board page stored for `boardId` (same key as credential.js), or null.
 * @param {string} boardId
 * @returns {string | null}
 */
function credentialFor(boardId) {
  try { return localStorage.getItem(`hindsight:cred:${boardId}`); } catch { return null; }
}

/**
 * @param {string} text
 * @returns {string[]}
 */
function parseTags(text) {
  // Commas separate tags; the server lowercases and removes duplicates.
  return text.split(",").map((t) => t.trim()).filter(Boolean);
}

/**
 * The tags an entry shows, as the page wrote them (JSON in `data-tags`).
 * @param {HTMLElement} dd
 * @returns {string[]}
 */
function currentTags(dd) {
  try { return JSON.parse(dd.dataset.tags || "[]"); } catch { return []; }
}

/**
 * @param {HTMLElement} dd
 * @param {string[]} tags
 */
function renderTags(dd, tags) {
  dd.dataset.tags = JSON.stringify(tags);
  if (tags.length === 0) {
    fill(dd, h("span", { class: "empty" }, "none"));
    return;
  }
  fill(dd, tags.flatMap((t) => [h("a", { class: "tag", href: `/log?tag=${encodeURIComponent(t)}` }, t), " "]));
}

/**
 * @param {string} boardId
 * @param {string} credential
 * @param {string[]} tags
 * @returns {Promise<string[]>} the tags as the server saved them
 */
async function saveTags(boardId, credential, tags) {
  const response = await fetch(`/api/boards/${encodeURIComponent(boardId)}/tags`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${credential}` },
    body: JSON.stringify({ tags }),
  });
  /** @type {{tags: string[], error?: {message: string}} | null} tags if saved, error if refused */
  let body = null;
  try { body = await response.json(); } catch { /* not JSON: fall back to the status line */ }
  if (!response.ok || !body) {
    const message = body && body.error ? body.error.message : `the server answered ${response.status}`;
    throw new Error(message);
  }
  return body.tags;
}

/**
 * @param {HTMLElement} article
 * @param {number} index
 */
function setUpEditor(article, index) {
  const boardId = /** @type {string} */ (article.dataset.boardId);  // the selector asks for it
  const credential = credentialFor(boardId);
  const slot = article.querySelector("[data-tag-editor]");
  const dd = /** @type {HTMLElement | null} */ (article.querySelector(".log-tags"));
  if (!credential || !slot || !dd) return;

  const inputId = `tags-input-${index}`;
  const message = h("p", { class: "hint", role: "status" });
  const input = h("input", { id: inputId, type: "text", maxlength: "900", autocomplete: "off" });
  const form = h("form", { class: "tag-form", hidden: true },
    h("label", { for: inputId }, "Tags, separated by commas"),
    h("div", { class: "copy-row" }, input,
      h("button", { type: "submit", class: "button small primary" }, "Save tags"),
      h("button", { type: "button", class: "button small", onclick: () => close() }, "Cancel")));
  const open = h("button", { type: "button", class: "button small", "aria-expanded": "false" }, "Edit tags");

  function close() {
    form.hidden = true;
    open.hidden = false;
    open.setAttribute("aria-expanded", "false");
    open.focus();
  }

  open.addEventListener("click", () => {
    input.value = currentTags(dd).join(", ");
    message.textContent = "";
    form.hidden = false;
    open.hidden = true;
    open.setAttribute("aria-expanded", "true");
    input.focus();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const submit = /** @type {HTMLButtonElement} */ (form.querySelector("button[type=submit]"));
    submit.disabled = true;
    message.textContent = "Saving…";
    message.classList.remove("tag-error");
    try {
      const tags = await saveTags(boardId, credential, parseTags(input.value));
      renderTags(dd, tags);
      message.textContent = tags.length ? "Tags saved." : "Tags removed.";
      close();
    } catch (error) {
      message.classList.add("tag-error");
      message.textContent = `Not saved: ${/** @type {Error} */ (error).message}`;
    } finally {
      submit.disabled = false;
    }
  });

  fill(slot, open, form, message);
}

/** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll(".log-entry[data-board-id]")).forEach(setUpEditor);
