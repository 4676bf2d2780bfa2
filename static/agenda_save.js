// @ts-check
// "Save this agenda for later boards": the facilitator's form under the agenda editor. The
// server keeps the board's phases under a name for the whole organisation (a taken name needs
// an explicit Replace), and the landing page offers them (server/web/agendas.py).

import { fill, h } from "./dom.js";

/**
 * The form, hidden until the agenda editor shows it to the facilitator.
 * @param {<T>(path: string, body?: object) => Promise<T>} api  this board's HTTP API
 * @returns {HTMLElement}
 */
export function saveAgendaForm(api) {
  const name = h("input", { id: "save-agenda-name", name: "name", type: "text", maxlength: 80, autocomplete: "off",
    placeholder: "Payments post-mortem", required: true });
  const status = h("p", { class: "hint", role: "status", "aria-live": "polite" });
  const replace = h("button", { type: "button", class: "button small", hidden: true }, "Replace it");
  /** @param {boolean} overwrite */
  const save = async (overwrite) => {
    replace.hidden = true;
    fill(status, "Saving…");
    try {
      /** @type {{name: string, minutes: number, phases: unknown[]}} */
      const saved = await api("/agenda/save", { name: name.value.trim(), replace: overwrite });
      fill(status, `Saved “${saved.name}” (${saved.phases.length} phases, ${saved.minutes} min): it is offered when anyone creates a board.`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      fill(status, message);
      replace.hidden = !message.includes("replace it?");
    }
  };
  replace.addEventListener("click", () => save(true));
  return h("details", { class: "agenda-save", hidden: true },
    h("summary", {}, "Save this agenda for later boards"),
    h("form", { class: "agenda-editor", "aria-label": "Save this agenda", onsubmit: (e) => {
      e.preventDefault();
      if (name.value.trim()) save(false);
    } },
      h("div", { class: "field" }, h("label", { for: name.id }, "Name"), name),
      h("p", { class: "hint" }, "Phases, timeboxes, prompts and private writing are saved; nothing written on this board is."),
      h("button", { type: "submit", class: "button small primary", id: "save-agenda-submit" }, "Save agenda"),
      replace, status));
}
