// @ts-check
// The stage: which regions the current phase puts on screen, and how wide each is.
//
// Every region of the page (the incident sheet, the timeline, the notes, the five whys, the
// themes, the vote, the actions, the wrap-up record, the parking lot) is rendered by its own
// module and always kept current; this module only shows the ones the phase uses and lays them
// out. On a desktop the columns come from `LAYOUTS` (CSSOM, allowed under the CSP); narrower
// screens stack them (stage.css). A vote that is open outside its own phase joins any layout,
// so nobody has to look for the ballot.

/** @typedef {import("./types.js").BoardStore} BoardStore */

const MAIN = "minmax(0, 1.6fr)";
const SIDE = "minmax(260px, 1fr)";
const HALF = "minmax(0, 1fr)";

/** @typedef {[regionId: string, width: string][]} Layout */

/** @type {Record<string, Layout>} Phase kind (or "lobby" / "closed") -> [[region id, width], ...] in reading order. */
const LAYOUTS = {
  lobby: [["lobby", MAIN], ["timeline", SIDE]],  // facts can be gathered before the start
  set_the_room: [["room", HALF]],
  action_review: [["panel-review", HALF]],
  summary: [["sheet", MAIN], ["timeline", SIDE]],
  timeline: [["timeline", MAIN], ["parking", "minmax(240px, 320px)"]],
  five_whys: [["panel-whys", HALF]],
  contributing_factors: [["notes", HALF]],
  reflection: [["notes", HALF]],
  discussion: [["notes", HALF], ["panel-themes", HALF]],
  themes: [["panel-themes", MAIN], ["panel-vote", SIDE]],
  vote: [["panel-vote", MAIN], ["panel-themes", SIDE]],
  actions: [["panel-actions", MAIN], ["panel-vote", SIDE]],
  wrap_up: [["panel-wrapup", HALF], ["record", HALF]],
  closed: [["closed-banner", HALF], ["record", HALF], ["sheet", HALF], ["timeline", HALF], ["panel-whys", HALF], ["panel-actions", HALF]],
};

const STACKED = new Set(["set_the_room", "closed"]);

export class Stage {
  /**
   * @param {object} o
   * @param {HTMLElement} o.body                the stage, whose `.region` children it lays out
   * @param {BoardStore} o.store
   * @param {HTMLElement} o.parking             the parking lot's region
   * @param {HTMLDialogElement} o.parkingDialog where the parking lot goes outside the timeline phase
   * @param {HTMLElement} o.parkingBody
   */
  constructor({ body, store, parking, parkingDialog, parkingBody }) {
    this.body = body;
    this.store = store;
    this.parking = parking;
    this.parkingDialog = parkingDialog;
    this.parkingBody = parkingBody;
    // The stage's regions are HTML elements (sections) in the page's template.
    this.regions = [.../** @type {HTMLCollectionOf<HTMLElement>} */ (body.children)].filter((el) => el.classList.contains("region"));
    /** @type {string | null} */
    this.key = null;
    // The parking lot lives in the stage during the timeline phase and in a dialog otherwise.
    parkingDialog.addEventListener("close", () => this.apply());
  }

  layoutKey() {
    const { board } = this.store;
    if (!board) return "lobby";
    if (board.closed_at !== null && board.closed_at !== undefined) return "closed";
    const phase = this.store.currentPhase();
    return phase ? phase.kind : "lobby";
  }

  /**
   * Panels whose module hid its own content (nothing to show yet) take no column.
   * @param {HTMLElement} region
   */
  hasContent(region) {
    if (!region.classList.contains("panel-region")) return true;
    const inner = /** @type {HTMLElement | null} */ (region.firstElementChild);
    return Boolean(inner && !inner.hidden);
  }

  apply() {
    const key = this.layoutKey();
    let layout = LAYOUTS[key] || [["notes", HALF]];
    const round = [...this.store.rounds.values()].find((r) => r.state === "open");
    if (round && key !== "closed" && !layout.some(([id]) => id === "panel-vote")) {
      layout = [...layout.map(([id]) => /** @type {[string, string]} */ ([id, MAIN])), ["panel-vote", SIDE]];
    }
    const parkingOpen = this.parkingDialog.open;
    const wanted = new Map(layout.filter(([id]) => !(id === "parking" && parkingOpen)));
    /** @type {[HTMLElement, string][]} */
    const shown = [];
    for (const [id, width] of wanted) {
      const region = this.regions.find((r) => r.id === id);
      if (region && this.hasContent(region)) shown.push([region, width]);
    }
    for (const region of this.regions) region.hidden = !shown.some(([r]) => r === region);
    // Once a vote is revealed its results lead on a phone (stage.css), not trail the board.
    const rounds = [...this.store.rounds.values()];
    const latest = rounds[rounds.length - 1];
    this.body.classList.toggle("vote-revealed", Boolean(latest && latest.state === "revealed"));
    // Reading order follows the layout. Moving a node blurs whatever has the focus inside it,
    // so regions move only when the order is actually wrong.
    const order = [...this.body.children].filter((el) => shown.some(([r]) => r === el));
    if (order.some((el, i) => el !== shown[i][0])) for (const [region] of shown) this.body.append(region);
    if (parkingOpen && this.parking.parentElement !== this.parkingBody) this.parkingBody.append(this.parking);
    if (!parkingOpen && this.parking.parentElement !== this.body) this.body.append(this.parking);
    if (parkingOpen) this.parking.hidden = false;
    this.body.dataset.layout = STACKED.has(key) ? key : `${key}-${shown.length}`;
    this.body.style.gridTemplateColumns = STACKED.has(key) ? HALF : shown.map(([, w]) => w).join(" ");
    if (key !== this.key) {
      const first = this.key === null;
      this.key = key;
      this.body.scrollTop = 0;
      // Narrow screens scroll the page itself: a new phase starts at its top.
      if (!first && window.matchMedia("(max-width: 1023.98px)").matches) window.scrollTo(0, 0);
    }
  }

  /** Whether the parking lot is on the stage now (else the bar offers it as a dialog). */
  parkingOnStage() {
    return this.layoutKey() === "timeline";
  }

  openParking() {
    if (this.parkingDialog.open) return;
    this.parkingDialog.showModal();
    this.apply();
    const input = /** @type {HTMLElement | null} */ (this.parking.querySelector("#park-text"));
    if (input && !input.closest("[hidden]")) input.focus();
  }
}
