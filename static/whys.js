// The five-whys chains. (Placeholder: the panel is built in its own change.)

export class WhysPanel {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    root.hidden = true;
  }

  render(kinds) {}
}
