// @ts-check
// The review of earlier actions (phase kind `action_review`): the open actions of earlier
// post-mortems that share this board's tags, or that the facilitator picked, with their owners,
// due dates and statuses; the meeting says where each stands.
//
// The list is the board's `review` view, which the server loads from the incident log when the
// facilitator asks (and on its own the first time the facilitator opens the phase). A status
// change goes over HTTP (`/review/status`), because it changes two boards: the earlier one first,
// then this one, whose `review` event redraws everyone's list. Who may change what is the
// server's call (the facilitator; an owner, by their display name, in this phase); the menus
// here only mirror it.

import { fill, h } from "./dom.js";
import { plural } from "./format.js";

/** @typedef {import("./types.js").ActionStatus} ActionStatus */
/** @typedef {import("./types.js").PanelContext} PanelContext */
/** @typedef {import("./types.js").ReviewItemView} ReviewItemView */
/** @typedef {{board_id: string, title: string, date: string, tags: string[], open: number}} Candidate */

const RELEVANT = ["board", "review", "participant"];
/** @type {Record<ActionStatus, string>} */
const STATUS_LABELS = { open: "Open", in_progress: "In progress", done: "Done", dropped: "Dropped" };

/** @param {string} name */
const fold = (name) => name.trim().toLocaleLowerCase();

export class ReviewPanel {
  /**
   * @param {HTMLElement} root
   * @param {PanelContext} ctx
   */
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.autoLoaded = false;
    this.busy = false;  // an HTTP call is under way: its own message stays in the status line
    root.hidden = true;
    root.className = "card review-panel";
    root.setAttribute("role", "region");
    root.setAttribute("aria-labelledby", "review-heading");

    this.scope = h("p", { class: "hint review-scope" });
    this.status = h("p", { class: "review-status", role: "status", "aria-live": "polite" });
    this.reload = h("button", { type: "button", class: "button" }, "Load from the incident log");
    this.reload.addEventListener("click", () => this.load());

    this.query = h("input", { id: "review-search", type: "search", maxlength: "200", autocomplete: "off",
      placeholder: "Search earlier post-mortems" });
    this.found = h("ul", { class: "review-found", "aria-label": "Earlier post-mortems found" });
    const search = h("form", { class: "review-search", role: "search" },
      h("label", { for: "review-search", class: "visually-hidden" }, "Search earlier post-mortems to add"),
      this.query, h("button", { type: "submit", class: "button" }, "Find"));
    search.addEventListener("submit", (e) => { e.preventDefault(); this.find(); });
    this.picked = h("ul", { class: "review-picked", "aria-label": "Post-mortems you added" });
    this.controls = h("div", { class: "review-controls" },
      h("div", { class: "review-load" }, this.reload),
      h("details", { class: "review-pick" },
        h("summary", {}, "Add an earlier post-mortem"), search, this.found),
      this.picked);

    this.list = h("div", { class: "review-list" });
    this.empty = h("p", { class: "empty" });
    root.append(h("h2", { id: "review-heading" }, "Earlier actions"), this.scope, this.controls,
      this.status, this.list, this.empty);
  }

  /** @param {Set<string> | null} kinds */
  render(kinds) {
    if (kinds && !RELEVANT.some((k) => kinds.has(k))) return;
    const { store } = this.ctx;
    const phase = store.currentPhase();
    const closed = Boolean(store.board && store.board.closed_at !== null);
    this.root.hidden = !phase || phase.kind !== "action_review" || closed;
    if (this.root.hidden || !store.board) return;
    const review = store.review;
    const fac = this.ctx.isFacilitator();
    this.controls.hidden = !fac;
    const tags = store.board.header.tags;
    const picks = review ? review.boards.length : 0;
    fill(this.scope, tags.length
      ? `Open actions of earlier post-mortems tagged ${tags.join(", ")}${picks ? `, and of ${plural(picks, "post-mortem", "post-mortems")} added by hand` : ""}.`
      : picks
        ? `Open actions of ${plural(picks, "post-mortem", "post-mortems")} added by hand. Tag this post-mortem (in the incident sheet) to bring in others like it.`
        : "This post-mortem has no tags yet: tag it in the incident sheet, or add earlier post-mortems by hand, to bring their open actions here.");
    if (fac && review && !this.autoLoaded && review.loaded_at === 0) {
      this.autoLoaded = true;  // once per page: a reload is the button's
      this.load();
    }
    this.renderPicked();
    this.renderItems();
  }

  renderPicked() {
    const review = this.ctx.store.review;
    const ids = review ? review.boards : [];
    const titles = new Map((review ? review.items : []).map((i) => [i.board_id, i.board_title]));
    fill(this.picked, ...ids.map((id) => {
      const remove = h("button", { type: "button", class: "button link" }, "Remove");
      remove.addEventListener("click", () => this.pick(id, false));
      return h("li", {}, h("span", {}, titles.get(id) || "A post-mortem with no open actions"), " ", remove);
    }));
  }

  renderItems() {
    const { store } = this.ctx;
    const items = store.review ? store.review.items : [];
    const me = store.me();
    const fac = this.ctx.isFacilitator();
    const today = new Date().toISOString().slice(0, 10);
    /** @type {Map<string, ReviewItemView[]>} */
    const byBoard = new Map();
    for (const item of items) {
      const group = byBoard.get(item.board_id) || [];
      group.push(item);
      byBoard.set(item.board_id, group);
    }
    fill(this.list, ...[...byBoard.values()].map((group) => {
      const first = group[0];
      return h("section", { class: "review-board" },
        h("h3", {}, first.board_title || "Untitled incident", " ", h("span", { class: "review-date" }, first.board_date)),
        h("ul", { class: "review-items" }, group.map((item) => {
          const mine = Boolean(me && me.role === "participant" && fold(me.name) === fold(item.owner) && item.owner);
          return this.row(item, fac || mine, today);
        })));
    }));
    const loaded = store.review && store.review.loaded_at > 0;
    this.empty.hidden = items.length > 0;
    fill(this.empty, loaded ? "No open actions from earlier post-mortems: nothing to review." : "Not loaded yet: the facilitator loads the earlier actions.");
    const changed = items.filter((i) => i.was !== null).length;
    if (!this.busy) fill(this.status, changed ? `${plural(changed, "action", "actions")} changed in this meeting.` : "");
  }

  /**
   * @param {ReviewItemView} item
   * @param {boolean} editable
   * @param {string} today  YYYY-MM-DD
   */
  row(item, editable, today) {
    const overdue = Boolean(item.due) && item.due < today && (item.status === "open" || item.status === "in_progress");
    const label = `Status of “${item.text}”`;
    const status = editable
      ? this.menu(item, label)
      : h("span", { class: `status status-${item.status}` }, STATUS_LABELS[item.status]);
    return h("li", { class: "review-item" + (item.was ? " changed" : "") },
      h("p", { class: "review-text" }, item.text),
      h("p", { class: "review-meta" },
        h("span", {}, item.owner ? `Owner: ${item.owner}` : "No owner"),
        h("span", { class: overdue ? "overdue" : "" }, item.due ? `Due ${item.due}${overdue ? " (overdue)" : ""}` : "No due date"),
        item.was ? h("span", { class: "review-was" }, `was ${STATUS_LABELS[item.was]}`) : null),
      h("div", { class: "review-status-field" }, status));
  }

  /**
   * @param {ReviewItemView} item
   * @param {string} label
   */
  menu(item, label) {
    const select = h("select", { "aria-label": label },
      Object.entries(STATUS_LABELS).map(([value, text]) =>
        h("option", value === item.status ? { value, selected: true } : { value }, text)));
    select.addEventListener("change", () => this.setStatus(item, /** @type {ActionStatus} */ (select.value)));
    return select;
  }

  /**
   * @param {ReviewItemView} item
   * @param {ActionStatus} status
   */
  async setStatus(item, status) {
    await this.call("Saving…", () => this.ctx.api("/review/status", { board_id: item.board_id, action_id: item.action_id, status }),
      `“${item.text}” is now ${STATUS_LABELS[status].toLowerCase()}, on its own post-mortem too.`);
  }

  async load() {
    await this.call("Loading the earlier actions…", () => this.ctx.api("/review/load", {}), "Loaded from the incident log.");
  }

  /**
   * @param {string} boardId
   * @param {boolean} picked
   */
  async pick(boardId, picked) {
    this.ctx.send({ type: "pick_review_board", board_id: boardId, picked });
    // The op and the reload go over different roads; give the op a moment to land first.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await this.load();
  }

  async find() {
    const q = this.query.value.trim();
    try {
      /** @type {{post_mortems: Candidate[]}} */
      const answer = await this.ctx.api(`/review/candidates?q=${encodeURIComponent(q)}`);
      const review = this.ctx.store.review;
      const taken = new Set(review ? review.boards : []);
      fill(this.found, ...(answer.post_mortems.length ? answer.post_mortems.map((c) => {
        const add = h("button", { type: "button", class: "button" }, taken.has(c.board_id) ? "Added" : "Add");
        add.disabled = taken.has(c.board_id);
        add.addEventListener("click", () => { add.disabled = true; this.pick(c.board_id, true); });
        return h("li", {}, h("span", {}, `${c.title || "Untitled incident"} · ${c.date} · ${plural(c.open, "open action", "open actions")}`), " ", add);
      }) : [h("li", { class: "empty" }, "No post-mortem matches.")]));
    } catch (e) {
      fill(this.status, e instanceof Error ? e.message : String(e));
    }
  }

  /**
   * Run one HTTP call, saying so while it runs, and what came of it.
   * @param {string} doing
   * @param {() => Promise<unknown>} call
   * @param {string} done
   */
  async call(doing, call, done) {
    this.busy = true;
    fill(this.status, doing);
    try {
      await call();
      fill(this.status, done);
    } catch (e) {
      fill(this.status, `Not saved: ${e instanceof Error ? e.message : String(e)}`);
      this.renderItems();  // the menus go back to what the board says
    } finally {
      this.busy = false;
    }
  }
}
