// The options every terminal tab starts with (the benchmark's baseline terminal uses the same).

import type { ITerminalOptions } from '@xterm/xterm';
import { terminalFont, terminalTheme } from './terminal-theme.ts';

/** Lines of history each terminal keeps (main keeps the last MiB of output on its side). */
const scrollbackLines = 10_000;

export function terminalOptions(): ITerminalOptions {
  return { scrollback: scrollbackLines, fontFamily: terminalFont(), fontSize: 13, theme: terminalTheme() };
}
