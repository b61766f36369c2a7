// Copies a fixture flake into a fresh git repository, as nix only sees files that git tracks.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const fixturesDir = join(repoRoot, 'tests', 'fixtures', 'flakes');

/**
 * A folder name with what folders may have and a flake reference may not: spaces, a quote, brackets, '&', '#', '?'
 * and letters beyond ASCII. Tests that pass it show that every command and the window take such a flake.
 */
export const awkwardPrefix = "flakedeck my flakes [Anne's] & é #2 ?-";

export interface FlakeRepo {
  path: string;
  /** Writes a file into the repository and stages it, so nix sees it. */
  write(file: string, text: string): void;
  remove(): void;
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=tests@flakedeck.invalid', '-c', 'user.name=tests', ...args], {
    cwd,
    stdio: 'ignore',
  });
}

/** A git repository holding the named fixture (a folder under tests/fixtures/flakes) or the given files. */
export function makeFlakeRepo(source: string | Record<string, string>, prefix = 'flakedeck-flake-'): FlakeRepo {
  const path = mkdtempSync(join(tmpdir(), prefix));
  if (typeof source === 'string') cpSync(join(fixturesDir, source), path, { recursive: true });
  else for (const [file, text] of Object.entries(source)) writeInto(path, file, text);
  git(path, 'init', '-q');
  git(path, 'add', '-A');
  git(path, 'commit', '-q', '-m', 'fixture');
  return {
    path,
    write(file, text) {
      writeInto(path, file, text);
      git(path, 'add', '-A');
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

function writeInto(root: string, file: string, text: string): void {
  const target = join(root, file);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
}
