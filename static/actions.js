// The actions page: status changes for actions on boards this browser holds a seat on.
//
// Without this script the page is a complete read-only report. Here we add a status picker to
// rows whose board has a credential in localStorage (where the board page keeps it). The
// server decides who may change a status (the action's owner or the facilitator, also after
// the meeting closed); when it refuses, we show its reason in the row. Text goes in through
// `h` (textContent) only.

import { h, fill, announce } from "./dom.js";

const STATUSES = [
  ["open", "Open"],
  ["in_progress", "In progress"],
  ["done", "Done"],
  ["dropped", "Dropped"],
];
const WORDS = Object.fromEntries(STATUSES);

/** The credential the board page stored for `boardId` (same key as credential.js), or null. */
function credentialFor(boardId) {
  try { return localStorage.getItem(`hindsight:cred:${boardId}`); } catch { return null; }
}

async function saveStatus(boardId, actionId, credential, status) {
  const url = `/api/boards/${encodeURIComponent(boardId)}/actions/${encodeURIComponent(actionId)}/status`;
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${credential}` },
    body: JSON.stringify({ status }),
  });
  let body = null;
  try { body = await response.json(); } catch { /* not JSON: fall back to the status line */ }
  if (!response.ok) {
    throw new Error(body && body.error ? body.error.message : `the server answered ${response.status}`);
  }
  return body.status;
}

const live = document.getElementById("status-live");

function setUpRow(row, index) {
  const { boardId, actionId } = row.dataset;
  const credential = credentialFor(boardId);
  const cell = row.querySelector("[data-status-cell]");
  if (!credential || !cell) return;

  const what = row.querySelector(".action-text");
  const label = what ? what.firstChild.textContent.trim() : "this action";
  const selectId = `status-${index}`;
  const select = h("select", { id: selectId, "aria-label": `Status of: ${label}` },
    STATUSES.map(([value, word]) => h("option", { value, selected: value === row.dataset.status }, word)));
  const button = h("button", { type: "submit", class: "button small" }, "Update");
  const message = h("span", { class: "hint status-message" });
  const form = h("form", { class: "status-form" }, select, button, message);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (select.value === row.dataset.status) {
      message.textContent = "No change.";
      return;
    }
    button.disabled = true;
    message.classList.remove("tag-error");
    message.textContent = "Saving…";
    try {
      const status = await saveStatus(boardId, actionId, credential, select.value);
      row.dataset.status = status;
      message.textContent = "Saved. Reload to regroup and update the figures.";
      if (live) announce(live, `Status saved: ${WORDS[status]}. Reload the page to update the lists and figures.`);
    } catch (error) {
      select.value = row.dataset.status;
      message.classList.add("tag-error");
      message.textContent = `Not saved: ${error.message}`;
    } finally {
      button.disabled = false;
    }
  });

  fill(cell, form);
}

document.querySelectorAll("tr[data-board-id][data-action-id]").forEach(setUpRow);
