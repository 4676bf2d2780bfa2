// Notes (stickies) grouped by section, the composer for the sections the current phase
// collects, and the parking lot, which takes questions in any phase.
//
// Private writing: while a private phase is not revealed, the server sends each person only
// their own notes (marked `hidden`) and tells everyone how many exist (`private_count`). We say
// so plainly next to the composer, so nobody wonders who can read what they type.

import { fill, h } from "./dom.js";
import { SECTION_ORDER, plural, sectionLabel } from "./format.js";

export class NotesPanel {
  constructor({ card, form, section, sectionField, text, noNotes, groups, notice, parkForm, parkText, parkList, store, send }) {
    Object.assign(this, { card, form, section, sectionField, text, noNotes, groups, notice, parkForm, parkText, parkList, store, send });
    this.sectionsKey = "";
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const value = text.value.trim();
      if (!value) return;
      const op = { type: "add_sticky", section: section.value, text: value };
      // Contributing factors carry a category (monitoring, testing, ...): the write-up and
      // the incident log group and filter by it.
      if (section.value === "contributing") op.category = document.getElementById("note-category").value;
      send(op);
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

  /** canWrite: the server takes notes from us now; canPark: it takes parking-lot questions. */
  render(canWrite, canPark = canWrite) {
    const phase = this.store.currentPhase();
    const sections = phase ? phase.sections.filter((s) => s !== "parking_lot") : [];
    this.renderComposer(canWrite, phase, sections);
    this.renderNotice(phase, canWrite);
    const anyNotes = this.renderGroups(sections);
    // A phase that collects nothing and a board without notes: the card would only say "none".
    this.card.hidden = sections.length === 0 && !anyNotes;
    this.renderParking(canPark);
  }

  renderComposer(canWrite, phase, sections) {
    this.form.hidden = !canWrite || sections.length === 0;
    this.noNotes.hidden = !canWrite || !phase || sections.length > 0;
    // Rebuild the options only when the set changes, so a chosen section survives redraws.
    const key = sections.join(",");
    if (key !== this.sectionsKey) {
      this.sectionsKey = key;
      const chosen = this.section.value;
      fill(this.section, sections.map((s) => h("option", { value: s }, sectionLabel(s))));
      if (sections.includes(chosen)) this.section.value = chosen;
    }
    this.sectionField.hidden = sections.length < 2;
    const categoryField = document.getElementById("note-category-field");
    const syncCategory = () => { categoryField.hidden = this.section.value !== "contributing"; };
    if (!this.section.dataset.categoryHook) {
      this.section.dataset.categoryHook = "1";
      this.section.addEventListener("change", syncCategory);
    }
    syncCategory();
    this.form.querySelector("label[for=note-text]").textContent =
      sections.length === 1 ? `Your note: ${sectionLabel(sections[0]).toLowerCase()}` : "Your note";
  }

  renderNotice(phase, canWrite) {
    const privateNow = phase && phase.private && !phase.revealed;
    this.notice.hidden = !privateNow;
    if (!privateNow) return;
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

  renderGroups(currentSections) {
    const bySection = new Map();
    const add = (section, note) => {
      if (!bySection.has(section)) bySection.set(section, []);
      bySection.get(section).push(note);
    };
    for (const s of this.store.stickies.values()) if (s.section !== "parking_lot") add(s.section, { ...s, pending: false });
    for (const op of this.store.pendingOps("add_sticky")) add(op.section, { id: op.cid, text: op.text, mine: true, pending: true });
    // The current phase's sections come first (even empty, so people see where notes go).
    const order = [...currentSections, ...SECTION_ORDER.filter((s) => !currentSections.includes(s)), ...bySection.keys()];
    const seen = new Set();
    const groups = [];
    for (const section of order) {
      if (seen.has(section)) continue;
      seen.add(section);
      const notes = bySection.get(section) || [];
      if (!notes.length && !currentSections.includes(section)) continue;
      const headingId = `notes-${section}`;
      groups.push(h("section", { class: ["note-group", `section-${section}`], "aria-labelledby": headingId },
        h("h3", { id: headingId }, sectionLabel(section), " ", h("span", { class: "count" }, String(notes.length))),
        notes.length
          ? h("ul", { class: "note-list" }, notes.map((n) => this.note(n)))
          : h("p", { class: "empty" }, "Nothing here yet.")));
    }
    fill(this.groups, groups);
    return groups.length > 0;
  }

  renderParking(canWrite) {
    this.parkForm.hidden = !canWrite;
    const notes = [...this.store.stickies.values()].filter((s) => s.section === "parking_lot").map((s) => ({ ...s, pending: false }));
    for (const op of this.store.pendingOps("park_question")) notes.push({ id: op.cid, text: op.text, mine: true, pending: true });
    fill(this.parkList, notes.map((n) => this.note(n)));
  }

  note(n) {
    const tags = [];
    if (n.hidden) tags.push(h("span", { class: "tag tag-private" }, "only you"));
    if (n.category) tags.push(h("span", { class: "tag" }, n.category));
    if (n.author) tags.push(h("span", { class: "note-author" }, n.author));
    else if (n.mine) tags.push(h("span", { class: "note-author" }, "you"));
    if (n.pending) tags.push(h("span", { class: "note-author" }, "sending…"));
    const dataset = n.author ? { id: n.id, author: n.author } : { id: n.id };
    return h("li", { class: ["note", n.hidden && "is-hidden", n.pending && "is-pending"], dataset },
      h("span", { class: "note-text" }, n.text),
      tags.length ? h("span", { class: "note-meta" }, tags) : null);
  }
}
