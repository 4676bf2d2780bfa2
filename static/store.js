// @ts-check
// The local view of one board: what the server last told us, plus our own changes in flight.
//
// The server is the only authority. This store never guesses at the outcome of an op: it keeps
// the views the server sent (a snapshot, then events that upsert views by type and id or remove
// them) and, separately, the ops we sent that are not settled yet, so the page can show them as
// "sending" without pretending they happened. Change notifications say which kinds of view
// changed, so each renderer redraws only its part.

/** @typedef {import("./types.js").ActionView} ActionView */
/** @typedef {import("./types.js").BoardMeta} BoardMeta */
/** @typedef {import("./types.js").ChainView} ChainView */
/** @typedef {import("./types.js").EventMessage} EventMessage */
/** @typedef {import("./types.js").FeedbackView} FeedbackView */
/** @typedef {import("./types.js").GuidanceView} GuidanceView */
/** @typedef {import("./types.js").ItemView} ItemView */
/** @typedef {import("./types.js").Op} Op */
/** @typedef {import("./types.js").OpType} OpType */
/** @typedef {import("./types.js").ParticipantView} ParticipantView */
/** @typedef {import("./types.js").PhaseView} PhaseView */
/** @typedef {import("./types.js").PresenceMessage} PresenceMessage */
/** @typedef {import("./types.js").Rejection} Rejection */
/** @typedef {import("./types.js").ReviewView} ReviewView */
/** @typedef {import("./types.js").Role} Role */
/** @typedef {import("./types.js").RoundView} RoundView */
/** @typedef {import("./types.js").StickyView} StickyView */
/** @typedef {import("./types.js").ThemeView} ThemeView */
/** @typedef {import("./types.js").TimelineView} TimelineView */
/** @typedef {import("./types.js").VoteTarget} VoteTarget */
/** @typedef {import("./types.js").WelcomeMessage} WelcomeMessage */
/**
 * @template {OpType} T
 * @typedef {import("./types.js").OpOf<T>} OpOf
 */
/** @typedef {"participants" | "stickies" | "timeline" | "chains" | "themes" | "rounds" | "actions"} CollectionName */

/** @type {Record<string, CollectionName>} */
const COLLECTIONS = {
  participant: "participants",
  sticky: "stickies",
  timeline: "timeline",
  chain: "chains",
  theme: "themes",
  round: "rounds",
  action: "actions",
};

/**
 * A map of views by id, from a snapshot's list of them.
 * @template {{id: string}} V
 * @param {V[] | undefined} list
 * @returns {Map<string, V>}
 */
function byId(list) {
  return new Map((list || []).map((v) => [v.id, v]));
}

export class BoardStore extends EventTarget {
  constructor() {
    super();
    /** @type {BoardMeta | null} */
    this.board = null;
    /** @type {FeedbackView | null} wrap-up feedback, aggregate for the facilitator */
    this.feedback = null;
    /** @type {GuidanceView | null} board-wide nudges everyone sees (too many actions) */
    this.guidance = null;
    /** @type {ReviewView | null} earlier post-mortems' actions under review */
    this.review = null;
    // One map per kind of item, by id (the names are COLLECTIONS' values).
    /** @type {Map<string, ParticipantView>} */
    this.participants = new Map();
    /** @type {Map<string, StickyView>} */
    this.stickies = new Map();
    /** @type {Map<string, TimelineView>} */
    this.timeline = new Map();
    /** @type {Map<string, ChainView>} */
    this.chains = new Map();
    /** @type {Map<string, ThemeView>} */
    this.themes = new Map();
    /** @type {Map<string, RoundView>} */
    this.rounds = new Map();
    /** @type {Map<string, ActionView>} */
    this.actions = new Map();
    this.seq = 0;
    this.epoch = "";
    /** @type {string | null} our participant id, from welcome */
    this.you = null;
    /** @type {Role | null} */
    this.role = null;
    /** @type {Map<string, {op: Op, ackedAt: number | null}>} cid -> the op, and its seq once acked */
    this.pending = new Map();
    /** @type {Rejection[]} newest last */
    this.rejections = [];
    // seats_online: the participant ids connected now, in the facilitator's copy only.
    /** @type {{online: number, names: string[], seats_online: string[]}} */
    this.presence = { online: 0, names: [], seats_online: [] };
  }

  /**
   * The map that keeps views of `kind` ("sticky", ...), or undefined for a kind not kept here.
   * @param {string} kind
   * @returns {Map<string, ItemView> | undefined}
   */
  collection(kind) {
    const name = COLLECTIONS[kind];
    // Each map holds views of its own kind only: callers store a view under its own `type`.
    return name ? /** @type {Map<string, ItemView>} */ (this[name]) : undefined;
  }

  /**
   * What `hello` needs to resume from here.
   * @returns {{last_seq: number, epoch: string}}
   */
  resume() {
    return { last_seq: this.seq, epoch: this.epoch };
  }

  /** @returns {ParticipantView | null} */
  me() {
    return (this.you && this.participants.get(this.you)) || [...this.participants.values()].find((p) => p.me) || null;
  }

  isFacilitator() {
    const me = this.me();
    return Boolean(me && me.role === "facilitator");
  }

  /**
   * Whether the server would take an op of this type from us now (role, phase, closing).
   * The server sends the list with the board meta, so this page holds no copy of the rules.
   * @param {OpType} type
   * @returns {boolean}
   */
  can(type) {
    return Boolean(this.board && Array.isArray(this.board.can) && this.board.can.includes(type));
  }

  /**
   * Whether a vote on `target` (stickies, themes, actions) is open or not yet revealed: its
   * items cannot be deleted until the reveal (the server says `vote_pending`).
   * @param {VoteTarget} target
   * @returns {boolean}
   */
  ballotPending(target) {
    return [...this.rounds.values()].some((r) => r.target === target && r.state !== "revealed");
  }

  /** @returns {PhaseView | null} */
  currentPhase() {
    const board = this.board;
    if (!board || !board.current) return null;
    return board.agenda.find((p) => p.id === board.current) || null;
  }

  // --- what the server says ------------------------------------------------------------

  /** @param {WelcomeMessage} msg */
  applyWelcome(msg) {
    this.you = msg.you;
    this.role = msg.role;
    const kinds = new Set(["welcome"]);
    if (msg.snapshot) {
      // A snapshot replaces everything: we may have missed removals while away.
      const snap = msg.snapshot;
      this.board = snap.board;
      this.participants = byId(snap.participants);
      this.stickies = byId(snap.stickies);
      this.timeline = byId(snap.timeline);
      this.chains = byId(snap.chains);
      this.themes = byId(snap.themes);
      this.rounds = byId(snap.rounds);
      this.actions = byId(snap.actions);
      for (const type of Object.keys(COLLECTIONS)) kinds.add(type);
      kinds.add("board");
      this.feedback = snap.feedback || null;
      this.guidance = snap.guidance || null;
      this.review = snap.review || null;
      kinds.add("feedback");
      kinds.add("guidance");
      kinds.add("review");
      this.seq = msg.seq;
    }
    // Without a snapshot, the missed events follow and move `seq` forward themselves.
    this.epoch = msg.epoch;
    this.settleSeen(kinds);
    this.changed(kinds, [], Boolean(msg.snapshot));
  }

  /** @param {EventMessage} msg */
  applyEvent(msg) {
    // A replayed or repeated event is already in the view. Gaps are normal: events that say
    // nothing to this viewer (someone else's private writing) are not sent to it.
    if (msg.seq <= this.seq) return;
    this.seq = msg.seq;
    /** @type {Set<string>} */
    const kinds = new Set();
    /** @type {ItemView[]} */
    const added = [];
    for (const view of msg.changes) {
      if (view.type === "board") {
        this.board = view;
        kinds.add("board");
      } else if (view.type === "feedback") {
        this.feedback = view;
        kinds.add(view.type);
      } else if (view.type === "guidance") {
        this.guidance = view;
        kinds.add(view.type);
      } else if (view.type === "review") {
        this.review = view;
        kinds.add(view.type);
      } else if (view.type === "removed") {
        const map = this.collection(view.kind);
        if (map && map.delete(view.id)) kinds.add(view.kind);
      } else if (this.collection(view.type)) {
        const map = /** @type {Map<string, ItemView>} */ (this.collection(view.type));
        if (!map.has(view.id)) added.push(view);
        map.set(view.id, view);
        kinds.add(view.type);
      }
    }
    this.settleSeen(kinds);
    this.changed(kinds, added, false);
  }

  /** @param {PresenceMessage} msg */
  setPresence(msg) {
    this.presence = { online: msg.online, names: msg.names || [], seats_online: msg.seats_online || [] };
    this.changed(new Set(["presence"]), [], false);
  }

  // --- our own ops in flight ----------------------------------------------------------

  /** @param {Op} op */
  track(op) {
    this.pending.set(op.cid, { op, ackedAt: null });
    this.changed(new Set(["pending"]), [], false);
  }

  /**
   * The op is durable at `seq`. Keep showing it as pending until its event is applied, so
   * it does not blink out between the ack and the event (they may arrive in either order).
   * @param {string} cid
   * @param {number} seq
   */
  ack(cid, seq) {
    const item = this.pending.get(cid);
    if (!item) return;
    if (seq <= this.seq) this.pending.delete(cid);
    else item.ackedAt = seq;
    this.changed(new Set(["pending"]), [], false);
  }

  /**
   * @param {string} cid
   * @param {string} code
   * @param {string} message
   * @param {Op | null} [op]
   */
  reject(cid, code, message, op) {
    const item = this.pending.get(cid);
    this.pending.delete(cid);
    this.rejections.push({ cid, code, message, op: op || (item && item.op) || null });
    if (this.rejections.length > 5) this.rejections.shift();
    this.changed(new Set(["pending", "rejections"]), [], false);
  }

  /** @param {string} cid */
  dismissRejection(cid) {
    this.rejections = this.rejections.filter((r) => r.cid !== cid);
    this.changed(new Set(["rejections"]), [], false);
  }

  /**
   * Pending ops of a given op type, oldest first (Map keeps insertion order).
   * @template {OpType} T
   * @param {T} type
   * @returns {OpOf<T>[]}
   */
  pendingOps(type) {
    return [...this.pending.values()].map((p) => p.op)
      .filter(/** @returns {op is OpOf<T>} */ (op) => op.type === type);
  }

  /** @param {Set<string>} kinds */
  settleSeen(kinds) {
    let any = false;
    for (const [cid, item] of this.pending) {
      if (item.ackedAt !== null && item.ackedAt <= this.seq) {
        this.pending.delete(cid);
        any = true;
      }
    }
    if (any) kinds.add("pending");
  }

  /**
   * @param {Set<string>} kinds
   * @param {ItemView[]} added
   * @param {boolean} reset
   */
  changed(kinds, added, reset) {
    if (kinds.size === 0) return;
    this.dispatchEvent(new CustomEvent("change", { detail: { kinds, added, reset } }));
  }
}
