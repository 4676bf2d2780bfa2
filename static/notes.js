// @ts-check
// Notes (stickies) as columns, and the parking lot, which takes questions in any phase.
//
// A reflection phase shows one column per section (went well, went badly, ...), each with its
// own input at its top; contributing factors show one column per category that has notes, with
// one input that picks the category. On a phone the per-column inputs give way to one composer
// pinned at the bottom (`#note-form`, with a section picker), so writing never means scrolling
// past everyone else's notes.
//
// Private writing: while a private phase is not revealed, the server sends each person only
// their own notes (marked `hidden`) and tells everyone how many exist (`private_count`). We say
// so plainly above the columns, and only then.

import { fill, h } from "./dom.js";
import { InlineEdits } from "./edit.js";
import { SECTION_ORDER, plural, sectionLabel } from "./format.js";

/** @typedef {import("./types.js").BoardStore} BoardStore */
/** @typedef {import("./types.js").Category} Category */
/** @typedef {import("./types.js").InputOf<"add_sticky">} AddStickyOp */
/** @typedef {import("./types.js").PhaseView} PhaseView */
/** @typedef {import("./types.js").Section} Section */
/** @typedef {import("./types.js").Send} Send */
/** @typedef {import("./types.js").Spotlight} Spotlight */
/**
 * A note as drawn: a sticky from the server, or one of ours still on its way (`pending`).
 * @typedef {{id: string, section?: Section, category?: Category | null, text: string, mine: boolean,
 *   pending: boolean, hidden?: boolean, author?: string | null}} Note
 */
/** @typedef {{key: string, title: string, notes: Note[], composer: Section | null, cls: string}} Column */

/** @type {Record<Category, string>} */
export const CATEGORIES = {
  monitoring: "Monitoring", testing: "Testing", process: "Process", knowledge: "Knowledge",
  tooling: "Tooling", change: "Change", communication: "Communication", other: "Other",
};

export class NotesPanel {
  /**
   * @param {object} o
   * @param {HTMLFormElement} o.form           the one composer (pinned at the bottom on a phone)
   * @param {HTMLSelectElement} o.section      its section picker
   * @param {HTMLElement} o.sectionField
   * @param {HTMLTextAreaElement} o.text
   * @param {HTMLElement} o.noNotes            "this phase takes no notes"
   * @param {HTMLElement} o.groups             the columns
   * @param {HTMLElement} o.notice             the private-writing notice
   * @param {HTMLFormElement} o.parkForm
   * @param {HTMLTextAreaElement | HTMLInputElement} o.parkText
   * @param {HTMLElement} o.parkList
   * @param {HTMLElement | null} o.parkCount
   * @param {BoardStore} o.store
   * @param {Send} o.send
   * @param {Spotlight} o.spotlight
   */
  constructor({ form, section, sectionField, text, noNotes, groups, notice, parkForm, parkText, parkList, parkCount, store, send, spotlight }) {
    this.form = form;
    this.section = section;
    this.sectionField = sectionField;
    this.text = text;
    this.noNotes = noNotes;
    this.groups = groups;
    this.notice = notice;
    this.parkForm = parkForm;
    this.parkText = parkText;
    this.parkList = parkList;
    this.parkCount = parkCount;
    this.store = store;
    this.send = send;
    this.spotlight = spotlight;
    this.canWrite = false;
    this.canPark = false;
    this.sectionsKey = "";
    this.edits = new InlineEdits(() => this.render(this.canWrite, this.canPark));
    /** @type {Map<string, string>} section -> text typed in its column, kept across redraws */
    this.drafts = new Map();
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.add(/** @type {Section} */ (section.value), text.value);  // its options are sections
      text.value = "";
      text.focus();
    });
    // Enter adds the note, Shift+Enter starts a new line: notes are short.
    text.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    parkForm.addEventListener("submit", (e) => {
      e.preventDefault();
      const value = parkText.value.trim();
      if (!value) return;
      send({ type: "park_question", text: value });
      parkText.value = "";
      parkText.focus();
    });
  }

  /**
   * @param {Section} sectionName
   * @param {string} raw
   */
  add(sectionName, raw) {
    const value = raw.trim();
    if (!value) return;
    /** @type {AddStickyOp} */
    const op = { type: "add_sticky", section: sectionName, text: value };
    // Contributing factors carry a category: the write-up and the incident log group by it.
    // (The page's category picker, whose options are the categories.)
    if (sectionName === "contributing") {
      op.category = /** @type {Category} */ (/** @type {HTMLSelectElement} */ (document.getElementById("note-category")).value);
    }
    this.send(op);
  }

  /**
   * canWrite: the server takes notes from us now; canPark: it takes parking-lot questions.
   * @param {boolean} canWrite
   * @param {boolean} [canPark]
   */
  render(canWrite, canPark = canWrite) {
    this.canWrite = canWrite;
    this.canPark = canPark;
    const phase = this.store.currentPhase();
    const closed = Boolean(this.store.board && this.store.board.closed_at !== null);
    const sections = phase && !closed ? phase.sections.filter((s) => s !== "parking_lot") : [];
    const byCategory = sections.length === 1 && sections[0] === "contributing";
    this.renderComposer(canWrite, phase, sections, byCategory);
    this.renderNotice(phase, canWrite);
    this.renderColumns(sections, canWrite, byCategory, closed);
    this.renderParking(canPark);
  }

  /**
   * @param {boolean} canWrite
   * @param {PhaseView | null} phase
   * @param {Section[]} sections
   * @param {boolean} byCategory
   */
  renderComposer(canWrite, phase, sections, byCategory) {
    this.form.hidden = !canWrite || sections.length === 0;
    this.form.classList.toggle("has-columns", !byCategory);
    this.noNotes.hidden = !canWrite || !phase || sections.length > 0;
    // Rebuild the options only when the set changes, so a chosen section survives redraws.
    const key = sections.join(",");
    if (key !== this.sectionsKey) {
      this.sectionsKey = key;
      const chosen = this.section.value;
      fill(this.section, sections.map((s) => h("option", { value: s }, sectionLabel(s))));
      if (/** @type {string[]} */ (sections).includes(chosen)) this.section.value = chosen;
    }
    this.sectionField.hidden = sections.length < 2;
    // Both are in the composer's template.
    /** @type {HTMLElement} */ (document.getElementById("note-category-field")).hidden = !byCategory;
    /** @type {HTMLElement} */ (this.form.querySelector("label[for=note-text]")).textContent = byCategory
      ? "A contributing factor" : sections.length === 1 ? `Your note: ${sectionLabel(sections[0]).toLowerCase()}` : "Your note";
  }

  /**
   * @param {PhaseView | null} phase
   * @param {boolean} canWrite
   */
  renderNotice(phase, canWrite) {
    const privateNow = Boolean(phase && phase.private && !phase.revealed && this.store.board && this.store.board.closed_at === null);
    this.notice.hidden = !privateNow;
    if (!phase || !privateNow) return;
    const count = `${plural(phase.private_count, "note", "notes")} written so far`;
    if (!canWrite) {
      fill(this.notice, h("strong", {}, "People are writing on their own."), " ", `${count}; they appear when the facilitator reveals them.`);
      return;
    }
    const mine = [...this.store.stickies.values()].filter((s) => s.hidden && s.phase_id === phase.id).length;
    fill(this.notice,
      h("strong", {}, "Only you can see what you write here until the facilitator reveals it."),
      " ", count, mine ? ` (${mine} by you).` : ".");
  }

  /**
   * Notes to show, with our own in flight, as {id, section, category, text, mine, ...}.
   * @returns {Note[]}
   */
  allNotes() {
    /** @type {Note[]} */
    const notes = [...this.store.stickies.values()].filter((s) => s.section !== "parking_lot").map((s) => ({ ...s, pending: false }));
    for (const op of this.store.pendingOps("add_sticky")) {
      notes.push({ id: op.cid, section: op.section, category: op.category || null, text: op.text, mine: true, pending: true });
    }
    return notes;
  }

  /**
   * @param {Section[]} sections
   * @param {boolean} canWrite
   * @param {boolean} byCategory
   * @param {boolean} closed
   */
  renderColumns(sections, canWrite, byCategory, closed) {
    // Keep what was typed in a column's input across the redraw.
    for (const el of /** @type {NodeListOf<HTMLTextAreaElement>} */ (this.groups.querySelectorAll("textarea[data-section]"))) {
      this.drafts.set(/** @type {string} */ (el.dataset.section), el.value);  // the selector asks for it
    }
    const active = /** @type {HTMLElement | null} */ (document.activeElement);
    const focused = active && this.groups.contains(active) && active.dataset.section;
    const notes = this.allNotes();
    /** @type {Column[]} */
    let columns;
    if (byCategory) {
      const used = /** @type {Category[]} */ (Object.keys(CATEGORIES)).filter((c) => notes.some((n) => n.section === "contributing" && (n.category || "other") === c));
      columns = used.map((c) => ({ key: `category-${c}`, title: CATEGORIES[c], notes: notes.filter((n) => n.section === "contributing" && (n.category || "other") === c), composer: null, cls: "section-contributing" }));
      if (!columns.length) columns = [{ key: "category-none", title: "Contributing factors", notes: [], composer: null, cls: "section-contributing" }];
    } else {
      const shown = sections.length ? sections
        : closed ? SECTION_ORDER.filter((s) => notes.some((n) => n.section === s)) : [];
      columns = shown.map((s) => ({ key: s, title: sectionLabel(s), notes: notes.filter((n) => n.section === s), composer: canWrite && sections.includes(s) ? s : null, cls: `section-${s}` }));
    }
    fill(this.groups, columns.map((col) => this.column(col)));
    if (focused) {
      const again = /** @type {HTMLElement | null} */ (this.groups.querySelector(`textarea[data-section="${CSS.escape(focused)}"]`));
      if (again) again.focus();
    }
  }

  /** @param {Column} column */
  column({ key, title, notes, composer, cls }) {
    const headingId = `notes-${key}`;
    return h("section", { class: ["note-column", "note-group", cls], "aria-labelledby": headingId, dataset: { column: key } },
      h("h3", { id: headingId }, title, " ", h("span", { class: "count" }, String(notes.length))),
      composer ? this.columnComposer(composer, title) : null,
      notes.length
        ? h("ul", { class: "note-list" }, notes.map((n) => this.note(n)))
        : h("p", { class: "empty" }, "Nothing here yet."));
  }

  /**
   * @param {Section} sectionName
   * @param {string} title
   */
  columnComposer(sectionName, title) {
    const id = `note-text-${sectionName}`;
    const area = h("textarea", { id, rows: 2, maxlength: 2000, dataset: { section: sectionName, nudge: "text" }, placeholder: "Write a note, Enter to add" });
    area.value = this.drafts.get(sectionName) || "";
    const submit = () => {
      const value = area.value;
      area.value = "";
      this.drafts.set(sectionName, "");
      this.add(sectionName, value);
      area.focus();
    };
    area.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        submit();
      }
    });
    return h("form", { class: "column-composer", onsubmit: (e) => { e.preventDefault(); submit(); } },
      h("label", { for: id, class: "visually-hidden" }, `New note: ${title}`),
      area,
      h("button", { type: "submit", class: "button small primary" }, "Add"));
  }

  /** @param {boolean} canWrite */
  renderParking(canWrite) {
    this.parkForm.hidden = !canWrite;
    /** @type {Note[]} */
    const notes = [...this.store.stickies.values()].filter((s) => s.section === "parking_lot").map((s) => ({ ...s, pending: false }));
    for (const op of this.store.pendingOps("park_question")) notes.push({ id: op.cid, text: op.text, mine: true, pending: true });
    if (this.parkCount) fill(this.parkCount, String(notes.length));
    fill(this.parkList, notes.length ? notes.map((n) => this.note(n, "question")) : h("li", { class: "empty" }, "No questions parked."));
  }

  /**
   * @param {Note} n
   * @param {string} [what]
   */
  note(n, what = "note") {
    const key = `sticky:${n.id}`;
    const tags = [];
    if (n.hidden) tags.push(h("span", { class: "tag tag-private" }, "only you"));
    if (n.category && n.section !== "contributing") tags.push(h("span", { class: "tag" }, n.category));
    if (n.author) tags.push(h("span", { class: "note-author" }, n.author));
    else if (n.mine && !n.hidden) tags.push(h("span", { class: "note-author" }, "you"));
    if (n.pending) tags.push(h("span", { class: "note-author" }, "sending…"));
    const store = this.store;
    const fac = store.isFacilitator();
    const settled = !n.pending;
    // The server lets authors edit their notes and authors or the facilitator delete them.
    const controls = settled ? this.edits.controls(key, {
      what, value: n.text,
      canEdit: n.mine && store.can("edit_sticky"),
      canDelete: (n.mine || fac) && store.can("delete_sticky")
        && (n.hidden || n.section === "parking_lot" || !store.ballotPending("stickies")),
      onDelete: () => this.send({ type: "delete_sticky", sticky_id: n.id }),
      spotlight: !n.hidden && this.spotlight ? this.spotlight.button("sticky", n.id, n.text) : null,
    }) : null;
    /** @type {Record<string, string>} */
    const dataset = n.author ? { id: n.id, author: n.author, spot: `sticky:${n.id}` } : { id: n.id, spot: `sticky:${n.id}` };
    const editing = settled && this.edits.isEditing(key);
    return h("li", { class: ["note", n.hidden && "is-hidden", n.pending && "is-pending"], dataset },
      editing
        ? this.edits.form(key, { label: `Edit ${what}`, value: n.text, onSave: (text) => this.send({ type: "edit_sticky", sticky_id: n.id, text }) })
        : h("span", { class: "note-text" }, n.text),
      tags.length || controls ? h("span", { class: "note-meta" }, tags, editing ? null : controls) : null);
  }
}
