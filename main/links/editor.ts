// Opens a file at a line in the user's editor ($VISUAL, else $EDITOR): a terminal editor in a terminal tab of the
// app, a graphical one as its own window, and without either, the desktop's default application for the file.

import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { basename, isAbsolute } from 'node:path';
import { ApiError } from '../../common/api/errors.ts';
import type { SourceLocation } from '../../common/api/errors.ts';
import type { TerminalHost } from '../terminal/terminal-types.ts';

/** Hands a file to the desktop's default application; main/shell/ implements it with Electron's shell.openPath. */
export type FileOpener = (file: string) => Promise<void>;

export interface EditorCommand {
  file: string;
  args: string[];
  /** Runs in a terminal tab (vim, nano, …) rather than in a window of its own (VS Code, …). */
  inTerminal: boolean;
}

/** How each editor takes a line and column; an editor not listed is given the file alone. */
const lineArgs: Record<string, (at: Required<SourceLocation>) => string[]> = {
  code: (at) => ['--goto', `${at.file}:${at.line}:${at.column}`],
  codium: (at) => ['--goto', `${at.file}:${at.line}:${at.column}`],
  'code-oss': (at) => ['--goto', `${at.file}:${at.line}:${at.column}`],
  cursor: (at) => ['--goto', `${at.file}:${at.line}:${at.column}`],
  zed: (at) => [`${at.file}:${at.line}:${at.column}`],
  subl: (at) => [`${at.file}:${at.line}:${at.column}`],
  kate: (at) => ['--line', String(at.line), '--column', String(at.column), at.file],
  gedit: (at) => [`+${at.line}:${at.column}`, at.file],
  'gnome-text-editor': (at) => [`+${at.line}:${at.column}`, at.file],
  hx: (at) => [`${at.file}:${at.line}:${at.column}`],
  helix: (at) => [`${at.file}:${at.line}:${at.column}`],
  kak: (at) => [`+${at.line}:${at.column}`, at.file],
  micro: (at) => [`${at.file}:${at.line}:${at.column}`],
  vi: (at) => [`+${at.line}`, at.file],
  vim: (at) => [`+call cursor(${at.line}, ${at.column})`, at.file],
  nvim: (at) => [`+call cursor(${at.line}, ${at.column})`, at.file],
  nano: (at) => [`+${at.line},${at.column}`, at.file],
  emacs: (at) => [`+${at.line}:${at.column}`, at.file],
  ne: (at) => [`+${at.line},${at.column}`, at.file],
};
const graphical = new Set([
  'code',
  'codium',
  'code-oss',
  'cursor',
  'zed',
  'subl',
  'kate',
  'gedit',
  'gnome-text-editor',
]);

/**
 * The command that opens `at` in the editor the environment names, or null when it names none. $EDITOR may hold
 * words ("emacs -nw"): they are split on spaces, never given to a shell.
 */
export function editorCommand(at: SourceLocation, env: NodeJS.ProcessEnv = process.env): EditorCommand | null {
  const setting = (env.VISUAL || env.EDITOR || '').trim();
  if (!setting) return null;
  const [file, ...options] = setting.split(/\s+/) as [string, ...string[]];
  const name = basename(file);
  const place = { file: at.file, line: Math.max(1, at.line), column: Math.max(1, at.column ?? 1) };
  const args = lineArgs[name]?.(place) ?? [at.file];
  // "code" without --wait returns at once and leaves its window; "emacs" opens a window unless told -nw.
  const inTerminal = !graphical.has(name) && !(name === 'emacs' && !options.includes('-nw'));
  return { file, args: [...options, ...args], inTerminal };
}

export class EditorLauncher {
  readonly #terminals: TerminalHost;
  readonly #opener: FileOpener | undefined;
  readonly #env: NodeJS.ProcessEnv;

  constructor(terminals: TerminalHost, opener?: FileOpener, env: NodeJS.ProcessEnv = process.env) {
    this.#terminals = terminals;
    this.#opener = opener;
    this.#env = env;
  }

  /** Opens the file; returns the terminal it opened in, when the editor runs in one. */
  async open(at: SourceLocation): Promise<{ terminalId: string | null }> {
    checkFile(at.file);
    const command = editorCommand(at, this.#env);
    if (command?.inTerminal) {
      const info = this.#terminals.spawn({
        file: command.file,
        args: command.args,
        title: `${basename(command.file)} · ${basename(at.file)}:${at.line}`,
        kind: 'shell',
      });
      return { terminalId: info.id };
    }
    if (command) {
      await launchDetached(command);
      return { terminalId: null };
    }
    if (!this.#opener) {
      throw new ApiError({
        code: 'NOT_FOUND',
        message: `No editor is set to open ${at.file}:${at.line}.`,
        hint: 'Set $VISUAL or $EDITOR (for example EDITOR=nano, or VISUAL=code) in the environment Flakedeck starts in.',
      });
    }
    await this.#opener(at.file);
    return { terminalId: null };
  }
}

/** Only a file that is there, and not a program: the default application of an executable may be to run it. */
function checkFile(file: string): void {
  let isFile = false;
  try {
    isFile = isAbsolute(file) && statSync(file).isFile();
  } catch {
    // not there
  }
  if (!isFile) throw new ApiError({ code: 'NOT_FOUND', message: `${file} is not a file on this machine.` });
  try {
    accessSync(file, constants.X_OK);
  } catch {
    return;
  }
  throw new ApiError({ code: 'INVALID_ARGUMENTS', message: `${file} is a program; Flakedeck opens only text files.` });
}

function launchDetached(command: EditorCommand): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command.file, command.args, { detached: true, stdio: 'ignore' });
    child.once('error', (error) =>
      reject(
        new ApiError({ code: 'NOT_FOUND', message: `Could not start the editor ${command.file}: ${error.message}` }),
      ),
    );
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
