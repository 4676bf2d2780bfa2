// @ts-check
// The meeting bar: where we are (stepper, phase title), what is asked of me now ("3 dots left"),
// and who wants to speak ("2 hands raised"). It never scrolls away. The timer and the
// facilitator's controls live in the bar too, but have their own modules (timer.js, console.js).

import { fill, h } from "./dom.js";
import { plural } from "./format.js";
import { dotsInFlight } from "./vote.js";

/** @typedef {import("./types.js").BoardMeta} BoardMeta */
/** @typedef {import("./types.js").BoardStore} BoardStore */

export class MeetingBar {
  /**
   * @param {object} o
   * @param {BoardStore} o.store
   * @param {HTMLElement} o.stepper  the list of phases
   * @param {HTMLElement} o.step     "Phase 3 of 8"
   * @param {HTMLElement} o.title    the phase's title
   * @param {HTMLElement} o.dotsLeft
   * @param {HTMLElement} o.handsButton
   * @param {HTMLDialogElement} o.handsDialog
   */
  constructor({ store, stepper, step, title, dotsLeft, handsButton, handsDialog }) {
    this.store = store;
    this.stepper = stepper;
    this.step = step;
    this.title = title;
    this.dotsLeft = dotsLeft;
    this.handsButton = handsButton;
    this.handsDialog = handsDialog;
    handsButton.addEventListener("click", () => {
      if (!handsDialog.open) handsDialog.showModal();
    });
    /** @type {HTMLElement} */ (handsDialog.querySelector("#hands-close")).addEventListener("click", () => handsDialog.close());
  }

  render() {
    const { board } = this.store;
    if (!board) return;
    this.renderStepper(board);
    this.renderHeading(board);
    this.renderDots();
    this.renderHands(board);
  }

  /** @param {BoardMeta} board */
  renderStepper(board) {
    const at = board.agenda.findIndex((p) => p.id === board.current);
    const steps = board.agenda.map((phase, i) => {
      const current = phase.id === board.current;
      const state = current ? "current" : phase.visited ? "done" : "upcoming";
      // The current and the next phase are named; the others by number (and tooltip) where
      // the bar is narrow.
      return h("li", {
        class: ["step", `is-${state}`, i === at + 1 && "is-next"], "aria-current": current ? "step" : null,
        title: `${phase.title}, ${phase.minutes} min`, dataset: { phase: phase.id },
      },
      h("span", { class: "step-num", "aria-hidden": "true" }, String(i + 1)),
      h("span", { class: "step-title" }, phase.title),
      current ? h("span", { class: "visually-hidden" }, " (now)") : null);
    });
    if (!board.current) {
      steps.unshift(h("li", { class: "step is-current is-lobby", "aria-current": "step" },
        h("span", { class: "step-num", "aria-hidden": "true" }, "·"), h("span", { class: "step-title" }, "Lobby")));
    }
    fill(this.stepper, steps);
    const current = /** @type {HTMLElement | null} */ (this.stepper.querySelector(".is-current"));
    if (current && typeof current.scrollIntoView === "function") {
      // Keep the current step in view inside the stepper itself, never the page.
      const s = this.stepper;
      const left = current.offsetLeft - s.offsetLeft;
      if (left < s.scrollLeft || left + current.offsetWidth > s.scrollLeft + s.clientWidth) {
        s.scrollLeft = Math.max(0, left - 40);
      }
    }
  }

  /** @param {BoardMeta} board */
  renderHeading(board) {
    const phase = this.store.currentPhase();
    const closed = board.closed_at !== null && board.closed_at !== undefined;
    if (closed) {
      fill(this.step, "Meeting closed");
      fill(this.title, "Closed");
    } else if (!phase) {
      fill(this.step, "Lobby");
      fill(this.title, "Waiting to start");
    } else {
      fill(this.step, `Phase ${board.agenda.indexOf(phase) + 1} of ${board.agenda.length}`);
      fill(this.title, phase.title);
    }
  }

  /** "3 dots left" while a vote is open and I may vote (minus the dots I am sending). */
  renderDots() {
    const round = [...this.store.rounds.values()].find((r) => r.state === "open");
    const canVote = Boolean(round && this.store.can("cast_vote"));
    this.dotsLeft.hidden = !canVote;
    if (!round || !canVote) return;
    const left = Math.max(0, round.remaining - dotsInFlight(this.store, round));
    fill(this.dotsLeft, `${plural(left, "dot", "dots")} left`);
  }

  /** @param {BoardMeta} board */
  renderHands(board) {
    const n = board.hands.length;
    const fac = this.store.isFacilitator();
    // The facilitator always sees the count (it opens the queue); others once someone waits.
    this.handsButton.hidden = board.closed_at !== null || !(n > 0 || fac);
    this.handsButton.classList.toggle("is-zero", n === 0);
    // "2 hands raised"; a phone shows "2 hands".
    fill(this.handsButton, n === 0 ? "No hands" : plural(n, "hand", "hands"), h("span", { class: "long-label" }, " raised"));
  }
}
