// @ts-check
// Signals people send the room, in any phase: a raised hand, and "let's refocus on systems".
//
// The hand queue is in raising order. Everyone sees it (a raised hand is a request to be called
// on by name); the facilitator lowers hands once someone has spoken. The refocus request is
// anonymous by design: the server keeps only when it last happened, so the banner it puts up
// for everyone says "someone asked", and no frame says who. The server refuses a second request
// within a minute (the banner is already up), and the page says so kindly.
//
// Which buttons show comes from `board.can` (what the server would accept from us now).

import { fill, h } from "./dom.js";
import { plural } from "./format.js";

/** @typedef {import("./types.js").BoardStore} BoardStore */
/** @typedef {import("./types.js").Send} Send */

const BANNER_MS = 60_000;  // as long as the server's cooldown: one request, one minute of banner

export class SpeakUp {
  /**
   * root: the menu's "speak up" section; banner: the board-wide refocus banner. The hand and
   * refocus buttons sit in the meeting bar, the queue in its own dialog.
   * @param {object} o
   * @param {HTMLElement} o.root
   * @param {HTMLElement} o.banner
   * @param {BoardStore} o.store
   * @param {Send} o.send
   * @param {() => number} o.serverNow
   * @param {(text: string) => void} o.announce  says it to screen readers
   * @param {(text: string) => void} o.toast     shows it for a moment
   */
  constructor({ root, banner, store, send, serverNow, announce, toast }) {
    this.root = root;
    this.banner = banner;
    this.store = store;
    this.send = send;
    this.serverNow = serverNow;
    this.announce = announce;
    this.toast = toast;
    // In the board page's template (the bar, and the hands dialog).
    const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
    this.handButton = byId("hand-toggle");
    this.queue = byId("hand-queue");
    this.empty = byId("hand-empty");
    this.refocusButton = byId("refocus");
    /** @type {number | null} the refocus request whose banner this person closed */
    this.dismissedAt = null;
    /** @type {number | null | undefined} the last refocus request seen (undefined: none yet) */
    this.lastRefocus = undefined;
    /** @type {number | undefined} how many hands were up at the last redraw */
    this.lastHands = undefined;
    this.handButton.addEventListener("click", () => this.toggleHand());
    this.refocusButton.addEventListener("click", () => {
      send({ type: "refocus" });
      this.toast("Sent. Nobody is told who asked.");
    });
    /** @type {HTMLElement} */ (banner.querySelector("#refocus-dismiss")).addEventListener("click", () => {
      this.dismissedAt = this.store.board ? this.store.board.refocus_at : null;
      this.renderBanner();
    });
    setInterval(() => this.renderBanner(), 5_000);  // the banner leaves after its minute
  }

  raised() {
    const me = this.store.me();
    return Boolean(me && this.store.board && this.store.board.hands.includes(me.id));
  }

  toggleHand() {
    this.send({ type: "raise_hand", raised: !this.raised() });
  }

  render() {
    const { board } = this.store;
    if (!board) return;
    const canHand = this.store.can("raise_hand");
    const canRefocus = this.store.can("refocus");
    this.root.hidden = !canHand && !canRefocus && board.hands.length === 0;
    // The facilitator calls on people; a hand of their own would only queue behind them.
    this.handButton.hidden = !canHand || this.store.isFacilitator();
    const pending = this.store.pendingOps("raise_hand");
    const up = pending.length ? pending[pending.length - 1].raised : this.raised();
    this.handButton.setAttribute("aria-pressed", String(up));
    this.handButton.classList.toggle("is-up", up);
    fill(this.handButton, up ? "Lower my hand" : "Raise hand");
    this.refocusButton.hidden = !canRefocus;
    this.renderQueue();
    this.renderBanner();
  }

  renderQueue() {
    const { board } = this.store;
    if (!board) return;  // render() draws the queue only with a board
    const lower = this.store.can("lower_hand");
    const names = new Map([...this.store.participants.values()].map((p) => [p.id, p]));
    fill(this.queue, board.hands.map((id, i) => {
      const p = names.get(id);
      const name = p ? (p.me ? `${p.name} (you)` : p.name) : "Someone";
      return h("li", { class: "hand" },
        h("span", { class: "hand-order" }, `${i + 1}.`),
        h("span", { class: "hand-name" }, name),
        lower ? h("button", {
          type: "button", class: "button small", "aria-label": `Lower ${p ? p.name : "this"} hand`,
          onclick: () => this.send({ type: "lower_hand", participant_id: id }),
        }, "Lower") : null);
    }));
    this.queue.hidden = board.hands.length === 0;
    this.empty.hidden = board.hands.length > 0;
    const count = board.hands.length;
    if (this.lastHands !== undefined && count > this.lastHands) {
      this.announce(`${plural(count, "hand", "hands")} raised.`);
    }
    this.lastHands = count;
  }

  renderBanner() {
    const { board } = this.store;
    if (!board) return;
    const at = board.refocus_at;
    const fresh = at !== null && at !== undefined && this.serverNow() - at < BANNER_MS;
    this.banner.hidden = !fresh || this.dismissedAt === at;
    if (this.lastRefocus !== undefined && at !== this.lastRefocus && fresh) {
      this.announce("Someone asked the room to refocus on systems, not people.");
    }
    this.lastRefocus = at;
    const count = /** @type {HTMLElement} */ (this.banner.querySelector("#refocus-count"));
    count.hidden = !this.store.isFacilitator() || !board.refocus_count;
    fill(count, `Asked ${plural(board.refocus_count, "time", "times")} in this meeting.`);
  }
}

/** On named boards, choosing a person shows which items are theirs (and dims the rest).
 * Items carry their author's name as `data-author` only on named boards, where everyone was
 * told their names are shown. */
export class Highlighter {
  /** @param {HTMLElement} root */
  constructor(root) {
    this.root = root;
    /** @type {string | null} the author whose items are highlighted */
    this.name = null;
  }

  /** @param {string} name */
  toggle(name) {
    this.name = this.name === name ? null : name;
    this.apply();
  }

  apply() {
    this.root.classList.toggle("is-highlighting", this.name !== null);
    for (const el of /** @type {NodeListOf<HTMLElement>} */ (this.root.querySelectorAll("[data-author]"))) {
      el.classList.toggle("is-highlighted", this.name !== null && el.dataset.author === this.name);
    }
    for (const b of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-highlight]"))) {  // in the menu, outside the board
      b.setAttribute("aria-pressed", String(b.dataset.highlight === this.name));
    }
  }
}
