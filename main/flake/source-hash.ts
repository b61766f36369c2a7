// The narHash and store path nix gives a git flake's source, and the flake's fingerprint, in one pass over the
// tracked files of the working tree (what nix copies for a git flake), in slices between turns of the event loop, so
// that it runs beside the nix evaluation instead of before or after it. The NAR writer is by hand: npm has no kept NAR writer for
// a chosen list of files (this hashes git's tracked files only, in nix's order), and it is compared with nix's own
// narHash in tests.

import { createHash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { contentOf, fingerprintOf, fingerprintPart, isCopied } from './flake-fingerprint.ts';
import type { GitSource } from './flake-fingerprint.ts';
import type { FlakeMetadata } from './inspect.ts';

/** A tracked path that is there, with its index in the git index. */
interface Tracked {
  path: string;
  stat: BigIntStats;
  entry: number;
}

type Node = { kind: 'file'; file: Tracked } | Folder;
interface Folder {
  kind: 'dir';
  entries: Map<string, Node>;
}

/**
 * The NAR serialisation's sha256: strings are a little-endian 64-bit length, the bytes, and zero padding to 8 bytes.
 * Small strings are gathered into one buffer, so the hash is fed in large pieces.
 */
class NarHasher {
  readonly #hash = createHash('sha256');
  readonly #pending = Buffer.alloc(64 * 1024);
  #used = 0;

  str(value: string | Buffer): void {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    const padded = bytes.length + ((8 - (bytes.length % 8)) % 8);
    if (this.#used + 8 + padded > this.#pending.length) this.#flush();
    this.#pending.writeBigUInt64LE(BigInt(bytes.length), this.#used);
    this.#used += 8;
    if (padded > this.#pending.length - this.#used) {
      this.#flush();
      this.#hash.update(bytes);
      this.#hash.update(Buffer.alloc(padded - bytes.length));
      return;
    }
    bytes.copy(this.#pending, this.#used);
    this.#pending.fill(0, this.#used + bytes.length, this.#used + padded);
    this.#used += padded;
  }

  digest(): Buffer {
    this.#flush();
    return this.#hash.digest();
  }

  #flush(): void {
    this.#hash.update(this.#pending.subarray(0, this.#used));
    this.#used = 0;
  }
}

const base32Chars = '0123456789abcdfghijklmnpqrsvwxyz';

/** Nix's base-32 (libutil/hash.cc): least significant bits first, its own alphabet. */
function nixBase32(bytes: Buffer): string {
  const length = Math.floor((bytes.length * 8 - 1) / 5) + 1;
  let out = '';
  for (let n = length - 1; n >= 0; n--) {
    const b = n * 5;
    const i = Math.floor(b / 8);
    const j = b % 8;
    const c = (bytes[i]! >> j) | (i >= bytes.length - 1 ? 0 : bytes[i + 1]! << (8 - j));
    out += base32Chars[c & 0x1f];
  }
  return out;
}

/** makeStorePath("source", sha256, "source") of a recursively hashed path without references. */
export function sourceStorePath(narSha256: Buffer, storeDir = '/nix/store'): string {
  const digest = createHash('sha256')
    .update(`source:sha256:${narSha256.toString('hex')}:${storeDir}:source`)
    .digest();
  const compressed = Buffer.alloc(20);
  for (let i = 0; i < digest.length; i++) compressed[i % 20]! ^= digest[i]!;
  return `${storeDir}/${nixBase32(compressed)}-source`;
}

/** Files read between two turns of the event loop: the pass reads synchronously (threads cost more than they save) and
 * lets other work in between. */
const filesPerTurn = 256;

/** Lets the event loop turn once every `filesPerTurn` calls. */
function turns(): () => Promise<void> {
  let count = 0;
  return async () => {
    if (++count % filesPerTurn === 0) await nextTurn();
  };
}

/** The folder tree of the tracked files that are there. */
function treeOf(files: readonly Tracked[]): Folder {
  const tree: Folder = { kind: 'dir', entries: new Map() };
  for (const file of files) {
    const parts = file.path.split('/');
    let dir = tree;
    for (const part of parts.slice(0, -1)) {
      let next = dir.entries.get(part);
      if (!next || next.kind !== 'dir') {
        next = { kind: 'dir', entries: new Map() };
        dir.entries.set(part, next);
      }
      dir = next;
    }
    dir.entries.set(parts.at(-1)!, { kind: 'file', file });
  }
  return tree;
}

/** NAR orders a folder's entries by name, bytewise. */
const sortedEntries = (dir: Folder) =>
  [...dir.entries].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

export interface SourceScan {
  fingerprint: string;
  metadata: FlakeMetadata;
}

/**
 * The fingerprint, narHash and store path of the git flake's source as it is now: every tracked file is stat'ed and
 * read once. Rejects when a file goes away while it is read.
 */
export async function scanGitSource(source: GitSource): Promise<SourceScan> {
  const turn = turns();
  const parts: string[] = [];
  const present: Tracked[] = [];
  for (const [i, entry] of source.entries.entries()) {
    await turn();
    // Submodules are left out unless the flake asks for them.
    const stat =
      entry.mode === 0o160000
        ? undefined
        : lstatSync(join(source.root, entry.path), { bigint: true, throwIfNoEntry: false });
    if (isCopied(stat)) present.push({ path: entry.path, stat, entry: i });
    else parts[i] = fingerprintPart(source, entry, stat, () => Buffer.alloc(0));
  }

  const nar = new NarHasher();
  const write = async (node: Node): Promise<void> => {
    nar.str('(');
    nar.str('type');
    if (node.kind === 'dir') {
      nar.str('directory');
      for (const [name, child] of sortedEntries(node)) {
        for (const token of ['entry', '(', 'name', name, 'node']) nar.str(token);
        await write(child);
        nar.str(')');
      }
    } else {
      await turn();
      const { file } = node;
      const content = contentOf(join(source.root, file.path), file.stat);
      parts[file.entry] = fingerprintPart(source, source.entries[file.entry]!, file.stat, () => content);
      if (file.stat.isSymbolicLink()) {
        for (const token of ['symlink', 'target', content]) nar.str(token);
      } else {
        nar.str('regular');
        if (Number(file.stat.mode) & 0o100) for (const token of ['executable', '']) nar.str(token);
        for (const token of ['contents', content]) nar.str(token);
      }
    }
    nar.str(')');
  };
  nar.str('nix-archive-1');
  await write(treeOf(present));
  const sha256 = nar.digest();
  return {
    fingerprint: fingerprintOf(source, parts),
    metadata: { narHash: `sha256-${sha256.toString('base64')}`, storePath: sourceStorePath(sha256) },
  };
}
