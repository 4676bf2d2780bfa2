// The timeline lane: entries in time order, each kind in its own colour (and named in words, so
// colour is never the only signal), with a form to add one.
//
// Times are stored by the server in UTC and shown in the viewer's local time; the form takes
// local time too (a datetime-local input) and sends ISO 8601 UTC. Whether entries may be added
// in the current phase is the server's decision: a refusal comes back as a reject with its
// reason, shown by board.js.

import { fill, h } from "./dom.js";
import { TIMELINE_KINDS, dayLabel, localDayKey, localInputToIso, timeOfDay, toLocalInput } from "./format.js";

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
  }

  submit() {
    const text = this.text.value.trim();
    if (!text || !this.at.value) {
      (text ? this.at : this.text).focus();
      return;
    }
    this.send({ type: "add_timeline_entry", at: localInputToIso(this.at.value), text, kind: this.kind.value });
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
    return h("li", { class: ["tl", `tl--${entry.kind}`, entry.pending && "is-pending"], dataset: { id: entry.id, kind: entry.kind } },
      h("time", { class: "tl-time", datetime: entry.at }, timeOfDay(entry.at)),
      h("span", { class: ["kind", `kind-${entry.kind}`] }, kind.label),
      h("span", { class: "tl-text" }, entry.text),
      meta.length ? h("span", { class: "tl-meta" }, meta.join(" · ")) : null);
  }
}
