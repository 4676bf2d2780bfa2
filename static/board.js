// @ts-check
// The board page: wires the socket, the store and the renderers together.
//
// Data flows one way. The socket delivers server frames into the store; the store says which
// kinds of view changed; each renderer redraws its own part from the store. What a person does
// becomes an op that goes into the socket's outbox (and shows as "sending…" from the store's
// pending list) until the server acknowledges or refuses it. Nothing here decides whether an op
// is allowed: a refusal arrives as a `reject` with a reason, and we show that reason.
//
// The page is a stage: the meeting bar (bar.js, timer.js, console.js) stays in view, and
// stage.js shows the regions the current phase uses. A closed meeting is read-only.

import { $, announce, fill, h, randomId } from "./dom.js";
import { takeCredential } from "./credential.js";
import { boardApi } from "./api.js";
import { AccessEditor } from "./access.js";
import { BoardSocket } from "./socket.js";
import { ConnectionStatus } from "./connection_status.js";
import { BoardStore } from "./store.js";
import { PhaseTimer } from "./timer.js";
import { attachAgendaEditor, renderAgenda, renderPeople } from "./agenda.js";
import { TimelineLane } from "./timeline.js";
import { TimelineFileImport } from "./timeline_import.js";
import { NotesPanel } from "./notes.js";
import { FacilitatorConsole, InvitePanel, TagsEditor } from "./console.js";
import { PhasePanels } from "./phases.js";
import { Highlighter, SpeakUp } from "./signals.js";
import { Shortcuts } from "./shortcuts.js";
import { Nudges, attachNudgeSettings } from "./nudges.js";
import { MeetingBar } from "./bar.js";
import { Stage } from "./stage.js";
import { Lobby } from "./lobby.js";
import { SeatsPanel } from "./door.js";
import { IncidentSheet, MeetingRecord, renderRoom } from "./sheet.js";
import { Spotlight } from "./spotlight.js";
import { watchScrollRegions } from "./scrollhint.js";
import { SEVERITY_LABELS, dayLabel, plural, sectionLabel, timeOfDay } from "./format.js";

/** @typedef {import("./types.js").BoardMeta} BoardMeta */
/** @typedef {import("./types.js").ItemView} ItemView */
/** @typedef {import("./types.js").Op} Op */
/** @typedef {import("./types.js").PhaseView} PhaseView */
/** @typedef {import("./types.js").Send} Send */
/** @typedef {import("./types.js").StickyView} StickyView */
/** @typedef {import("./types.js").TimelineView} TimelineView */

const boardId = document.body.dataset.boardId;
const credential = boardId ? takeCredential(boardId) : null;
const TOAST_MS = 5000;

// A credential is stored per board id, so having one means having the id too.
if (!boardId || !credential) $("#no-seat").hidden = false;
else start(boardId, credential);

/**
 * @param {string} boardId
 * @param {string} credential
 */
function start(boardId, credential) {
  const store = new BoardStore();
  const socket = new BoardSocket({ boardId, credential, resume: () => store.resume() });
  const live = $("#live");

  /** @type {Send} */
  const send = (op) => {
    /** @type {Op} */
    const full = { ...op, cid: randomId("c") };
    store.track(full);
    socket.send(full);
    return full;  // callers that follow their op's fate keep its cid
  };
  // Ops left unanswered by an earlier visit are resent after the first welcome; show them.
  for (const op of socket.pending()) store.track(op);

  // Messages that report a result go away by themselves; errors stay until dismissed.
  /** @type {number | undefined} */
  let toastTimer = undefined;
  const toast = (/** @type {string} */ text) => {
    const el = $("#toast");
    el.textContent = text;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.hidden = true; }, TOAST_MS);
  };

  const timer = new PhaseTimer({
    root: $("#timer"), display: $("#timer-display"), state: $("#timer-state"), bar: /** @type {HTMLProgressElement} */ ($("#timer-bar")),
    live: $("#timer-live"), serverNow: () => socket.serverNow(),
  });
  const spotlight = new Spotlight({ store, send, root: $("#board"), banner: $("#spotlight-banner") });
  const lane = new TimelineLane({
    form: /** @type {HTMLFormElement} */ ($("#timeline-form")), legend: $("#timeline-legend"), list: $("#timeline-list"), empty: $("#timeline-empty"),
    count: $("#timeline-count"), store, send, toast, spotlight,
  });
  const api = boardApi(boardId, credential);  // the board's HTTP API, with this seat's credential
  const fileImport = new TimelineFileImport({ region: $("#timeline"), store, send, toast, api });
  const notes = new NotesPanel({
    form: /** @type {HTMLFormElement} */ ($("#note-form")), section: /** @type {HTMLSelectElement} */ ($("#note-section")),
    sectionField: $("#note-section-field"), text: /** @type {HTMLTextAreaElement} */ ($("#note-text")),
    noNotes: $("#no-notes-phase"), groups: $("#note-sections"), notice: $("#private-notice"),
    parkForm: /** @type {HTMLFormElement} */ ($("#park-form")), parkText: /** @type {HTMLInputElement} */ ($("#park-text")), parkList: $("#parking-list"), parkCount: $("#parking-count"),
    store, send, spotlight,
  });
  const facilitator = new FacilitatorConsole({ root: $("#console"), store, send, handOverSlot: $("#hand-over-slot") });
  const speakUp = new SpeakUp({
    root: $("#speak-up"), banner: $("#refocus-banner"), store, send,
    serverNow: () => socket.serverNow(), announce: (text) => announce(live, text), toast,
  });
  const bar = new MeetingBar({
    store, stepper: $("#stepper"), step: $("#phase-step"), title: $("#phase-title"), dotsLeft: $("#dots-left"),
    handsButton: $("#hands-open"), handsDialog: /** @type {HTMLDialogElement} */ ($("#hands")),
  });
  const stage = new Stage({ body: $("#stage-body"), store, parking: $("#parking"), parkingDialog: /** @type {HTMLDialogElement} */ ($("#parking-dialog")), parkingBody: $("#parking-dialog-body") });
  const lobby = new Lobby({ root: $("#lobby"), store, send, boardId });
  const sheet = new IncidentSheet({ root: $("#sheet"), store, send });
  const record = new MeetingRecord({ root: $("#record"), store, send });
  const highlighter = new Highlighter($("#board"));
  const nudges = new Nudges({ root: document.body, socket, store });
  const renderNudgeSettings = attachNudgeSettings($("#nudge-settings"), { store, send });
  const named = () => Boolean(store.board && store.board.settings.anonymity === "named");
  const people = () => {
    renderPeople($("#people-list"), $("#people-count"), store.participants, store.presence,
      named() ? highlighter : null);
    highlighter.apply();
  };
  const tags = new TagsEditor({ root: $("#tags"), store, send });
  const access = new AccessEditor({ root: $("#access"), store, send });
  attachAgendaEditor($("#agenda-list"), { store, send, api });  // the facilitator's agenda controls
  const invite = new InvitePanel({ root: $("#invite"), store, send, boardId, credential, status: $("#copy-status") });
  const seats = new SeatsPanel({ root: $("#seats"), store, send });
  // Declared below; the panels call them only when they render, after start() has run.
  const panels = new PhasePanels({
    store, send, spotlight, isFacilitator: () => isFacilitator(), canWrite: () => canWrite(),
    api,
  });
  const menu = /** @type {HTMLDialogElement} */ ($("#menu"));

  let shown = false;
  /** @type {string | null | undefined} the current phase at the last redraw (undefined: none yet) */
  let lastCurrent;
  /** @type {boolean | undefined} whether the meeting was closed at the last redraw */
  let wasClosed;

  const me = () => store.me();
  const isClosed = () => Boolean(store.board && store.board.closed_at !== null);
  const canWrite = () => {
    if (isClosed()) return false;
    const p = me();
    return Boolean(p ? p.role !== "observer" : store.role && store.role !== "observer");
  };
  const isFacilitator = () => store.isFacilitator();

  // The renderers below run once the first welcome has brought a board (`shown`).
  const board = () => /** @type {BoardMeta} */ (store.board);

  function renderHeader() {
    const { header } = board();
    const sev = $("#severity");
    sev.className = `sev sev-${header.severity}`;
    sev.textContent = SEVERITY_LABELS[header.severity] || header.severity;
    sev.title = board().severity_meaning;
    fill($("#board-title"), header.title || "Untitled incident");
    renderRoom($("#room-question"), store);
  }

  function renderPhase() {
    const phase = store.currentPhase();
    const closed = isClosed();
    fill($("#phase-prompt"), closed ? ""
      : phase ? phase.prompt
        : isFacilitator() ? "Invite people with the join link. Start the meeting when everyone is here." : "");
    const lq = $("#learning-question");
    const question = board().header.learning_question;
    // The learning question frames every phase but "set the room", which shows it large.
    lq.hidden = !question || closed || !phase || phase.kind === "set_the_room";
    fill(lq, h("span", { class: "lq-label" }, "What we want to learn: "), question);
    const where = closed ? "Closed" : phase ? phase.title : "";
    document.title = `${where ? `${where} · ` : ""}${board().header.title || "Post-mortem"} · Hindsight`;
    timer.update(closed ? null : phase);
    if (lastCurrent !== undefined && lastCurrent !== board().current && phase) {
      announce(live, `Now: ${phase.title}, ${plural(phase.minutes, "minute", "minutes")}.`);
    }
    lastCurrent = board().current;
    renderEnd(phase, closed);
    $("#invite-open").hidden = !isFacilitator() || closed;
    renderParkButton();
  }

  /** The bar's way to the parking lot in the phases that do not show it, with its count. */
  function renderParkButton() {
    const parked = [...store.stickies.values()].filter((s) => s.section === "parking_lot").length;
    $("#park-open").hidden = stage.parkingOnStage() || (!store.can("park_question") && parked === 0);
    fill($("#park-open"), `Parking lot (${parked})`);
  }

  /**
   * The end of the meeting: the write-up comes forward in wrap-up, the banner once closed.
   * @param {PhaseView | null} phase
   * @param {boolean} closed
   */
  function renderEnd(phase, closed) {
    const wrapUp = Boolean(phase && phase.kind === "wrap_up");
    $("#writeup-link").classList.toggle("primary", wrapUp || closed);
    $("#wrapup-hint").hidden = !wrapUp || closed;
    const at = board().closed_at;
    if (closed && at !== null) {
      fill($("#closed-when"), `Closed ${dayLabel(at)} at ${timeOfDay(at)}`);
    }
    if (wasClosed === false && closed) announce(live, "The meeting is closed. Its content is final.");
    wasClosed = closed;
  }

  function renderRejections() {
    fill($("#rejections"), store.rejections.map((r) => h("div", { class: "rejection", role: "alert" },
      h("p", {}, h("strong", {}, "Not saved: "), r.message),
      r.op && "text" in r.op && r.op.text ? h("p", { class: "rejected-text" }, "Your text: ", h("q", {}, r.op.text)) : null,
      h("button", { type: "button", class: "button small", onclick: () => store.dismissRejection(r.cid) }, "Dismiss"))));
  }

  /** @param {ItemView[]} added */
  function announceAdded(added) {
    const theirs = added.filter(
      /** @returns {v is TimelineView | StickyView} */
      (v) => (v.type === "timeline" || v.type === "sticky") && !v.mine && !(v.type === "sticky" && v.hidden));
    if (theirs.length === 0) return;
    if (theirs.length > 2) {
      announce(live, `${plural(theirs.length, "new item", "new items")} on the board.`);
      return;
    }
    const v = theirs[0];
    announce(live, v.type === "timeline"
      ? `New timeline entry at ${timeOfDay(v.at)}: ${v.text}`
      : `New note in ${sectionLabel(v.section)}: ${v.text}`);
  }

  function renderPresence() {
    const el = $("#presence");
    el.hidden = !store.presence.online;
    el.textContent = `${store.presence.online} online`;
  }

  function renderDrawer() {
    const fac = isFacilitator();
    $("#facilitation").hidden = !fac || isClosed();
  }

  function renderAll() {
    renderHeader();
    renderPhase();
    bar.render();
    renderAgenda($("#agenda-list"), board(), socket.serverNow());
    people();
    renderPresence();
    facilitator.render(isFacilitator());
    speakUp.render();
    tags.render(isFacilitator());
    access.render(isFacilitator());
    invite.render(isFacilitator());
    seats.render();
    renderDrawer();
    lobby.render();
    sheet.render();
    record.render();
    renderComposers();
    panels.render(null);
    renderRejections();
    stage.apply();
    highlighter.apply();
    spotlight.apply();
    renderNudgeSettings();
    nudges.renderCounts();
    nudges.boardChanged();
  }

  // Composers show when the server would take what they send: it lists those ops per viewer.
  function renderComposers() {
    lane.render(store.can("add_timeline_entry"));
    fileImport.render(store.can("import_timeline"));
    notes.render(store.can("add_sticky"), store.can("park_question"));
  }

  store.addEventListener("change", (e) => {
    if (!store.board) return;
    const { kinds, added, reset } = e.detail;
    if (!shown || reset || kinds.has("participant")) {
      renderAll();
      if (added.length) announceAdded(added);
      return;
    }
    if (kinds.has("board")) {
      renderHeader();
      renderPhase();
      renderAgenda($("#agenda-list"), store.board, socket.serverNow());
      facilitator.render(isFacilitator());
      tags.render(isFacilitator());
      access.render(isFacilitator());
      speakUp.render();
      renderDrawer();
      sheet.render();
      record.render();
      renderComposers();  // a new phase or closing the meeting changes what we may add
    }
    if (kinds.has("board") || kinds.has("round") || kinds.has("pending")) bar.render();
    if (kinds.has("presence")) {
      people();
      renderPresence();
    }
    // The door (join links, seats) follows the links, who is connected and our own ops.
    if (["board", "presence", "pending", "rejections"].some((k) => kinds.has(k))) {
      lobby.render();
      invite.render(isFacilitator());
      seats.render();
    }
    if (!kinds.has("board")) {
      if (kinds.has("timeline") || kinds.has("pending")) lane.render(store.can("add_timeline_entry"));
      if (kinds.has("sticky") || kinds.has("pending")) notes.render(store.can("add_sticky"), store.can("park_question"));
    }
    if (kinds.has("sticky")) renderParkButton();
    // The bar's "Open vote on …" follows what there is to vote on.
    if (kinds.has("round") || kinds.has("theme") || kinds.has("action")) facilitator.render(isFacilitator());
    if (kinds.has("pending")) {
      facilitator.render(isFacilitator());
      tags.render(isFacilitator());
      access.render(isFacilitator());
      speakUp.render();
      sheet.render();
      record.render();
    }
    if (kinds.has("rejections")) renderRejections();
    panels.render(kinds);
    stage.apply();
    highlighter.apply();
    spotlight.apply();
    if (kinds.has("board") || kinds.has("pending")) renderNudgeSettings();
    if (kinds.has("board")) nudges.renderCounts();
    nudges.sweep();
    if (!kinds.has("pending") || kinds.size > 1) nudges.boardChanged();
    if (added.length) announceAdded(added);
  });

  // --- the socket ----------------------------------------------------------------------

  socket.addEventListener("welcome", (e) => {
    store.applyWelcome(e.detail);
    if (!shown && store.board) {
      shown = true;
      $("#loading").hidden = true;
      $("#board").hidden = false;
      renderAll();
    }
  });
  socket.addEventListener("event", (e) => store.applyEvent(e.detail));
  socket.addEventListener("ack", (e) => store.ack(e.detail.cid, e.detail.seq));
  socket.addEventListener("reject", (e) => store.reject(e.detail.cid, e.detail.code, e.detail.message, e.detail.op));
  socket.addEventListener("presence", (e) => store.setPresence(e.detail));
  socket.addEventListener("clock", () => timer.tick());
  socket.addEventListener("error", (e) => {
    // Frame-level trouble (rate limits, oversized frames) is worth seeing; it is not an op.
    if (socket.welcomed) store.reject(randomId("e"), e.detail.code, e.detail.message, null);
  });
  const connection = new ConnectionStatus(socket, live, () => shown);
  socket.addEventListener("outbox", (e) => connection.renderOutbox(e.detail.ops.length));
  socket.addEventListener("status", (e) => connection.render(e.detail));

  $("#retry").addEventListener("click", () => socket.reconnectNow());
  // The menu drawer and the bar's shortcuts into it.
  const openMenu = (/** @type {string | null} */ section) => {
    if (!menu.open) menu.showModal();
    if (section) {
      const el = menu.querySelector(section);
      if (el) {
        el.scrollIntoView({ block: "start" });
        const first = /** @type {HTMLElement | null} */ (el.querySelector("input, textarea, button, select"));
        if (first) first.focus();
      }
    }
  };
  $("#menu-open").addEventListener("click", () => openMenu(null));
  $("#menu-close").addEventListener("click", () => menu.close());
  $("#invite-open").addEventListener("click", () => openMenu("#invite"));
  menu.addEventListener("click", (e) => { if (e.target === menu) menu.close(); });  // the backdrop
  $("#park-open").addEventListener("click", () => stage.openParking());
  // On a phone these two live in the menu (the bar keeps to the meeting's own controls).
  $("#park-open-menu").addEventListener("click", () => { menu.close(); stage.openParking(); });
  $("#refocus-menu").addEventListener("click", () => { menu.close(); $("#refocus").click(); });
  $("#parking-close").addEventListener("click", () => /** @type {HTMLDialogElement} */ ($("#parking-dialog")).close());
  // "N min so far" in the agenda moves even when nothing else happens.
  setInterval(() => { if (store.board) renderAgenda($("#agenda-list"), store.board, socket.serverNow()); }, 30_000);
  watchScrollRegions($("#stage-body"));

  new Shortcuts({
    store, facilitator, openMenu: () => openMenu(null), spotlight,
    toggleHand: () => { if (store.can("raise_hand")) speakUp.toggleHand(); },
  });
  socket.start();
}
