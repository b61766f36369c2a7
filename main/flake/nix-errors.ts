// Reads nix's stderr (internal-json or human format) into an error with its message, file and line.

import { stripVTControlCharacters } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../../common/api/errors.ts';
import type { SourceLocation } from '../../common/api/errors.ts';

interface NixMessage {
  action: 'msg';
  level: number;
  msg: string;
  raw_msg?: string;
  file?: string | null;
  line?: number | null;
  column?: number | null;
  trace?: { file?: string | null; line?: number | null; column?: number | null; raw_msg?: string }[];
}

const storeSource = /^\/nix\/store\/[0-9a-z]{32}-source(?=\/|$)/;
const maxDetail = 16_384;

/**
 * Text without terminal escape sequences: Node's own stripper, which also knows the OSC hyperlinks newer nix prints
 * around store paths. One name for it across main, so every caller strips the same way.
 */
export const stripAnsi = stripVTControlCharacters;

/** The `@nix {"action":"msg"}` lines of an internal-json log; other lines are ignored. */
export function parseNixMessages(stderr: string): NixMessage[] {
  const messages: NixMessage[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('@nix ')) continue;
    try {
      const entry = JSON.parse(line.slice(5)) as { action?: string };
      if (entry.action === 'msg') messages.push(entry as NixMessage);
    } catch {
      // A builder may print a line that only looks like ours; it is not a nix message.
    }
  }
  return messages;
}

/**
 * Maps a file in the store copy of the flake back to the user's folder, when that file exists there.
 * Nix evaluates a copy of the flake in /nix/store, but the user edits the original.
 */
export function localFile(file: string, sourceRoot: string | undefined): string | undefined {
  if (!file.startsWith('/')) return undefined; // «string» (an --apply expression) or «stdin»
  if (!storeSource.test(file)) return existsSync(file) ? file : undefined;
  if (!sourceRoot) return undefined;
  const local = join(sourceRoot, file.replace(storeSource, ''));
  return existsSync(local) ? local : undefined;
}

function locate(message: NixMessage, sourceRoot: string | undefined): SourceLocation | undefined {
  const candidates = [message, ...(message.trace ?? [])];
  const toLocation = (c: (typeof candidates)[number], file: string): SourceLocation => ({
    file,
    line: c.line ?? 0,
    ...(c.column ? { column: c.column } : {}),
  });
  // Prefer a place in the user's own files; fall back to the first place nix names at all.
  for (const c of candidates) {
    const file = c.file && c.line ? localFile(c.file, sourceRoot) : undefined;
    if (file) return toLocation(c, file);
  }
  const first = candidates.find((c) => c.file?.startsWith('/') && c.line);
  return first?.file ? toLocation(first, first.file) : undefined;
}

function detailOf(text: string): string {
  const clean = stripAnsi(text).trim();
  return clean.length > maxDetail ? `${clean.slice(0, maxDetail)}\n…` : clean;
}

/** Turns the stderr of a failed nix command into the most specific typed error it supports. */
export function nixFailure(stderr: string, sourceRoot?: string): ApiError {
  const errors = parseNixMessages(stderr).filter((m) => m.level === 0);
  const last = errors.at(-1);
  const text = last ? stripAnsi(last.msg) : stripAnsi(stderr);
  const rawMessage = stripAnsi(last?.raw_msg ?? firstErrorLine(text));
  const message = rawMessage.replace(/^error:\s*/, '');

  if (/experimental Nix feature '(flakes|nix-command)' is disabled/.test(text)) {
    return new ApiError({
      code: 'NIX_FAILED',
      message: 'This Nix has flakes turned off.',
      hint: 'Add "experimental-features = nix-command flakes" to nix.conf.',
      detail: detailOf(text),
    });
  }
  if (/could not find a flake\.nix file|does not contain a 'flake\.nix'/.test(text)) {
    return new ApiError({
      code: 'NOT_A_FLAKE',
      message: 'This folder is not a flake: nix found no flake.nix in it.',
      hint: 'Open the folder that holds your flake.nix.',
      detail: detailOf(text),
    });
  }
  const location = last ? locate(last, sourceRoot) : undefined;
  const untracked = /getting status of '\/nix\/store\/[^']*-source\/([^']+)': No such file or directory/.exec(text);
  return new ApiError({
    code: 'NIX_EVAL_ERROR',
    message: message || 'nix failed without an error message.',
    ...(untracked && {
      hint: `Nix sees only files that git tracks. Run \`git add ${untracked[1]}\` in the flake's repository.`,
    }),
    ...(location && { location }),
    detail: detailOf(text),
  });
}

function firstErrorLine(text: string): string {
  const line = text.split('\n').find((l) => l.startsWith('error:'));
  return line ?? text.trim().split('\n').at(-1) ?? '';
}
