// @ts-check
// The spotlight: the facilitator puts one item in focus for everyone ("let's talk about this
// one"). Every page highlights it and brings it into view once; the banner names it, so it is
// clear even when the item lives in another phase's region. Anyone can step out (locally: the
// highlight and the banner go away until the next spotlight). The server keeps the spotlight on
// the board meta (`board.spotlight`: kind, id, at) and clears it when the phase changes or the
// item goes; items carry `data-spot="kind:id"` so this module can find them.

import { fill, h } from "./dom.js";

/** @typedef {import("./types.js").BoardStore} BoardStore */
/** @typedef {import("./types.js").Send} Send */
/** @typedef {import("./types.js").SpotlightKind} SpotlightKind */
/** @typedef {import("./types.js").SpotlightView} SpotlightView */

/** @type {Record<string, string>} */
const LABELS = { sticky: "note", timeline: "timeline entry", chain: "five-whys chain", theme: "theme", action: "action" };

export class Spotlight {
  /** @param {{store: BoardStore, send: Send, root: HTMLElement, banner: HTMLElement}} o */
  constructor({ store, send, root, banner }) {
    this.store = store;
    this.send = send;
    this.root = root;
    this.banner = banner;
    // The banner's parts, in the board page's template.
    this.text = /** @type {HTMLElement} */ (banner.querySelector("#spotlight-text"));
    /** @type {number | null} the spotlight this person stepped out of */
    this.leftAt = null;
    /** @type {number | null} the spotlight already brought into view */
    this.shownAt = null;
    /** @type {HTMLElement} */ (banner.querySelector("#spotlight-leave")).addEventListener("click", () => {
      const spot = this.current();
      this.leftAt = spot ? spot.at : null;
      this.apply();
    });
    /** @type {HTMLElement} */ (banner.querySelector("#spotlight-show")).addEventListener("click", () => this.reveal(true));
  }

  /** @returns {SpotlightView | null} */
  current() {
    return (this.store.board && this.store.board.spotlight) || null;
  }

  /**
   * A facilitator's toggle for one item, or null when the viewer may not spotlight.
   * @param {SpotlightKind} kind
   * @param {string} id
   * @param {string} label
   * @returns {HTMLButtonElement | null}
   */
  button(kind, id, label) {
    if (!this.store.can("spotlight")) return null;
    const spot = this.current();
    const on = Boolean(spot && spot.kind === kind && spot.id === id);
    return h("button", {
      type: "button", class: ["link-button", "item-spotlight", on && "is-on"], "aria-pressed": String(on),
      "aria-label": on ? `End the spotlight on: ${label}` : `Spotlight for everyone: ${label}`,
      onclick: () => this.send(on ? { type: "spotlight" } : { type: "spotlight", kind, item_id: id }),
    }, on ? "End spotlight" : "Spotlight");
  }

  /** @param {SpotlightView} spot */
  describe(spot) {
    const { store } = this;
    /** @type {{text?: string, name?: string, problem?: string} | undefined} */
    const item = spot.kind === "sticky" ? store.stickies.get(spot.id)
      : spot.kind === "timeline" ? store.timeline.get(spot.id)
        : spot.kind === "chain" ? store.chains.get(spot.id)
          : spot.kind === "theme" ? store.themes.get(spot.id)
            : store.actions.get(spot.id);
    const words = item ? (item.text || item.name || item.problem || "") : "";
    return `${LABELS[spot.kind] || spot.kind}${words ? `: “${words}”` : ""}`;
  }

  /** Highlight after every redraw; bring into view once per spotlight. */
  apply() {
    const spot = this.current();
    const active = Boolean(spot && spot.at !== this.leftAt);
    for (const el of this.root.querySelectorAll(".is-spotlit")) el.classList.remove("is-spotlit");
    this.banner.hidden = !active;
    if (!spot || !active) return;
    fill(this.text, this.describe(spot));
    // The facilitator ends a spotlight (the bar's "End spotlight"); stepping out is for others.
    /** @type {HTMLElement} */ (this.banner.querySelector("#spotlight-leave")).hidden = this.store.can("spotlight");
    const el = this.element(spot);
    if (el) el.classList.add("is-spotlit");
    if (this.shownAt !== spot.at && el) {
      this.shownAt = spot.at;
      this.reveal(false);
    }
  }

  /**
   * @param {SpotlightView} spot
   * @returns {HTMLElement | null}
   */
  element(spot) {
    return this.root.querySelector(`[data-spot="${CSS.escape(`${spot.kind}:${spot.id}`)}"]`);
  }

  /** @param {boolean} focus */
  reveal(focus) {
    const spot = this.current();
    const el = spot && this.element(spot);
    if (!el) return;
    el.scrollIntoView({ block: "center", inline: "nearest" });
    if (focus) {
      if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
      el.focus({ preventScroll: true });
    }
  }
}
