// The local view of one board: what the server last told us, plus our own changes in flight.
//
// The server is the only authority. This store never guesses at the outcome of an op: it keeps
// the views the server sent (a snapshot, then events that upsert views by type and id or remove
// them) and, separately, the ops we sent that are not settled yet, so the page can show them as
// "sending" without pretending they happened. Change notifications say which kinds of view
// changed, so each renderer redraws only its part.

const COLLECTIONS = {
  participant: "participants",
  sticky: "stickies",
  timeline: "timeline",
  chain: "chains",
  theme: "themes",
  round: "rounds",
  action: "actions",
};

export class BoardStore extends EventTarget {
  constructor() {
    super();
    this.board = null;      // BoardMeta
    this.feedback = null;   // FeedbackView: wrap-up feedback, aggregate for the facilitator
    this.guidance = null;   // GuidanceView: board-wide nudges everyone sees (too many actions)
    for (const name of Object.values(COLLECTIONS)) this[name] = new Map();
    this.seq = 0;
    this.epoch = "";
    this.you = null;        // our participant id, from welcome
    this.role = null;
    this.pending = new Map();   // cid -> {op, ackedAt: seq|null}
    this.rejections = [];       // [{cid, code, message, op}], newest last
    // seats_online: the participant ids connected now, in the facilitator's copy only.
    this.presence = { online: 0, names: [], seats_online: [] };
  }

  /** What `hello` needs to resume from here. */
  resume() {
    return { last_seq: this.seq, epoch: this.epoch };
  }

  me() {
    return (this.you && this.participants.get(this.you)) || [...this.participants.values()].find((p) => p.me) || null;
  }

  isFacilitator() {
    const me = this.me();
    return Boolean(me && me.role === "facilitator");
  }

  /** Whether the server would take an op of this type from us now (role, phase, closing).
   * The server sends the list with the board meta, so this page holds no copy of the rules. */
  can(type) {
    return Boolean(this.board && Array.isArray(this.board.can) && this.board.can.includes(type));
  }

  /** Whether a vote on `target` (stickies, themes, actions) is open or not yet revealed: its
   * items cannot be deleted until the reveal (the server says `vote_pending`). */
  ballotPending(target) {
    return [...this.rounds.values()].some((r) => r.target === target && r.state !== "revealed");
  }

  currentPhase() {
    if (!this.board || !this.board.current) return null;
    return this.board.agenda.find((p) => p.id === this.board.current) || null;
  }

  // --- what the server says ------------------------------------------------------------

  applyWelcome(msg) {
    this.you = msg.you;
    this.role = msg.role;
    const kinds = new Set(["welcome"]);
    if (msg.snapshot) {
      // A snapshot replaces everything: we may have missed removals while away.
      const snap = msg.snapshot;
      this.board = snap.board;
      for (const [type, name] of Object.entries(COLLECTIONS)) {
        this[name] = new Map((snap[name] || []).map((v) => [v.id, v]));
        kinds.add(type);
      }
      kinds.add("board");
      this.feedback = snap.feedback || null;
      this.guidance = snap.guidance || null;
      kinds.add("feedback");
      kinds.add("guidance");
      this.seq = msg.seq;
    }
    // Without a snapshot, the missed events follow and move `seq` forward themselves.
    this.epoch = msg.epoch;
    this.settleSeen(kinds);
    this.changed(kinds, [], Boolean(msg.snapshot));
  }

  applyEvent(msg) {
    // A replayed or repeated event is already in the view. Gaps are normal: events that say
    // nothing to this viewer (someone else's private writing) are not sent to it.
    if (msg.seq <= this.seq) return;
    this.seq = msg.seq;
    const kinds = new Set();
    const added = [];
    for (const view of msg.changes) {
      if (view.type === "board") {
        this.board = view;
        kinds.add("board");
      } else if (view.type === "feedback" || view.type === "guidance") {
        this[view.type] = view;
        kinds.add(view.type);
      } else if (view.type === "removed") {
        const name = COLLECTIONS[view.kind];
        if (name && this[name].delete(view.id)) kinds.add(view.kind);
      } else if (COLLECTIONS[view.type]) {
        const map = this[COLLECTIONS[view.type]];
        if (!map.has(view.id)) added.push(view);
        map.set(view.id, view);
        kinds.add(view.type);
      }
    }
    this.settleSeen(kinds);
    this.changed(kinds, added, false);
  }

  setPresence(msg) {
    this.presence = { online: msg.online, names: msg.names || [], seats_online: msg.seats_online || [] };
    this.changed(new Set(["presence"]), [], false);
  }

  // --- our own ops in flight ----------------------------------------------------------

  track(op) {
    this.pending.set(op.cid, { op, ackedAt: null });
    this.changed(new Set(["pending"]), [], false);
  }

  /** The op is durable at `seq`. Keep showing it as pending until its event is applied, so
   * it does not blink out between the ack and the event (they may arrive in either order). */
  ack(cid, seq) {
    const item = this.pending.get(cid);
    if (!item) return;
    if (seq <= this.seq) this.pending.delete(cid);
    else item.ackedAt = seq;
    this.changed(new Set(["pending"]), [], false);
  }

  reject(cid, code, message, op) {
    const item = this.pending.get(cid);
    this.pending.delete(cid);
    this.rejections.push({ cid, code, message, op: op || (item && item.op) || null });
    if (this.rejections.length > 5) this.rejections.shift();
    this.changed(new Set(["pending", "rejections"]), [], false);
  }

  dismissRejection(cid) {
    this.rejections = this.rejections.filter((r) => r.cid !== cid);
    this.changed(new Set(["rejections"]), [], false);
  }

  /** Pending ops of a given op type, oldest first (Map keeps insertion order). */
  pendingOps(type) {
    return [...this.pending.values()].map((p) => p.op).filter((op) => op.type === type);
  }

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

  changed(kinds, added, reset) {
    if (kinds.size === 0) return;
    this.dispatchEvent(new CustomEvent("change", { detail: { kinds, added, reset } }));
  }
}
