// @ts-check
// The board's websocket: one connection that keeps coming back.
//
// Why it looks like this:
// - Browsers notice a dead TCP connection late (minutes), so we send an app-level `ping` every
//   15 s and treat a missing `pong` as a lost connection. The same pings estimate the offset
//   between our clock and the server's, which the timer needs to show the server's deadlines.
// - Reconnects back off exponentially with jitter, so a restarted server is not hit by every
//   browser at the same instant.
// - Ops wait in an outbox until the server acknowledges or refuses them. The outbox survives a
//   reload (localStorage, per board), and after a reconnect every op in it is sent again with
//   the SAME `cid`: the server applies an op at most once per cid and answers a repeat with
//   the original seq, so resending is always safe and nothing typed offline is lost.
// - `hello` carries the last seq (and epoch) we applied, so the server can replay only what we
//   missed instead of a whole snapshot.
// - The server rate-limits frames per connection (a burst, then a steady rate). A long outbox is
//   therefore sent in paced chunks, and an op refused as `rate_limited` stays in the outbox and
//   goes again a moment later: a refusal for speed is not a refusal of the op.
//
// Events (CustomEvent, payload in `detail`): status, welcome, event, ack, reject, error,
// presence, advice, nudge_counts, clock, outbox.

import { randomId } from "./dom.js";

/** @typedef {import("./types.js").AckMessage} AckMessage */
/** @typedef {import("./types.js").BatchMessage} BatchMessage */
/** @typedef {import("./types.js").ConnectionStatus} ConnectionStatus */
/** @typedef {import("./types.js").Op} Op */
/** @typedef {import("./types.js").OpInput} OpInput */
/** @typedef {import("./types.js").PongMessage} PongMessage */
/** @typedef {import("./types.js").RejectMessage} RejectMessage */
/** @typedef {import("./types.js").RequestFrame} RequestFrame */
/** @typedef {import("./types.js").ServerMessage} ServerMessage */
/** @typedef {import("./types.js").SocketEvents} SocketEvents */
/** @typedef {import("./types.js").StatusDetail} StatusDetail */
/** @typedef {import("./types.js").WelcomeMessage} WelcomeMessage */
/** @typedef {{op: Op, resends: number, sent: boolean}} OutboxItem */
/** @typedef {{hello?: number, pong?: number, retry?: number, flush?: number, ping?: number}} Timers */

const PING_EVERY_MS = 15_000;
const PONG_TIMEOUT_MS = 10_000;
const HELLO_TIMEOUT_MS = 10_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;
const CLOCK_SAMPLES = 8;
const MAX_RESENDS = 5;      // an op resent after this many welcomes without an answer is dropped
const MAX_OUTBOX = 500;
const CHUNK = 20;           // ops sent at once from the outbox; the server's burst is larger
const CHUNK_EVERY_MS = 1000;

// Error codes and close codes after which retrying cannot help: the credential does not open
// this board (the server sends error{unauthorized}, then closes with 4001). 1008 (origin refused)
// is listed for completeness; browsers see that refusal as a failed handshake (1006). Anything
// else (restart, 1011 save failure, 4008 too slow, network) is retried.
const FATAL_ERRORS = new Set(["unauthorized"]);
const FATAL_CLOSES = new Set([1008, 4001]);

/**
 * A short, non-reversible tag of the credential: the stored outbox belongs to one seat.
 * @param {string} text
 */
function fingerprint(text) {
  let hash = 5381;
  for (let i = 0; i < text.length; i++) hash = ((hash * 33) ^ text.charCodeAt(i)) >>> 0;
  return hash.toString(36);
}

export class BoardSocket extends EventTarget {
  /**
   * @param {object} o
   * @param {string} o.boardId
   * @param {string} o.credential
   * @param {() => {last_seq: number, epoch: string}} o.resume  where the local view is
   * @param {string} [o.url]
   */
  constructor({ boardId, credential, resume, url }) {
    super();
    this.boardId = boardId;
    this.credential = credential;
    this.resume = resume;
    this.url = url || `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/${encodeURIComponent(boardId)}`;
    /** @type {ConnectionStatus} */
    this.status = "offline";
    /** @type {WebSocket | null} */
    this.ws = null;
    this.welcomed = false;
    this.attempt = 0;
    this.stopped = true;
    /** @type {{code: string, message: string} | null} */
    this.fatal = null;
    /** @type {Timers} */
    this.timers = {};
    /** @type {{rtt: number, offset: number}[]} */
    this.clockSamples = [];
    this.offset = 0;        // serverTime ≈ Date.now() + offset
    /** @type {number | null} */
    this.rtt = null;
    this.storageKey = `hindsight:outbox:${boardId}`;
    this.outbox = this.loadOutbox();
    window.addEventListener("online", () => this.reconnectNow());
    // The browser knows the network is gone before any ping can miss: drop the socket now, so
    // the status says so and what is typed waits in the outbox, resent on "online".
    window.addEventListener("offline", () => {
      if (this.ws && this.ws.readyState <= WebSocket.OPEN) this.ws.close(4000, "browser offline");
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && this.status === "offline") this.reconnectNow();
    });
  }

  /** The server's clock now, as well as we can tell. */
  serverNow() {
    return Date.now() + this.offset;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.clearTimers();
    if (this.ws) this.ws.close(1000, "bye");
  }

  /**
   * Queue an op (an object tagged by `type`), send it when online. Returns its cid.
   * @param {OpInput & {cid?: string}} op
   * @returns {string}
   */
  send(op) {
    /** @type {Op} */
    const full = { ...op, cid: op.cid || randomId("c") };
    if (this.outbox.length >= MAX_OUTBOX) {
      this.emit("reject", { cid: full.cid, code: "limit", message: "Too many changes are waiting to be sent; reconnect first.", op: full });
      return full.cid;
    }
    this.outbox.push({ op: full, resends: 0, sent: false });
    this.saveOutbox();
    this.flush();
    return full.cid;
  }

  /** @returns {Op[]} */
  pending() {
    return this.outbox.map((item) => item.op);
  }

  /**
   * Send a frame that is not an op (a guardrail `check`, `count_nudges`) if we are online
   * now. It is not kept in the outbox: its answer only matters while the person is typing.
   * @param {RequestFrame} frame
   * @returns {boolean}
   */
  request(frame) {
    if (this.status !== "online" || !this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  reconnectNow() {
    if (this.stopped || this.fatal || this.status === "online" || this.status === "connecting") return;
    clearTimeout(this.timers.retry);
    this.connect();
  }

  // --- connection lifecycle ------------------------------------------------------------

  connect() {
    this.clearTimers();
    this.welcomed = false;
    this.setStatus("connecting");
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (err) {
      this.setStatus("error", { message: String(err) });
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      const { last_seq, epoch } = this.resume();
      this.raw({ type: "hello", board: this.boardId, credential: this.credential, last_seq, epoch, batch: true });
      this.timers.hello = setTimeout(() => ws.close(4000, "no welcome"), HELLO_TIMEOUT_MS);
    });
    ws.addEventListener("message", (e) => this.onFrame(e.data));
    ws.addEventListener("close", (e) => {
      if (ws !== this.ws) return;  // a connection we already replaced
      this.onClose(e.code, e.reason);
    });
    // "error" is always followed by "close", which decides what happens next.
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  onClose(code, reason) {
    this.clearTimers();
    const wasWelcomed = this.welcomed;
    this.welcomed = false;
    this.ws = null;
    if (!this.fatal && !wasWelcomed && FATAL_CLOSES.has(code)) {
      this.fatal = { code: String(code), message: reason || "The server refused this connection." };
    }
    if (this.fatal) {
      this.setStatus("error", this.fatal);
      return;
    }
    if (this.stopped) {
      this.setStatus("offline");
      return;
    }
    // Equal jitter: half the window fixed, half random, so retries neither stampede nor spin.
    const window_ = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    const delay = Math.round(window_ / 2 + Math.random() * (window_ / 2));
    this.attempt += 1;
    this.setStatus("offline", { retryAt: Date.now() + delay, code });
    this.timers.retry = setTimeout(() => this.connect(), delay);
  }

  /** @param {string} data */
  onFrame(data) {
    /** @type {ServerMessage | BatchMessage} */
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return;  // not ours to interpret; the server only sends JSON
    }
    if (msg.type === "batch" && Array.isArray(msg.messages)) {
      // Several messages in one frame (we asked for it in the hello): each in order, as if alone.
      for (const one of msg.messages) this.onMessage(one);
      return;
    }
    this.onMessage(msg);
  }

  /** @param {ServerMessage | BatchMessage} msg  a batch without its list is ignored, like any
   * frame this page does not know */
  onMessage(msg) {
    switch (msg.type) {
      case "welcome": return this.onWelcome(msg);
      case "event": return this.emit("event", msg);
      case "ack": return this.settle(msg.cid, "ack", msg);
      case "reject": return this.settle(msg.cid, "reject", msg);
      case "pong": return this.onPong(msg);
      case "presence": return this.emit("presence", msg);
      case "advice": return this.emit("advice", msg);
      case "nudge_counts": return this.emit("nudge_counts", msg);
      case "error":
        if (!this.welcomed && FATAL_ERRORS.has(msg.code)) this.fatal = { code: msg.code, message: msg.message };
        return this.emit("error", msg);
      default:
        return undefined;  // newer server, newer frame: ignore, as the protocol promises
    }
  }

  /** @param {WelcomeMessage} msg */
  onWelcome(msg) {
    clearTimeout(this.timers.hello);
    this.welcomed = true;
    this.attempt = 0;
    if (this.clockSamples.length === 0) this.offset = msg.server_time - Date.now();
    this.emit("welcome", msg);
    this.setStatus("online");
    // Resend everything unanswered, oldest first, with the same cids (see the header).
    /** @type {OutboxItem[]} */
    const keep = [];
    for (const item of this.outbox) {
      item.resends += 1;
      if (item.resends > MAX_RESENDS) {
        this.emit("reject", { cid: item.op.cid, code: "undelivered", message: "The server never answered this change.", op: item.op });
        continue;
      }
      keep.push(item);
    }
    for (const item of keep) item.sent = false;
    this.outbox = keep;
    this.saveOutbox();
    this.flush();
    this.ping();
    clearInterval(this.timers.ping);  // a welcome can come again on one connection (a sealed board)
    this.timers.ping = setInterval(() => this.ping(), PING_EVERY_MS);
  }

  /**
   * @param {string} cid
   * @param {"ack" | "reject"} kind  msg.type
   * @param {AckMessage | RejectMessage} msg
   */
  settle(cid, kind, msg) {
    const i = this.outbox.findIndex((item) => item.op.cid === cid);
    if (msg.type === "reject" && msg.code === "rate_limited" && i >= 0) {
      this.outbox[i].sent = false;   // too fast, not refused: send it again shortly
      this.scheduleFlush();
      return;
    }
    const op = i >= 0 ? this.outbox[i].op : null;
    if (i >= 0) {
      this.outbox.splice(i, 1);
      this.saveOutbox();
    }
    this.emit(kind, { ...msg, op });
  }

  // --- clock --------------------------------------------------------------------------

  ping() {
    if (!this.welcomed) return;
    this.raw({ type: "ping", t: Date.now() });
    clearTimeout(this.timers.pong);
    // No pong in time: the connection is dead even if the browser has not noticed yet.
    this.timers.pong = setTimeout(() => this.ws && this.ws.close(4000, "pong timeout"), PONG_TIMEOUT_MS);
  }

  /** @param {PongMessage} msg */
  onPong(msg) {
    clearTimeout(this.timers.pong);
    const now = Date.now();
    const rtt = now - msg.t;
    if (rtt < 0 || rtt > 60_000) return;
    // The server read its clock about halfway through the round trip. Keep the sample with
    // the shortest round trip among the last few: it has the least uncertainty.
    this.clockSamples.push({ rtt, offset: msg.server_time - (msg.t + now) / 2 });
    if (this.clockSamples.length > CLOCK_SAMPLES) this.clockSamples.shift();
    const best = this.clockSamples.reduce((a, b) => (b.rtt < a.rtt ? b : a));
    this.offset = Math.round(best.offset);
    this.rtt = rtt;
    this.emit("clock", { offset: this.offset, rtt });
  }

  // --- sending the outbox ---------------------------------------------------------------

  /** Send unsent ops, oldest first, at most CHUNK now; the rest follow at a steady pace. */
  flush() {
    if (!this.welcomed || this.timers.flush) return;
    let budget = CHUNK;
    for (const item of this.outbox) {
      if (item.sent) continue;
      if (budget === 0) {
        this.scheduleFlush();
        return;
      }
      this.raw(item.op);
      item.sent = true;
      budget -= 1;
    }
  }

  scheduleFlush() {
    if (this.timers.flush) return;
    this.timers.flush = setTimeout(() => {
      this.timers.flush = undefined;
      this.flush();
    }, CHUNK_EVERY_MS + Math.random() * 250);
  }

  // --- plumbing -----------------------------------------------------------------------

  /** @param {Op | RequestFrame} obj */
  raw(obj) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(obj));
  }

  /**
   * @param {ConnectionStatus} status
   * @param {Omit<StatusDetail, "status">} [detail]
   */
  setStatus(status, detail = {}) {
    this.status = status;
    this.emit("status", { status, ...detail });
  }

  /**
   * @template {keyof SocketEvents} K
   * @param {K} type
   * @param {SocketEvents[K]} detail
   */
  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  clearTimers() {
    clearTimeout(this.timers.hello);
    clearTimeout(this.timers.pong);
    clearTimeout(this.timers.retry);
    clearTimeout(this.timers.flush);
    clearInterval(this.timers.ping);
    this.timers = {};
  }

  // The stored outbox is tagged with the seat it belongs to, so ops typed as one participant
  // are never replayed under a different credential (after joining again, say).
  /** @returns {OutboxItem[]} */
  loadOutbox() {
    try {
      /** @type {{seat?: string, ops?: Array<{op?: {cid?: unknown}, resends?: number} | null>} | null} */
      const stored = JSON.parse(localStorage.getItem(this.storageKey) || "null");
      if (stored && stored.seat === fingerprint(this.credential) && Array.isArray(stored.ops)) {
        // An item with an op and a string cid is taken as the op this page stored.
        return stored.ops
          .filter(/** @returns {item is {op: Op, resends?: number}} */
            (item) => Boolean(item && item.op && typeof item.op.cid === "string"))
          .map((item) => ({ op: item.op, resends: item.resends || 0, sent: false }));
      }
    } catch { /* unreadable or unavailable storage: start empty */ }
    return [];
  }

  saveOutbox() {
    try {
      if (this.outbox.length === 0) localStorage.removeItem(this.storageKey);
      else localStorage.setItem(this.storageKey, JSON.stringify({ seat: fingerprint(this.credential), ops: this.outbox }));
    } catch { /* storage full or disabled: the outbox still lives in memory */ }
    this.emit("outbox", { ops: this.pending() });
  }
}
