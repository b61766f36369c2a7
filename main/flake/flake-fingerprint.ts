// A fingerprint of the files nix copies for a git flake, computed without running any process: the tracked paths
// from git's index, each with its content id (git's, when the file is as the index recorded it; hashed otherwise).
// Equal fingerprints mean equal content, hence an equal narHash, so a warm open needs no nix.

import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { sourceRootOf } from './flake-folder.ts';
import { parseGitIndex } from './git-index.ts';
import type { IndexEntry } from './git-index.ts';

export function gitDirOf(root: string): string | undefined {
  const dotGit = join(root, '.git');
  if (!existsSync(dotGit)) return undefined;
  if (statSync(dotGit).isDirectory()) return dotGit;
  // A worktree or submodule: ".git" is a file naming the real folder.
  const match = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
  if (!match) return undefined;
  const dir = match[1]!.trim();
  return isAbsolute(dir) ? dir : resolve(root, dir);
}

const seconds = (ns: bigint) => Number((ns / 1_000_000_000n) & 0xffffffffn);
const nanoseconds = (ns: bigint) => Number(ns % 1_000_000_000n);

function unchangedSinceIndexed(entry: IndexEntry, stat: BigIntStats, indexMtimeNs: bigint): boolean {
  const kindMatches = stat.isSymbolicLink() ? entry.mode === 0o120000 : (entry.mode & 0o170000) === 0o100000;
  const executable = (Number(stat.mode) & 0o100) !== 0;
  return (
    kindMatches &&
    (stat.isSymbolicLink() || (entry.mode === 0o100755) === executable) &&
    // ctime as git compares it: `cp -p`, `rsync -t` and `tar x` put the mtime back after a same-size edit.
    entry.ctimeSeconds === seconds(stat.ctimeNs) &&
    entry.ctimeNanoseconds === nanoseconds(stat.ctimeNs) &&
    entry.mtimeSeconds === seconds(stat.mtimeNs) &&
    entry.mtimeNanoseconds === nanoseconds(stat.mtimeNs) &&
    entry.size === Number(stat.size & 0xffffffffn) &&
    entry.ino === Number(stat.ino & 0xffffffffn) &&
    // "Racily clean": written in the same instant as the index, so a later write may have kept the same stat.
    stat.mtimeNs < indexMtimeNs
  );
}

/** git's blob id of the file as it is now, so an edit undone later gives back the index's id. */
function blobId(path: string, stat: BigIntStats): { mode: number; oid: string } {
  const content = stat.isSymbolicLink() ? Buffer.from(readlinkSync(path)) : readFileSync(path);
  const oid = createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
  const mode = stat.isSymbolicLink() ? 0o120000 : Number(stat.mode) & 0o100 ? 0o100755 : 0o100644;
  return { mode, oid };
}

/** Undefined when the folder is not in a git repository this can read; the caller asks nix instead. */
export function flakeFingerprint(folder: string): string | undefined {
  const root = sourceRootOf(folder);
  const gitDir = gitDirOf(root);
  if (!gitDir) return undefined;
  const indexFile = join(gitDir, 'index');
  let index;
  let indexMtimeNs: bigint;
  try {
    indexMtimeNs = statSync(indexFile, { bigint: true }).mtimeNs;
    index = parseGitIndex(readFileSync(indexFile));
  } catch {
    return undefined;
  }
  if (!index) return undefined;
  const hash = createHash('sha256').update(`flakedeck-fingerprint 1\0${relative(root, folder)}\0`);
  for (const entry of index.entries) {
    if (entry.mode === 0o160000) {
      hash.update(`${entry.path}\0submodule\0`); // nix leaves submodules out unless asked
      continue;
    }
    const file = join(root, entry.path);
    const stat = lstatSync(file, { bigint: true, throwIfNoEntry: false });
    if (!stat || !(stat.isFile() || stat.isSymbolicLink())) {
      hash.update(`${entry.path}\0missing\0`);
      continue;
    }
    const { mode, oid } = unchangedSinceIndexed(entry, stat, indexMtimeNs) ? entry : blobId(file, stat);
    hash.update(`${entry.path}\0${mode.toString(8)}\0${oid}\0`);
  }
  return hash.digest('base64url');
}
