// @ts-check
// The countdown of the current phase, drawn from the server's numbers.
//
// The server owns time: it sends each phase's `deadline` (server clock, ms) while the timer
// runs, or the banked `elapsed_ms` while it is paused, and it alone declares a timebox over
// (`expired`, from a logged `timebox_expired`). This module only renders: it corrects for the
// difference between our clock and the server's (`serverNow`, estimated by socket.js), and
// past the deadline it counts the overtime up ("+02:13 over") without deciding anything.
//
// Screen readers get a polite live region that speaks at a few minute boundaries, on pause
// and resume, and when the server says time is up. Never every second: that would drown out
// the meeting.

import { announce } from "./dom.js";
import { clock, plural } from "./format.js";

/** @typedef {import("./types.js").PhaseView} PhaseView */

/**
 * Minutes-left values worth announcing: the last five, then every five.
 * @param {number} mins
 */
function worthSaying(mins) {
  return mins <= 5 || mins % 5 === 0;
}

/**
 * @param {PhaseView} phase
 * @param {number} now  server time
 * @returns {number}
 */
export function remainingMs(phase, now) {
  if (phase.deadline !== null && phase.deadline !== undefined) return phase.deadline - now;
  return phase.minutes * 60_000 + phase.extended_ms - phase.elapsed_ms;
}

/**
 * @param {PhaseView} phase
 * @returns {boolean}
 */
export function isRunning(phase) {
  return phase.deadline !== null && phase.deadline !== undefined;
}

export class PhaseTimer {
  /**
   * @param {object} o
   * @param {HTMLElement} o.root      gets state classes (running, paused, over, expired)
   * @param {HTMLElement} o.display   the big digits
   * @param {HTMLElement} o.state     a word about the state ("Running", "Paused", ...)
   * @param {HTMLProgressElement} o.bar
   * @param {HTMLElement} o.live      aria-live="polite" region
   * @param {() => number} o.serverNow
   */
  constructor({ root, display, state, bar, live, serverNow }) {
    this.root = root;
    this.display = display;
    this.state = state;
    this.bar = bar;
    this.live = live;
    this.serverNow = serverNow;
    /** @type {PhaseView | null} */
    this.phase = null;
    /** @type {number | undefined} */
    this.timeout = undefined;
    /** @type {number | null} the minute count last seen, to speak only when it changes */
    this.lastMinute = null;
  }

  /**
   * Called whenever the board meta changes; `phase` is the current PhaseView or null.
   * @param {PhaseView | null} phase
   */
  update(phase) {
    const previous = this.phase;
    this.phase = phase;
    if (!phase) {
      this.stop();
      this.root.hidden = true;
      return;
    }
    this.root.hidden = false;
    if (!previous || previous.id !== phase.id) {
      this.lastMinute = null;
    } else {
      if (!previous.expired && phase.expired) announce(this.live, `Time is up for ${phase.title}.`);
      else if (isRunning(previous) && !isRunning(phase)) announce(this.live, "Timer paused.");
      else if (!isRunning(previous) && isRunning(phase)) announce(this.live, "Timer running.");
      if (phase.extended_ms > previous.extended_ms) {
        const added = Math.round((phase.extended_ms - previous.extended_ms) / 60_000);
        announce(this.live, `${plural(added, "minute", "minutes")} added.`);
        this.lastMinute = null;
      }
    }
    this.tick();
  }

  stop() {
    clearTimeout(this.timeout);
    this.timeout = undefined;
  }

  tick() {
    this.stop();
    const phase = this.phase;
    if (!phase) return;
    const running = isRunning(phase);
    const rem = remainingMs(phase, this.serverNow());
    const over = rem <= 0;
    const planned = phase.minutes * 60_000 + phase.extended_ms;

    // Counting down, round up: "00:01" shows until the deadline itself, then overtime begins.
    this.display.textContent = over ? `+${clock(-rem / 1000)} over` : clock(Math.ceil(rem / 1000));
    this.bar.max = planned;
    this.bar.value = Math.max(0, Math.min(planned, planned - rem));

    let word;
    if (phase.expired) word = "Time is up";
    else if (running) word = over ? "Over time" : "Running";
    else if (phase.elapsed_ms === 0) word = "Not started";
    else word = "Paused";
    this.state.textContent = word;
    this.root.classList.toggle("timer--running", running);
    this.root.classList.toggle("timer--paused", !running);
    this.root.classList.toggle("timer--over", over);
    this.root.classList.toggle("timer--expired", phase.expired);

    if (running) {
      this.speakMinute(rem);
      // Wake exactly when the displayed second changes, not on a fixed interval that drifts.
      const intoSecond = ((rem % 1000) + 1000) % 1000;
      this.timeout = setTimeout(() => this.tick(), (intoSecond || 1000) + 5);
    }
  }

  /** @param {number} rem  ms left (negative: over time) */
  speakMinute(rem) {
    const mins = rem > 0 ? Math.ceil(rem / 60_000) : -Math.floor(-rem / 60_000);
    const previous = this.lastMinute;
    this.lastMinute = mins;
    if (previous === null || previous === mins) return;  // first sight, or no boundary crossed
    if (mins > 0 && worthSaying(mins)) {
      announce(this.live, `${plural(mins, "minute", "minutes")} left.`);
    } else if (mins < 0 && worthSaying(-mins)) {
      announce(this.live, `${plural(-mins, "minute", "minutes")} over time.`);
    }
  }
}
