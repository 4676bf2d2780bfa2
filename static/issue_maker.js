// @ts-check
// An action's issue in the organisation's tracker, on the action card: the link once there is
// one, and "Create issue in ..." for a committed action without one, offered to its owner and
// the facilitator when a tracker is set up (`GET /api/tracker`). The server decides who may
// (`POST /api/boards/{id}/actions/{action}/issue`); the `link_issue` event draws the link for
// everyone.

import { fill, h } from "./dom.js";

/** @typedef {import("./types.js").ActionView} ActionView */
/** @typedef {import("./types.js").IssueLink} IssueLink */
/** @typedef {import("./types.js").ParticipantView} ParticipantView */
/** @typedef {import("./types.js").TrackerInfo} TrackerInfo */

export class IssueMaker {
  /**
   * @param {<T>(path: string, body?: object) => Promise<T>} api  this board's HTTP API
   * @param {() => void} redraw  the panel's own redraw
   */
  constructor(api, redraw) {
    this.api = api;
    this.redraw = redraw;
    /** @type {TrackerInfo | null} the organisation's issue tracker, when one is set up */
    this.tracker = null;
    /** @type {string | null} the action whose issue is being made */
    this.issuing = null;
    this.status = h("p", { class: "hint action-issue-status", role: "status", "aria-live": "polite" });
    fetch("/api/tracker").then((r) => r.json()).then((/** @type {TrackerInfo} */ t) => {
      if (t.tracker) { this.tracker = t; this.redraw(); }
    }).catch(() => { /* no tracker answer: no issue buttons */ });
  }

  /**
   * The card's link to the action's issue: a link only to a web page (the tracker said where;
   * never a script URL).
   * @param {ActionView} a
   */
  link(a) {
    if (!a.issue) return null;
    const label = `Issue ${a.issue.key}`;
    return /^https?:\/\//i.test(a.issue.url)
      ? h("a", { class: "action-issue", href: a.issue.url, target: "_blank", rel: "noopener noreferrer" }, label)
      : h("span", { class: "action-issue" }, label);
  }

  /**
   * "Create issue" where the server would take it, else null.
   * @param {ActionView} a
   * @param {ParticipantView | null} me
   * @param {boolean} isFacilitator
   */
  button(a, me, isFacilitator) {
    const t = this.tracker;
    if (!t || a.issue || !a.selected) return null;
    if (!isFacilitator && !(me && a.owner_id === me.id)) return null;
    const busy = this.issuing === a.id;
    return h("button", {
      type: "button", class: "button small action-make-issue", disabled: busy, dataset: { focus: `${a.id}:issue` },
      onclick: async () => {
        this.issuing = a.id;
        fill(this.status, `Creating an issue in ${t.name}…`);
        this.redraw();
        try {
          /** @type {{issue: IssueLink}} */
          const made = await this.api(`/actions/${encodeURIComponent(a.id)}/issue`, {});
          fill(this.status, `Created ${made.issue.key} in ${t.name}; it is linked on the action.`);
        } catch (e) {
          fill(this.status, `No issue was created: ${e instanceof Error ? e.message : String(e)}`);
        } finally {
          this.issuing = null;
          this.redraw();
        }
      },
    }, busy ? "Creating…" : `Create issue in ${t.name}`);
  }
}
