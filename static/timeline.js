// @ts-check
// The timeline lane: entries in time order, each kind in its own colour (and named in words, so
// colour is never the only signal), with a form to add one.
//
// Times are stored by the server in UTC and shown in the viewer's local time; the form takes
// local time too (a datetime-local input) and sends ISO 8601 UTC. Whether entries may be added
// in the current phase is the server's decision: a refusal comes back as a reject with its
// reason, shown by board.js.

import { fill, h } from "./dom.js";
import { InlineEdits } from "./edit.js";
import { TIMELINE_KINDS, dayLabel, localDayKey, localInputToIso, timeOfDay, toLocalInput } from "./format.js";

/** @typedef {import("./types.js").BoardStore} BoardStore */
/** @typedef {import("./types.js").InputOf<"edit_timeline_entry">} EditEntryOp */
/** @typedef {import("./types.js").Send} Send */
/** @typedef {import("./types.js").Spotlight} Spotlight */
/** @typedef {import("./types.js").TimelineItem} TimelineItem */
/** @typedef {import("./types.js").TimelineKind} TimelineKind */
/** @typedef {import("./types.js").TimelineView} TimelineView */
/**
 * An entry as drawn: from the server, or one of ours on its way (`pending`).
 * @typedef {{id: string, at: string, text: string, kind: TimelineKind, mine: boolean, pending: boolean,
 *   author?: string | null}} Entry
 */

// A pasted line that starts with a time: "09:12 alert fired", "[09:12:30] ...", or an ISO date-time
// ("2026-08-14T09:12Z ...", "2026-08-14 09:12 ..."). A zone in the text wins; without one, the
// time is local, like the form's own field.
const ISO_AT = /^\[?(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2}(?::\d{2})?)(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?\]?/i;
const TIME_AT = /^\[?(\d{1,2}:\d{2}(?::\d{2})?)\]?/;
const SEPARATOR = /^\s*(?:[-–—:|,]\s*)?/;
// A line may say its kind after the time: "09:14 Signal: error rate 4%", "Decision - roll back".
const KIND_WORD = /^(fact|signal|decision)\s*[:\-–—]\s*/i;

/**
 * Lines with leading times -> {entries: [{at, text, kind?}], skipped: [line]}; `day` is the local
 * date (YYYY-MM-DD) for lines that give only a time of day.
 * @param {string} raw
 * @param {string} day
 * @returns {{entries: TimelineItem[], skipped: string[]}}
 */
export function parsePastedLines(raw, day) {
  /** @type {TimelineItem[]} */
  const entries = [];
  /** @type {string[]} */
  const skipped = [];
  for (const line of raw.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
    let at = null;
    let rest = line;
    const iso = ISO_AT.exec(line);
    const time = iso ? null : TIME_AT.exec(line);
    if (iso) {
      const [, date, hm, zone] = iso;
      const hms = hm.length <= 5 ? `${hm.padStart(5, "0")}:00` : hm.padStart(8, "0");
      const d = new Date(`${date}T${hms}${zone ? zone.toUpperCase() : ""}`);
      if (!Number.isNaN(d.getTime())) at = d.toISOString().replace(/\.\d{3}Z$/, "Z");
      rest = line.slice(iso[0].length);
    } else if (time && day) {
      const [hh, mm, ss = "00"] = time[1].split(":");
      if (Number(hh) < 24 && Number(mm) < 60) {
        const d = new Date(`${day}T${hh.padStart(2, "0")}:${mm}:${ss}`);
        if (!Number.isNaN(d.getTime())) at = d.toISOString().replace(/\.\d{3}Z$/, "Z");
      }
      rest = line.slice(time[0].length);
    }
    let text = rest.replace(SEPARATOR, "").trim();
    const word = KIND_WORD.exec(text);
    // KIND_WORD matches the three kinds only.
    const kind = word ? /** @type {TimelineKind} */ (word[1].toLowerCase()) : null;
    if (word) text = text.slice(word[0].length).trim();
    if (at && text) entries.push(kind ? { at, text, kind } : { at, text });
    else skipped.push(line);
  }
  return { entries, skipped };
}

/**
 * @param {{at: string, id?: string}} a
 * @param {{at: string, id?: string}} b
 */
function byTime(a, b) {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : (a.id || "") < (b.id || "") ? -1 : 1;
}

export class TimelineLane {
  /**
   * @param {object} o
   * @param {HTMLFormElement} o.form  with fields `at`, `kind` (radios) and `text`
   * @param {HTMLElement} o.legend    the kinds, for those who cannot add entries
   * @param {HTMLElement} o.list
   * @param {HTMLElement} o.empty
   * @param {HTMLElement | null} o.count
   * @param {BoardStore} o.store
   * @param {Send} o.send
   * @param {(text: string) => void} o.toast
   * @param {Spotlight} o.spotlight
   */
  constructor({ form, legend, list, empty, count, store, send, toast, spotlight }) {
    this.form = form;
    this.legend = legend;
    this.list = list;
    this.empty = empty;
    this.count = count;
    this.store = store;
    this.send = send;
    this.toast = toast;
    this.spotlight = spotlight;
    this.canWrite = false;
    this.edits = new InlineEdits(() => this.render(this.canWrite));
    /** @type {Set<string> | null} entry ids already drawn, to bring a new one into view */
    this.known = null;
    // The form's fields (the board page's template).
    this.at = /** @type {HTMLInputElement} */ (form.elements.namedItem("at"));
    // Until someone picks a time, the default follows the board (the incident start may be set,
    // or entries added, after the page loaded); once picked, it is theirs.
    this.atPicked = false;
    this.at.addEventListener("input", () => { this.atPicked = true; });
    this.kind = /** @type {RadioNodeList} */ (form.elements.namedItem("kind"));
    this.text = /** @type {HTMLInputElement} */ (form.elements.namedItem("text"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.submit();
    });
    // Several pasted lines with times become several entries at once (one import op).
    this.text.addEventListener("paste", (e) => {
      const raw = e.clipboardData ? e.clipboardData.getData("text/plain") : "";
      if (!raw.includes("\n")) return;
      const day = (this.at.value || "").slice(0, 10);
      const { entries, skipped } = parsePastedLines(raw, day);
      if (entries.length === 0) return;
      e.preventDefault();
      const kind = this.kindValue();
      this.send({ type: "import_timeline", entries: entries.map((x) => ({ kind, ...x })) });
      this.text.value = skipped.join(" ");
      const added = `Added ${entries.length} ${entries.length === 1 ? "entry" : "entries"} from the pasted lines.`;
      this.toast(skipped.length
        ? `${added} ${skipped.length} without a time at the start ${skipped.length === 1 ? "was" : "were"} left in the box.`
        : added);
    });
  }

  /** @returns {TimelineKind} */
  kindValue() {
    const checked = /** @type {HTMLInputElement | null} */ (this.form.querySelector("input[name=kind]:checked"));
    return checked ? /** @type {TimelineKind} */ (checked.value) : "fact";  // the radios' values are the kinds
  }

  submit() {
    const text = this.text.value.trim();
    if (!text || !this.at.value) {
      (text ? this.at : this.text).focus();
      return;
    }
    this.send({ type: "add_timeline_entry", at: localInputToIso(this.at.value), text, kind: this.kindValue() });
    // Keep the kind; the time moves on to a minute after the latest entry, unless picked again.
    this.atPicked = false;
    this.prefill();  // now, not at the next redraw: the next entry may be typed before that
    this.text.value = "";
    this.text.focus();
  }

  /** Put a sensible time in the form until the writer picks one: a minute after the last entry
   * (entries are typed in order, and equal times would leave their order to chance), else the
   * incident start, else now. */
  prefill() {
    if (this.atPicked && this.at.value) return;
    // Entries still on their way count too: typed fast, the next one comes before they land.
    const times = [...this.store.timeline.values()].map((e) => e.at)
      .concat(this.store.pendingOps("add_timeline_entry").map((op) => op.at))
      .map((at) => Date.parse(at)).filter((t) => !Number.isNaN(t));
    const last = times.length ? Math.max(...times) + 60_000 : null;
    const header = this.store.board ? this.store.board.header : null;
    const seed = last || (header && (header.started_at || header.detected_at)) || null;
    const date = seed ? new Date(seed) : new Date();
    this.at.value = toLocalInput(Number.isNaN(date.getTime()) ? new Date() : date);
  }

  /** @param {boolean} canWrite */
  render(canWrite) {
    this.canWrite = canWrite;
    this.form.hidden = !canWrite;
    this.legend.hidden = canWrite;  // the form's kind picker already names the kinds
    if (canWrite) this.prefill();
    /** @type {Entry[]} */
    const entries = [...this.store.timeline.values()].map((e) => ({ ...e, pending: false }));
    for (const op of this.store.pendingOps("add_timeline_entry")) {
      entries.push({ id: op.cid, at: op.at, text: op.text, kind: op.kind || "fact", mine: true, pending: true });
    }
    for (const op of this.store.pendingOps("import_timeline")) {
      op.entries.forEach((x, i) => entries.push({ id: `${op.cid}-${i}`, at: x.at, text: x.text, kind: x.kind || "fact", mine: true, pending: true }));
    }
    entries.sort(byTime);
    /** @type {HTMLElement[]} */
    const items = [];
    /** @type {string | null} */
    let day = null;
    for (const entry of entries) {
      // A day heading whenever the date changes: incidents often run past midnight.
      const key = localDayKey(entry.at);
      if (key !== day) {
        day = key;
        items.push(h("li", { class: "tl-day" }, dayLabel(entry.at)));
      }
      items.push(this.item(entry));
    }
    fill(this.list, items);
    this.empty.hidden = entries.length > 0;
    if (this.count) fill(this.count, String(this.store.timeline.size));
    // Our own new entry lands in time order, perhaps out of view: bring it into view (inside
    // the lane's own scroll region on a desktop; the page on a phone).
    const fresh = this.list.querySelector(".is-pending");
    const known = new Set(this.store.timeline.keys());
    const before = this.known;
    const arrived = before ? [...known].filter((id) => !before.has(id) && /** @type {TimelineView} */ (this.store.timeline.get(id)).mine) : [];
    this.known = known;
    const target = fresh || (arrived.length ? this.list.querySelector(`[data-id="${CSS.escape(arrived[0])}"]`) : null);
    if (target && !this.list.closest("[hidden]")) target.scrollIntoView({ block: "nearest" });
  }

  /**
   * The author edits an entry's time, kind and words in place; authors and the facilitator
   * may delete it (the server's rules, during the phases that take timeline entries).
   * @param {Entry} entry
   */
  item(entry) {
    const kind = TIMELINE_KINDS[entry.kind] || { label: entry.kind };
    /** @type {string[]} */
    const meta = [];
    if (entry.author) meta.push(entry.author);
    else if (entry.mine) meta.push("you");
    if (entry.pending) meta.push("sending…");
    /** @type {Record<string, string>} */
    const dataset = { id: entry.id, kind: entry.kind, spot: `timeline:${entry.id}` };
    if (entry.author) dataset.author = entry.author;
    const key = `timeline:${entry.id}`;
    const fac = this.store.isFacilitator();
    const controls = entry.pending ? null : this.edits.controls(key, {
      what: "timeline entry", value: entry.text,
      canEdit: (entry.mine || fac) && this.store.can("edit_timeline_entry"),
      canDelete: (entry.mine || fac) && this.store.can("delete_timeline_entry"),
      onDelete: () => this.send({ type: "delete_timeline_entry", entry_id: entry.id }),
      spotlight: this.spotlight ? this.spotlight.button("timeline", entry.id, entry.text) : null,
    });
    if (!entry.pending && this.edits.isEditing(key)) return this.editItem(entry, key, dataset);
    return h("li", { class: ["tl", `tl--${entry.kind}`, entry.pending && "is-pending"], dataset },
      h("time", { class: "tl-time", datetime: entry.at }, timeOfDay(entry.at)),
      h("span", { class: ["kind", `kind-${entry.kind}`] }, kind.label),
      h("span", { class: "tl-text" }, entry.text),
      meta.length || controls ? h("span", { class: "tl-meta" }, meta.join(" · "), controls) : null);
  }

  /**
   * @param {Entry} entry
   * @param {string} key
   * @param {Record<string, string>} dataset
   */
  editItem(entry, key, dataset) {
    const at = h("input", { type: "datetime-local", step: 60, id: `tl-edit-at-${entry.id}`, value: toLocalInput(new Date(entry.at)) });
    const kind = h("select", { id: `tl-edit-kind-${entry.id}` },
      Object.entries(TIMELINE_KINDS).map(([value, k]) => h("option", { value, selected: value === entry.kind }, k.label)));
    const form = this.edits.form(key, {
      label: "Edit timeline entry", value: entry.text, multiline: false,
      onSave: (text) => this.send({ type: "edit_timeline_entry", entry_id: entry.id, text }),
    });
    // Time and kind go with the words when Save is pressed (the words may stay the same).
    form.addEventListener("submit", () => {
      /** @type {EditEntryOp} */
      const op = { type: "edit_timeline_entry", entry_id: entry.id };
      const iso = at.value ? localInputToIso(at.value) : entry.at;
      if (iso !== entry.at) op.at = iso;
      if (kind.value !== entry.kind) op.kind = /** @type {TimelineKind} */ (kind.value);  // its options are the kinds
      if (Object.keys(op).length > 2) this.send(op);
    }, { capture: true });
    form.prepend(
      h("label", { for: at.id, class: "visually-hidden" }, "When"), at,
      h("label", { for: kind.id, class: "visually-hidden" }, "Kind"), kind);
    return h("li", { class: ["tl", `tl--${entry.kind}`, "is-editing"], dataset }, form);
  }
}
