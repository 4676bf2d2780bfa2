// @ts-check
// The join page: take the join link's token from the fragment, and warn before this browser
// trades an existing seat for a new one.
//
// The token travels in the fragment (`#t=...`), which browsers never send to a server, so it
// stays out of access logs and Referer headers; the form posts it in its body. A link without
// one (made before join links, or cut short) cannot join: the page says to ask the
// facilitator for the current link instead of offering a form that would be refused.
//
// The credential a join returns replaces the one stored for the board, so a facilitator who
// opens their own invite link in the same browser and joins would stop being the facilitator
// here. The form still works; the page just says so first.

import { hasCredential } from "./credential.js";

const boardId = document.body.dataset.boardId;
if (boardId && hasCredential(boardId)) {
  /** @type {HTMLElement} */ (document.getElementById("already-here")).hidden = false;
}

// Opening another link to this same page (the current one, pasted after a refusal) changes only
// the fragment, so the browser does not load the page again: take the new token here.
function takeToken() {
  const token = new URLSearchParams(location.hash.slice(1)).get("t") || "";
  /** @type {HTMLInputElement} */ (document.getElementById("join-token")).value = token;
  /** @type {HTMLElement} */ (document.getElementById("no-link")).hidden = Boolean(token);
  /** @type {HTMLFormElement} */ (document.getElementById("join-form")).hidden = !token;
  const refused = document.getElementById("refused");
  if (refused && token && token !== takeToken.first) refused.hidden = true;
}
takeToken.first = new URLSearchParams(location.hash.slice(1)).get("t") || "";
takeToken();
window.addEventListener("hashchange", takeToken);
