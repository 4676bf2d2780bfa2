// @ts-check
// "Mine": a signed-in person's own actions. A status menu saves at once over the JSON API
// (`POST /api/me/actions/{board}/{action}/status`, authenticated by the session cookie and
// same-site only); the server decides whether this person's seat may. Without this script the
// page is a read-only report.

import { announce, fill } from "./dom.js";

const live = /** @type {HTMLElement} */ (document.getElementById("status-live"));

for (const select of /** @type {NodeListOf<HTMLSelectElement>} */ (document.querySelectorAll("select[data-status-select]"))) {
  const row = /** @type {HTMLElement} */ (select.closest("tr"));
  const message = /** @type {HTMLElement} */ (row.querySelector("[data-status-message]"));
  let saved = select.value;
  select.addEventListener("change", async () => {
    const { boardId, actionId } = row.dataset;
    fill(message, "Saving…");
    select.disabled = true;
    try {
      const response = await fetch(`/api/me/actions/${encodeURIComponent(boardId || "")}/${encodeURIComponent(actionId || "")}/status`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ status: select.value }),
      });
      let body = null;
      try { body = await response.json(); } catch { /* not JSON: the status line says enough */ }
      if (!response.ok) throw new Error(body && body.error ? body.error.message : `the server answered ${response.status}`);
      saved = select.value;
      fill(message, "Saved.");
      announce(live, `Saved: ${select.options[select.selectedIndex].text}`);
    } catch (e) {
      select.value = saved;
      fill(message, `Not saved: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      select.disabled = false;
      select.focus();
    }
  });
}
