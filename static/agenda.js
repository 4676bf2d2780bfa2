// @ts-check
// The agenda (every phase, the current one marked, planned vs actual minutes) and the list of
// people on the board. Both are views of the store. For the facilitator (and only while the
// meeting is open) the agenda also carries its editing controls: "Go to", an inline editor per
// phase and a form to add a phase. Those send ops; the server decides and the view follows.

import { fill, h } from "./dom.js";
import { minutes, plural } from "./format.js";
import { saveAgendaForm } from "./agenda_save.js";

/** @typedef {import("./types.js").BoardMeta} BoardMeta */
/** @typedef {import("./types.js").BoardStore} BoardStore */
/** @typedef {import("./types.js").InputOf<"edit_phase">} EditPhaseOp */
/** @typedef {import("./types.js").ParticipantView} ParticipantView */
/** @typedef {import("./types.js").PhaseKind} PhaseKind */
/** @typedef {import("./types.js").PhaseView} PhaseView */
/** @typedef {import("./types.js").Role} Role */
/** @typedef {import("./types.js").Send} Send */
/** @typedef {import("./signals.js").Highlighter} Highlighter */
/**
 * A phase's editor form, with its fields and the names of those typed in since the last save.
 * @typedef {HTMLFormElement & {
 *   fields: {title: HTMLInputElement, mins: HTMLInputElement, priv: HTMLInputElement,
 *     up: HTMLButtonElement, down: HTMLButtonElement, remove: HTMLButtonElement, confirmText: HTMLElement},
 *   dirty: Set<string>,
 * }} EditorForm
 */

/**
 * Actual wall time spent in a phase: banked time plus the live stretch if it is current.
 * @param {PhaseView} phase
 * @param {number} now  server time
 */
function spentMs(phase, now) {
  const live = phase.entered_at !== null && phase.entered_at !== undefined ? Math.max(0, now - phase.entered_at) : 0;
  return phase.spent_ms + live;
}

/**
 * @param {HTMLElement} list
 * @param {BoardMeta} board
 * @param {number} now  server time
 */
export function renderAgenda(list, board, now) {
  const editor = EDITORS.get(list);
  const editing = Boolean(editor && editor.active(board));
  if (editor) editor.skew = now - Date.now();
  // A redraw replaces the rows; whatever had the keyboard gets it back by its key.
  const active = /** @type {HTMLElement | null} */ (document.activeElement);
  const focusKey = editing && active && list.contains(active) ? active.dataset.key : null;
  const items = board.agenda.map((phase, i) => {
    const current = phase.id === board.current;
    const planned = phase.minutes * 60_000 + phase.extended_ms;
    const spent = spentMs(phase, now);
    const state = current ? "current" : phase.visited ? "done" : "upcoming";
    const plannedText = phase.extended_ms
      ? `${phase.minutes} + ${Math.round(phase.extended_ms / 60_000)} min`
      : `${phase.minutes} min`;
    let actual = null;
    // A closed meeting has banked its last phase's time: it "took", it is no longer running.
    if (current && !board.closed_at) actual = h("span", { class: "actual" }, `${minutes(spent)} so far`);
    else if (phase.visited) {
      actual = h("span", { class: ["actual", spent > planned + 30_000 && "actual--over"] }, `took ${minutes(spent)}`);
    }
    return h("li", { class: ["agenda-item", `is-${state}`], "aria-current": current ? "step" : null, dataset: { phase: phase.id } },
      h("span", { class: "agenda-num", "aria-hidden": "true" }, String(i + 1)),
      h("span", { class: "agenda-body" },
        h("span", { class: "agenda-title" }, phase.title),
        current ? h("span", { class: "visually-hidden" }, " (current phase)") : null,
        h("span", { class: "agenda-time" },
          h("span", { class: "planned" }, plannedText),
          actual ? " · " : null,
          actual,
          phase.private ? h("span", { class: "tag" }, "private") : null)),
      editing && editor ? editor.controls(phase, i, board) : null);
  });
  if (!board.current) {
    items.unshift(h("li", { class: "agenda-item is-current is-lobby", "aria-current": "step" },
      h("span", { class: "agenda-num", "aria-hidden": "true" }, "·"),
      h("span", { class: "agenda-body" }, h("span", { class: "agenda-title" }, "Waiting to start"))));
  }
  fill(list, items);
  if (editor) editor.after(board, editing);
  if (focusKey) {
    const again = /** @type {HTMLElement | null} */ (list.querySelector(`[data-key="${CSS.escape(focusKey)}"]`));
    if (again) again.focus({ preventScroll: true });
  }
}

// --- the facilitator's agenda editor -------------------------------------------------------

/** @type {Record<PhaseKind, string>} */
export const PHASE_KINDS = {
  set_the_room: "Set the room",
  action_review: "Review earlier actions",
  summary: "Incident summary",
  timeline: "Timeline",
  five_whys: "Five whys",
  contributing_factors: "Contributing factors",
  reflection: "Reflection (went well, went badly…)",
  discussion: "Discussion",
  themes: "Themes",
  vote: "Vote",
  actions: "Actions",
  wrap_up: "Wrap-up",
};

/** @type {WeakMap<HTMLElement, AgendaEditor>} */
const EDITORS = new WeakMap();

/**
 * Give the agenda list at `list` its facilitator controls (board.js calls this once).
 * @param {HTMLElement} list
 * @param {{store: BoardStore, send: Send, api: <T>(path: string, body?: object) => Promise<T>}} o
 */
export function attachAgendaEditor(list, { store, send, api }) {
  const editor = new AgendaEditor(list, store, send, api);
  EDITORS.set(list, editor);
  return editor;
}

let uid = 0;

class AgendaEditor {
  /**
   * @param {HTMLElement} list
   * @param {BoardStore} store
   * @param {Send} send
   * @param {<T>(path: string, body?: object) => Promise<T>} api
   */
  constructor(list, store, send, api) {
    this.list = list;
    this.store = store;
    this.send = send;
    this.api = api;
    this.skew = 0;           // server clock minus ours, for "so far" on our own redraws
    /** @type {Map<string, EditorForm>} phase id -> its editor form, kept across redraws (typing survives) */
    this.open = new Map();
    this.addForm = this.buildAddForm();
    this.saveForm = saveAgendaForm(api);
    list.after(this.addForm, this.saveForm);
  }

  /** @param {BoardMeta} board */
  active(board) {
    return this.store.isFacilitator() && board.closed_at === null;
  }

  /**
   * The row's actions, and its editor when open.
   * @param {PhaseView} phase
   * @param {number} index
   * @param {BoardMeta} board
   */
  controls(phase, index, board) {
    const current = phase.id === board.current;
    const form = this.open.get(phase.id);
    if (form) this.refresh(form, phase, index, board);
    return [
      h("span", { class: "agenda-actions" },
        current ? null : h("button", {
          type: "button", class: "button small agenda-goto", dataset: { key: `${phase.id}:goto` },
          "aria-label": `Go to phase ${index + 1}: ${phase.title}`,
          onclick: () => this.send({ type: "go_to_phase", phase_id: phase.id, start_timer: true }),
        }, "Go to"),
        h("button", {
          type: "button", class: "button small agenda-edit", dataset: { key: `${phase.id}:edit` },
          "aria-expanded": String(Boolean(form)), "aria-controls": form ? form.id : null,
          "aria-label": `${form ? "Done editing" : "Edit"} phase ${index + 1}: ${phase.title}`,
          onclick: () => this.toggle(phase.id),
        }, form ? "Done" : "Edit")),
      form || null,
    ];
  }

  /** @param {string} id */
  toggle(id) {
    if (this.open.has(id)) {
      this.open.delete(id);
    } else {
      // Only reachable from a drawn agenda, so there is a board.
      const phase = /** @type {BoardMeta} */ (this.store.board).agenda.find((p) => p.id === id);
      if (!phase) return;
      this.open.set(id, this.buildEditor(phase));
    }
    this.redraw();
    const wanted = this.open.has(id) ? `${id}:title` : `${id}:edit`;
    const el = /** @type {HTMLElement | null} */ (this.list.querySelector(`[data-key="${CSS.escape(wanted)}"]`));
    if (el) el.focus();
  }

  redraw() {
    if (this.store.board) renderAgenda(this.list, this.store.board, Date.now() + this.skew);
  }

  /**
   * @param {PhaseView} phase
   * @returns {EditorForm}
   */
  buildEditor(phase) {
    const id = `phase-edit-${++uid}`;
    const key = (/** @type {string} */ name) => `${phase.id}:${name}`;
    const title = h("input", { type: "text", id: `${id}-title`, maxlength: 200, required: true, autocomplete: "off", dataset: { key: key("title") } });
    const mins = h("input", { type: "number", id: `${id}-minutes`, min: 1, max: 240, step: 1, required: true, dataset: { key: key("minutes") } });
    const priv = h("input", { type: "checkbox", id: `${id}-private`, dataset: { key: key("private") } });
    const up = h("button", { type: "button", class: "button small", dataset: { key: key("up") }, onclick: () => this.move(phase.id, -1) }, "Move up");
    const down = h("button", { type: "button", class: "button small", dataset: { key: key("down") }, onclick: () => this.move(phase.id, 1) }, "Move down");
    const remove = h("button", { type: "button", class: "button small agenda-remove", dataset: { key: key("remove") }, "aria-expanded": "false" }, "Remove…");
    const confirmText = h("p", { id: `${id}-confirm-text` });
    const yes = h("button", { type: "button", class: "button small danger", dataset: { key: key("remove-yes") } }, "Yes, remove it");
    const no = h("button", { type: "button", class: "button small", dataset: { key: key("remove-no") } }, "Keep it");
    const confirm = h("div", { class: "agenda-confirm", role: "group", "aria-labelledby": `${id}-confirm-text`, hidden: true }, confirmText, yes, no);
    // `fields` and `dirty` are set on it right below.
    const form = /** @type {EditorForm} */ (h("form", { class: "agenda-editor", id, "aria-label": "Edit phase" },
      h("div", { class: "field" }, h("label", { for: title.id }, "Title"), title),
      h("div", { class: "agenda-editor-row" },
        h("div", { class: "field field-minutes" }, h("label", { for: mins.id }, "Minutes"), mins),
        h("div", { class: "field field-check" }, priv, h("label", { for: priv.id }, "Private writing"))),
      h("div", { class: "agenda-editor-row" },
        h("button", { type: "submit", class: "button small primary", dataset: { key: key("save") } }, "Save"),
        up, down, remove),
      confirm));
    const ask = (/** @type {boolean} */ asking) => {
      confirm.hidden = !asking;
      remove.setAttribute("aria-expanded", String(asking));
      (asking ? yes : remove).focus();
    };
    form.fields = { title, mins, priv, up, down, remove, confirmText };
    form.dirty = new Set();
    for (const [name, el] of /** @type {const} */ ([["title", title], ["minutes", mins], ["private", priv]])) {
      el.addEventListener("input", () => form.dirty.add(name));
      el.addEventListener("change", () => form.dirty.add(name));
    }
    remove.addEventListener("click", () => ask(true));
    no.addEventListener("click", () => ask(false));
    confirm.addEventListener("keydown", (e) => { if (e.key === "Escape") ask(false); });
    form.addEventListener("keydown", (e) => { if (e.key === "Escape" && confirm.hidden) this.toggle(phase.id); });
    yes.addEventListener("click", () => {
      confirm.hidden = true;
      remove.setAttribute("aria-expanded", "false");
      this.send({ type: "remove_phase", phase_id: phase.id });
      remove.focus();
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const now = this.store.board && this.store.board.agenda.find((p) => p.id === phase.id);
      if (!now) return;
      /** @type {EditPhaseOp} */
      const op = { type: "edit_phase", phase_id: phase.id };
      const newTitle = title.value.trim();
      const newMinutes = Number(mins.value);
      if (newTitle && newTitle !== now.title) op.title = newTitle;
      if (Number.isInteger(newMinutes) && newMinutes !== now.minutes) op.minutes = newMinutes;
      if (priv.checked !== now.private) op.private = priv.checked;
      form.dirty.clear();
      if (Object.keys(op).length > 2) this.send(op);
      this.redraw();  // fields show the board's values until the server's answer arrives
    });
    return form;
  }

  /**
   * Bring an open editor up to date, leaving alone what is being typed.
   * @param {EditorForm} form
   * @param {PhaseView} phase
   * @param {number} index
   * @param {BoardMeta} board
   */
  refresh(form, phase, index, board) {
    const f = form.fields;
    if (!form.dirty.has("title")) f.title.value = phase.title;
    if (!form.dirty.has("minutes")) f.mins.value = String(phase.minutes);
    if (!form.dirty.has("private")) f.priv.checked = phase.private;
    f.up.disabled = index === 0;
    f.down.disabled = index === board.agenda.length - 1;
    f.up.setAttribute("aria-label", `Move ${phase.title} up`);
    f.down.setAttribute("aria-label", `Move ${phase.title} down`);
    f.remove.setAttribute("aria-label", `Remove ${phase.title}`);
    f.remove.disabled = phase.id === board.current;
    f.remove.title = f.remove.disabled ? "The current phase cannot be removed; move to another phase first." : "";
    fill(f.confirmText, h("strong", {}, `Remove “${phase.title}” from the agenda?`));
  }

  /**
   * @param {string} id
   * @param {number} by
   */
  move(id, by) {
    // Only reachable from a drawn agenda, so there is a board.
    const { agenda } = /** @type {BoardMeta} */ (this.store.board);
    const i = agenda.findIndex((p) => p.id === id);
    const to = i + by;
    if (i < 0 || to < 0 || to >= agenda.length) return;
    this.send({ type: "move_phase", phase_id: id, index: to });
  }

  buildAddForm() {
    const kind = h("select", { id: "add-phase-kind", name: "kind" },
      Object.entries(PHASE_KINDS).map(([value, label]) => h("option", { value }, label)));
    const title = h("input", { id: "add-phase-title", name: "title", type: "text", maxlength: 200, autocomplete: "off", placeholder: PHASE_KINDS.set_the_room });
    const mins = h("input", { id: "add-phase-minutes", name: "minutes", type: "number", min: 1, max: 240, step: 1, value: 5, required: true });
    const priv = h("input", { id: "add-phase-private", name: "private", type: "checkbox" });
    // Where it goes: before a phase of the agenda (options follow the agenda, `after`), or last.
    this.addWhere = h("select", { id: "add-phase-where", name: "where" }, h("option", { value: "" }, "At the end"));
    const where = this.addWhere;
    // The options are PHASE_KINDS' keys.
    const chosen = () => /** @type {PhaseKind} */ (kind.value);
    kind.addEventListener("change", () => { title.placeholder = PHASE_KINDS[chosen()]; });
    const form = h("details", { class: "agenda-add", hidden: true },
      h("summary", {}, "Add a phase"),
      h("form", { class: "agenda-editor", "aria-label": "Add a phase", onsubmit: (e) => {
        e.preventDefault();
        const minutes = Number(mins.value);
        const board = this.store.board;
        const at = board && where.value ? board.agenda.findIndex((p) => p.id === where.value) : -1;
        this.send({
          type: "add_phase", kind: chosen(), title: title.value.trim() || PHASE_KINDS[chosen()],
          minutes: Number.isInteger(minutes) ? minutes : 5, private: priv.checked,
          ...(at >= 0 ? { index: at } : {}),
        });
        title.value = "";
        priv.checked = false;
        title.focus();
      } },
        h("div", { class: "field" }, h("label", { for: kind.id }, "Kind"), kind),
        h("div", { class: "field" }, h("label", { for: title.id }, "Title"), title),
        h("div", { class: "agenda-editor-row" },
          h("div", { class: "field field-minutes" }, h("label", { for: mins.id }, "Minutes"), mins),
          h("div", { class: "field field-check" }, priv, h("label", { for: priv.id }, "Private writing"))),
        h("div", { class: "field" }, h("label", { for: where.id }, "Where"), where),
        h("button", { type: "submit", class: "button small primary", id: "add-phase-submit" }, "Add phase")));
    return form;
  }

  /**
   * The add form's "Where" choices: before each phase of the agenda, or at the end; the choice
   * made stays while it still names a phase.
   * @param {BoardMeta} board
   */
  placeOptions(board) {
    const where = /** @type {HTMLSelectElement} */ (this.addWhere);
    const kept = where.value;
    const key = board.agenda.map((p) => `${p.id}:${p.title}`).join("|");
    if (where.dataset.agenda === key) return;
    where.dataset.agenda = key;
    where.replaceChildren(h("option", { value: "" }, "At the end"),
      ...board.agenda.map((p, i) => h("option", { value: p.id }, `Before ${i + 1}. ${p.title}`)));
    where.value = board.agenda.some((p) => p.id === kept) ? kept : "";
  }

  /**
   * After each redraw: forget editors of removed phases, show the add form to whom it is for.
   * @param {BoardMeta} board
   * @param {boolean} editing
   */
  after(board, editing) {
    for (const id of this.open.keys()) {
      if (!board.agenda.some((p) => p.id === id)) this.open.delete(id);
    }
    if (!editing) this.open.clear();
    this.addForm.hidden = !editing;
    if (editing) this.placeOptions(board);
    this.saveForm.hidden = !editing;
    this.list.classList.toggle("is-editable", editing);
  }
}

/** @type {Partial<Record<Role, string>>} */
const ROLE_WORDS = { facilitator: "facilitator", observer: "observer" };

/**
 * @param {HTMLElement} list
 * @param {HTMLElement} count
 * @param {Map<string, ParticipantView>} participants
 * @param {{online: number}} presence
 * @param {Highlighter | null} [highlighter]  on named boards: marks what a person wrote
 */
export function renderPeople(list, count, participants, presence, highlighter = null) {
  const people = [...participants.values()].sort((a, b) =>
    (a.role === "facilitator" ? 0 : 1) - (b.role === "facilitator" ? 0 : 1) || a.name.localeCompare(b.name));
  fill(count, `${people.length}`);
  fill(list, people.map((p) => h("li", { class: ["person", p.me && "is-me"] },
    h("span", { class: "person-name" }, p.name),
    p.me ? h("span", { class: "tag" }, "you") : null,
    ROLE_WORDS[p.role] ? h("span", { class: ["tag", `tag-${p.role}`] }, ROLE_WORDS[p.role]) : null,
    // Named boards only: show what this person wrote (the page marks items by author name).
    highlighter && p.role !== "observer" ? h("button", {
      type: "button", class: "button small person-highlight", dataset: { highlight: p.name },
      "aria-pressed": String(highlighter.name === p.name),
      "aria-label": `Highlight what ${p.name} wrote`,
      onclick: () => highlighter.toggle(p.name),
    }, "Highlight") : null)));
  // Names of who is online come only on named boards; otherwise a count is all we show.
  if (presence.online) {
    list.appendChild(h("li", { class: "person presence-line" }, `${plural(presence.online, "person", "people")} online now`));
  }
}
