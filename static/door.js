// @ts-check
// The door, as the facilitator sees it: the two join links (shown, copied, replaced) and the
// seats people hold (listed, and freed when nobody uses them).
//
// A join link is the board's address plus a token in the fragment (`#t=`), which the server
// sends in the facilitator's board meta only. Replacing a link (`rotate_link`) stops the old one
// at once; people already seated keep their seats, because a seat is a credential, not a link.
// Removing a seat (`remove_seat`) ends that person's credential; the page offers it only for
// seats nobody is connected to (presence's `seats_online`, the facilitator's copy only), and
// shows the server's reason when it refuses (the facilitator's own seat, an action's owner).

import { copyLink, fill, h } from "./dom.js";
import { plural } from "./format.js";

/** @typedef {import("./types.js").BoardStore} BoardStore */
/** @typedef {import("./types.js").ParticipantView} ParticipantView */
/** @typedef {import("./types.js").Send} Send */
/** @typedef {{role: "participant" | "observer", id: string, label: string, what: string, name: string}} LinkSpec */
/**
 * One join link's controls.
 * @typedef {{spec: LinkSpec, input: HTMLTextAreaElement, copy: HTMLButtonElement, renew: HTMLButtonElement,
 *   ask: HTMLElement, field: HTMLElement}} LinkRow
 */
/** @typedef {{id: string, name: string}} Seat */

/** @type {LinkSpec[]} */
const LINKS = [
  { role: "participant", id: "join-link", label: "Join link for participants", what: "The join link", name: "participant link" },
  { role: "observer", id: "observer-link", label: "Link for observers (read only)", what: "The observer link", name: "observer link" },
];

/**
 * The join link for `role` with its token; the observer link asks the join page for watching.
 * @param {string} boardId
 * @param {string} role
 * @param {string} token
 * @returns {string}
 */
export function joinUrl(boardId, role, token) {
  const base = `${location.origin}/b/${encodeURIComponent(boardId)}/join`;
  return `${base}${role === "observer" ? "?role=observer" : ""}#t=${encodeURIComponent(token)}`;
}

/** The two join links, each with Copy and "New link" (which asks first). The lobby and the
 * menu each hold one; ids get `prefix` so both can be on the page. */
export class JoinLinks {
  /**
   * @param {{root: HTMLElement, store: BoardStore, send: Send, boardId: string, status: HTMLElement,
   *   prefix?: string}} o
   */
  constructor({ root, store, send, boardId, status, prefix = "" }) {
    this.store = store;
    this.send = send;
    this.boardId = boardId;
    this.status = status;
    /** @type {Map<string, LinkSpec>} cid -> link spec, until the server settles the rotation */
    this.sent = new Map();
    this.rows = LINKS.map((spec) => this.build(spec, prefix));
    root.append(...this.rows.map((row) => row.field));
  }

  /**
   * @param {LinkSpec} spec
   * @param {string} prefix
   * @returns {LinkRow}
   */
  build(spec, prefix) {
    const id = `${prefix}${spec.id}`;
    const askId = `${id}-rotate`;
    // The whole link, wrapped: after "New link" people can see that it changed (a one-line
    // field shows the same start whatever the token at its end).
    const input = h("textarea", { id, class: "link-text", rows: 2, readonly: true, spellcheck: "false", autocomplete: "off", placeholder: "No link yet" });
    input.addEventListener("focus", () => input.select());
    /** @type {HTMLButtonElement} */
    const copy = h("button", { type: "button", class: "button small", id: `${id}-copy`,
      onclick: () => copyLink(copy, input, this.status, spec.what) }, "Copy");
    const renew = h("button", { type: "button", class: "button small", id: `${id}-new`,
      "aria-expanded": "false", "aria-controls": askId }, "New link");
    const yes = h("button", { type: "button", class: "button small danger", id: `${askId}-yes` }, "Replace the link");
    const no = h("button", { type: "button", class: "button small", id: `${askId}-no` }, "Keep this link");
    const ask = h("div", { id: askId, class: "rotate-confirm", role: "group", "aria-labelledby": `${askId}-text`, hidden: true },
      h("p", { id: `${askId}-text` }, h("strong", {}, `Replace the ${spec.name}?`),
        " The link above stops working at once for anyone who has not joined with it yet. People already on the board keep their seats."),
      h("div", { class: "confirm-row" }, yes, no));
    const field = h("div", { class: "field join-link-field" },
      h("label", { for: id }, spec.label),
      h("div", { class: "copy-row" }, input, h("span", { class: "link-buttons" }, copy, renew)),
      ask);
    const row = { spec, input, copy, renew, ask, field };
    renew.addEventListener("click", () => this.asking(row, ask.hidden === true));
    no.addEventListener("click", () => this.asking(row, false));
    ask.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.preventDefault();  // in the menu, Escape would close the whole dialog
        this.asking(row, false);
      }
    });
    yes.addEventListener("click", () => {
      this.asking(row, false, false);
      const op = this.send({ type: "rotate_link", role: spec.role });
      this.sent.set(op.cid, spec);
      this.status.textContent = `Replacing the ${spec.name}…`;
      input.focus();
    });
    return row;
  }

  /**
   * @param {LinkRow} row
   * @param {boolean} asking
   * @param {boolean} [refocus]
   */
  asking(row, asking, refocus = true) {
    row.ask.hidden = !asking;
    row.renew.setAttribute("aria-expanded", String(asking));
    if (refocus) (asking ? /** @type {HTMLButtonElement} */ (row.ask.querySelector("button")) : row.renew).focus();
  }

  render() {
    const links = (this.store.board && this.store.board.links) || {};
    const can = this.store.can("rotate_link");
    const rotating = new Set(this.store.pendingOps("rotate_link").map((op) => op.role));
    for (const row of this.rows) {
      const token = links[row.spec.role];
      const url = token ? joinUrl(this.boardId, row.spec.role, token) : "";
      if (row.input.value !== url) row.input.value = url;
      row.copy.disabled = !token;
      row.renew.hidden = !can;
      row.renew.disabled = rotating.has(row.spec.role);
      row.renew.textContent = rotating.has(row.spec.role) ? "Replacing…" : "New link";
      if (!can && !row.ask.hidden) this.asking(row, false, false);
    }
    this.settle();
  }

  /** Say how our rotations ended, once the server has answered them. */
  settle() {
    for (const [cid, spec] of this.sent) {
      if (this.store.pending.has(cid)) continue;
      this.sent.delete(cid);
      const refused = this.store.rejections.find((r) => r.cid === cid);
      this.status.textContent = refused
        ? `The ${spec.name} was not replaced: ${sentence(refused.message)}`
        : `New ${spec.name} ready: the old one no longer works. People already here keep their seats.`;
      // Said here, next to the link; the board's alerts (behind the menu, maybe) need not repeat it.
      if (refused) queueMicrotask(() => this.store.dismissRejection(cid));
    }
  }
}

const SEND_PER_SECOND = 20;  // under the server's frame limit (30/s), leaving room for the rest

/** The facilitator's list of seats: everyone but the facilitator, whether they are connected,
 * and Remove for the seats nobody is connected to (all idle observers at once, too). */
export class SeatsPanel {
  /** @param {{root: HTMLElement, store: BoardStore, send: Send}} o */
  constructor({ root, store, send }) {
    this.root = root;
    this.store = store;
    this.send = send;
    // The seats section's parts, in the board page's template.
    const part = (/** @type {string} */ selector) => /** @type {HTMLElement} */ (root.querySelector(selector));
    this.list = part("#seat-list");
    this.count = part("#seats-count");
    this.empty = part("#seats-empty");
    this.unknown = part("#seats-unknown");
    this.bulk = /** @type {HTMLButtonElement} */ (part("#seats-bulk"));
    this.bulkAsk = part("#seats-bulk-confirm");
    this.bulkText = part("#seats-bulk-text");
    this.bulkYes = /** @type {HTMLButtonElement} */ (part("#seats-bulk-yes"));
    this.bulkNo = /** @type {HTMLButtonElement} */ (part("#seats-bulk-no"));
    this.status = part("#seats-status");
    /** @type {Map<string, Seat>} cid -> the seat of a removal the server has not settled */
    this.sent = new Map();
    /** @type {Seat[]} the rest of a bulk removal, sent a few per second */
    this.queued = [];
    /** @type {{removed: Seat[], refused: string[]}} */
    this.results = { removed: [], refused: [] };
    /** @type {string | null} */
    this.key = null;
    /** @type {number | undefined} */
    this.drainTimer = undefined;
    this.bulk.addEventListener("click", () => this.askBulk(this.bulkAsk.hidden === true));
    this.bulkNo.addEventListener("click", () => this.askBulk(false));
    this.bulkAsk.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        this.askBulk(false);
      }
    });
    this.bulkYes.addEventListener("click", () => {
      const idle = this.idleObservers();
      this.askBulk(false, false);
      this.status.textContent = `Removing ${plural(idle.length, "observer", "observers")}…`;
      this.queued.push(...idle.map((p) => ({ id: p.id, name: p.name })));
      this.drain();
      this.render();
      this.list.focus();
    });
  }

  /**
   * @param {boolean} asking
   * @param {boolean} [refocus]
   */
  askBulk(asking, refocus = true) {
    this.bulkAsk.hidden = !asking;
    this.bulk.setAttribute("aria-expanded", String(asking));
    if (refocus) (asking ? this.bulkYes : this.bulk).focus();
  }

  /** @param {Seat} seat */
  remove(seat) {
    const op = this.send({ type: "remove_seat", participant_id: seat.id });
    this.sent.set(op.cid, seat);
  }

  drain() {
    clearTimeout(this.drainTimer);
    for (const seat of this.queued.splice(0, SEND_PER_SECOND)) {
      if (this.store.participants.has(seat.id)) this.remove(seat);
    }
    if (this.queued.length) this.drainTimer = setTimeout(() => this.drain(), 1000);
  }

  /** @returns {{ids: Set<string>, known: boolean}} */
  online() {
    const ids = new Set(this.store.presence.seats_online || []);
    // Our own connection is in the list whenever the server has sent it to us as facilitator;
    // without it (just handed the role, say) we do not know who is connected.
    return { ids, known: this.store.you !== null && ids.has(this.store.you) };
  }

  /** @returns {ParticipantView[]} */
  seats() {
    /** @type {Partial<Record<string, number>>} */
    const order = { participant: 0, observer: 1 };
    return [...this.store.participants.values()]
      .filter((p) => p.role !== "facilitator" && p.id !== this.store.you)
      .sort((a, b) => (order[a.role] ?? 2) - (order[b.role] ?? 2) || a.name.localeCompare(b.name));
  }

  /** @returns {Set<string>} */
  busy() {
    return new Set([...this.store.pendingOps("remove_seat").map((op) => op.participant_id),
      ...this.queued.map((s) => s.id)]);
  }

  idleObservers() {
    const { ids, known } = this.online();
    const busy = this.busy();
    return known ? this.seats().filter((p) => p.role === "observer" && !ids.has(p.id) && !busy.has(p.id)) : [];
  }

  render() {
    const show = this.store.can("remove_seat");
    this.root.hidden = !show;
    if (!show) {
      this.askBulk(false, false);
      return;
    }
    const { ids, known } = this.online();
    const busy = this.busy();
    const seats = this.seats();
    fill(this.count, String(seats.length));
    this.empty.hidden = seats.length > 0;
    this.unknown.hidden = known || seats.length === 0;
    const key = [known, ...seats.map((p) => `${p.id}:${p.name}:${p.role}:${ids.has(p.id)}:${busy.has(p.id)}`)].join("|");
    if (key !== this.key) {
      this.key = key;
      this.renderList(seats, ids, known, busy);
    }
    const idle = this.idleObservers();
    this.bulk.hidden = idle.length === 0;
    if (idle.length === 0 && !this.bulkAsk.hidden) this.askBulk(false, false);
    const n = plural(idle.length, "observer", "observers");
    this.bulk.textContent = `Remove ${n} not connected`;
    fill(this.bulkText, h("strong", {}, `Remove ${n} not connected?`),
      " They leave the board; they can come back with the observer link.");
    this.settle();
  }

  /**
   * @param {ParticipantView[]} seats
   * @param {Set<string>} ids  the seats connected now
   * @param {boolean} known    whether we know who is connected
   * @param {Set<string>} busy the seats being removed
   */
  renderList(seats, ids, known, busy) {
    // A redraw must not drop the keyboard: focus moves to the same place in the list.
    const active = document.activeElement;
    const li = active && this.list.contains(active) ? active.closest("li") : null;
    const focused = li ? [...this.list.children].indexOf(li) : -1;
    fill(this.list, seats.map((p) => {
      const online = ids.has(p.id);
      const removing = busy.has(p.id);
      const state = !known ? "connection unknown" : online ? "online" : "not connected";
      return h("li", { class: ["seat", online && "is-online"], dataset: { id: p.id } },
        h("span", { class: "seat-who" }, h("span", { class: "seat-name" }, p.name), " ",
          h("span", { class: ["tag", `tag-${p.role}`] }, p.role)),
        h("span", { class: "seat-state" }, state),
        known && !online ? h("button", {
          type: "button", class: "button small seat-remove", disabled: removing,
          "aria-label": `Remove ${p.name} (${p.role}, not connected)`,
          onclick: () => this.remove({ id: p.id, name: p.name }),
        }, removing ? "Removing…" : "Remove") : null);
    }));
    if (focused < 0) return;
    const items = [...this.list.children];
    const target = items.slice(focused).concat(items.slice(0, focused).reverse())
      .map((li) => /** @type {HTMLButtonElement | null} */ (li.querySelector("button:not([disabled])"))).find(Boolean);
    (target || this.list).focus();
  }

  /** Removals the server has answered: one message when the last of them is settled. */
  settle() {
    for (const [cid, seat] of this.sent) {
      if (this.store.pending.has(cid)) continue;
      this.sent.delete(cid);
      const refused = this.store.rejections.find((r) => r.cid === cid);
      if (!this.store.participants.has(seat.id)) this.results.removed.push(seat);
      else this.results.refused.push(refused ? refused.message : `${seat.name} is still on the board`);
      // The refusal is said here, next to the list; the board's alerts need not repeat it.
      if (refused) queueMicrotask(() => this.store.dismissRejection(cid));
    }
    if (this.sent.size || this.queued.length) return;
    const { removed, refused } = this.results;
    if (!removed.length && !refused.length) return;
    this.results = { removed: [], refused: [] };
    /** @type {string[]} */
    const said = [];
    if (removed.length === 1) said.push(`${removed[0].name} is removed from the board.`);
    else if (removed.length) said.push(`${removed.length} seats are removed.`);
    for (const message of refused) said.push(`Not removed: ${sentence(message)}`);
    this.status.textContent = said.join(" ");
  }
}

/** @param {string} text */
function sentence(text) {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
