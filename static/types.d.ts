// Types for the browser client, read by `tsc --noEmit` only (make jscheck): the browser never
// loads this file and nothing imports it at run time. Modules name these types in JSDoc, e.g.
// `/** @typedef {import("./types.js").StickyView} StickyView */`.
//
// The wire shapes mirror board_state/views.py, board_state/ops_*.py and docs/protocol.md
// (sections 3 to 5); the protocol document is the reference when they disagree.

import type { BoardSocket } from "./socket.js";
import type { BoardStore } from "./store.js";
import type { Spotlight } from "./spotlight.js";

// --- enums (board_state/model.py) ------------------------------------------------------------

export type Severity = "sev1" | "sev2" | "sev3" | "sev4";
export type Role = "facilitator" | "participant" | "observer";
export type Anonymity = "anonymous" | "named";
export type PhaseKind =
  | "set_the_room" | "action_review" | "summary" | "timeline" | "five_whys" | "contributing_factors" | "reflection"
  | "discussion" | "themes" | "vote" | "actions" | "wrap_up";
export type Section =
  | "went_well" | "went_badly" | "lessons" | "future" | "ongoing" | "contributing" | "parking_lot";
export type Category =
  | "monitoring" | "testing" | "process" | "knowledge" | "tooling" | "change" | "communication" | "other";
export type TimelineKind = "fact" | "signal" | "decision";
export type ActionKind = "immediate" | "short_term" | "long_term";
export type ActionStatus = "open" | "in_progress" | "done" | "dropped";
export type VoteTarget = "stickies" | "themes" | "actions";
export type RoundState = "open" | "closed" | "revealed";
export type NudgeKind = "blame" | "vague_action" | "action_load" | "five_whys" | "completeness";
export type SpotlightKind = "sticky" | "timeline" | "chain" | "theme" | "action";

// --- views (section 5) -----------------------------------------------------------------------

/** A guardrail hint: on a chain or an action, in `guidance`, or in `advice` (section 3.11). */
export interface Finding {
  check: string;
  words: string[];
  message: string;
  reframe: string;
  target: string;
}

export interface PhaseView {
  id: string;
  kind: PhaseKind;
  title: string;
  prompt: string;
  minutes: number;
  private: boolean;
  sections: Section[];
  revealed: boolean;
  private_count: number;
  running_since: number | null;
  elapsed_ms: number;
  extended_ms: number;
  extensions: number;
  expired: boolean;
  deadline: number | null;
  spent_ms: number;
  entered_at: number | null;
  visited: boolean;
}

export interface SpotlightView {
  kind: SpotlightKind;
  id: string;
  at: number;
}

// ImpactRow and SignOff are type aliases, not interfaces: the sheet's row editor (sheet.js)
// handles rows as records of strings, which an interface would not be assignable to.
export type ImpactRow = {
  dimension: string;
  impact: string;
};

export interface ImpactView {
  users_affected: string;
  duration: string;
  cost: string;
  notes: string;
  /** Older servers leave it out: read a missing `rows` as `[]`. */
  rows?: ImpactRow[];
}

export type SignOff = {
  role: string;
  name: string;
  date: string;
};

export interface HeaderView {
  title: string;
  severity: Severity;
  started_at: string;
  detected_at: string;
  resolved_at: string;
  impact: ImpactView;
  learning_question: string;
  summary: string;
  communications: string;
  regulatory: string;
  sign_off: SignOff[];
  tags: string[];
}

export interface SettingsView {
  anonymity: Anonymity;
  dot_budget: number;
  nudges: NudgeKind[];
}

export interface BoardMeta {
  type: "board";
  id: string;
  template: string;
  created_at: number;
  header: HeaderView;
  severity_meaning: string;
  settings: SettingsView;
  agenda: PhaseView[];
  current: string | null;
  facilitator: string;
  action_order: string[];
  closed_at: number | null;
  hands: string[];
  refocus_at: number | null;
  refocus_count: number;
  can: string[];
  /** Older servers leave it out: read a missing field as `null`. */
  spotlight?: SpotlightView | null;
  /** Join-link tokens by role, in the facilitator's view only. */
  links: Record<string, string> | null;
  sealed: boolean;
  /** Only its people and named readers may read it outside the meeting (sign-in on). */
  restricted?: boolean;
  /** The readers the facilitator named: the facilitator's view only. */
  readers?: string[] | null;
}

export interface ParticipantView {
  type: "participant";
  id: string;
  name: string;
  role: Role;
  me: boolean;
}

export interface StickyView {
  type: "sticky";
  id: string;
  section: Section;
  text: string;
  phase_id: string;
  category: Category | null;
  theme_id: string | null;
  hidden: boolean;
  mine: boolean;
  author: string | null;
}

export interface TimelineView {
  type: "timeline";
  id: string;
  at: string;
  text: string;
  kind: TimelineKind;
  mine: boolean;
  author: string | null;
}

export interface WhyStepView {
  id: string;
  why: string;
  answer: string;
}

export interface ChainView {
  type: "chain";
  id: string;
  problem: string;
  steps: WhyStepView[];
  root_step_id: string | null;
  root_cause: string;
  done: boolean;
  nudges: Finding[];
  /** You started it, so you may delete it (so may the facilitator). */
  mine?: boolean;
}

export interface ThemeView {
  type: "theme";
  id: string;
  name: string;
}

export interface RoundView {
  type: "round";
  id: string;
  target: VoteTarget;
  budget: number;
  multi: boolean;
  state: RoundState;
  mine: Record<string, number>;
  remaining: number;
  dots_cast: number;
  voters: number;
  totals: Record<string, number> | null;
}

export interface ActionView {
  type: "action";
  id: string;
  text: string;
  owner_id: string | null;
  due: string;
  success: string;
  kind: ActionKind;
  links: string[];
  selected: boolean;
  confirmed: boolean;
  status: ActionStatus;
  nudges: Finding[];
  /** You added it, so you may delete it (so may the facilitator). */
  mine?: boolean;
  /** Its issue in the organisation's tracker, once made (`link_issue`). */
  issue?: IssueLink | null;
}

export interface IssueLink {
  tracker: "github" | "gitlab" | "jira";
  key: string;
  url: string;
}

/** `GET /api/tracker`: the tracker actions become issues in, or nulls when none is set up. */
export interface TrackerInfo {
  tracker: IssueLink["tracker"] | null;
  name: string | null;
  project: string | null;
}

/** Everyone sees the count and their own answer; the facilitator also sees the aggregate, whose
 * three fields are all set (from three answers on) or all null (board_state/projection.py). */
export type FeedbackView = {
  type: "feedback";
  id: string;
  responses: number;
  mine: boolean;
  my_safety: number | null;
  my_change: string;
} & (
  | { safety_counts: number[]; safety_average: number; changes: string[] }
  | { safety_counts: null; safety_average: null; changes: null }
);

export interface GuidanceView {
  type: "guidance";
  id: string;
  action_load: Finding[];
  writeup: Finding[];
}

/** An earlier post-mortem's action under review (section 4.7a). */
export interface ReviewItemView {
  board_id: string;
  board_title: string;
  board_date: string;
  action_id: string;
  text: string;
  owner: string;
  due: string;
  status: ActionStatus;
  was: ActionStatus | null;
}

export interface ReviewView {
  type: "review";
  id: string;
  boards: string[];
  items: ReviewItemView[];
  loaded_at: number;
}

export interface RemovedView {
  type: "removed";
  kind: string;
  id: string;
}

/** The views kept by id in the store's collections. */
export type ItemView =
  | ParticipantView | StickyView | TimelineView | ChainView | ThemeView | RoundView | ActionView;
export type AnyView = BoardMeta | ItemView | FeedbackView | GuidanceView | ReviewView | RemovedView;

/** A whole board as one viewer may see it (`welcome.snapshot`). */
export interface BoardView {
  board: BoardMeta;
  participants: ParticipantView[];
  stickies: StickyView[];
  timeline: TimelineView[];
  chains: ChainView[];
  themes: ThemeView[];
  rounds: RoundView[];
  actions: ActionView[];
  feedback: FeedbackView | null;
  guidance: GuidanceView | null;
  review?: ReviewView | null;
}

// --- server messages (section 3) -------------------------------------------------------------

export interface WelcomeMessage {
  type: "welcome";
  board_id: string;
  you: string;
  role: Role;
  seq: number;
  epoch: string;
  server_time: number;
  snapshot: BoardView | null;
  version: number;
}

export interface EventMessage {
  type: "event";
  seq: number;
  at: number;
  changes: AnyView[];
}

export interface AckMessage {
  type: "ack";
  cid: string;
  seq: number;
  duplicate: boolean;
}

export interface RejectMessage {
  type: "reject";
  cid: string;
  code: string;
  message: string;
}

export interface ErrorMessage {
  type: "error";
  code: string;
  message: string;
}

export interface PongMessage {
  type: "pong";
  t: number;
  server_time: number;
}

export interface PresenceMessage {
  type: "presence";
  online: number;
  names: string[];
  seats_online?: string[];
}

export interface AdviceMessage {
  type: "advice";
  cid: string;
  findings: Finding[];
}

export interface NudgeCountsMessage {
  type: "nudge_counts";
  by_phase: Record<string, number>;
  total: number;
}

export type ServerMessage =
  | WelcomeMessage | EventMessage | AckMessage | RejectMessage | ErrorMessage | PongMessage
  | PresenceMessage | AdviceMessage | NudgeCountsMessage;

export interface BatchMessage {
  type: "batch";
  messages: ServerMessage[];
}

/** Frames that are not ops (sections 3.2, 3.7, 3.11). */
export type RequestFrame =
  | { type: "hello"; board: string; credential: string; last_seq: number; epoch: string; batch: boolean }
  | { type: "ping"; t: number }
  | { type: "check"; cid: string; kind: "text" | "action"; text: string }
  | { type: "count_nudges" };

// --- ops the page sends (section 4) -----------------------------------------------------------

export interface TimelineItem {
  at: string;
  text: string;
  kind?: TimelineKind;
}

/** An op as the page builds it: tagged by `type`; `send` adds the `cid`. */
export type OpInput =
  // the meeting and its agenda
  | { type: "advance_phase" }
  | { type: "go_back" }
  | { type: "go_to_phase"; phase_id: string; start_timer?: boolean }
  | { type: "start_timer" }
  | { type: "pause_timer" }
  | { type: "resume_timer" }
  | { type: "extend_timer"; minutes: number }
  | { type: "reveal"; phase_id: string }
  | { type: "close_meeting" }
  | { type: "hand_over"; participant_id: string }
  | { type: "rotate_link"; role: "participant" | "observer" }
  | { type: "remove_seat"; participant_id: string }
  | { type: "set_tags"; tags: string[] }
  | { type: "pick_review_board"; board_id: string; picked: boolean }
  | { type: "set_access"; restricted?: boolean; members?: string[] }
  | {
      type: "edit_header";
      title?: string; severity?: Severity; started_at?: string; detected_at?: string;
      resolved_at?: string; users_affected?: string; duration?: string; cost?: string;
      impact_notes?: string; learning_question?: string; summary?: string;
      communications?: string; regulatory?: string; sign_off?: SignOff[]; impact_rows?: ImpactRow[];
    }
  | { type: "edit_settings"; nudges?: NudgeKind[] }
  | { type: "add_phase"; kind: PhaseKind; title: string; minutes: number; private: boolean }
  | { type: "edit_phase"; phase_id: string; title?: string; minutes?: number; private?: boolean }
  | { type: "move_phase"; phase_id: string; index: number }
  | { type: "remove_phase"; phase_id: string }
  // stickies, parking lot, timeline
  | { type: "add_sticky"; section: Section; text: string; category?: Category }
  | { type: "edit_sticky"; sticky_id: string; text: string }
  | { type: "delete_sticky"; sticky_id: string }
  | { type: "park_question"; text: string }
  | { type: "add_timeline_entry"; at: string; text: string; kind: TimelineKind }
  | { type: "import_timeline"; entries: TimelineItem[] }
  | { type: "edit_timeline_entry"; entry_id: string; at?: string; text?: string; kind?: TimelineKind }
  | { type: "delete_timeline_entry"; entry_id: string }
  // five whys
  | { type: "add_chain"; problem: string }
  | { type: "edit_chain"; chain_id: string; problem?: string; done?: boolean }
  | { type: "delete_chain"; chain_id: string }
  | { type: "add_why"; chain_id: string; why: string; answer: string }
  | { type: "edit_why"; chain_id: string; step_id: string; why?: string; answer?: string }
  | { type: "delete_why"; chain_id: string; step_id: string }
  | { type: "mark_root_cause"; chain_id: string; step_id: string | null; cause: string }
  // themes and voting
  | { type: "add_theme"; name: string; sticky_ids?: string[] }
  | { type: "rename_theme"; theme_id: string; name: string }
  | { type: "delete_theme"; theme_id: string }
  | { type: "group"; sticky_id: string; theme_id: string | null }
  | { type: "open_vote"; target: VoteTarget; multi: boolean; budget?: number }
  | { type: "close_vote"; round_id: string }
  | { type: "reveal_vote"; round_id: string }
  | { type: "cast_vote"; round_id: string; item_id: string }
  | { type: "unvote"; round_id: string; item_id: string }
  // actions
  | { type: "add_action"; text: string; due: string; success: string; kind: ActionKind; owner_id?: string }
  | {
      type: "edit_action"; action_id: string;
      text?: string; owner_id?: string; due?: string; kind?: ActionKind; success?: string;
    }
  | { type: "delete_action"; action_id: string }
  | { type: "rank_action"; action_id: string; index: number }
  | { type: "select_action"; action_id: string; selected: boolean }
  | { type: "confirm_owner"; action_id: string; confirmed: boolean }
  // signals and the spotlight
  | { type: "raise_hand"; raised: boolean }
  | { type: "lower_hand"; participant_id: string }
  | { type: "refocus" }
  | { type: "send_feedback"; safety: number; change: string }
  | { type: "spotlight"; kind?: SpotlightKind; item_id?: string };

export type OpType = OpInput["type"];
/** An op with its client id, as it sits in the outbox and the store's pending list. */
export type Op = OpInput & { cid: string };
export type OpOf<T extends OpType> = Extract<Op, { type: T }>;
/** The op of type T as the page builds it, before `send` gives it a cid. */
export type InputOf<T extends OpType> = Extract<OpInput, { type: T }>;
/** Queue an op (board.js): it goes to the outbox and the store's pending list. */
export type Send = (op: OpInput) => Op;

/** A refusal the page shows until it is dismissed. */
export interface Rejection {
  cid: string;
  code: string;
  message: string;
  op: Op | null;
}

// --- the JSON API the log and actions pages call (section 2) --------------------------------

/** Follow-through on committed actions (`Completion.as_json` in server/storage/log_rows.py). */
export interface CompletionJson {
  total: number;
  counted: number;
  done: number;
  open: number;
  overdue: number;
  due: number;
  not_due: number;
  rate: number | null;
  percent: number | null;
  warning: boolean;
}

/** One committed action in `GET /api/actions`, with where the actions page files it. */
export interface FollowUpItem {
  id: string;
  board_id: string;
  status: ActionStatus;
  overdue: boolean;
  state: "overdue" | "open" | "done" | "dropped";
}

/** `GET /api/actions`. */
export interface ActionsResponse {
  today: string;
  completion: CompletionJson;
  post_mortems: { board_id: string; title: string; status: string; completion: CompletionJson }[];
  actions: FollowUpItem[];
}

/** `GET /api/boards/{id}/viewer`. */
export interface ViewerResponse {
  board_id: string;
  participant_id: string;
  name: string;
  role: Role | null;
  may_set_status: string[];
}

/** `POST /api/boards/{id}/actions/{action_id}/status`. */
export interface StatusResponse {
  seq: number;
  board_id: string;
  action_id: string;
  status: ActionStatus;
}

// --- events ----------------------------------------------------------------------------------

export type ConnectionStatus = "offline" | "connecting" | "online" | "error";

export interface StatusDetail {
  status: ConnectionStatus;
  message?: string;
  /** An error code ("unauthorized") or a close code (4001; a number while offline). */
  code?: string | number;
  retryAt?: number;
}

/** BoardSocket's events, by name: the `detail` of each CustomEvent. */
export interface SocketEvents {
  status: StatusDetail;
  welcome: WelcomeMessage;
  event: EventMessage;
  ack: AckMessage & { op: Op | null };
  reject: Rejection;
  error: ErrorMessage;
  presence: PresenceMessage;
  advice: AdviceMessage;
  nudge_counts: NudgeCountsMessage;
  clock: { offset: number; rtt: number };
  outbox: { ops: Op[] };
}

/** BoardStore's one event: which kinds of view changed, the views new to us, and whether a
 * snapshot replaced everything. */
export interface ChangeDetail {
  kinds: Set<string>;
  added: ItemView[];
  reset: boolean;
}

type Listener<D> = (e: CustomEvent<D>) => void;

declare module "./socket.js" {
  interface BoardSocket {
    addEventListener<K extends keyof SocketEvents>(
      type: K, listener: Listener<SocketEvents[K]>, options?: boolean | AddEventListenerOptions): void;
    addEventListener(
      type: string, listener: EventListenerOrEventListenerObject | null,
      options?: boolean | AddEventListenerOptions): void;
  }
}

declare module "./store.js" {
  interface BoardStore {
    addEventListener(
      type: "change", listener: Listener<ChangeDetail>, options?: boolean | AddEventListenerOptions): void;
    addEventListener(
      type: string, listener: EventListenerOrEventListenerObject | null,
      options?: boolean | AddEventListenerOptions): void;
  }
}

// --- building the DOM (dom.js) ----------------------------------------------------------------

/** What `h` and `fill` take as children: text, nodes, nested lists; null, undefined and false
 * are skipped. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

/** A handler given to `h` as an `on…` attribute: it listens on the element it makes. */
export type Handler<E extends Event> = (e: E & { currentTarget: HTMLElement }) => unknown;

/** `h`'s attributes: `class` (a string or a list with falsy entries skipped), `dataset`,
 * `on…` listeners, and any other attribute (true sets it empty; null, undefined and false
 * leave it out; anything else is set as a string). */
export interface Attrs {
  class?: string | ReadonlyArray<string | false | null | undefined | 0> | null;
  dataset?: Record<string, string>;
  onclick?: Handler<MouseEvent>;
  onmousedown?: Handler<MouseEvent>;
  onchange?: Handler<Event>;
  onsubmit?: Handler<SubmitEvent>;
  onkeydown?: Handler<KeyboardEvent>;
  ondragstart?: Handler<DragEvent>;
  ondragover?: Handler<DragEvent>;
  ondragleave?: Handler<DragEvent>;
  ondrop?: Handler<DragEvent>;
  ondragend?: Handler<DragEvent>;
  [attribute: string]: unknown;
}

// --- what the board page hands its parts -------------------------------------------------------

/** The per-phase panels' context (phases.js). */
export interface PanelContext {
  store: BoardStore;
  send: Send;
  spotlight: Spotlight;
  isFacilitator: () => boolean;
  canWrite: () => boolean;
  /** JSON from this board's HTTP API (`/api/boards/{id}` + `path`) with this seat's credential. */
  api: <T>(path: string, body?: object) => Promise<T>;
}

/** A per-phase panel: redraws when a kind it shows changed (null: everything). */
export interface Panel {
  render(kinds: Set<string> | null): void;
}

export type { BoardSocket, BoardStore, Spotlight };
