// Dot voting. (Placeholder: the panel is built in its own change.)

export class VotePanel {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    root.hidden = true;
  }

  render(kinds) {}
}
