// Per-phase panels: five whys, themes, voting, actions and the wrap-up each have a module that
// renders into its own region of the stage (`#panel-whys`, ...). Each panel redraws itself when
// the board changes and hides its content when it has nothing to show; stage.js decides which
// regions the current phase puts on screen.

import { WhysPanel } from "./whys.js";
import { ThemesPanel } from "./themes.js";
import { VotePanel } from "./vote.js";
import { ActionsPanel } from "./actionplan.js";
import { WrapUpPanel } from "./wrapup.js";

const SLOTS = [
  [WrapUpPanel, "panel-wrapup"], [WhysPanel, "panel-whys"], [ThemesPanel, "panel-themes"],
  [VotePanel, "panel-vote"], [ActionsPanel, "panel-actions"],
];

export class PhasePanels {
  /** ctx: { store, send, isFacilitator(), canWrite(), spotlight } */
  constructor(ctx) {
    this.panels = SLOTS.map(([Panel, slotId]) => {
      const el = document.createElement("div");
      document.getElementById(slotId).append(el);
      return new Panel(el, ctx);
    });
  }

  /** kinds: the set of view kinds that changed (board, sticky, chain, theme, round, action,
   * participant, pending, ...), or null to redraw everything. */
  render(kinds = null) {
    for (const panel of this.panels) panel.render(kinds);
  }
}
