// Per-phase panels: the phases that need more than the timeline and notes (five whys, themes,
// voting, actions) each have a panel module. This registry gives every panel its own element
// under #phase-panels and asks each to redraw when the board changes; a panel shows itself only
// in the phases (or while the vote) it is for, so the page follows the agenda. The wrap-up
// comes first: in its phase, what the meeting agreed is what people need to see.

import { WhysPanel } from "./whys.js";
import { ThemesPanel } from "./themes.js";
import { VotePanel } from "./vote.js";
import { ActionsPanel } from "./actionplan.js";
import { WrapUpPanel } from "./wrapup.js";

export class PhasePanels {
  /** ctx: { store, send, isFacilitator(), canWrite() } */
  constructor(root, ctx) {
    this.panels = [WrapUpPanel, WhysPanel, ThemesPanel, VotePanel, ActionsPanel].map((Panel) => {
      const el = document.createElement("div");
      root.append(el);
      return new Panel(el, ctx);
    });
  }

  /** kinds: the set of view kinds that changed (board, sticky, chain, theme, round, action,
   * participant, pending, ...), or null to redraw everything. */
  render(kinds = null) {
    for (const panel of this.panels) panel.render(kinds);
  }
}
