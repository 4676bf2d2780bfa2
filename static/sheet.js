// @ts-check
// The incident sheet (the summary phase) and the meeting record (the wrap-up): the header fields
// of the write-up, edited in place by the facilitator and read by everyone.
//
// Each field commits on its own when it changes or loses focus, as one `edit_header` naming
// just that field, so two quick edits never overwrite each other. Times are entered in local
// time and stored in UTC. Redraws keep what is being typed (`redraw` keeps fields whose value
// differs from the server's, and the focus). Who may edit comes from the board's `can` list.

import { fill, h } from "./dom.js";
import { SEVERITY_LABELS, dayLabel, localInputToIso, timeOfDay, toLocalInput } from "./format.js";
import { inlineField, redraw } from "./redraw.js";

/** @typedef {import("./types.js").BoardStore} BoardStore */
/** @typedef {import("./types.js").HeaderView} HeaderView */
/** @typedef {import("./types.js").ImpactView} ImpactView */
/** @typedef {import("./types.js").InputOf<"edit_header">} EditHeaderOp */
/** @typedef {import("./types.js").Send} Send */
/** @typedef {import("./types.js").Severity} Severity */
/** @typedef {import("./types.js").SignOff} SignOff */
/** @typedef {Record<string, string>} Row  one row of a RowEditor, by column name */
/** @typedef {{rendering: boolean, extra?: Record<string, number>}} RegionState */

/** @param {string} iso */
function localValue(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : toLocalInput(d);
}

/** @param {string} iso */
function when(iso) {
  return iso ? `${dayLabel(iso)} ${timeOfDay(iso)}` : "";
}

/**
 * @param {string} label
 * @param {string} [value]  unset when empty or missing
 */
function readItem(label, value) {
  return [h("dt", {}, label), h("dd", { class: value ? null : "not-set" }, value || "Not set yet")];
}

/** A list of rows (impact table, sign-off) edited as a whole: each change sends every row. */
class RowEditor {
  /**
   * @param {object} o
   * @param {string} o.key          names the rows' fields (`data-key`), unique on the page
   * @param {[name: string, label: string, type?: string][]} o.columns
   * @param {Row[]} o.rows          as the server has them
   * @param {RegionState} o.state   the region's: `extra` counts rows added but not saved
   * @param {(rows: Row[]) => Row[] | void} o.onCommit  sends the rows; returns those it sent
   * @param {string} o.addLabel
   * @param {Row} o.emptyRow
   */
  constructor({ key, columns, rows, state, onCommit, addLabel, emptyRow }) {
    this.key = key;
    this.columns = columns;
    this.rows = rows;
    this.state = state;
    this.onCommit = onCommit;
    this.addLabel = addLabel;
    this.emptyRow = emptyRow;
  }

  build() {
    const rows = this.rows.length ? this.rows : [];
    /** @param {Element} root */
    const collect = (root) => [...root.querySelectorAll(".row-edit")].map((row) => {
      /** @type {Row} */
      const out = {};
      // Every row has an input per column (rowEl).
      for (const [name] of this.columns) out[name] = /** @type {HTMLInputElement} */ (row.querySelector(`[data-col="${name}"]`)).value.trim();
      return out;
    }).filter((r) => Object.values(r).some(Boolean));
    const list = h("div", { class: "row-list" });
    // Rows added but not yet saved survive redraws caused by other changes.
    const extra = this.state.extra = this.state.extra || {};
    const commit = () => {
      if (this.state.rendering) return;
      const rows = collect(list);
      const sent = this.onCommit(rows) || rows;
      // Rows not sent yet (half filled in) stay on screen through the redraw that follows.
      extra[this.key] = Math.max(0, list.children.length - sent.length);
    };
    const rowEl = (/** @type {Row} */ row, /** @type {number} */ i) => h("div", { class: ["row-edit", this.columns.length > 2 && "signoff-edit"] },
      this.columns.map(([name, label, type]) => {
        const id = `${this.key}-${i}-${name}`;
        const input = h("input", { id, type: type || "text", maxlength: name === "impact" ? 2000 : 200, autocomplete: "off",
          dataset: { key: id, col: name }, placeholder: label, "aria-label": `${label}, row ${i + 1}` });
        input.value = row[name] || "";
        input.defaultValue = row[name] || "";
        input.addEventListener("change", commit);
        return input;
      }),
      h("button", { type: "button", class: "link-button danger-link", "aria-label": `Remove row ${i + 1}`, dataset: { key: `${this.key}-${i}-remove` },
        onclick: (e) => { /** @type {Element} */ (e.currentTarget.closest(".row-edit")).remove(); commit(); } }, "Remove"));
    rows.forEach((row, i) => list.append(rowEl(row, i)));
    for (let n = 0; n < (extra[this.key] || 0); n += 1) list.append(rowEl(this.emptyRow, list.children.length));
    const add = h("button", { type: "button", class: "button small", dataset: { key: `${this.key}-add` },
      onclick: () => {
        extra[this.key] = (extra[this.key] || 0) + 1;
        const i = list.children.length;
        const row = rowEl(this.emptyRow, i);
        list.append(row);
        /** @type {HTMLInputElement} */ (row.querySelector("input")).focus();
      } }, this.addLabel);
    return [list, h("p", {}, add)];
  }
}

/** A region that shows part of the header: an editable form for whoever may send
 * `edit_header` (the facilitator), a read-only view for everyone else. Subclasses name the
 * heading and say which header fields they show (`shown`), and build `form` and `read`. */
class HeaderRegion {
  /** @param {{root: HTMLElement, store: BoardStore, send: Send}} o */
  constructor({ root, store, send }) {
    this.root = root;
    this.store = store;
    this.send = send;
    /** @type {RegionState} */
    this.state = { rendering: false };
    /** @type {string | undefined} what the region last showed, as JSON */
    this.key = undefined;
    // The subclass's own fields replace these (they are set after this constructor).
    this.heading = "";
    this.headingId = "";
  }

  /**
   * The header fields the region shows: it is rebuilt when they change. Subclasses say.
   * @param {HeaderView} header
   * @returns {unknown[]}
   */
  shown(header) {
    throw new Error("a header region says what it shows");
  }

  /**
   * The facilitator's editable form. Subclasses build it.
   * @param {HeaderView} header
   * @returns {HTMLElement}
   */
  form(header) {
    throw new Error("a header region builds its form");
  }

  /**
   * Everyone else's read-only view. Subclasses build it.
   * @param {HeaderView} header
   * @returns {HTMLElement}
   */
  read(header) {
    throw new Error("a header region builds its read-only view");
  }

  /** @param {Omit<EditHeaderOp, "type">} fields */
  edit(fields) {
    this.send({ type: "edit_header", ...fields });
  }

  render() {
    if (!this.store.board) return;
    const write = this.store.can("edit_header");
    const { header } = this.store.board;
    // Rebuild only when what the region shows changed: a rebuild in the middle of someone's
    // typing is safe (drafts and focus are kept) but needless.
    const key = JSON.stringify([write, this.shown(header)]);
    if (key !== this.key) {
      this.key = key;
      redraw(this.root, () => [
        h("div", { class: "region-head" },
          h("h2", { id: this.headingId }, this.heading),
          write ? h("span", { class: "saved-state" }) : null),
        write ? this.form(header) : this.read(header),
      ], this.state);
    }
    const saving = /** @type {HTMLElement | null} */ (this.root.querySelector(".saved-state"));
    if (saving) saving.textContent = this.store.pendingOps("edit_header").length ? "Saving…" : "Changes save as you go";
  }
}

export class IncidentSheet extends HeaderRegion {
  heading = "The incident";
  headingId = "sheet-heading";

  /** @param {HeaderView} header */
  shown(header) {
    return [header, this.store.board && this.store.board.severity_meaning];
  }

  /**
   * @param {string} label
   * @param {string} id
   * @param {HTMLElement} control
   * @param {boolean} [wide]
   */
  field(label, id, control, wide = false) {
    return h("div", { class: ["field", wide && "wide"] }, h("label", { for: id }, label), control);
  }

  /**
   * @param {"title" | "summary" | "users_affected" | "duration" | "cost" | "impact_notes" | "learning_question"} name
   * @param {string} id
   * @param {string} value
   * @param {{rows?: number, maxlength?: number, nudge?: string, required?: boolean}} [attrs]
   */
  text(name, id, value, attrs = {}) {
    return inlineField(attrs.rows ? "textarea" : "input",
      { id, type: attrs.rows ? null : "text", maxlength: attrs.maxlength || 200, autocomplete: "off", dataset: attrs.nudge ? { key: id, nudge: attrs.nudge } : { key: id }, ...attrs },
      value, this.state, (v) => this.edit({ [name]: v }));
  }

  /**
   * @param {"started_at" | "detected_at" | "resolved_at"} name
   * @param {string} id
   * @param {string} iso
   */
  time(name, id, iso) {
    const input = h("input", { id, type: "datetime-local", step: 60, dataset: { key: id } });
    input.value = localValue(iso);
    input.defaultValue = input.value;
    input.addEventListener("change", () => {
      if (this.state.rendering) return;
      this.edit({ [name]: input.value ? localInputToIso(input.value) : "" });
    });
    return input;
  }

  /** @param {HeaderView} header */
  form(header) {
    const sev = h("select", { id: "sheet-severity", dataset: { key: "sheet-severity" },
      // Its options are the severities.
      onchange: (e) => this.edit({ severity: /** @type {Severity} */ (/** @type {HTMLSelectElement} */ (e.currentTarget).value) }) },
    Object.entries(SEVERITY_LABELS).map(([value, label]) => h("option", { value, selected: value === header.severity }, label)));
    const meaning = h("p", { class: "hint wide sev-meaning" }, (this.store.board && this.store.board.severity_meaning) || "");
    /** @type {Partial<ImpactView>} */
    const impact = header.impact || {};
    const rows = new RowEditor({
      key: "impact-row", state: this.state, rows: impact.rows || [], addLabel: "Add an impact row",
      columns: [["dimension", "Dimension"], ["impact", "Impact"]], emptyRow: { dimension: "", impact: "" },
      onCommit: (list) => {
        const rows = list.filter((r) => r.dimension).map((r) => ({ dimension: r.dimension, impact: r.impact }));
        if (JSON.stringify(rows) !== JSON.stringify(impact.rows || [])) this.edit({ impact_rows: rows });
        return rows;
      },
    });
    return h("div", { class: "sheet-grid" },
      this.field("Title", "sheet-title", this.text("title", "sheet-title", header.title, { required: true }), true),
      h("div", { class: "field" }, h("label", { for: "sheet-severity" }, "Severity"), sev),
      this.field("Started (your local time)", "sheet-started", this.time("started_at", "sheet-started", header.started_at)),
      this.field("Detected", "sheet-detected", this.time("detected_at", "sheet-detected", header.detected_at)),
      this.field("Resolved", "sheet-resolved", this.time("resolved_at", "sheet-resolved", header.resolved_at)),
      meaning,
      this.field("Summary: what happened, how long, who was affected, the state now", "sheet-summary",
        this.text("summary", "sheet-summary", header.summary, { rows: 4, maxlength: 4000, nudge: "text" }), true),
      this.field("Users affected", "sheet-users", this.text("users_affected", "sheet-users", impact.users_affected || "")),
      this.field("Duration", "sheet-duration", this.text("duration", "sheet-duration", impact.duration || "")),
      this.field("Cost", "sheet-cost", this.text("cost", "sheet-cost", impact.cost || "")),
      h("fieldset", { class: "field wide" }, h("legend", {}, "Impact, dimension by dimension"), rows.build()),
      this.field("Impact notes", "sheet-impact-notes", this.text("impact_notes", "sheet-impact-notes", impact.notes || "", { rows: 2, maxlength: 4000 }), true),
      this.field("What we want to learn", "sheet-question", this.text("learning_question", "sheet-question", header.learning_question, { rows: 2, maxlength: 4000 }), true));
  }

  /** @param {HeaderView} header */
  read(header) {
    /** @type {Partial<ImpactView>} */
    const impact = header.impact || {};
    const rows = impact.rows || [];
    return h("div", { class: "sheet-read" },
      h("dl", { class: "sheet-grid" },
        h("div", { class: "wide" }, readItem("Title", header.title)),
        h("div", {}, readItem("Severity", SEVERITY_LABELS[header.severity] || header.severity)),
        h("div", {}, readItem("Started", when(header.started_at))),
        h("div", {}, readItem("Detected", when(header.detected_at))),
        h("div", {}, readItem("Resolved", when(header.resolved_at))),
        h("div", { class: "wide" }, readItem("Summary", header.summary)),
        h("div", {}, readItem("Users affected", impact.users_affected)),
        h("div", {}, readItem("Duration", impact.duration)),
        h("div", {}, readItem("Cost", impact.cost))),
      rows.length ? h("table", { class: "impact-rows" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Dimension"), h("th", { scope: "col" }, "Impact"))),
        h("tbody", {}, rows.map((r) => h("tr", {}, h("td", {}, r.dimension), h("td", {}, r.impact))))) : null,
      impact.notes ? h("dl", {}, readItem("Impact notes", impact.notes)) : null);
  }
}

/** The wrap-up's part of the write-up: communications, regulatory considerations, sign-off. */
export class MeetingRecord extends HeaderRegion {
  heading = "For the write-up";
  headingId = "record-heading";

  /** @param {HeaderView} header */
  shown(header) {
    return [header.communications, header.regulatory, header.sign_off];
  }

  /** @param {HeaderView} header */
  form(header) {
    /**
     * @param {"communications" | "regulatory"} name
     * @param {string} id
     * @param {string} value
     * @param {string} placeholder
     */
    const text = (name, id, value, placeholder) => inlineField("textarea",
      { id, rows: 3, maxlength: 4000, dataset: { key: id }, placeholder }, value, this.state,
      (v) => this.edit({ [name]: v }));
    const signoff = new RowEditor({
      key: "signoff", state: this.state, rows: header.sign_off || [], addLabel: "Add a sign-off",
      columns: [["role", "Role"], ["name", "Name"], ["date", "Date", "date"]], emptyRow: { role: "", name: "", date: "" },
      onCommit: (list) => {
        const rows = list.filter((r) => r.role && r.name);
        const now = (header.sign_off || []).map((r) => ({ role: r.role, name: r.name, date: r.date }));
        // collect() fills every column, so each row is a whole sign-off.
        if (JSON.stringify(rows) !== JSON.stringify(now)) this.edit({ sign_off: /** @type {SignOff[]} */ (rows) });
        return rows;
      },
    });
    return h("div", { class: "stack" },
      h("div", { class: "field" }, h("label", { for: "record-communications" }, "Communications: who was told what, and when"),
        text("communications", "record-communications", header.communications, "Status page updated at 10:05; support briefed at 10:20")),
      h("div", { class: "field" }, h("label", { for: "record-regulatory" }, "Regulatory considerations"),
        text("regulatory", "record-regulatory", header.regulatory, "N/A: no personal data involved and no customer-facing impact"),
        h("p", { class: "hint" }, "“N/A” needs a reason: say why no obligation applies.")),
      h("fieldset", { class: "field" }, h("legend", {}, "Sign-off"), signoff.build()));
  }

  /** @param {HeaderView} header */
  read(header) {
    const signoff = header.sign_off || [];
    return h("dl", { class: "sheet-read" },
      readItem("Communications", header.communications),
      readItem("Regulatory considerations", header.regulatory),
      h("dt", {}, "Sign-off"),
      h("dd", { class: signoff.length ? null : "not-set" }, signoff.length
        ? h("ul", {}, signoff.map((s) => h("li", {}, `${s.role}: ${s.name}${s.date ? `, ${s.date}` : ""}`)))
        : "Not set yet"));
  }
}

/**
 * @param {HTMLElement} root
 * @param {BoardStore} store
 */
export function renderRoom(root, store) {
  const question = store.board ? store.board.header.learning_question : "";
  root.classList.toggle("is-unset", !question);
  fill(root, question || (store.isFacilitator()
    ? "Not set yet: add it in the incident sheet, in the next phase."
    : "Not set yet."));
}
