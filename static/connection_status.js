// @ts-check
// The connection's state in the bar (Live, Connecting, Offline with its countdown, or a
// refusal that ends the page) and the note about changes waiting in the outbox: what someone
// on a train needs to trust that nothing they type is lost (socket.js keeps it).

import { $, announce, fill } from "./dom.js";
import { plural } from "./format.js";

/** @typedef {import("./types.js").BoardSocket} BoardSocket */
/** @typedef {import("./types.js").StatusDetail} StatusDetail */

export class ConnectionStatus {
  /**
   * @param {BoardSocket} socket
   * @param {HTMLElement} live  the page's polite live region
   * @param {() => boolean} shown  whether the board is on screen yet
   */
  constructor(socket, live, shown) {
    this.socket = socket;
    this.live = live;
    this.shown = shown;
    this.everOnline = false;
    /** @type {number | undefined} the offline countdown's interval */
    this.countdown = undefined;
  }

  /** @param {number} count  ops waiting to be sent */
  renderOutbox(count) {
    const note = $("#outbox-note");
    note.hidden = count === 0 || this.socket.status === "online";
    note.textContent = `${plural(count, "change", "changes")} waiting to be sent. They go out as soon as the connection is back.`;
  }

  /** @param {StatusDetail} detail */
  render(detail) {
    const text = $("#conn-text");
    $("#conn").className = `conn conn--${detail.status}`;
    $("#retry").hidden = detail.status !== "offline";
    clearInterval(this.countdown);
    if (detail.status === "online") {
      text.textContent = "Live";
      if (this.everOnline) announce(this.live, "Back online.");
      this.everOnline = true;
    } else if (detail.status === "connecting") {
      text.textContent = this.everOnline ? "Reconnecting…" : "Connecting…";
      if (!this.shown()) $("#loading").hidden = false;
    } else if (detail.status === "offline") {
      const tick = () => {
        const secs = Math.max(0, Math.ceil((/** @type {number} */ (detail.retryAt) - Date.now()) / 1000));  // set while offline
        text.textContent = `Offline · retrying in ${secs} s`;
      };
      tick();
      this.countdown = setInterval(tick, 1000);
      if (this.everOnline && this.shown()) announce(this.live, "Connection lost. Your changes are kept and sent when it is back.");
    } else if (detail.status === "error") {
      text.textContent = "Disconnected";
      $("#loading").hidden = true;
      $("#board").hidden = true;
      $("#fatal").hidden = false;
      fill($("#fatal-message"), detail.code === "unauthorized" || detail.code === "4001"
        ? "This browser's link to the board is not valid any more."
        : detail.message || "The server refused the connection.");
    }
    this.renderOutbox(this.socket.pending().length);
  }
}
