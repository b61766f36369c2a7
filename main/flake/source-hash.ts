// The narHash and store path nix gives a git flake's source, computed in-process: the NAR serialisation of the
// tracked files of the working tree (what nix copies for a git flake), and the store path of that content.
// It saves the `nix flake metadata` process on a cold open; the store path is checked to exist before it is trusted.
// The NAR writer is by hand: npm has no kept NAR writer for a chosen list of files (this hashes git's tracked files
// only, in nix's order), and it is compared with nix's own narHash in tests.

import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { sourceRootOf } from './flake-folder.ts';
import { gitDirOf } from './flake-fingerprint.ts';
import { parseGitIndex } from './git-index.ts';
import type { FlakeMetadata } from './inspect.ts';

type Node = { kind: 'file'; path: string } | { kind: 'dir'; entries: Map<string, Node> };

/** The NAR writer: strings are a little-endian 64-bit length, the bytes, and zero padding to 8 bytes. */
class NarHasher {
  readonly hash = createHash('sha256');

  str(value: string | Buffer): void {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(bytes.length));
    this.hash.update(length);
    this.hash.update(bytes);
    const pad = (8 - (bytes.length % 8)) % 8;
    if (pad) this.hash.update(Buffer.alloc(pad));
  }

  node(node: Node): void {
    this.str('(');
    this.str('type');
    if (node.kind === 'dir') {
      this.str('directory');
      // NAR orders entries by name, bytewise.
      for (const name of [...node.entries.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
        this.str('entry');
        this.str('(');
        this.str('name');
        this.str(name);
        this.str('node');
        this.node(node.entries.get(name)!);
        this.str(')');
      }
    } else {
      const stat = lstatSync(node.path);
      if (stat.isSymbolicLink()) {
        this.str('symlink');
        this.str('target');
        this.str(readlinkSync(node.path));
      } else {
        this.str('regular');
        if (stat.mode & 0o100) {
          this.str('executable');
          this.str('');
        }
        this.str('contents');
        this.str(readFileSync(node.path));
      }
    }
    this.str(')');
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

/** narHash and store path of the git flake at `folder`, or undefined when it is not one this can read. */
export function gitSourceMetadata(folder: string): FlakeMetadata | undefined {
  const root = sourceRootOf(folder);
  const gitDir = gitDirOf(root);
  if (!gitDir) return undefined;
  let index;
  try {
    index = parseGitIndex(readFileSync(join(gitDir, 'index')));
  } catch {
    return undefined;
  }
  if (!index) return undefined;
  const tree: Node = { kind: 'dir', entries: new Map() };
  for (const entry of index.entries) {
    if (entry.mode === 0o160000) continue; // submodules are left out unless the flake asks for them
    const path = join(root, entry.path);
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat || !(stat.isFile() || stat.isSymbolicLink())) continue; // nix copies what is there
    const parts = entry.path.split('/');
    let dir = tree;
    for (const part of parts.slice(0, -1)) {
      let next = dir.entries.get(part);
      if (!next || next.kind !== 'dir') {
        next = { kind: 'dir', entries: new Map() };
        dir.entries.set(part, next);
      }
      dir = next;
    }
    dir.entries.set(parts.at(-1)!, { kind: 'file', path });
  }
  const nar = new NarHasher();
  nar.str('nix-archive-1');
  nar.node(tree);
  const sha256 = nar.hash.digest();
  return { narHash: `sha256-${sha256.toString('base64')}`, storePath: sourceStorePath(sha256) };
}

/** The computed metadata, if nix's copy of the source is in the store under the computed path (nix just evaluated it). */
export function verifiedSourceMetadata(folder: string): FlakeMetadata | undefined {
  const metadata = gitSourceMetadata(folder);
  return metadata && existsSync(metadata.storePath) ? metadata : undefined;
}
