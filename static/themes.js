// @ts-check
// Themes: grouping the notes. Each theme is a group with its notes, and the notes in no theme
// sit in "Ungrouped". Writers create a theme (from a name and, optionally, the notes they ticked),
// rename or delete one, and move a note either with its "Theme" select (the keyboard way) or by
// dragging it onto a group. Readers see the same groups without controls.

import { h } from "./dom.js";
import { sectionLabel } from "./format.js";
import { InlineEdits } from "./edit.js";
import { dotControl } from "./vote.js";
import { redraw } from "./redraw.js";

/** @typedef {import("./types.js").Attrs} Attrs */
/** @typedef {import("./types.js").PanelContext} PanelContext */
/** @typedef {import("./types.js").Section} Section */
/** @typedef {import("./types.js").StickyView} StickyView */
/** @typedef {import("./types.js").ThemeView} ThemeView */
/** @typedef {import("./types.js").VoteTarget} VoteTarget */

const THEME_KINDS = new Set(["theme", "sticky", "board", "pending", "participant", "welcome", "round"]);
const THEME_PHASES = new Set(["themes", "discussion", "vote"]);
const DRAG_TYPE = "application/x-hindsight-sticky";

export class ThemesPanel {
  /**
   * @param {HTMLElement} root
   * @param {PanelContext} ctx
   */
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.state = { rendering: false };
    /** @type {string | null} the name of a theme made by a drop, to rename when it arrives */
    this.renameNext = null;
    this.edits = new InlineEdits(() => this.render(null));
    root.hidden = true;
    root.className = "panel-slot themes-slot";
  }

  visible() {
    const { store } = this.ctx;
    const phase = store.board && store.currentPhase();
    return Boolean(phase && THEME_PHASES.has(phase.kind) && store.board && store.board.closed_at === null);
  }

  /** @param {Set<string> | null} kinds */
  render(kinds) {
    if (kinds && ![...kinds].some((k) => THEME_KINDS.has(k))) return;
    const visible = this.visible();
    this.root.hidden = !visible;
    if (!visible) {
      this.root.replaceChildren();
      return;
    }
    const write = this.ctx.canWrite();
    redraw(this.root, () => this.card(write), this.state);
    if (this.renameNext) {
      // A theme made by dropping one note on another gets its name typed next.
      const made = [...this.ctx.store.themes.values()].find((t) => t.name === this.renameNext);
      if (made) {
        this.renameNext = null;
        this.edits.start(`theme:${made.id}`, made.name, { selectAll: true });
      }
    }
  }

  notes() {
    return [...this.ctx.store.stickies.values()].filter((s) => !s.hidden && s.section !== "parking_lot");
  }

  /** @param {boolean} write */
  card(write) {
    const { store } = this.ctx;
    const themes = [...store.themes.values()];
    const notes = this.notes();
    // Where a note is headed while its move is in flight.
    const moving = new Map(store.pendingOps("group").map((op) => [op.sticky_id, op.theme_id]));
    /** @type {Map<string, StickyView[]>} */
    const byTheme = new Map(themes.map((t) => [t.id, []]));
    /** @type {StickyView[]} */
    const ungrouped = [];
    for (const n of notes) {
      const target = moving.has(n.id) ? moving.get(n.id) : n.theme_id;
      (target && byTheme.get(target) || ungrouped).push(n);
    }
    const pendingThemes = store.pendingOps("add_theme");
    return h("section", { class: "card themes", "aria-labelledby": "themes-heading" },
      h("h2", { id: "themes-heading" }, "Themes ", h("span", { class: "count" }, String(themes.length))),
      write ? h("p", { class: "hint" }, "Drop a note on another note to start a theme, or on a theme to join it. By keyboard: a note's “Theme” menu moves it.") : null,
      // While a vote is open the board is for voting: grouping waits.
      write && !this.openRound("themes") && !this.openRound("stickies")
        ? h("div", { class: "theme-forms" }, this.createForm(), this.ctx.store.can("add_sticky") ? this.noteForm() : null) : null,
      h("div", { class: "theme-groups" },
        themes.map((t) => this.group(t, byTheme.get(t.id) || [], themes, write, moving)),
        pendingThemes.map((op) => h("section", { class: "theme-group is-pending" },
          h("h3", {}, op.name, " ", h("span", { class: "pending-tag" }, "sending…")))),
        this.group(null, ungrouped, themes, write, moving)));
  }

  /** A note thought of while grouping goes straight onto the board (ungrouped). */
  /** @returns {HTMLFormElement} */
  noteForm() {
    const phase = this.ctx.store.currentPhase();
    const sections = phase ? phase.sections.filter((x) => x !== "parking_lot") : [];
    const input = h("input", { id: "theme-note-text", type: "text", maxlength: 2000, autocomplete: "off", dataset: { key: "theme-note-text", nudge: "text" }, placeholder: "Another note" });
    const select = sections.length > 1 ? h("select", { id: "theme-note-section", dataset: { key: "theme-note-section" } },
      sections.map((x) => h("option", { value: x }, sectionLabel(x)))) : null;
    return h("form", {
      class: "inline-form theme-note-new",
      onsubmit: (e) => {
        e.preventDefault();
        const text = input.value.trim();
        if (!text || !sections.length) return input.focus();
        input.value = "";
        // The select's options are the phase's sections.
        this.ctx.send({ type: "add_sticky", section: select ? /** @type {Section} */ (select.value) : sections[0], text });
        const again = /** @type {HTMLElement | null} */ (this.root.querySelector("#theme-note-text"));
        if (again) again.focus();
      },
    },
    h("div", { class: "field grow" }, h("label", { for: "theme-note-text" }, "Add a note"), input),
    select ? h("div", { class: "field" }, h("label", { for: "theme-note-section" }, "Section"), select) : null,
    h("button", { type: "submit", class: "button" }, "Add note"));
  }

  createForm() {
    const input = h("input", { id: "theme-name-new", type: "text", required: true, maxlength: 200, autocomplete: "off", dataset: { key: "theme-new" }, placeholder: "Config changes skip review" });
    return h("form", {
      class: "inline-form theme-new",
      onsubmit: (e) => {
        e.preventDefault();
        const name = input.value.trim();
        if (!name) return input.focus();
        // Clear before sending: sending redraws the panel, which keeps unsaved typing.
        input.value = "";
        this.ctx.send({ type: "add_theme", name });
        this.render(null);
        const fresh = /** @type {HTMLElement | null} */ (this.root.querySelector("#theme-name-new"));
        if (fresh) fresh.focus();
      },
    },
    h("div", { class: "field grow" }, h("label", { for: "theme-name-new" }, "Name a new theme"), input),
    h("button", { type: "submit", class: "button", id: "theme-create", dataset: { key: "theme-create" } }, "Create theme"));
  }

  /**
   * One theme's group, or (theme null) the notes in no theme.
   * @param {ThemeView | null} theme
   * @param {StickyView[]} notes
   * @param {ThemeView[]} themes
   * @param {boolean} write
   * @param {Map<string, string | null>} moving  sticky id -> the theme it is moving to
   */
  group(theme, notes, themes, write, moving) {
    const id = theme ? theme.id : "";
    const headingId = theme ? `theme-${theme.id}-heading` : "theme-none-heading";
    const round = this.openRound("themes");
    let title;
    const key = theme ? `theme:${theme.id}` : "";
    if (theme && write && this.edits.isEditing(key)) {
      title = this.edits.form(key, { label: `Rename theme ${theme.name}`, value: theme.name, multiline: false, maxlength: 200,
        onSave: (name) => this.ctx.send({ type: "rename_theme", theme_id: theme.id, name }) });
    } else {
      title = h("h3", { id: headingId, class: "theme-title" }, theme ? theme.name : "Not in a theme yet", " ", h("span", { class: "count" }, String(notes.length)));
    }
    const controls = theme && !this.edits.isEditing(key) ? [
      write ? this.edits.controls(key, { what: "theme", value: theme.name, canEdit: this.ctx.store.can("rename_theme"),
        canDelete: this.ctx.store.can("delete_theme") && !this.ctx.store.ballotPending("themes"), onDelete: () => this.ctx.send({ type: "delete_theme", theme_id: theme.id }),
        spotlight: this.ctx.spotlight ? this.ctx.spotlight.button("theme", theme.id, theme.name) : null })
        : (this.ctx.spotlight ? this.ctx.spotlight.button("theme", theme.id, theme.name) : null),
      round ? dotControl(this.ctx, round, theme.id, theme.name) : null,
    ] : null;
    const dots = theme ? this.revealedDots(theme.id) : null;
    const head = h("div", { class: "theme-head" }, title,
      dots !== null ? h("span", { class: "tag theme-dots" }, `${dots} ${dots === 1 ? "dot" : "dots"}`) : null, controls);
    /** @type {Attrs} */
    const attrs = { class: ["theme-group", !theme && "theme-ungrouped"], "aria-labelledby": headingId, dataset: theme ? { themeId: id, spot: `theme:${id}` } : { themeId: id } };
    if (write) {
      // A drag event's dataTransfer is there in every browser this page runs in.
      attrs.ondragover = (e) => {
        const data = /** @type {DataTransfer} */ (e.dataTransfer);
        if (![...data.types].includes(DRAG_TYPE)) return;
        e.preventDefault();
        data.dropEffect = "move";
        e.currentTarget.classList.add("is-drop-target");
      };
      attrs.ondragleave = (e) => {
        if (!e.currentTarget.contains(/** @type {Node | null} */ (e.relatedTarget))) e.currentTarget.classList.remove("is-drop-target");
      };
      attrs.ondrop = (e) => {
        e.preventDefault();
        e.currentTarget.classList.remove("is-drop-target");
        const stickyId = /** @type {DataTransfer} */ (e.dataTransfer).getData(DRAG_TYPE);
        if (stickyId) this.move(stickyId, theme ? theme.id : null);
      };
    }
    return h("section", attrs, head,
      notes.length
        ? h("ul", { class: "theme-notes" }, notes.map((n) => this.note(n, themes, write, moving.has(n.id))))
        : h("p", { class: "empty" }, theme ? "No notes yet." : "Every note is in a theme."));
  }

  /**
   * A theme's dots in the latest revealed vote on themes, or null when there is none.
   * @param {string} themeId
   * @returns {number | null}
   */
  revealedDots(themeId) {
    const rounds = [...this.ctx.store.rounds.values()].filter((r) => r.target === "themes" && r.state === "revealed" && r.totals);
    const last = rounds[rounds.length - 1];
    return last && last.totals ? last.totals[themeId] || 0 : null;
  }

  /**
   * The open vote round on `target`, if any: its dot controls go on the cards themselves.
   * @param {VoteTarget} target
   */
  openRound(target) {
    return [...this.ctx.store.rounds.values()].find((r) => r.state === "open" && r.target === target) || null;
  }

  /**
   * @param {string} stickyId
   * @param {string | null} themeId
   */
  move(stickyId, themeId) {
    const note = this.ctx.store.stickies.get(stickyId);
    if (!note || (note.theme_id || null) === themeId) return;
    this.ctx.send({ type: "group", sticky_id: stickyId, theme_id: themeId });
  }

  /**
   * @param {StickyView} n
   * @param {ThemeView[]} themes
   * @param {boolean} writable
   * @param {boolean} pending  its move is in flight
   */
  note(n, themes, writable, pending) {
    // While a vote is open the cards carry dots; moving them between themes waits.
    const write = writable && !this.openRound("themes") && !this.openRound("stickies");
    const meta = [h("span", { class: "tag" }, sectionLabel(n.section))];
    if (n.author) meta.push(h("span", { class: "note-author" }, n.author));
    if (pending) meta.push(h("span", { class: "pending-tag" }, "moving…"));
    /** @type {HTMLElement[]} */
    const controls = [];
    if (write) {
      const selId = `sticky-${n.id}-theme`;
      const current = n.theme_id && themes.some((t) => t.id === n.theme_id) ? n.theme_id : "";
      const select = h("select", { id: selId, class: "theme-select", dataset: { key: selId },
        onchange: (e) => this.move(n.id, /** @type {HTMLSelectElement} */ (e.currentTarget).value || null) },
      h("option", { value: "" }, "No theme"),
      themes.map((t) => h("option", { value: t.id }, t.name)));
      select.value = current;
      controls.push(h("div", { class: "theme-move" }, h("label", { for: selId, class: "visually-hidden" }, `Theme for: ${n.text}`), select));
    }
    const round = this.openRound("stickies");
    if (round) controls.push(dotControl(this.ctx, round, n.id, n.text));
    const spot = this.ctx.spotlight ? this.ctx.spotlight.button("sticky", n.id, n.text) : null;
    if (spot) controls.push(spot);
    /** @type {Record<string, string>} */
    const dataset = n.author ? { id: n.id, author: n.author, spot: `sticky:${n.id}` } : { id: n.id, spot: `sticky:${n.id}` };
    /** @type {Attrs} */
    const attrs = { class: ["note", "theme-note", `section-${n.section}`, pending && "is-pending"], dataset };
    if (write) {
      attrs.draggable = "true";
      // A drag event's dataTransfer is there in every browser this page runs in.
      attrs.ondragstart = (e) => {
        const data = /** @type {DataTransfer} */ (e.dataTransfer);
        data.setData(DRAG_TYPE, n.id);
        data.setData("text/plain", n.text);
        data.effectAllowed = "move";
        e.currentTarget.classList.add("is-dragging");
      };
      attrs.ondragend = (e) => e.currentTarget.classList.remove("is-dragging");
      if (!n.theme_id) {
        // One ungrouped note dropped on another: a new theme holding both, named for now
        // "Theme N" and renamed in place (its name field takes the focus when it arrives).
        attrs.ondragover = (e) => {
          const data = /** @type {DataTransfer} */ (e.dataTransfer);
          if (![...data.types].includes(DRAG_TYPE)) return;
          e.preventDefault();
          e.stopPropagation();
          data.dropEffect = "move";
          e.currentTarget.classList.add("is-drop-target");
        };
        attrs.ondragleave = (e) => e.currentTarget.classList.remove("is-drop-target");
        attrs.ondrop = (e) => {
          e.preventDefault();
          e.stopPropagation();
          e.currentTarget.classList.remove("is-drop-target");
          const other = /** @type {DataTransfer} */ (e.dataTransfer).getData(DRAG_TYPE);
          if (!other || other === n.id) return;
          const name = `Theme ${themes.length + 1}`;
          this.ctx.send({ type: "add_theme", name, sticky_ids: [n.id, other] });
          this.renameNext = name;
        };
      }
    }
    return h("li", attrs,
      h("span", { class: "note-text" }, n.text),
      h("div", { class: "theme-controls" }, meta, controls));
  }
}
