// @ts-check
// Where this browser keeps its seat on a board.
//
// A link to a board carries the secret in the URL fragment (`#k=...`): fragments are never sent
// to the server, so they stay out of access logs and Referer headers. On arrival we move the
// secret into localStorage and strip it from the address bar with history.replaceState, so it
// is not shoulder-surfed, bookmarked or pasted into chat by accident. Later visits to the plain
// board URL find it in localStorage.

const key = (/** @type {string} */ boardId) => `hindsight:cred:${boardId}`;

/**
 * @param {string} name
 * @returns {string | null}
 */
function storageGet(name) {
  try { return localStorage.getItem(name); } catch { return null; }
}

/**
 * @param {string} name
 * @param {string} value
 * @returns {boolean}
 */
function storageSet(name, value) {
  try { localStorage.setItem(name, value); return true; } catch { return false; }
}

/**
 * The credential for `boardId`: from the fragment (consumed) or from storage; null if none.
 * @param {string} boardId
 * @returns {string | null}
 */
export function takeCredential(boardId) {
  // Parsed by hand: URLSearchParams would turn a "+" in the secret into a space.
  const parts = location.hash.slice(1).split("&").filter(Boolean);
  const found = parts.find((p) => p.startsWith("k="));
  if (found) {
    let secret = found.slice(2);
    try { secret = decodeURIComponent(secret); } catch { /* use it as it is */ }
    const rest = parts.filter((p) => p !== found).join("&");
    history.replaceState(history.state, "", location.pathname + location.search + (rest ? `#${rest}` : ""));
    if (secret) {
      storageSet(key(boardId), secret);
      return secret;
    }
  }
  return storageGet(key(boardId));
}

/**
 * @param {string} boardId
 * @returns {boolean}
 */
export function hasCredential(boardId) {
  return Boolean(storageGet(key(boardId)));
}

/** @param {string} boardId */
export function forgetCredential(boardId) {
  try { localStorage.removeItem(key(boardId)); } catch { /* nothing to forget */ }
}

/**
 * The facilitator's own link, rebuilt on demand (to move to another device).
 * @param {string} boardId
 * @param {string} credential
 * @returns {string}
 */
export function privateLink(boardId, credential) {
  return `${location.origin}/b/${encodeURIComponent(boardId)}#k=${encodeURIComponent(credential)}`;
}
