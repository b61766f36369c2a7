// The command line as a person runs it in a terminal (a real pty), with a services config file: what it shows, what
// is typed at it, and its process, to be killed as a crash would.

import { join } from 'node:path';
import { EventHub } from '../../main/events/event-hub.ts';
import { stripAnsi } from '../../main/flake/nix-errors.ts';
import { PtyHost } from '../../main/terminal/pty-host.ts';
import { repoRoot } from './fixture-flake.ts';

export interface CliInTerminal {
  /** The flakedeck process. */
  pid: number;
  /** Resolves when it ended: its exit code and everything the terminal showed, without colours. */
  exited: Promise<{ code: number | null; screen: string }>;
}

/**
 * Runs `flakedeck ARGS` with the services of `configFile` (tests/support/cli-with-config.ts); `answer` sees the
 * screen so far at each output and returns what to type, or null.
 */
export function cliInTerminal(
  cleanups: (() => unknown)[],
  configFile: string,
  args: string[],
  answer: (screen: string) => string | null,
): CliInTerminal {
  const host = new PtyHost(new EventHub());
  cleanups.push(() => host.dispose());
  const info = host.spawn({
    file: process.execPath,
    args: [join(repoRoot, 'tests/support/cli-with-config.ts'), configFile, ...args],
    title: `flakedeck ${args[0] ?? ''}`,
    kind: 'shell',
  });
  let screen = '';
  host.onRawData(info.id, (data) => {
    screen += data;
    const typed = answer(stripAnsi(screen));
    if (typed !== null) host.write(info.id, typed);
  });
  return {
    pid: info.pid,
    exited: host.exited(info.id).then((status) => ({ code: status.exitCode, screen: stripAnsi(screen) })),
  };
}
