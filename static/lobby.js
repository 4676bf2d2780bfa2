// @ts-check
// The lobby: before the first phase. The facilitator sees the invite links first, whole and
// with Copy and "New link" buttons (door.js), then who has joined and "Start the meeting";
// everyone else sees who is here and that the meeting starts when the facilitator starts it.

import { fill, h } from "./dom.js";
import { JoinLinks } from "./door.js";

/** @typedef {import("./types.js").BoardStore} BoardStore */
/** @typedef {import("./types.js").Send} Send */

export class Lobby {
  /** @param {{root: HTMLElement, store: BoardStore, send: Send, boardId: string}} o */
  constructor({ root, store, send, boardId }) {
    this.root = root;
    this.store = store;
    this.send = send;
    // The lobby's parts, all in the board page's template.
    this.invite = /** @type {HTMLElement} */ (root.querySelector("#lobby-invite"));
    this.wait = /** @type {HTMLElement} */ (root.querySelector("#lobby-wait"));
    this.people = /** @type {HTMLElement} */ (root.querySelector("#lobby-people"));
    this.count = /** @type {HTMLElement} */ (root.querySelector("#lobby-count"));
    this.start = /** @type {HTMLElement} */ (root.querySelector("#lobby-start"));
    this.status = h("p", { class: "hint", role: "status" });
    fill(this.invite, h("h3", {}, "Invite people"));
    this.links = new JoinLinks({ root: this.invite, store, send, boardId, status: this.status, prefix: "lobby-" });
    this.invite.append(this.status);
    /** @type {HTMLButtonElement} */ (root.querySelector("#lobby-start-button")).addEventListener("click", () => send({ type: "advance_phase" }));
  }

  render() {
    const { board } = this.store;
    if (!board) return;
    const fac = this.store.isFacilitator();
    this.invite.hidden = !fac;
    if (fac) this.links.render();
    this.wait.hidden = fac;
    this.start.hidden = !this.store.can("advance_phase");
    /** @type {HTMLButtonElement} */ (this.start.querySelector("button")).disabled = this.store.pendingOps("advance_phase").length > 0;
    const online = new Set(this.store.presence.names || []);
    const people = [...this.store.participants.values()].sort((a, b) => a.name.localeCompare(b.name));
    fill(this.count, String(people.length));
    fill(this.people, people.map((p) => h("li", { class: online.has(p.name) ? "is-online" : null },
      p.name, p.role === "facilitator" ? " (facilitator)" : p.role === "observer" ? " (observer)" : "", p.me ? ", you" : "")));
  }
}
