// @ts-check
// Actions: propose, force-rank, select the two or three the meeting commits to, and have each
// owner say "yes, I own this" themselves. Shown in the actions and wrap-up phases, and read only
// once the meeting is closed.
//
// Ranking works by keyboard (Move up / Move down) and by drag and drop; both send rank_action
// and the list redraws from the server's `board.action_order`. Edits happen in a small form per
// action that survives redraws, so someone else's change does not wipe what you are typing.

import { fill, h } from "./dom.js";
import { IssueMaker } from "./issue_maker.js";
import { focusMemo, keepFocus } from "./vote.js";

/** @typedef {import("./types.js").ActionKind} ActionKind */
/** @typedef {import("./types.js").ActionView} ActionView */
/** @typedef {import("./types.js").InputOf<"add_action">} AddActionOp */
/** @typedef {import("./types.js").InputOf<"edit_action">} EditActionOp */
/** @typedef {import("./types.js").PanelContext} PanelContext */
/** @typedef {import("./types.js").ParticipantView} ParticipantView */

const ACTION_PHASES = new Set(["actions", "wrap_up"]);
/** @type {Record<ActionKind, string>} */
const KINDS = { immediate: "Immediate", short_term: "Short term", long_term: "Long term" };
/** @type {Record<string, string>} */
const STATUSES = { open: "Open", in_progress: "In progress", done: "Done", dropped: "Dropped" };
const RELEVANT = ["action", "board", "participant", "pending", "guidance"];

/**
 * The server's nudges on one action (vague wording, no owner, no date, no criterion), folded
 * so a list of actions stays readable. They describe the action, never who wrote it.
 * @param {ActionView} a
 */
function actionNudges(a) {
  if (!a.nudges || a.nudges.length === 0) return null;
  const n = a.nudges.length;
  return h("details", { class: "action-nudges" },
    h("summary", {}, `${n} ${n === 1 ? "suggestion" : "suggestions"} to make this concrete`),
    h("ul", {}, a.nudges.map((f) => h("li", {},
      f.words.length ? [h("q", {}, f.words.join("”, “")), ": "] : null,
      f.message, " ", h("strong", {}, f.reframe)))));
}

/**
 * @param {ParticipantView[]} participants
 * @param {ParticipantView | null} me
 * @param {string} selected
 */
function ownerOptions(participants, me, selected) {
  const options = [h("option", { value: "" }, "No owner yet")];
  for (const p of participants) {
    if (p.role === "observer") continue;
    options.push(h("option", { value: p.id, selected: p.id === selected }, me && p.id === me.id ? `${p.name} (you)` : p.name));
  }
  return options;
}

/** @param {ActionKind} selected */
function kindOptions(selected) {
  return Object.entries(KINDS).map(([value, label]) => h("option", { value, selected: value === selected }, label));
}

export class ActionsPanel {
  /**
   * @param {HTMLElement} root
   * @param {PanelContext} ctx
   */
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    /** @type {{id: string, form: HTMLFormElement} | null} while someone edits an action inline */
    this.editing = null;
    /** @type {string | null} the action being dragged */
    this.dragId = null;
    /** @type {string | null} the action whose Delete waits for "Yes" */
    this.deleting = null;
    this.writable = false;
    this.ownersKey = "";
    this.focusMemo = focusMemo();
    this.issues = new IssueMaker(ctx.api, () => this.render(null));
    root.hidden = true;
    root.className = "card actions-panel";
    root.setAttribute("role", "region");
    root.setAttribute("aria-labelledby", "actions-heading");

    this.text = h("input", { id: "action-text", name: "text", type: "text", required: true, maxlength: "2000", autocomplete: "off", dataset: { nudge: "action" }, placeholder: "Alert on gateway config drift" });
    this.owner = h("select", { id: "action-owner", name: "owner" });
    this.due = h("input", { id: "action-due", name: "due", type: "date" });
    this.success = h("input", { id: "action-success", name: "success", type: "text", maxlength: "4000", autocomplete: "off", placeholder: "A config push that drifts pages us" });
    this.kind = h("select", { id: "action-kind", name: "kind" }, kindOptions("short_term"));
    this.form = h("form", { class: "action-form", "aria-label": "Add an action" },
      h("div", { class: "field action-form-text" }, h("label", { for: "action-text" }, "Action"), this.text),
      h("div", { class: "field" }, h("label", { for: "action-owner" }, "Owner"), this.owner),
      h("div", { class: "field" }, h("label", { for: "action-due" }, "Due ", h("span", { class: "optional" }, "(optional)")), this.due),
      h("div", { class: "field" }, h("label", { for: "action-kind" }, "Kind"), this.kind),
      h("div", { class: "field action-form-success" }, h("label", { for: "action-success" }, "Done when ", h("span", { class: "optional" }, "(success criterion)")), this.success),
      h("button", { type: "submit", class: "button primary" }, "Add action"));
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      const text = this.text.value.trim();
      if (!text) return;
      // The kind's options are KINDS' keys.
      /** @type {AddActionOp} */
      const op = { type: "add_action", text, due: this.due.value, success: this.success.value.trim(), kind: /** @type {ActionKind} */ (this.kind.value) };
      if (this.owner.value) op.owner_id = this.owner.value;
      this.ctx.send(op);
      this.text.value = "";
      this.success.value = "";
      this.due.value = "";
      this.owner.value = "";
      this.kind.value = "short_term";  // each action's kind is chosen, not inherited from the last
      this.text.focus();
    });

    this.summary = h("p", { class: "action-summary", "aria-live": "polite" });
    this.note = h("p", { class: "action-note" });
    this.list = h("ol", { class: "action-list", "aria-label": "Actions, most important first" });
    this.empty = h("p", { class: "empty" }, "No actions yet.");
    this.hint = h("p", { class: "hint" }, "Rank with Move up and Move down, or drag an action. The facilitator selects the two or three the meeting commits to.");
    root.append(h("h2", { id: "actions-heading" }, "Actions"), this.form, this.summary, this.note, this.hint, this.issues.status, this.list, this.empty);
    this.wireDrag();
  }

  /** @param {Set<string> | null} kinds */
  render(kinds) {
    if (kinds && !RELEVANT.some((k) => kinds.has(k))) return;
    const { store } = this.ctx;
    if (!store.board) return;
    const phase = store.currentPhase();
    const inPhase = Boolean(phase && ACTION_PHASES.has(phase.kind));
    const closed = store.board.closed_at !== null;
    const actions = this.ordered();
    const visible = inPhase || (closed && actions.length > 0);
    this.root.hidden = !visible;
    if (!visible) return;
    const writable = inPhase && this.ctx.canWrite();
    const fac = writable && this.ctx.isFacilitator();
    this.writable = writable;

    const participants = [...store.participants.values()];
    const me = store.me();
    const key = participants.map((p) => `${p.id}:${p.name}:${p.role}`).join("|");
    if (key !== this.ownersKey) {
      this.ownersKey = key;
      const chosen = this.owner.value;
      fill(this.owner, ownerOptions(participants, me, chosen));
    }
    this.form.hidden = !writable;
    this.hint.hidden = !writable || actions.length < 2;
    this.renderSummary(actions);

    this.empty.hidden = actions.length > 0;
    if (this.editing && !store.actions.has(this.editing.id)) this.editing = null;
    keepFocus(this.list, () => {
      fill(this.list, actions.map((a, i) => this.item(a, i, actions.length, { writable, fac, me })));
    }, this.focusMemo);
  }

  /** @returns {ActionView[]} the actions in rank order */
  ordered() {
    const { store } = this.ctx;
    const ids = (store.board ? store.board.action_order : []).filter((id) => store.actions.has(id));
    for (const id of store.actions.keys()) if (!ids.includes(id)) ids.push(id);
    return ids.map((id) => /** @type {ActionView} */ (store.actions.get(id)));  // every id is in the map
  }

  /** @param {string | null} id */
  name(id) {
    const p = id && this.ctx.store.participants.get(id);
    return p ? p.name : "someone";
  }

  /** @param {ActionView[]} actions */
  renderSummary(actions) {
    const selected = actions.filter((a) => a.selected);
    const waiting = actions.filter((a) => a.owner_id && !a.confirmed);
    const unowned = actions.filter((a) => !a.owner_id).length;
    const names = [...new Set(waiting.map((a) => this.name(a.owner_id)))];
    const owned = actions.some((a) => a.owner_id);
    const parts = [`${selected.length} selected`];
    // "All owners confirmed" only once there are owners to confirm.
    if (waiting.length) parts.push(`${waiting.length} not yet confirmed: ${names.join(", ")}`);
    else if (owned) parts.push("all owners confirmed");
    if (unowned) parts.push(`${unowned} without an owner`);
    this.summary.hidden = actions.length === 0;
    this.summary.textContent = parts.join(" · ");
    const load = (this.ctx.store.guidance && this.ctx.store.guidance.action_load) || [];
    this.note.hidden = load.length === 0;
    fill(this.note, load.map((f) => h("span", { class: "nudge-item" }, f.message, " ", h("strong", {}, f.reframe))));
  }

  /**
   * @param {ActionView} a
   * @param {number} index
   * @param {number} count
   * @param {{writable: boolean, fac: boolean, me: ParticipantView | null}} o
   */
  item(a, index, count, { writable, fac, me }) {
    const pendingRank = this.ctx.store.pendingOps("rank_action").length > 0;
    const label = a.text.length > 60 ? `${a.text.slice(0, 57)}…` : a.text;
    /** @type {HTMLElement[]} */
    const controls = [];
    if (writable) {
      controls.push(
        h("button", {
          type: "button", class: "button small action-up", "aria-label": `Move up: ${label}`,
          dataset: { focus: `${a.id}:up`, focusFallback: `${a.id}:down` }, disabled: index === 0 || pendingRank,
          onclick: () => this.ctx.send({ type: "rank_action", action_id: a.id, index: index - 1 }),
        }, "Move up"),
        h("button", {
          type: "button", class: "button small action-down", "aria-label": `Move down: ${label}`,
          dataset: { focus: `${a.id}:down`, focusFallback: `${a.id}:up` }, disabled: index === count - 1 || pendingRank,
          onclick: () => this.ctx.send({ type: "rank_action", action_id: a.id, index: index + 1 }),
        }, "Move down"),
        h("button", {
          type: "button", class: "button small action-edit", dataset: { focus: `${a.id}:edit` },
          "aria-expanded": String(Boolean(this.editing && this.editing.id === a.id)),
          onclick: () => this.startEdit(a),
        }, "Edit"));
    }
    if (fac) {
      controls.push(h("button", {
        type: "button", class: ["button small action-select", a.selected && "primary"], "aria-pressed": String(a.selected),
        dataset: { focus: `${a.id}:select` },
        onclick: () => this.ctx.send({ type: "select_action", action_id: a.id, selected: !a.selected }),
      }, a.selected ? "Selected" : "Select"));
    }
    // Whoever added it or the facilitator deletes an action (the server says so too).
    if (writable && (a.mine || fac) && this.ctx.store.can("delete_action") && !this.ctx.store.ballotPending("actions")) {
      // No undo, so a second click: "Delete" -> "Yes, delete".
      const asking = this.deleting === a.id;
      controls.push(asking
        ? h("span", { class: "action-delete-confirm" },
          h("button", { type: "button", class: "button small danger", dataset: { focus: `${a.id}:delete-yes` }, "aria-label": `Yes, delete: ${label}`,
            onclick: () => { this.deleting = null; this.ctx.send({ type: "delete_action", action_id: a.id }); } }, "Yes, delete"),
          h("button", { type: "button", class: "button small", dataset: { focus: `${a.id}:delete-no` },
            onclick: () => { this.deleting = null; this.render(null); } }, "Keep"))
        : h("button", { type: "button", class: "button small action-delete", dataset: { focus: `${a.id}:delete` }, "aria-label": `Delete: ${label}`,
          onclick: () => { this.deleting = a.id; this.render(null); /** @type {HTMLElement | null} */ (this.list.querySelector(`[data-focus="${a.id}:delete-yes"]`))?.focus(); } }, "Delete"));
    }
    const spot = this.ctx.spotlight ? this.ctx.spotlight.button("action", a.id, a.text) : null;
    if (spot) controls.push(spot);

    const meta = [
      h("span", { class: "tag action-kind" }, KINDS[a.kind] || a.kind),
      h("span", { class: "action-owner" }, a.owner_id ? `Owner: ${this.name(a.owner_id)}` : "No owner yet"),
      a.due ? h("span", { class: "action-due" }, `Due ${a.due}`) : null,
      a.status !== "open" ? h("span", { class: "tag" }, STATUSES[a.status] || a.status) : null,
      this.issues.link(a),
    ];
    const issuer = this.issues.button(a, me, this.ctx.isFacilitator());
    if (issuer) controls.push(issuer);
    const editing = this.editing && this.editing.id === a.id;
    return h("li", {
      class: ["action-item", a.selected ? "is-selected" : "is-proposal", editing && "is-editing"],
      dataset: { id: a.id, spot: `action:${a.id}` }, draggable: writable && !editing ? "true" : null,
    },
    h("span", { class: "action-rank" }, h("span", { class: "visually-hidden" }, "Rank "), String(index + 1)),
    h("div", { class: "action-body" },
      h("p", { class: "action-text" }, a.text, a.selected
        ? h("span", { class: "tag tag-selected" }, "committed")
        : h("span", { class: "tag tag-proposal" }, "not committed")),
      h("p", { class: "action-meta" }, meta),
      a.success ? h("p", { class: "action-success" }, h("span", { class: "lq-label" }, "Done when: "), a.success) : null,
      this.confirmation(a, me, writable),
      actionNudges(a),
      editing && this.editing ? this.editing.form : null,
      controls.length ? h("div", { class: "action-controls" }, controls) : null));
  }

  /**
   * @param {ActionView} a
   * @param {ParticipantView | null} me
   * @param {boolean} writable
   */
  confirmation(a, me, writable) {
    if (!a.owner_id) return null;
    const mine = me && a.owner_id === me.id;
    if (a.confirmed) {
      return h("p", { class: "action-confirm is-confirmed" }, mine ? "You confirmed you own this" : `${this.name(a.owner_id)} confirmed`);
    }
    if (mine && writable) {
      return h("p", { class: "action-confirm" },
        h("button", {
          type: "button", class: "button small primary action-own", dataset: { focus: `${a.id}:own` },
          disabled: this.ctx.store.pendingOps("confirm_owner").some((op) => op.action_id === a.id),
          onclick: () => this.ctx.send({ type: "confirm_owner", action_id: a.id, confirmed: true }),
        }, "Yes, I own this"));
    }
    return h("p", { class: "action-confirm is-waiting" }, mine ? "Waiting for you to confirm" : `Waiting for ${this.name(a.owner_id)} to confirm`);
  }

  /** @param {ActionView} a */
  startEdit(a) {
    if (this.editing && this.editing.id === a.id) {
      this.editing = null;
      this.render(null);
      return;
    }
    const { store } = this.ctx;
    const uid = `edit-${a.id}`;
    const text = h("input", { id: `${uid}-text`, type: "text", required: true, maxlength: "2000", value: a.text, dataset: { nudge: "action" } });
    const owner = h("select", { id: `${uid}-owner` }, ownerOptions([...store.participants.values()], store.me(), a.owner_id || ""));
    const due = h("input", { id: `${uid}-due`, type: "date", value: a.due });
    const kind = h("select", { id: `${uid}-kind` }, kindOptions(a.kind));
    const success = h("input", { id: `${uid}-success`, type: "text", maxlength: "4000", value: a.success });
    const cancel = () => {
      this.editing = null;
      this.render(null);
      const back = [.../** @type {NodeListOf<HTMLElement>} */ (this.list.querySelectorAll("[data-focus]"))].find((e) => e.dataset.focus === `${a.id}:edit`);
      if (back) back.focus();
    };
    const form = h("form", { class: "action-edit-form", "aria-label": "Edit action" },
      h("div", { class: "field action-form-text" }, h("label", { for: text.id }, "Action"), text),
      h("div", { class: "field" }, h("label", { for: owner.id }, "Owner"), owner),
      h("div", { class: "field" }, h("label", { for: due.id }, "Due"), due),
      h("div", { class: "field" }, h("label", { for: kind.id }, "Kind"), kind),
      h("div", { class: "field action-form-success" }, h("label", { for: success.id }, "Done when"), success),
      h("div", { class: "action-edit-buttons" },
        h("button", { type: "submit", class: "button small primary" }, "Save"),
        h("button", { type: "button", class: "button small", onclick: cancel }, "Cancel")));
    form.addEventListener("keydown", (e) => { if (e.key === "Escape") cancel(); });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const now = store.actions.get(a.id) || a;
      /** @type {EditActionOp} */
      const op = { type: "edit_action", action_id: a.id };
      if (text.value.trim() && text.value.trim() !== now.text) op.text = text.value.trim();
      if (owner.value !== (now.owner_id || "")) op.owner_id = owner.value;
      if (due.value !== now.due) op.due = due.value;
      if (kind.value !== now.kind) op.kind = /** @type {ActionKind} */ (kind.value);  // its options are KINDS' keys
      if (success.value.trim() !== now.success) op.success = success.value.trim();
      if (Object.keys(op).length > 2) this.ctx.send(op);
      cancel();
    });
    this.editing = { id: a.id, form };
    this.render(null);
    text.focus();
  }

  wireDrag() {
    // The list's items (item()), each with its action's id; a drag event's dataTransfer is there
    // in every browser this page runs in.
    const li = (/** @type {Event} */ e) => e.target instanceof Element ? /** @type {HTMLElement | null} */ (e.target.closest("li.action-item")) : null;
    this.list.addEventListener("dragstart", (e) => {
      const item = li(e);
      if (!item || !this.writable) return;
      const id = /** @type {string} */ (item.dataset.id);
      this.dragId = id;
      item.classList.add("is-dragging");
      const data = /** @type {DataTransfer} */ (e.dataTransfer);
      data.effectAllowed = "move";
      data.setData("text/plain", id);
    });
    this.list.addEventListener("dragover", (e) => {
      const item = li(e);
      if (!this.dragId || !item) return;
      e.preventDefault();
      /** @type {DataTransfer} */ (e.dataTransfer).dropEffect = "move";
      for (const el of this.list.querySelectorAll(".is-drop-target")) if (el !== item) el.classList.remove("is-drop-target");
      item.classList.add("is-drop-target");
    });
    this.list.addEventListener("drop", (e) => {
      const item = li(e);
      if (!this.dragId || !item) return;
      e.preventDefault();
      const order = this.ordered().map((a) => a.id);
      const index = order.indexOf(/** @type {string} */ (item.dataset.id));
      if (index >= 0 && item.dataset.id !== this.dragId) {
        this.ctx.send({ type: "rank_action", action_id: this.dragId, index });
      }
      this.endDrag();
    });
    this.list.addEventListener("dragend", () => this.endDrag());
  }

  endDrag() {
    this.dragId = null;
    for (const el of this.list.querySelectorAll(".is-dragging, .is-drop-target")) el.classList.remove("is-dragging", "is-drop-target");
  }
}
