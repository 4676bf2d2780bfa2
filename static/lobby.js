// The lobby: before the first phase. The facilitator sees the invite links first, whole and
// with Copy buttons, then who has joined and "Start the meeting"; everyone else sees who is here
// and that the meeting starts when the facilitator starts it.

import { copyLink, fill, h } from "./dom.js";

export class Lobby {
  constructor({ root, store, send, boardId }) {
    Object.assign(this, { root, store, send });
    this.invite = root.querySelector("#lobby-invite");
    this.wait = root.querySelector("#lobby-wait");
    this.people = root.querySelector("#lobby-people");
    this.count = root.querySelector("#lobby-count");
    this.start = root.querySelector("#lobby-start");
    const base = `${location.origin}/b/${encodeURIComponent(boardId)}/join`;
    const links = [
      ["lobby-join-link", "Join link for participants", base, "The join link"],
      ["lobby-observer-link", "Link for observers (read only)", `${base}?role=observer`, "The observer link"],
    ];
    this.status = h("p", { class: "hint", role: "status" });
    fill(this.invite,
      h("h3", {}, "Invite people"),
      links.map(([id, label, url, what]) => {
        const input = h("input", { id, type: "text", readonly: true, value: url });
        input.addEventListener("focus", () => input.select());
        const button = h("button", { type: "button", class: "button small",
          onclick: () => copyLink(button, input, this.status, what) }, "Copy");
        return h("div", { class: "field" }, h("label", { for: id }, label), h("div", { class: "copy-row" }, input, button));
      }),
      this.status);
    root.querySelector("#lobby-start-button").addEventListener("click", () => send({ type: "advance_phase" }));
  }

  render() {
    const { board } = this.store;
    if (!board) return;
    const fac = this.store.isFacilitator();
    this.invite.hidden = !fac;
    this.wait.hidden = fac;
    this.start.hidden = !this.store.can("advance_phase");
    this.start.querySelector("button").disabled = this.store.pendingOps("advance_phase").length > 0;
    const online = new Set(this.store.presence.names || []);
    const people = [...this.store.participants.values()].sort((a, b) => a.name.localeCompare(b.name));
    fill(this.count, String(people.length));
    fill(this.people, people.map((p) => h("li", { class: online.has(p.name) ? "is-online" : null },
      p.name, p.role === "facilitator" ? " (facilitator)" : p.role === "observer" ? " (observer)" : "", p.me ? ", you" : "")));
  }
}
