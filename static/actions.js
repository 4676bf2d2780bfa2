// @ts-check
// The actions page: status changes for the actions this browser's seats may change.
//
// Without this script the page is a complete read-only report. Here, for every board with a
// credential in localStorage (where the board page keeps it), we ask the server who that
// credential is and which actions' status it may change (`GET /api/boards/{id}/viewer`, the
// credential in the Authorization header, never in a URL). Only those rows get a status menu;
// every other row keeps its status as text. After a change is saved we fetch the figures again
// (`GET /api/actions`) and update the row, the group counts, the completion rate and the
// per-post-mortem table in place. The server decides everything: who may, what is due, what is
// overdue, when to warn. Text goes in through `h` (textContent) only.

import { h, fill, announce } from "./dom.js";

/** @typedef {import("./types.js").ActionStatus} ActionStatus */
/** @typedef {import("./types.js").ActionsResponse} ActionsResponse */
/** @typedef {import("./types.js").CompletionJson} CompletionJson */
/** @typedef {import("./types.js").FollowUpItem} FollowUpItem */
/** @typedef {import("./types.js").StatusResponse} StatusResponse */
/** @typedef {import("./types.js").ViewerResponse} ViewerResponse */

/** @type {[ActionStatus, string][]} */
const STATUSES = [
  ["open", "Open"],
  ["in_progress", "In progress"],
  ["done", "Done"],
  ["dropped", "Dropped"],
];
const WORDS = Object.fromEntries(STATUSES);
const live = document.getElementById("status-live");
const summary = /** @type {HTMLElement | null} */ (document.querySelector("[data-summary]"));

/**
 * The credential the board page stored for `boardId` (same key as credential.js), or null.
 * @param {string} boardId
 * @returns {string | null}
 */
function credentialFor(boardId) {
  try { return localStorage.getItem(`hindsight:cred:${boardId}`); } catch { return null; }
}

/**
 * The JSON answer to `url`, sent with `credential` as a Bearer token when there is one.
 * @template T  the answer's shape, which the caller knows (types.d.ts)
 * @param {string} url
 * @param {string | null} [credential]
 * @param {{method?: string, headers?: Record<string, string>, body?: string}} [options]
 * @returns {Promise<T>}
 */
async function request(url, credential, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { ...(options.headers || {}) };
  if (credential) headers.authorization = `Bearer ${credential}`;
  const response = await fetch(url, { ...options, headers });
  let body = null;
  try { body = await response.json(); } catch { /* not JSON: fall back to the status line */ }
  if (!response.ok) {
    throw new Error(body && body.error ? body.error.message : `the server answered ${response.status}`);
  }
  return body;
}

/**
 * The ids of the actions on `boardId` whose status `credential` may change (empty on refusal).
 * @param {string} boardId
 * @param {string} credential
 * @returns {Promise<Set<string>>}
 */
async function changeable(boardId, credential) {
  try {
    /** @type {ViewerResponse} */
    const body = await request(`/api/boards/${encodeURIComponent(boardId)}/viewer`, credential);
    return new Set(body.may_set_status);
  } catch {
    return new Set();  // a stale or foreign credential: the rows stay text
  }
}

/**
 * @param {string} boardId
 * @param {string} actionId
 * @param {string} credential
 * @param {string} status
 * @returns {Promise<ActionStatus>} the status as saved
 */
async function saveStatus(boardId, actionId, credential, status) {
  const url = `/api/boards/${encodeURIComponent(boardId)}/actions/${encodeURIComponent(actionId)}/status`;
  /** @type {StatusResponse} */
  const body = await request(url, credential, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ status }),
  });
  return body.status;
}

// --- updating the figures from the server's answer ---------------------------------------------

/** @param {CompletionJson} c */
function renderSummary(c) {
  if (!summary) return;
  const warnBelow = summary.dataset.warnBelow;
  if (c.total === 0) {
    fill(summary, h("p", {}, "No committed actions recorded yet, so there is no completion rate."));
    return;
  }
  if (c.percent === null) {
    const dropped = c.total - c.counted;
    fill(summary, h("p", {}, `No committed action is due yet: ${c.not_due} still to come`,
      dropped ? `, ${dropped} dropped` : "", ". The completion rate starts once an action is done or its due date passes."));
    return;
  }
  const plural = c.due === 1 ? "" : "s";
  fill(summary,
    h("p", {},
      h("strong", { class: ["rate", c.warning && "rate--low"], dataset: { figure: "percent" } }, `${c.percent}%`),
      " of due actions are done: ",
      h("span", { dataset: { figure: "due" } }, `${c.done} of ${c.due} due action${plural} done`),
      " (due: done, or past the due date; dropped actions are not counted). ",
      c.overdue ? h("a", { class: "overdue", href: "/actions#overdue" }, `${c.overdue} overdue`) : "None overdue",
      c.not_due ? `; ${c.not_due} more not due yet.` : "."),
    c.warning ? h("p", { class: "warning", role: "status" },
      `Fewer than ${warnBelow}% of due actions are done. When follow-through slips like this, agree fewer actions per post-mortem and keep only those that change the system the most: a short list that gets finished teaches more than a long one that does not.`) : null);
}

/** @param {ActionsResponse["post_mortems"]} postMortems */
function renderPerBoard(postMortems) {
  const warnBelow = summary ? summary.dataset.warnBelow : "80";
  for (const pm of postMortems) {
    const row = document.querySelector(`tr[data-board-row="${CSS.escape(pm.board_id)}"]`);
    if (!row) continue;
    const c = pm.completion;
    // The page's table has every one of these cells in every row.
    const cell = (/** @type {string} */ name) => /** @type {Element} */ (row.querySelector(`[data-cell="${name}"]`));
    fill(cell("done"), String(c.done));
    fill(cell("open"), String(c.open));
    fill(cell("overdue"), c.overdue ? h("span", { class: "overdue" }, String(c.overdue)) : "0");
    fill(cell("rate"), c.percent === null ? h("span", { class: "empty" }, "none due yet") : [
      h("span", { class: ["rate", c.warning && "rate--low"] }, `${c.percent}%`), " ",
      h("span", { class: "hint" }, `${c.done} of ${c.due} due`),
      c.warning ? [" ", h("span", { class: "hint" }, `below ${warnBelow}%`)] : null]);
  }
}

/**
 * Put each row in the group the server now places it in, and recount the groups.
 * @param {FollowUpItem[]} actions
 */
function regroup(actions) {
  for (const item of actions) {
    const row = /** @type {HTMLElement | null} */ (document.querySelector(
      `tr[data-board-id="${CSS.escape(item.board_id)}"][data-action-id="${CSS.escape(item.id)}"]`));
    if (!row) continue;
    row.dataset.status = item.status;
    const text = row.querySelector("[data-status-text]");
    if (text) text.textContent = WORDS[item.status];
    const late = row.querySelector("[data-due-cell] .overdue");
    if (late && !item.overdue) late.remove();
    const target = document.querySelector(`[data-group="${item.state}"] [data-rows]`);
    if (target && row.parentElement !== target) target.appendChild(row);
  }
  for (const group of document.querySelectorAll("[data-group]")) {
    const count = group.querySelectorAll("[data-rows] tr").length;
    // Every group on the page has its count, its table and its "Nothing here" line.
    const part = (/** @type {string} */ selector) => /** @type {HTMLElement} */ (group.querySelector(selector));
    part("[data-count]").textContent = String(count);
    part(".table-wrap").hidden = count === 0;
    part("p.empty").hidden = count !== 0;
  }
}

/** @returns {Promise<CompletionJson>} */
async function refreshFigures() {
  /** @type {ActionsResponse} */
  const body = await request("/api/actions");
  regroup(body.actions);
  renderSummary(body.completion);
  renderPerBoard(body.post_mortems);
  return body.completion;
}

// --- the status menu ----------------------------------------------------------------------------

/**
 * @param {HTMLElement} row
 * @param {number} index
 * @param {string} credential
 */
function addMenu(row, index, credential) {
  // setUp picks rows that carry both ids (`tr[data-board-id][data-action-id]`) and a status.
  const { boardId, actionId } = /** @type {{boardId: string, actionId: string}} */ (row.dataset);
  const cell = row.querySelector("[data-status-cell]");
  const text = /** @type {HTMLElement | null} */ (row.querySelector("[data-status-text]"));
  if (!cell || !text) return;

  const what = row.querySelector(".action-text");
  // The cell starts with the action's own text (then, maybe, its success criterion).
  const label = what ? /** @type {Text} */ (what.firstChild).data.trim() : "this action";
  const select = h("select", { id: `status-${index}`, "aria-label": `Status of: ${label}` },
    STATUSES.map(([value, word]) => h("option", { value, selected: value === row.dataset.status }, word)));
  const button = h("button", { type: "submit", class: "button small" }, "Update");
  const message = h("span", { class: "hint status-message", dataset: { statusMessage: "" } });
  const form = h("form", { class: "status-form" }, select, button, message);
  text.hidden = true;  // the menu shows the status; the text stays for the figures' sake

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (select.value === row.dataset.status) {
      message.textContent = "No change.";
      return;
    }
    button.disabled = true;
    message.classList.remove("tag-error");
    message.textContent = "Saving…";
    let status;
    try {
      status = await saveStatus(boardId, actionId, credential, select.value);
    } catch (error) {
      select.value = /** @type {string} */ (row.dataset.status);
      message.classList.add("tag-error");
      message.textContent = `Not saved: ${/** @type {Error} */ (error).message}`;
      button.disabled = false;
      return;
    }
    row.dataset.status = status;
    text.textContent = WORDS[status];
    message.textContent = "Saved.";
    try {
      const c = await refreshFigures();
      const rate = c.percent === null ? "no action due yet" : `${c.percent}% of due actions done`;
      if (live) announce(live, `Status saved: ${WORDS[status]}. ${rate}.`);
    } catch {
      message.textContent = "Saved. Reload the page to update the figures.";
      if (live) announce(live, `Status saved: ${WORDS[status]}.`);
    } finally {
      button.disabled = false;
      select.focus();  // the row may have moved to another group; keep the person's place
    }
  });

  cell.appendChild(form);
}

async function setUp() {
  const rows = [.../** @type {NodeListOf<HTMLTableRowElement>} */ (document.querySelectorAll("tr[data-board-id][data-action-id]"))];
  /** @type {Map<string, {credential: string, ids: Promise<Set<string>>}>} */
  const boards = new Map();  // board id -> {credential, ids it may change}
  // Every row has both ids: the selector asks for them.
  for (const id of new Set(rows.map((r) => /** @type {string} */ (r.dataset.boardId)))) {
    const credential = credentialFor(id);
    if (credential) boards.set(id, { credential, ids: changeable(id, credential) });
  }
  let index = 0;
  for (const row of rows) {
    const seat = boards.get(/** @type {string} */ (row.dataset.boardId));
    if (!seat) continue;
    const ids = await seat.ids;
    if (ids.has(/** @type {string} */ (row.dataset.actionId))) addMenu(row, index++, seat.credential);
  }
  document.body.dataset.actionsReady = "";  // tests wait for this; people never see it
}

setUp();
