// The activation script (activate.sh beside this file) as a command: one fixed text and its action's arguments,
// run the same way on a remote host and on this machine.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

let script: string | undefined;

/** The text of main/targets/activate.sh, read once (the packaged app carries it beside its bundle). */
export function activationScript(): string {
  script ??= readFileSync(resolve(import.meta.dirname, '..', '..', 'main', 'targets', 'activate.sh'), 'utf8');
  return script;
}

/** argv that runs one action of the script: the script is data ($1), so nothing is spliced into its text. */
export function activationArgv(action: string, args: readonly string[]): string[] {
  return ['sh', '-c', 'SCRIPT="$1"; shift; eval "$SCRIPT"', 'flakedeck', activationScript(), action, ...args];
}
