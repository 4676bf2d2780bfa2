// The facilitator's console (agenda, timer, reveal) and the invite panel.
//
// Buttons send intents; the board moves when the server says it moved. While a navigation or
// timer op is in flight its buttons are disabled, because a double click on "Next" must not
// skip a phase. Labels follow the server's state ("Pause" only while the timer runs, "Reveal"
// only while there is something private), which is presentation, not policy: the server still
// checks every op.

import { copyText } from "./dom.js";
import { privateLink } from "./credential.js";
import { isRunning } from "./timer.js";

const NAV_OPS = new Set(["advance_phase", "go_back", "go_to_phase"]);
const TIMER_OPS = new Set(["start_timer", "pause_timer", "resume_timer", "extend_timer"]);

export class FacilitatorConsole {
  constructor({ root, store, send }) {
    Object.assign(this, { root, store, send });
    this.back = root.querySelector("#go-back");
    this.advance = root.querySelector("#advance");
    this.toggle = root.querySelector("#timer-toggle");
    this.extend1 = root.querySelector("#extend-1");
    this.extend5 = root.querySelector("#extend-5");
    this.reveal = root.querySelector("#reveal");
    this.back.addEventListener("click", () => send({ type: "go_back" }));
    this.advance.addEventListener("click", () => send({ type: "advance_phase" }));
    this.extend1.addEventListener("click", () => send({ type: "extend_timer", minutes: 1 }));
    this.extend5.addEventListener("click", () => send({ type: "extend_timer", minutes: 5 }));
    this.toggle.addEventListener("click", () => {
      const phase = store.currentPhase();
      if (!phase) return;
      if (isRunning(phase)) send({ type: "pause_timer" });
      else send({ type: phase.elapsed_ms === 0 ? "start_timer" : "resume_timer" });
    });
    this.reveal.addEventListener("click", () => {
      const phase = store.currentPhase();
      if (phase) send({ type: "reveal", phase_id: phase.id });
    });
  }

  render(isFacilitator) {
    this.root.hidden = !isFacilitator;
    if (!isFacilitator || !this.store.board) return;
    const { agenda, current } = this.store.board;
    const phase = this.store.currentPhase();
    const index = phase ? agenda.indexOf(phase) : -1;
    const next = agenda[index + 1] || null;
    const inFlight = [...this.store.pending.values()].map((p) => p.op.type);
    const navBusy = inFlight.some((t) => NAV_OPS.has(t));
    const timerBusy = inFlight.some((t) => TIMER_OPS.has(t) || NAV_OPS.has(t));

    this.advance.textContent = !current ? "Start the meeting" : next ? `Next: ${next.title}` : "Last phase";
    this.advance.disabled = navBusy || (current !== null && !next);
    this.back.hidden = !current;
    this.back.disabled = navBusy || index <= 0;

    for (const el of [this.toggle, this.extend1, this.extend5]) {
      el.hidden = !phase;
      el.disabled = timerBusy;
    }
    if (phase) {
      this.toggle.textContent = isRunning(phase) ? "Pause timer" : phase.elapsed_ms === 0 ? "Start timer" : "Resume timer";
    }
    const canReveal = Boolean(phase && phase.private && !phase.revealed);
    this.reveal.hidden = !canReveal;
    this.reveal.disabled = inFlight.includes("reveal");
    if (canReveal) this.reveal.textContent = `Reveal writing (${phase.private_count})`;
  }
}

export class InvitePanel {
  constructor({ root, boardId, credential, status }) {
    this.root = root;
    const origin = location.origin;
    const base = `${origin}/b/${encodeURIComponent(boardId)}/join`;
    const links = {
      "join-link": base,
      "observer-link": `${base}?role=observer`,
      "private-link": privateLink(boardId, credential),
    };
    for (const [id, value] of Object.entries(links)) root.querySelector(`#${id}`).value = value;
    root.addEventListener("click", async (e) => {
      const button = e.target.closest("button[data-copy]");
      if (!button) return;
      const input = root.querySelector(`#${button.dataset.copy}`);
      const ok = await copyText(input.value, input);
      const what = button.dataset.copy === "private-link" ? "Your private link" : "The link";
      status.textContent = ok ? `${what} is copied.` : "Copying is blocked here: the link is selected, copy it by hand.";
      if (ok) {
        button.textContent = "Copied";
        setTimeout(() => { button.textContent = "Copy"; }, 2000);
      }
    });
    // Selecting a read-only link on focus makes keyboard copying one shortcut away.
    root.addEventListener("focusin", (e) => {
      if (e.target instanceof HTMLInputElement && e.target.readOnly) e.target.select();
    });
  }

  render(isFacilitator) {
    this.root.hidden = !isFacilitator;
  }
}
