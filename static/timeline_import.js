// @ts-check
// Importing a timeline from a file: a chat export, a CSV or a log, dropped on the timeline or
// picked. The server reads it with the same parsers as `hindsight-client import-timeline`
// (`/timeline/preview`), so the page shows exactly what would be added, or every bad line by
// its number, before anything happens; then one `import_timeline` op adds all of it or nothing.

import { fill, h } from "./dom.js";
import { TIMELINE_KINDS, dayLabel, timeOfDay } from "./format.js";
import { boardApi } from "./api.js";

/** @typedef {import("./types.js").BoardStore} BoardStore */
/** @typedef {import("./types.js").Send} Send */
/** @typedef {import("./types.js").TimelineItem} TimelineItem */
/** @typedef {{entries: TimelineItem[], problems: string[]}} Preview */

/** @type {Record<string, "csv" | "chat" | "log">} */
const FORMAT_OF = { csv: "csv", json: "chat", log: "log", txt: "log" };
const SHOWN = 200;  // rows of the preview drawn; the count says how many in all
const MAX_BYTES = 4 << 20;

/** The browser's offset from UTC now, as `+02:00` (what a bare time in the file is taken in). */
function localZone() {
  const minutes = -new Date().getTimezoneOffset();
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

export class TimelineFileImport {
  /**
   * @param {{region: HTMLElement, store: BoardStore, send: Send, toast: (text: string) => void,
   *   api: ReturnType<typeof boardApi>}} o
   */
  constructor({ region, store, send, toast, api }) {
    this.region = region;
    this.store = store;
    this.send = send;
    this.toast = toast;
    this.api = api;
    /** @type {File | null} */
    this.file = null;
    /** @type {TimelineItem[]} */
    this.entries = [];

    this.open = h("button", { type: "button", class: "button small tl-import-open", id: "tl-import-open" }, "Import a file…");
    this.open.addEventListener("click", () => this.show(null));
    const form = /** @type {HTMLElement} */ (region.querySelector("#timeline-form"));
    form.after(this.open);

    this.input = /** @type {HTMLInputElement} */ (h("input", { id: "tl-import-file", type: "file", accept: ".csv,.json,.log,.txt,text/csv,application/json,text/plain" }));
    this.input.addEventListener("change", () => { if (this.input.files && this.input.files[0]) this.pick(this.input.files[0]); });
    this.format = /** @type {HTMLSelectElement} */ (h("select", { id: "tl-import-format" },
      h("option", { value: "csv" }, "CSV: time, text, kind"),
      h("option", { value: "chat" }, "Chat export (Slack, Discord, Telegram JSON)"),
      h("option", { value: "log" }, "Log lines that start with a time")));
    this.date = /** @type {HTMLInputElement} */ (h("input", { id: "tl-import-date", type: "date" }));
    this.zone = /** @type {HTMLInputElement} */ (h("input", { id: "tl-import-zone", type: "text", maxlength: "6", value: localZone(), autocomplete: "off" }));
    for (const el of [this.format, this.date, this.zone]) el.addEventListener("change", () => this.preview());
    this.drop = h("label", { class: "tl-drop", for: "tl-import-file" },
      h("strong", {}, "Drop a file here, or choose one"),
      h("span", { class: "hint" }, "A CSV (time, text, kind), a chat export (JSON) or a log (.log, .txt)."),
      this.input);
    this.status = h("p", { class: "tl-import-status", role: "status", "aria-live": "polite" });
    this.problems = h("ul", { class: "tl-import-problems", role: "alert" });
    this.table = h("tbody", {});
    this.more = h("p", { class: "hint" });
    this.add = /** @type {HTMLButtonElement} */ (h("button", { type: "submit", class: "button primary", disabled: true }, "Add entries"));
    const cancel = h("button", { type: "button", class: "button" }, "Cancel");
    cancel.addEventListener("click", () => this.dialog.close());
    const body = h("form", { method: "dialog", class: "tl-import" },
      h("h2", { id: "tl-import-heading" }, "Import a timeline"),
      this.drop,
      h("div", { class: "tl-import-options" },
        h("div", { class: "field" }, h("label", { for: "tl-import-format" }, "Format"), this.format),
        h("div", { class: "field" }, h("label", { for: "tl-import-date" }, "Day of bare times ", h("span", { class: "optional" }, "(09:12 without a date)")), this.date),
        h("div", { class: "field" }, h("label", { for: "tl-import-zone" }, "Zone of times without one"), this.zone)),
      this.status, this.problems,
      h("div", { class: "tl-import-preview" },
        h("table", { class: "grid" }, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "When (your time)"), h("th", { scope: "col" }, "Kind"), h("th", { scope: "col" }, "What happened"))), this.table)),
      this.more,
      h("div", { class: "actions-row" }, this.add, cancel));
    body.addEventListener("submit", (e) => { e.preventDefault(); this.commit(); });
    this.dialog = /** @type {HTMLDialogElement} */ (h("dialog", { id: "tl-import-dialog", class: "popover-dialog tl-import-dialog", "aria-labelledby": "tl-import-heading" }, body));
    document.body.append(this.dialog);

    // A file dropped anywhere on the timeline opens the import with it.
    region.addEventListener("dragover", (e) => {
      if (!this.open.hidden && e.dataTransfer && [...e.dataTransfer.types].includes("Files")) e.preventDefault();
    });
    region.addEventListener("drop", (e) => {
      const file = e.dataTransfer && e.dataTransfer.files[0];
      if (this.open.hidden || !file) return;
      e.preventDefault();
      this.show(file);
    });
    this.drop.addEventListener("dragover", (e) => e.preventDefault());
    this.drop.addEventListener("drop", (e) => {
      const file = e.dataTransfer && e.dataTransfer.files[0];
      if (!file) return;
      e.preventDefault();
      this.pick(file);
    });
  }

  /** @param {boolean} allowed  whether this person may import now (the server's list) */
  render(allowed) {
    this.open.hidden = !allowed;
  }

  /** @param {File | null} file */
  show(file) {
    const started = this.store.board ? this.store.board.header.started_at : "";
    if (!this.date.value) this.date.value = (started || new Date().toISOString()).slice(0, 10);
    this.reset();
    if (!this.dialog.open) this.dialog.showModal();
    if (file) this.pick(file);
  }

  reset() {
    this.entries = [];
    this.file = null;
    this.input.value = "";
    fill(this.status, "");
    fill(this.problems);
    fill(this.table);
    fill(this.more, "");
    this.add.disabled = true;
    fill(this.add, "Add entries");
  }

  /** @param {File} file */
  pick(file) {
    this.file = file;
    const extension = (file.name.split(".").pop() || "").toLowerCase();
    if (FORMAT_OF[extension]) this.format.value = FORMAT_OF[extension];
    this.preview();
  }

  async preview() {
    const file = this.file;
    if (!file) return;
    this.entries = [];
    this.add.disabled = true;
    fill(this.problems);
    fill(this.table);
    fill(this.more, "");
    if (file.size > MAX_BYTES) {
      fill(this.status, `${file.name} is larger than 4 MiB: not a timeline.`);
      return;
    }
    fill(this.status, `Reading ${file.name}…`);
    try {
      const text = await file.text();
      /** @type {Preview} */
      const answer = await this.api("/timeline/preview", { format: this.format.value, text, date: this.date.value, tz: this.zone.value.trim() });
      if (file !== this.file) return;  // another file was picked meanwhile
      this.showPreview(file, answer);
    } catch (e) {
      fill(this.status, `${file.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * @param {File} file
   * @param {Preview} answer
   */
  showPreview(file, answer) {
    if (answer.problems.length) {
      const n = answer.problems.length;
      fill(this.status, `${file.name}: ${n} ${n === 1 ? "problem" : "problems"}; nothing will be added until the file is fixed.`);
      fill(this.problems, ...answer.problems.map((p) => h("li", {}, p)));
      return;
    }
    this.entries = answer.entries;
    const n = answer.entries.length;
    fill(this.status, `${file.name}: ${n} ${n === 1 ? "entry" : "entries"}, ready to add.`);
    fill(this.table, ...answer.entries.slice(0, SHOWN).map((e) =>
      h("tr", {}, h("td", { class: "nowrap" }, `${dayLabel(e.at)} ${timeOfDay(e.at)}`),
        h("td", {}, TIMELINE_KINDS[e.kind || "fact"].label), h("td", {}, e.text))));
    fill(this.more, n > SHOWN ? `and ${n - SHOWN} more` : "");
    this.add.disabled = n === 0;
    fill(this.add, `Add ${n} ${n === 1 ? "entry" : "entries"}`);
  }

  commit() {
    if (!this.entries.length) return;
    const n = this.entries.length;
    this.send({ type: "import_timeline", entries: this.entries });
    this.dialog.close();
    this.toast(`Adding ${n} ${n === 1 ? "entry" : "entries"} to the timeline.`);
  }
}
