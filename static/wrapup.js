// @ts-check
// Wrap-up: what the meeting agreed, in one place, and a two-question anonymous feedback.
//
// The summary is a view of what is already on the board (the structural causes marked in the
// five whys, the selected actions in rank order with their owners and whether each owner has
// confirmed). The feedback goes to the server as `send_feedback`; everyone sees how many have
// answered, and the facilitator also sees the aggregate once three or more have answered. The
// server enforces both: this page only shows what it is sent.

import { fill, h } from "./dom.js";
import { plural } from "./format.js";

/** @typedef {import("./types.js").ActionView} ActionView */
/** @typedef {import("./types.js").ParticipantView} ParticipantView */
/** @typedef {import("./types.js").PanelContext} PanelContext */

const RELEVANT = ["board", "chain", "action", "participant", "feedback", "guidance", "pending"];
/** @type {Record<number, string>} */
const SAFETY_WORDS = { 1: "Not at all", 2: "Not very", 3: "Somewhat", 4: "Mostly", 5: "Completely" };

export class WrapUpPanel {
  /**
   * @param {HTMLElement} root
   * @param {PanelContext} ctx
   */
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    root.hidden = true;
    root.className = "card wrapup-panel";
    root.setAttribute("role", "region");
    root.setAttribute("aria-labelledby", "wrapup-heading");

    this.agreed = h("div", { class: "agreed" });
    const scale = h("div", { class: "safety-scale" }, [1, 2, 3, 4, 5].map((n) =>
      h("label", { title: SAFETY_WORDS[n] },
        h("input", { type: "radio", name: "safety", value: String(n), required: true }), String(n))));
    this.change = h("input", { id: "feedback-change", name: "change", type: "text", maxlength: "500", autocomplete: "off",
      placeholder: "Send the timeline out before the meeting" });
    this.submit = h("button", { type: "submit", class: "button primary" }, "Send feedback");
    this.status = h("p", { class: "hint", role: "status" });
    this.form = h("form", { class: "feedback-form", "aria-labelledby": "feedback-heading" },
      h("fieldset", {},
        h("legend", {}, "How safe did it feel to speak up in this meeting?"),
        scale,
        h("div", { class: "safety-ends", "aria-hidden": "true" }, h("span", {}, "1 not at all"), h("span", {}, "5 completely"))),
      h("div", { class: "field" }, h("label", { for: "feedback-change" }, "One thing to do differently next time ",
        h("span", { class: "optional" }, "(optional)")), this.change),
      this.submit, this.status);
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      // The scale's five radios (above).
      const picked = /** @type {HTMLInputElement | null} */ (this.form.querySelector("input[name=safety]:checked"));
      if (!picked) {
        /** @type {HTMLInputElement} */ (this.form.querySelector("input[name=safety]")).focus();
        return;
      }
      this.ctx.send({ type: "send_feedback", safety: Number(picked.value), change: this.change.value.trim() });
      fill(this.status, "Sending…");
    });
    this.result = h("div", { class: "feedback-result", "aria-live": "polite" });
    this.count = h("p", { class: "feedback-count" });
    root.append(
      h("h2", { id: "wrapup-heading" }, "What we agreed"),
      this.agreed,
      h("h3", { id: "feedback-heading" }, "Feedback on this meeting"),
      h("p", { class: "hint", id: "feedback-privacy" }, "Nobody, not even the facilitator, sees who answered what. Once three or more people have answered, the facilitator sees how many chose each score, the average, and each “do differently” answer word for word, in alphabetical order."),
      this.form, this.count, this.result);
  }

  /** @param {Set<string> | null} kinds */
  render(kinds) {
    if (kinds && !RELEVANT.some((k) => kinds.has(k))) return;
    const { store } = this.ctx;
    const phase = store.currentPhase();
    const closed = Boolean(store.board && store.board.closed_at !== null);
    this.root.hidden = !phase || phase.kind !== "wrap_up" || closed;
    if (this.root.hidden) return;
    this.renderAgreed();
    this.renderFeedback();
  }

  renderAgreed() {
    const { store } = this.ctx;
    const board = store.board;
    if (!board) return;  // render() shows the panel only in a meeting's wrap-up
    const causes = [...store.chains.values()].map((c) => {
      const step = c.steps.find((s) => s.id === c.root_step_id);
      const text = c.root_cause || (step ? step.answer || step.why : "");
      return text ? h("li", {}, text, h("span", { class: "agreed-meta" }, ` (from “${c.problem}”)`)) : null;
    }).filter(Boolean);
    const people = store.participants;
    const me = store.me();
    const order = board.action_order || [];
    const actions = order.map((id) => store.actions.get(id))
      .filter(/** @returns {a is ActionView} */ (a) => Boolean(a && a.selected));
    const items = actions.map((a) => {
      const owner = a.owner_id && people.get(a.owner_id);
      return h("li", {},
        h("strong", {}, a.text),
        h("span", { class: "agreed-meta" }, " · ", owner ? owner.name : "no owner yet",
          a.due ? ` · due ${a.due}` : " · no due date",
          a.success ? ` · done when ${a.success}` : ""),
        " ",
        a.owner_id && !a.confirmed ? this.unconfirmed(a, me) : null);
    });
    const gaps = (store.guidance && store.guidance.writeup) || [];
    fill(this.agreed,
      gaps.length ? h("section", { class: "writeup-gaps" }, h("h3", {}, "Before the meeting closes"),
        h("ul", {}, gaps.map((f) => h("li", {}, f.message, " ", h("strong", {}, f.reframe))))) : null,
      h("section", {}, h("h3", {}, "Structural cause"),
        causes.length ? h("ul", {}, causes) : h("p", { class: "empty" }, "No root cause marked in the five whys yet.")),
      h("section", {}, h("h3", {}, "Actions we commit to"),
        items.length ? h("ol", {}, items) : h("p", { class: "empty" }, "No actions selected yet. The facilitator selects two or three.")),
      h("p", {}, h("a", { class: "button", href: `/b/${board.id}/writeup` }, "Read the write-up")));
  }

  /**
   * An owner who has not said yes yet says it here: the wrap-up asks for it before closing.
   * @param {ActionView} a
   * @param {ParticipantView | null} me
   */
  unconfirmed(a, me) {
    const store = this.ctx.store;
    if (me && a.owner_id === me.id && store.can("confirm_owner")) {
      return h("button", {
        type: "button", class: "button small primary action-own",
        disabled: store.pendingOps("confirm_owner").some((op) => op.action_id === a.id),
        onclick: () => this.ctx.send({ type: "confirm_owner", action_id: a.id, confirmed: true }),
      }, "Yes, I own this");
    }
    return h("span", { class: "unconfirmed" }, "not confirmed by its owner yet");
  }

  renderFeedback() {
    const { store } = this.ctx;
    const fb = store.feedback;
    const can = store.can("send_feedback");
    this.form.hidden = !can;
    const sending = store.pendingOps("send_feedback").length > 0;
    if (fb && fb.mine && !sending) {
      fill(this.status, "Thanks, your answer is in. You can change it until the meeting closes.");
      fill(this.submit, "Update feedback");
      // Show your own answer, unless you are in the middle of changing it.
      if (!this.form.contains(document.activeElement)) {
        const radio = /** @type {HTMLInputElement | null} */ (this.form.querySelector(`input[name=safety][value="${fb.my_safety}"]`));
        if (radio) radio.checked = true;
        this.change.value = fb.my_change || "";
      }
    } else if (!sending) {
      fill(this.status, "");
    }
    const responses = fb ? fb.responses : 0;
    fill(this.count, `${plural(responses, "person has", "people have")} answered.`);
    if (!fb || !fb.safety_counts) {
      fill(this.result, store.isFacilitator() && responses > 0
        ? h("p", { class: "hint" }, "Totals appear once three people have answered.") : null);
      return;
    }
    const most = Math.max(1, ...fb.safety_counts);
    fill(this.result,
      h("p", {}, h("strong", {}, `Average ${fb.safety_average.toFixed(1)} of 5`), " for how safe it felt to speak up."),
      h("ul", { class: "feedback-bars", "aria-label": "Answers per score" }, fb.safety_counts.map((n, i) =>
        h("li", {}, h("span", {}, String(i + 1)),
          h("progress", { max: String(most), value: String(n), "aria-label": `${i + 1}: ${n}` }),
          h("span", {}, String(n))))),
      fb.changes.length
        ? h("div", {}, h("h4", {}, "To do differently"), h("ul", {}, fb.changes.map((c) => h("li", {}, c))))
        : null);
  }
}
