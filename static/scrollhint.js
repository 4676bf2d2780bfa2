// @ts-check
// Regions that scroll say so. Every scroll container on the stage (`[data-scroll]`, the panel
// regions, the stage itself where it scrolls) gets a "N more below" pill while content is cut
// at its bottom; it goes when the region is scrolled to the end. The pill counts list items
// below the fold where there are any, else says "More below".

import { h } from "./dom.js";

/**
 * @param {Element} region
 * @returns {number}
 */
function hiddenBelow(region) {
  const bottom = region.getBoundingClientRect().bottom;
  const items = region.querySelectorAll("li:not(.tl-day)");
  let n = 0;
  for (const li of items) {
    // Count the region's own rows, not lists inside them (an action's suggestions, a chain's
    // whys): "4 more below" over two actions said more than there was.
    const outer = li.parentElement ? li.parentElement.closest("li") : null;
    if (outer && region.contains(outer)) continue;
    if (li.getBoundingClientRect().top >= bottom - 4) n += 1;
  }
  return n;
}

/** @param {Element} region */
function update(region) {
  let pill = /** @type {HTMLElement | null} */ (region.querySelector(":scope > .more-hint"));
  const cut = region.scrollHeight - region.scrollTop - region.clientHeight > 8
    && getComputedStyle(region).overflowY !== "visible";
  if (!cut) {
    if (pill) pill.hidden = true;
    return;
  }
  if (!pill) {
    pill = h("span", { class: "more-hint", "aria-hidden": "true" });
    region.append(pill);
  }
  const n = hiddenBelow(region);
  pill.textContent = n ? `${n} more below ↓` : "More below ↓";
  pill.hidden = false;
}

/** @param {HTMLElement} root */
export function watchScrollRegions(root) {
  const regions = () => [...root.querySelectorAll("[data-scroll], .panel-region, .note-sections, .sheet, .record")];
  let queued = false;
  const all = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      for (const r of regions()) if (!r.closest("[hidden]")) update(r);
    });
  };
  root.addEventListener("scroll", (e) => { if (e.target instanceof Element) update(e.target); }, true);
  new ResizeObserver(all).observe(root);
  new MutationObserver((records) => {
    // Our own pills changing must not wake us again.
    if (records.every((r) => r.target instanceof Element && r.target.classList.contains("more-hint"))) return;
    all();
  }).observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["hidden"] });
  window.addEventListener("resize", all);
  all();
}
