// A fingerprint of the files nix copies for a git flake, computed without running any process: the tracked paths
// from git's index, each with its content id (git's, when the file is as the index recorded it; hashed otherwise).
// Equal fingerprints mean equal content, hence an equal narHash, so a warm open needs no nix.

import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
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

/** A git flake's tracked files as git's index lists them, with what is needed to trust the stat data it cached. */
export interface GitSource {
  /** The flake's folder. */
  folder: string;
  /** The repository's working tree: what nix copies. */
  root: string;
  entries: readonly IndexEntry[];
  /** When the index was written: a file written in the same instant may have changed without its stat changing. */
  indexMtimeNs: bigint;
}

/** Undefined when the folder is not in a git repository this can read; the caller asks nix instead. */
export function readGitSource(folder: string): GitSource | undefined {
  const root = sourceRootOf(folder);
  const gitDir = gitDirOf(root);
  if (!gitDir) return undefined;
  const indexFile = join(gitDir, 'index');
  try {
    const indexMtimeNs = statSync(indexFile, { bigint: true }).mtimeNs;
    const index = parseGitIndex(readFileSync(indexFile));
    return index && { folder, root, entries: index.entries, indexMtimeNs };
  } catch {
    return undefined;
  }
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

/** What nix copies of a tracked path: a regular file or a symlink; anything else (or nothing) is left out. */
function isCopied(stat: BigIntStats | undefined): stat is BigIntStats {
  return !!stat && (stat.isFile() || stat.isSymbolicLink());
}

/** The content git hashes for a path: a file's bytes, or a symlink's target. */
function contentOf(path: string, stat: BigIntStats): Buffer {
  return stat.isSymbolicLink() ? Buffer.from(readlinkSync(path)) : readFileSync(path);
}

/**
 * One tracked path's part of the fingerprint, from its stat now: git's blob id of the content as it is now (the
 * index's when the stat is the one it recorded, else hashed), so an edit undone later gives back the index's id.
 * Throws when a changed file goes away while it is read.
 */
function fingerprintPart(source: GitSource, entry: IndexEntry): string {
  if (entry.mode === 0o160000) return `${entry.path}\0submodule\0`; // nix leaves submodules out unless asked
  const path = join(source.root, entry.path);
  const stat = lstatSync(path, { bigint: true, throwIfNoEntry: false });
  if (!isCopied(stat)) return `${entry.path}\0missing\0`;
  if (unchangedSinceIndexed(entry, stat, source.indexMtimeNs)) {
    return `${entry.path}\0${entry.mode.toString(8)}\0${entry.oid}\0`;
  }
  const bytes = contentOf(path, stat);
  const oid = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  const mode = stat.isSymbolicLink() ? 0o120000 : Number(stat.mode) & 0o100 ? 0o100755 : 0o100644;
  return `${entry.path}\0${mode.toString(8)}\0${oid}\0`;
}

/** The fingerprint of the parts of every tracked path, in the index's order. */
function fingerprintOf(source: GitSource, parts: Iterable<string>): string {
  const hash = createHash('sha256').update(`flakedeck-fingerprint 1\0${relative(source.root, source.folder)}\0`);
  for (const part of parts) hash.update(part);
  return hash.digest('base64url');
}

/** The fingerprint of the flake at `folder` as it is now, from a stat of every tracked file. */
export function flakeFingerprint(folder: string): string | undefined {
  const source = readGitSource(folder);
  return (
    source &&
    fingerprintOf(
      source,
      source.entries.map((entry) => fingerprintPart(source, entry)),
    )
  );
}

/** Tracked files stat'ed between two turns of the event loop. */
const filesPerTurn = 256;

/**
 * The same fingerprint, of the files the given index lists, with a turn of the event loop every `filesPerTurn` files:
 * it runs beside a nix evaluation without holding up other work.
 */
export async function sourceFingerprint(source: GitSource): Promise<string> {
  const parts: string[] = [];
  for (const entry of source.entries) {
    if (parts.length % filesPerTurn === filesPerTurn - 1) await nextTurn();
    parts.push(fingerprintPart(source, entry));
  }
  return fingerprintOf(source, parts);
}
