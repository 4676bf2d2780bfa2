// Actions: propose, rank, select, own. (Placeholder: the panel is built in its own change.)

export class ActionsPanel {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    root.hidden = true;
  }

  render(kinds) {}
}
