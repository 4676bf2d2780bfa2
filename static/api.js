// @ts-check
// JSON over one board's HTTP API with this seat's credential: for what is not an op on the
// websocket (the review of earlier actions changes two boards, so it goes over HTTP).

/**
 * @param {string} boardId
 * @param {string} credential
 * @returns {<T>(path: string, body?: object) => Promise<T>}
 */
export function boardApi(boardId, credential) {
  return async (path, body) => {
    /** @type {Record<string, string>} */
    const headers = { authorization: `Bearer ${credential}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`/api/boards/${encodeURIComponent(boardId)}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let answer = null;
    try { answer = await response.json(); } catch { /* not JSON: the status line says enough */ }
    if (!response.ok) {
      throw new Error(answer && answer.error ? answer.error.message : `the server answered ${response.status}`);
    }
    return answer;
  };
}
