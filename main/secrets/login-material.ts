// The login material of a flake that "make this repository yours" replaces: SSH keys in authorized_keys files that
// are published demo keys (their private halves are under tests/demo-keys/), and the login password hashes kept in
// its sops files. Both open the hosts to anyone who has the published demo material.

import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { encrypt } from 'unixcrypt';
import { ApiError } from '../../common/api/errors.ts';
import { ed25519PublicLine } from '../keys/ssh-key-pair.ts';
import { ed25519SeedFromOpenSsh } from '../keys/ssh-to-age.ts';
import { Branch, Comment } from './tree.ts';
import type { TreeValue } from './tree.ts';

const demoFolder = join('tests', 'demo-keys');
// A login key, not a host key: tests/demo-keys/<user>.ssh_ed25519.DEMO.
const demoLoginKeyPattern = /\.ssh_ed25519\.DEMO$/;
const skippedFolders = new Set(['.git', 'node_modules', 'tests', 'out', 'dist', 'result']);
const authorizedKeysPattern = /authorized_keys/;
// crypt(3) formats NixOS accepts in hashedPassword(File): yescrypt, gost-yescrypt, SHA-512, SHA-256, bcrypt.
const cryptHashPattern = /^\$(y|gy|6|5|2[abxy])\$[^\s]+$/;

/** The public halves (`ssh-ed25519 AAAA…`, no comment) of the flake's published demo login keys. */
export function demoLoginKeys(flake: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(flake, demoFolder)).filter((name) => demoLoginKeyPattern.test(name));
  } catch {
    return [];
  }
  return names.map((name) => ed25519PublicLine(ed25519SeedFromOpenSsh(readFileSync(join(flake, demoFolder, name), 'utf8'))));
}

/** The base64 blob of a key line, which identifies the key whatever options or comment surround it. */
function keyBlob(line: string): string | undefined {
  return line.trim().split(/\s+/).find((field) => /^AAAA[0-9A-Za-z+/]+=*$/.test(field));
}

/** A file of the flake that holds a demo login key. */
export interface DemoLoginFile {
  /** Relative to the flake. */
  file: string;
  /** authorized_keys files are rewritten; a demo key anywhere else is left to the user (a blocker). */
  authorizedKeys: boolean;
  /** 1-based lines that hold a demo key. */
  lines: number[];
  text: string;
}

function* flakeFiles(flake: string, folder = flake): Generator<string> {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory() && !skippedFolders.has(entry.name)) yield* flakeFiles(flake, path);
    else if (entry.isFile() && (authorizedKeysPattern.test(entry.name) || entry.name.endsWith('.nix'))) yield path;
  }
}

/** Every authorized_keys or .nix file of the flake with a line that holds one of `demoKeys`. */
export function findDemoLoginKeys(flake: string, demoKeys: readonly string[]): DemoLoginFile[] {
  const blobs = new Set(demoKeys.map(keyBlob));
  if (blobs.size === 0) return [];
  const found: DemoLoginFile[] = [];
  for (const path of flakeFiles(flake)) {
    const text = readFileSync(path, 'utf8');
    const lines = text
      .split('\n')
      .flatMap((line, index) => ([...blobs].some((blob) => blob && line.includes(blob)) ? [index + 1] : []));
    if (lines.length) {
      const file = relative(flake, path);
      found.push({ file, authorizedKeys: authorizedKeysPattern.test(file), lines, text });
    }
  }
  return found;
}

/** Checks the user's public login keys: one per line, `type AAAA… [comment]`, none a published demo key. */
export function checkedLoginKeys(keys: readonly string[], demoKeys: readonly string[]): string[] {
  const demo = new Set(demoKeys.map(keyBlob));
  return keys
    .map((key) => key.trim())
    .filter(Boolean)
    .map((key) => {
      const blob = keyBlob(key);
      if (!/^(ssh-(ed25519|rsa)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) /.test(key) || !blob) {
        throw new ApiError({
          code: 'INVALID_KEY',
          message: `"${key.slice(0, 40)}…" is not an SSH public key line.`,
          hint: 'Give the line of your ~/.ssh/id_ed25519.pub (ssh-ed25519 AAAA… you@machine).',
        });
      }
      if (demo.has(blob)) {
        throw new ApiError({
          code: 'INVALID_KEY',
          message: 'That login key is a published demo key: its private half is in tests/demo-keys/.',
          hint: 'Give your own public key (ssh-keygen -t ed25519 makes one).',
        });
      }
      return key;
    });
}

/** An authorized_keys file with its demo lines replaced by the user's keys (where the first demo line was). */
export function replaceDemoLines(found: DemoLoginFile, keys: readonly string[]): string {
  const lines = found.text.split('\n');
  const out: string[] = [];
  lines.forEach((line, index) => {
    if (!found.lines.includes(index + 1)) out.push(line);
    else if (index + 1 === found.lines[0]) out.push(...keys);
  });
  return out.join('\n');
}

/** A login password hash in a secret file: its key path (`a/b/c`), as found in the decrypted tree. */
export interface PasswordHashEntry {
  key: string;
  value: string;
}

/** Whether a value is a crypt(3) password hash, as NixOS reads in hashedPasswordFile. */
export function isPasswordHash(value: string): boolean {
  return cryptHashPattern.test(value);
}

/** Every string leaf of the tree that is a crypt(3) password hash. */
export function passwordHashes(branches: readonly Branch[]): PasswordHashEntry[] {
  const found: PasswordHashEntry[] = [];
  const walk = (value: TreeValue, path: string[]) => {
    if (value instanceof Branch) for (const entry of value.entries()) walk(entry.value, [...path, entry.key]);
    else if (typeof value === 'string' && cryptHashPattern.test(value)) found.push({ key: path.join('/'), value });
  };
  for (const branch of branches) walk(branch, []);
  return found;
}

/** A copy of the tree with every password hash leaf replaced by `hash`. */
export function withPasswordHash(branches: readonly Branch[], hash: string): Branch[] {
  const replace = (value: TreeValue): TreeValue => {
    if (value instanceof Branch) {
      return new Branch(value.items.map((item) => (item instanceof Comment ? item : { key: item.key, value: replace(item.value) })));
    }
    if (Array.isArray(value)) return value.map((v) => (v instanceof Comment ? v : replace(v)));
    return typeof value === 'string' && cryptHashPattern.test(value) ? hash : value;
  };
  return branches.map((branch) => replace(branch) as Branch);
}

/** SHA-512 crypt (`$6$`, 5000 rounds, a random salt), which NixOS accepts like `mkpasswd -m sha-512` writes it. */
export function hashPassword(password: string): string {
  if (password.length < 8) {
    throw new ApiError({
      code: 'INVALID_ARGUMENTS',
      message: 'The new password is shorter than 8 characters.',
      hint: 'It opens the console and sudo on every host: choose a longer one.',
    });
  }
  return encrypt(password);
}
