// The agenda (every phase, the current one marked, planned vs actual minutes) and the list of
// people on the board. Both are read-only views of the store.

import { fill, h } from "./dom.js";
import { minutes, plural } from "./format.js";

/** Actual wall time spent in a phase: banked time plus the live stretch if it is current. */
function spentMs(phase, now) {
  const live = phase.entered_at !== null && phase.entered_at !== undefined ? Math.max(0, now - phase.entered_at) : 0;
  return phase.spent_ms + live;
}

export function renderAgenda(list, board, now) {
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
          phase.private ? h("span", { class: "tag" }, "private") : null)));
  });
  if (!board.current) {
    items.unshift(h("li", { class: "agenda-item is-current is-lobby", "aria-current": "step" },
      h("span", { class: "agenda-num", "aria-hidden": "true" }, "·"),
      h("span", { class: "agenda-body" }, h("span", { class: "agenda-title" }, "Waiting to start"))));
  }
  fill(list, items);
}

const ROLE_WORDS = { facilitator: "facilitator", observer: "observer" };

export function renderPeople(list, count, participants, presence) {
  const people = [...participants.values()].sort((a, b) =>
    (a.role === "facilitator" ? 0 : 1) - (b.role === "facilitator" ? 0 : 1) || a.name.localeCompare(b.name));
  fill(count, `${people.length}`);
  fill(list, people.map((p) => h("li", { class: ["person", p.me && "is-me"] },
    h("span", { class: "person-name" }, p.name),
    p.me ? h("span", { class: "tag" }, "you") : null,
    ROLE_WORDS[p.role] ? h("span", { class: ["tag", `tag-${p.role}`] }, ROLE_WORDS[p.role]) : null)));
  // Names of who is online come only on named boards; otherwise a count is all we show.
  if (presence.online) {
    list.appendChild(h("li", { class: "person presence-line" }, `${plural(presence.online, "person", "people")} online now`));
  }
}
