// The environment a terminal's program starts with: the app's own, minus secrets and Flakedeck's internals.

/**
 * Never inherited: the age key (or where to find it) reaches a child only when its caller puts it in SpawnSpec.env;
 * Flakedeck's and Electron's own settings are not the user's; sizes and multiplexer markers describe another terminal.
 */
const withheld = [
  /^SOPS_AGE_KEY/,
  /^AGE_KEY/,
  /^FLAKEDECK_/,
  /^ELECTRON_/,
  /^NODE_OPTIONS$/,
  /^(COLUMNS|LINES|TERMCAP|WINDOWID)$/,
  /^(TMUX|TMUX_PANE|STY|WINDOW)$/,
];

/** What every terminal session says about itself, so programs draw colour and links. */
const terminalIdentity = { TERM: 'xterm-256color', COLORTERM: 'truecolor', TERM_PROGRAM: 'Flakedeck' };

export function childEnv(
  base: NodeJS.ProcessEnv,
  extra: Record<string, string> = {},
  replace = false,
): Record<string, string> {
  const env: Record<string, string> = {};
  if (!replace) {
    for (const [name, value] of Object.entries(base)) {
      if (value !== undefined && !withheld.some((pattern) => pattern.test(name))) env[name] = value;
    }
  }
  return { ...env, ...terminalIdentity, ...extra };
}
