// @ts-check
// Per-phase panels: five whys, themes, voting, actions, the wrap-up and the review of earlier
// actions each have a module that renders into its own region of the stage (`#panel-whys`,
// ...). Each panel redraws itself when the board changes and hides its content when it has
// nothing to show; stage.js decides which regions the current phase puts on screen.

import { WhysPanel } from "./whys.js";
import { ThemesPanel } from "./themes.js";
import { VotePanel } from "./vote.js";
import { ActionsPanel } from "./actionplan.js";
import { WrapUpPanel } from "./wrapup.js";
import { ReviewPanel } from "./review.js";

/** @typedef {import("./types.js").Panel} Panel */
/** @typedef {import("./types.js").PanelContext} PanelContext */

/** @type {[new (root: HTMLElement, ctx: PanelContext) => Panel, string][]} */
const SLOTS = [
  [WrapUpPanel, "panel-wrapup"], [WhysPanel, "panel-whys"], [ThemesPanel, "panel-themes"],
  [VotePanel, "panel-vote"], [ActionsPanel, "panel-actions"], [ReviewPanel, "panel-review"],
];

export class PhasePanels {
  /** @param {PanelContext} ctx */
  constructor(ctx) {
    this.panels = SLOTS.map(([Panel, slotId]) => {
      const el = document.createElement("div");
      /** @type {HTMLElement} */ (document.getElementById(slotId)).append(el);  // in the page's template
      return new Panel(el, ctx);
    });
  }

  /**
   * kinds: the set of view kinds that changed (board, sticky, chain, theme, round, action,
   * participant, pending, ...), or null to redraw everything.
   * @param {Set<string> | null} [kinds]
   */
  render(kinds = null) {
    for (const panel of this.panels) panel.render(kinds);
  }
}
