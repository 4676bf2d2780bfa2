// The timeline lane: entries in time order, each kind in its own colour (and named in words, so
// colour is never the only signal), with a form to add one.
//
// Times are stored by the server in UTC and shown in the viewer's local time; the form takes
// local time too (a datetime-local input) and sends ISO 8601 UTC. Whether entries may be added
// in the current phase is the server's decision: a refusal comes back as a reject with its
// reason, shown by board.js.

import { fill, h } from "./dom.js";
import { TIMELINE_KINDS, dayLabel, localDayKey, localInputToIso, timeOfDay, toLocalInput } from "./format.js";

// A pasted line that starts with a time: "09:12 alert fired", "[09:12:30] ...", or an ISO date-time
// ("2026-08-14T09:12Z ...", "2026-08-14 09:12 ..."). A zone in the text wins; without one, the
// time is local, like the form's own field.
const ISO_AT = /^\[?(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2}(?::\d{2})?)(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?\]?/i;
const TIME_AT = /^\[?(\d{1,2}:\d{2}(?::\d{2})?)\]?/;
const SEPARATOR = /^\s*(?:[-–—:|,]\s*)?/;

/** Lines with leading times -> {entries: [{at, text}], skipped: [line]}; `day` is the local
 * date (YYYY-MM-DD) for lines that give only a time of day. */
export function parsePastedLines(raw, day) {
  const entries = [];
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
    const text = rest.replace(SEPARATOR, "").trim();
    if (at && text) entries.push({ at, text });
    else skipped.push(line);
  }
  return { entries, skipped };
}

function byTime(a, b) {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : (a.id || "") < (b.id || "") ? -1 : 1;
}

export class TimelineLane {
  constructor({ form, legend, list, empty, store, send }) {
    Object.assign(this, { form, legend, list, empty, store, send });
    this.at = form.elements.namedItem("at");
    this.kind = form.elements.namedItem("kind");
    this.text = form.elements.namedItem("text");
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.submit();
    });
    this.pasteNote = form.parentElement.querySelector("#timeline-paste-note");
    // Several pasted lines with times become several entries at once (one import op).
    this.text.addEventListener("paste", (e) => {
      const raw = e.clipboardData ? e.clipboardData.getData("text/plain") : "";
      if (!raw.includes("\n")) return;
      const day = (this.at.value || "").slice(0, 10);
      const { entries, skipped } = parsePastedLines(raw, day);
      if (entries.length === 0) return;
      e.preventDefault();
      const kind = this.kindValue();
      this.send({ type: "import_timeline", entries: entries.map((x) => ({ ...x, kind })) });
      this.pasted = { count: entries.length, skipped };
      this.text.value = skipped.join(" ");
      this.renderPasteNote();
    });
  }

  kindValue() {
    const checked = this.form.querySelector("input[name=kind]:checked");
    return checked ? checked.value : "fact";
  }

  renderPasteNote() {
    if (!this.pasteNote) return;
    const p = this.pasted;
    this.pasteNote.hidden = !p;
    if (!p) return;
    const added = `Added ${p.count} ${p.count === 1 ? "entry" : "entries"} from the pasted lines.`;
    this.pasteNote.textContent = p.skipped.length
      ? `${added} ${p.skipped.length} without a time at the start ${p.skipped.length === 1 ? "was" : "were"} left in the box.`
      : added;
  }

  submit() {
    const text = this.text.value.trim();
    if (!text || !this.at.value) {
      (text ? this.at : this.text).focus();
      return;
    }
    this.send({ type: "add_timeline_entry", at: localInputToIso(this.at.value), text, kind: this.kindValue() });
    this.pasted = null;
    this.renderPasteNote();
    // Keep the time and kind: entries are usually typed in order, minutes apart.
    this.text.value = "";
    this.text.focus();
  }

  /** Put a sensible time in the empty form: after the last entry, else the incident start. */
  prefill() {
    if (this.at.value) return;
    const entries = [...this.store.timeline.values()].sort(byTime);
    const last = entries.length ? entries[entries.length - 1].at : null;
    const header = this.store.board ? this.store.board.header : null;
    const seed = last || (header && (header.started_at || header.detected_at)) || null;
    const date = seed ? new Date(seed) : new Date();
    this.at.value = toLocalInput(Number.isNaN(date.getTime()) ? new Date() : date);
  }

  render(canWrite) {
    this.form.hidden = !canWrite;
    this.legend.hidden = canWrite;  // the form's kind picker already names the kinds
    if (canWrite) this.prefill();
    const entries = [...this.store.timeline.values()].map((e) => ({ ...e, pending: false }));
    for (const op of this.store.pendingOps("add_timeline_entry")) {
      entries.push({ id: op.cid, at: op.at, text: op.text, kind: op.kind || "fact", mine: true, pending: true });
    }
    for (const op of this.store.pendingOps("import_timeline")) {
      op.entries.forEach((x, i) => entries.push({ id: `${op.cid}-${i}`, at: x.at, text: x.text, kind: x.kind || "fact", mine: true, pending: true }));
    }
    entries.sort(byTime);
    const items = [];
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
    // Our own entry lands in time order, perhaps out of view in the scrolling lane: show it.
    // (By hand: scrollIntoView would scroll the whole page as well.)
    const mine = this.list.querySelector(".is-pending");
    if (mine) {
      const { list } = this;
      const top = mine.offsetTop;
      const bottom = top + mine.offsetHeight;
      if (top < list.scrollTop) list.scrollTop = top;
      else if (bottom > list.scrollTop + list.clientHeight) list.scrollTop = bottom - list.clientHeight;
    }
  }

  item(entry) {
    const kind = TIMELINE_KINDS[entry.kind] || { label: entry.kind };
    const meta = [];
    if (entry.author) meta.push(entry.author);
    else if (entry.mine) meta.push("you");
    if (entry.pending) meta.push("sending…");
    const dataset = { id: entry.id, kind: entry.kind };
    if (entry.author) dataset.author = entry.author;
    return h("li", { class: ["tl", `tl--${entry.kind}`, entry.pending && "is-pending"], dataset },
      h("time", { class: "tl-time", datetime: entry.at }, timeOfDay(entry.at)),
      h("span", { class: ["kind", `kind-${entry.kind}`] }, kind.label),
      h("span", { class: "tl-text" }, entry.text),
      meta.length ? h("span", { class: "tl-meta" }, meta.join(" · ")) : null);
  }
}
