// @ts-check
// Words and numbers as people read them. Labels live here, once, so every renderer agrees.
// These are presentation only: which section or kind is allowed when is the server's call.

/** @typedef {import("./types.js").Section} Section */
/** @typedef {import("./types.js").TimelineKind} TimelineKind */
/** @typedef {import("./types.js").Severity} Severity */

/** @type {Record<Section, string>} */
export const SECTION_LABELS = {
  went_well: "Went well",
  went_badly: "Went badly",
  lessons: "Lessons learned",
  future: "Ideas for next time",
  ongoing: "Still a problem",
  contributing: "Contributing factors",
  parking_lot: "Parking lot",
};

/** @type {Section[]} */
export const SECTION_ORDER = ["went_well", "went_badly", "lessons", "future", "ongoing", "contributing"];

/** @type {Record<TimelineKind, {label: string, hint: string}>} */
export const TIMELINE_KINDS = {
  fact: { label: "Fact", hint: "what happened" },
  signal: { label: "Signal", hint: "what we could have seen" },
  decision: { label: "Decision", hint: "what someone chose to do" },
};

/** @type {Record<Severity, string>} */
export const SEVERITY_LABELS = { sev1: "Sev-1", sev2: "Sev-2", sev3: "Sev-3", sev4: "Sev-4" };

/**
 * @param {Section} section
 * @returns {string}
 */
export function sectionLabel(section) {
  return SECTION_LABELS[section] || section.replaceAll("_", " ");
}

/** @param {number} n */
function pad(n) {
  return String(n).padStart(2, "0");
}

/**
 * 754 -> "12:34"; 3754 -> "1:02:34".
 * @param {number} totalSeconds
 * @returns {string}
 */
export function clock(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  return hours ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}

/**
 * Whole minutes, rounded, for planned-vs-actual ("7 min").
 * @param {number} ms
 * @returns {string}
 */
export function minutes(ms) {
  return ms < 60_000 ? "<1 min" : `${Math.round(ms / 60_000)} min`;
}

/**
 * @param {number} n
 * @param {string} one
 * @param {string} many
 * @returns {string}
 */
export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * An ISO UTC time from the server, shown in the viewer's local time: "09:12".
 * @param {string | number} iso  an ISO time, or server time in ms
 * @returns {string}
 */
export function timeOfDay(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * "Fri 14 Aug" for the day a timeline run starts on.
 * @param {string | number} iso  an ISO time, or server time in ms
 * @returns {string}
 */
export function dayLabel(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });
}

/**
 * @param {string} iso
 * @returns {string}
 */
export function localDayKey(iso) {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/**
 * The value a `datetime-local` input wants ("2026-08-14T09:12") for a Date, local time.
 * @param {Date} date
 * @returns {string}
 */
export function toLocalInput(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * A `datetime-local` value (local, no zone) as ISO 8601 UTC, which the server stores.
 * @param {string} value
 * @returns {string}
 */
export function localInputToIso(value) {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;  // let the server say what is wrong with it
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}
