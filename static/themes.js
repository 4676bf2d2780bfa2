// Themes: grouping notes. (Placeholder: the panel is built in its own change.)

export class ThemesPanel {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    root.hidden = true;
  }

  render(kinds) {}
}
