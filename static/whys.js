// @ts-check
// The five-whys chains: a problem, then "Why? … Because …" steps, one of which is marked as the
// structural cause (with the cause stated in one sentence), and a "done" toggle per chain.
//
// Writers edit steps in place: an edit goes out when the field changes or loses focus. Because
// the panel redraws whenever anyone changes a chain, `redraw` keeps what a person is typing
// (fields whose value differs from what the server last said) and their focus across redraws.
// Outside the five-whys phase the chains stay visible read-only (actions and wrap-up build on
// them), and a closed meeting or an observer only ever gets the read-only view.

import { h } from "./dom.js";
import { inlineField, redraw } from "./redraw.js";

/** @typedef {import("./types.js").ChainView} ChainView */
/** @typedef {import("./types.js").OpInput} OpInput */
/**
 * @template {import("./types.js").OpType} T
 * @typedef {import("./types.js").OpOf<T>} OpOf
 */
/** @typedef {import("./types.js").PanelContext} PanelContext */
/** @typedef {import("./types.js").WhyStepView} WhyStepView */

const WHY_KINDS = new Set(["chain", "board", "pending", "participant", "welcome"]);


export class WhysPanel {
  /**
   * @param {HTMLElement} root
   * @param {PanelContext} ctx
   */
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.state = { rendering: false };
    /** @type {{chainId: string, stepId: string, focus: boolean} | null} while the structural-cause form is open */
    this.marking = null;
    /** @type {string | null} the chain whose Delete waits for "Yes" */
    this.deleting = null;
    /** @type {string | null} the step open for editing */
    this.editingStep = null;
    /** @type {{problem: string, known: Set<string>} | null} a chain we started, not here yet */
    this.started = null;
    root.hidden = true;
    root.className = "panel-slot whys-slot";
  }

  visible() {
    const { store } = this.ctx;
    if (!store.board) return false;
    const phase = store.currentPhase();
    if (phase && phase.kind === "five_whys" && store.board.closed_at === null) return true;
    if (store.chains.size === 0) return false;
    return store.board.closed_at !== null || Boolean(phase && (phase.kind === "actions" || phase.kind === "wrap_up"));
  }

  writable() {
    const phase = this.ctx.store.currentPhase();
    return Boolean(phase && phase.kind === "five_whys" && this.ctx.canWrite());
  }

  /** @param {Set<string> | null} kinds */
  render(kinds) {
    if (kinds && ![...kinds].some((k) => WHY_KINDS.has(k))) return;
    const visible = this.visible();
    this.root.hidden = !visible;
    if (!visible) {
      this.root.replaceChildren();
      return;
    }
    const write = this.writable();
    redraw(this.root, () => this.card(write), this.state);
    this.focusStartedChain();
  }

  /** A chain you just started takes your first why next, as long as you are still in the
   * new-chain field: the keyboard goes on where the work goes on. */
  focusStartedChain() {
    const started = this.started;
    if (!started) return;
    const made = [...this.ctx.store.chains.values()].find((c) => !started.known.has(c.id) && c.problem === started.problem);
    if (!made) return;
    this.started = null;
    const active = document.activeElement;
    if (active instanceof HTMLElement && active.dataset.key === "new-chain") this.focusKey(`chain-${made.id}-new-why`);
  }

  /** @param {OpInput} op */
  send(op) {
    this.ctx.send(op);
  }

  /** @param {string} key */
  focusKey(key) {
    const el = [.../** @type {NodeListOf<HTMLElement>} */ (this.root.querySelectorAll("[data-key]"))].find((e) => e.dataset.key === key);
    if (el) el.focus();
  }

  /** @param {boolean} write */
  card(write) {
    const { store } = this.ctx;
    const chains = [...store.chains.values()];
    const pending = store.pendingOps("add_chain");
    return h("section", { class: "card whys", "aria-labelledby": "whys-heading" },
      h("h2", { id: "whys-heading" }, "Five whys ", h("span", { class: "count" }, String(chains.length))),
      chains.length || pending.length
        ? h("ol", { class: "chain-list" },
          chains.map((c) => this.chain(c, write)),
          pending.map((op) => h("li", { class: "chain is-pending", dataset: { cid: op.cid } },
            h("p", { class: "chain-problem" }, op.problem, " ", h("span", { class: "pending-tag" }, "sending…")))))
        : h("p", { class: "empty" }, "No chains yet."),
      write ? this.newChainForm() : null);
  }

  newChainForm() {
    const input = h("input", { id: "chain-problem-new", type: "text", required: true, maxlength: 2000, autocomplete: "off", dataset: { key: "new-chain", nudge: "text" }, placeholder: "Checkout returned errors for 40 minutes" });
    return h("form", {
      class: "inline-form chain-new",
      onsubmit: (e) => {
        e.preventDefault();
        const problem = input.value.trim();
        if (!problem) return input.focus();
        // Clear before sending: sending redraws the panel, which keeps unsaved typing.
        input.value = "";
        this.started = { problem, known: new Set(this.ctx.store.chains.keys()) };
        this.send({ type: "add_chain", problem });
        this.focusKey("new-chain");
      },
    },
    h("div", { class: "field grow" }, h("label", { for: "chain-problem-new" }, "Problem (what was observed)"), input),
    h("button", { type: "submit", class: "button" }, "Start a chain"));
  }

  /**
   * @param {ChainView} c
   * @param {boolean} write
   */
  chain(c, write) {
    const pendingWhys = this.ctx.store.pendingOps("add_why").filter((op) => op.chain_id === c.id);
    /** @type {OpOf<"edit_why" | "mark_root_cause" | "edit_chain">[]} */
    const edits = this.ctx.store.pendingOps("edit_why");
    const pendingEdits = edits.concat(this.ctx.store.pendingOps("mark_root_cause"), this.ctx.store.pendingOps("edit_chain"))
      .filter((op) => op.chain_id === c.id);
    const problemId = `chain-${c.id}-problem`;
    const problem = write
      ? h("div", { class: "field chain-problem-field" },
        h("label", { for: problemId, class: "eyebrow" }, "Problem"),
        inlineField("textarea", { id: problemId, rows: 2, required: true, maxlength: 2000, dataset: { key: problemId } },
          c.problem, this.state, (problem) => this.send({ type: "edit_chain", chain_id: c.id, problem })))
      : h("div", { class: "chain-problem-field" }, h("p", { class: "eyebrow" }, "Problem"), h("p", { class: "chain-problem" }, c.problem));
    const doneId = `chain-${c.id}-done`;
    const done = write
      ? h("label", { class: "chain-done", for: doneId },
        h("input", { id: doneId, type: "checkbox", checked: c.done, dataset: { key: doneId },
          onchange: (e) => this.send({ type: "edit_chain", chain_id: c.id, done: /** @type {HTMLInputElement} */ (e.currentTarget).checked }) }),
        " Done")
      : c.done ? h("span", { class: "tag tag-done" }, "Done") : null;
    return h("li", { class: ["chain", c.done && "is-done", c.root_step_id && "has-root", pendingEdits.length && "is-saving"], dataset: { id: c.id, spot: `chain:${c.id}` } },
      h("div", { class: "chain-head" }, problem, done),
      c.steps.length || pendingWhys.length
        ? h("ol", { class: "why-steps" },
          c.steps.map((s, i) => this.step(c, s, i, write)),
          pendingWhys.map((op, j) => h("li", { class: "why-step is-pending" },
            h("span", { class: "why-num", "aria-hidden": "true" }, String(c.steps.length + j + 1)),
            h("div", { class: "why-body" },
              h("p", { class: "why-q" }, h("span", { class: "why-label" }, "Why? "), op.why),
              op.answer ? h("p", { class: "why-a" }, h("span", { class: "why-label" }, "Because "), op.answer) : null,
              h("span", { class: "pending-tag" }, "sending…")))))
        : h("p", { class: "empty" }, "No whys yet."),
      c.root_step_id && c.root_cause
        ? h("p", { class: "root-cause" }, h("strong", {}, "Structural cause: "), c.root_cause)
        : null,
      // "Keep asking why" from the server: a chain marked done too early, or ending at a person.
      (c.nudges || []).map((f) => h("p", { class: "nudge chain-nudge", role: "note" }, f.message, " ",
        h("strong", { class: "nudge-reframe" }, f.reframe))),
      write ? this.addWhyForm(c) : null,
      this.chainControls(c, write),
      pendingEdits.length ? h("p", { class: "pending-tag" }, "Saving…") : null);
  }

  /**
   * Spotlight (facilitator) and delete (writers, two clicks: there is no undo).
   * @param {ChainView} c
   * @param {boolean} write
   */
  chainControls(c, write) {
    /** @type {HTMLElement[]} */
    const buttons = [];
    const spot = this.ctx.spotlight ? this.ctx.spotlight.button("chain", c.id, c.problem) : null;
    if (spot) buttons.push(spot);
    // A whole chain is deleted by whoever started it or the facilitator (the server says so too).
    if (write && this.ctx.store.can("delete_chain") && (c.mine || this.ctx.store.isFacilitator())) {
      if (this.deleting === c.id) {
        buttons.push(
          h("button", { type: "button", class: "link-button danger-link", dataset: { key: `chain-${c.id}-delete-yes` },
            onclick: () => { this.deleting = null; this.send({ type: "delete_chain", chain_id: c.id }); } }, "Yes, delete this chain"),
          h("button", { type: "button", class: "link-button", dataset: { key: `chain-${c.id}-delete-no` },
            onclick: () => { this.deleting = null; this.render(null); } }, "Keep it"));
      } else {
        buttons.push(h("button", { type: "button", class: "link-button danger-link", dataset: { key: `chain-${c.id}-delete` }, "aria-label": `Delete the chain: ${c.problem}`,
          onclick: () => { this.deleting = c.id; this.render(null); this.focusKey(`chain-${c.id}-delete-yes`); } }, "Delete chain"));
      }
    }
    return buttons.length ? h("div", { class: "chain-controls" }, buttons) : null;
  }

  /**
   * @param {ChainView} c
   * @param {WhyStepView} s
   * @param {number} i
   * @param {boolean} write
   */
  step(c, s, i, write) {
    const isRoot = c.root_step_id === s.id;
    const base = `why-${s.id}`;
    // Steps read as text; one step at a time opens for editing ("Edit"), so a chain of five
    // whys fits on the screen.
    const editing = write && this.editingStep === s.id;
    let body;
    if (editing) {
      body = [
        h("div", { class: "field" },
          h("label", { for: `${base}-q` }, `Why? (${i + 1})`),
          inlineField("input", { id: `${base}-q`, type: "text", required: true, maxlength: 2000, autocomplete: "off", dataset: { key: `${base}-q` } },
            s.why, this.state, (why) => this.send({ type: "edit_why", chain_id: c.id, step_id: s.id, why }))),
        h("div", { class: "field" },
          h("label", { for: `${base}-a` }, "Because"),
          inlineField("textarea", { id: `${base}-a`, rows: 2, maxlength: 4000, dataset: { key: `${base}-a` } },
            s.answer, this.state, (answer) => this.send({ type: "edit_why", chain_id: c.id, step_id: s.id, answer }))),
      ];
    } else {
      body = [
        h("p", { class: "why-q" }, h("span", { class: "why-label" }, "Why? "), s.why),
        s.answer ? h("p", { class: "why-a" }, h("span", { class: "why-label" }, "Because "), s.answer) : null,
      ];
    }
    const marking = this.marking && this.marking.chainId === c.id && this.marking.stepId === s.id;
    /** @type {HTMLElement[]} */
    const controls = [];
    if (isRoot) controls.push(h("span", { class: "tag tag-root" }, "Structural cause"));
    if (write) {
      controls.push(h("button", {
        type: "button", class: "link-button why-edit", dataset: { key: `${base}-edit` }, "aria-expanded": String(editing),
        "aria-label": editing ? `Done editing why ${i + 1}` : `Edit why ${i + 1}`,
        // Keep the focus in the field on press: a blur first would save and redraw, and the
        // click would then land on a button that is no longer there.
        onmousedown: (e) => e.preventDefault(),
        onclick: () => {
          const active = /** @type {HTMLElement | null} */ (document.activeElement);
          if (editing && active && this.root.contains(active)) active.blur();  // saves the field
          this.editingStep = editing ? null : s.id;
          this.render(null);
          this.focusKey(editing ? `${base}-edit` : `${base}-q`);
        },
      }, editing ? "Done" : "Edit"));
    }
    if (write && !marking) {
      controls.push(h("button", {
        type: "button", class: "link-button", dataset: { key: `${base}-mark` },
        onclick: () => { this.marking = { chainId: c.id, stepId: s.id, focus: true }; this.render(null); },
      }, isRoot ? "Edit cause" : "Mark as structural cause"));
      if (isRoot) {
        controls.push(h("button", {
          type: "button", class: "link-button", dataset: { key: `${base}-unmark` },
          onclick: () => this.send({ type: "mark_root_cause", chain_id: c.id, step_id: null, cause: "" }),
        }, "Unmark"));
      }
      if (this.ctx.store.can("delete_why")) {
        controls.push(h("button", {
          type: "button", class: "link-button danger-link", dataset: { key: `${base}-delete` }, "aria-label": `Delete why ${i + 1}`,
          onclick: () => this.send({ type: "delete_why", chain_id: c.id, step_id: s.id }),
        }, "Delete"));
      }
    }
    return h("li", { class: ["why-step", isRoot && "is-root"], dataset: { id: s.id } },
      h("span", { class: "why-num", "aria-hidden": "true" }, String(i + 1)),
      h("div", { class: "why-body" },
        body,
        controls.length ? h("div", { class: "why-controls" }, controls) : null,
        write && marking ? this.markForm(c, s, isRoot) : null));
  }

  /**
   * @param {ChainView} c
   * @param {WhyStepView} s
   * @param {boolean} isRoot
   */
  markForm(c, s, isRoot) {
    const id = `why-${s.id}-cause`;
    const input = h("input", { id, type: "text", required: true, maxlength: 4000, autocomplete: "off", dataset: { key: id, nudge: "text" },
      placeholder: "Config pushes skip the canary stage" });
    if (isRoot) input.value = c.root_cause;
    const close = () => {
      this.marking = null;
      this.render(null);
      this.focusKey(`why-${s.id}-mark`);
    };
    const form = h("form", {
      class: "inline-form mark-form",
      onsubmit: (e) => {
        e.preventDefault();
        const cause = input.value.trim();
        if (!cause) return input.focus();
        input.value = "";
        this.marking = null;
        this.send({ type: "mark_root_cause", chain_id: c.id, step_id: s.id, cause });
        close();
      },
      onkeydown: (e) => { if (e.key === "Escape") close(); },
    },
    h("div", { class: "field grow" }, h("label", { for: id }, "The structural cause, in one sentence"), input),
    h("button", { type: "submit", class: "button primary small" }, "Save cause"),
    h("button", { type: "button", class: "button small", onclick: close }, "Cancel"));
    if (this.marking && this.marking.focus) {
      this.marking.focus = false;
      setTimeout(() => input.focus(), 0);
    }
    return form;
  }

  /** @param {ChainView} c */
  addWhyForm(c) {
    const qId = `chain-${c.id}-new-why`;
    const aId = `chain-${c.id}-new-answer`;
    const q = h("input", { id: qId, type: "text", required: true, maxlength: 2000, autocomplete: "off", dataset: { key: qId, nudge: "text" } });
    const a = h("input", { id: aId, type: "text", maxlength: 4000, autocomplete: "off", dataset: { key: aId, nudge: "text" } });
    return h("form", {
      class: "inline-form why-new",
      "aria-label": `Add a why to: ${c.problem}`,
      onsubmit: (e) => {
        e.preventDefault();
        const why = q.value.trim();
        if (!why) return q.focus();
        const answer = a.value.trim();
        q.value = "";
        a.value = "";
        this.send({ type: "add_why", chain_id: c.id, why, answer });
        this.focusKey(qId);
      },
    },
    h("div", { class: "field grow" }, h("label", { for: qId }, "Next: why?"), q),
    h("div", { class: "field grow" }, h("label", { for: aId }, "Because"), a),
    h("button", { type: "submit", class: "button" }, "Add why"));
  }
}
