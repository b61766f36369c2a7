// The program a "New shell" tab runs: the user's $SHELL (else /bin/sh), interactive, without login scripts.

import { accessSync, constants } from 'node:fs';
import { basename, isAbsolute } from 'node:path';
import type { SpawnSpec } from './terminal-types.ts';

export interface ShellCommand {
  file: string;
  args: readonly string[];
}

/** Without `-l`: a shell on a terminal is interactive by itself, and login scripts are the session's business. */
export function userShell(env: NodeJS.ProcessEnv = process.env): ShellCommand {
  const shell = env.SHELL;
  return { file: shell && isAbsolute(shell) && isExecutable(shell) ? shell : '/bin/sh', args: [] };
}

export function shellSpec(shell: ShellCommand, folder: string, size: { cols?: number; rows?: number }): SpawnSpec {
  return {
    file: shell.file,
    args: shell.args,
    cwd: folder,
    title: `${basename(shell.file)} · ${basename(folder)}`,
    kind: 'shell',
    ...size,
  };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
