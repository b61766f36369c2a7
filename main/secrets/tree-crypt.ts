// Walks a tree to encrypt or decrypt its leaves and compute the MAC over them (SPEC §3, §4).

import { createHash } from 'node:crypto';
import { Branch, Comment, Timestamp } from './tree.ts';
import type { BranchItem, TreeList, TreeValue } from './tree.ts';
import { encryptionSelector } from './encryption-rules.ts';
import type { EncryptionRules } from './encryption-rules.ts';
import { isEncrypted, toBytes } from './value-cipher.ts';
import type { Plain, ValueCipher } from './value-cipher.ts';
import { invalidFile } from './sops-errors.ts';

/** sha256("sops"): seeds the MAC of files with mac_only_encrypted. */
const macOnlyEncryptedInit = Buffer.from('8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69', 'hex');

type Mode = 'encrypt' | 'decrypt';

/** A value that does not decrypt (changed outside sops, or damaged): its key path and its `ENC[…]` text. */
export interface DamagedValue {
  path: string[];
  text: string;
}

/** Stands for a damaged value while walking: the entry or list item is left out. */
const damagedMark = Symbol('damaged');

class Walker {
  readonly #mode: Mode;
  readonly #cipher: ValueCipher;
  readonly #key: Uint8Array;
  readonly #rules: EncryptionRules;
  readonly #shouldEncrypt: ReturnType<typeof encryptionSelector>;
  readonly hash = createHash('sha512');
  /** One frame per list being walked, plus the top; each holds the comments seen since the last value. */
  readonly #frames: string[][] = [[]];
  /** Where damaged values are collected (and left out) instead of failing the walk. */
  readonly #damaged: DamagedValue[] | undefined;

  constructor(mode: Mode, cipher: ValueCipher, key: Uint8Array, rules: EncryptionRules, damaged?: DamagedValue[]) {
    this.#mode = mode;
    this.#damaged = damaged;
    this.#cipher = cipher;
    this.#key = key;
    this.#rules = rules;
    this.#shouldEncrypt = encryptionSelector(rules);
    if (rules.macOnlyEncrypted) this.hash.update(macOnlyEncryptedInit);
  }

  branch(branch: Branch, path: string[]): Branch {
    const items: BranchItem[] = [];
    for (const item of branch.items) {
      if (item instanceof Comment) {
        this.#frames.at(-1)!.push(item.value);
        items.push(this.#comment(item, path));
        continue;
      }
      const value = this.value(item.value, [...path, item.key]);
      if (value !== damagedMark) items.push({ key: item.key, value });
      this.#frames.at(-1)!.length = 0;
    }
    return new Branch(items);
  }

  value(value: TreeValue, path: string[]): TreeValue | typeof damagedMark {
    if (value instanceof Branch) return this.branch(value, path);
    if (Array.isArray(value)) return this.#list(value, path);
    if (value === null) return null;
    return this.#leaf(value, path);
  }

  #list(list: TreeList, path: string[]): TreeList {
    this.#frames.push([]);
    const out: TreeList = [];
    for (const element of list) {
      if (element instanceof Comment) {
        this.#frames.at(-1)!.push(element.value);
        out.push(this.#comment(element, path));
        continue;
      }
      const value = this.value(element, path);
      if (value !== damagedMark) out.push(value);
      this.#frames.at(-1)!.length = 0;
    }
    this.#frames.pop();
    return out;
  }

  #encrypts(path: string[], isComment: boolean): boolean {
    return this.#shouldEncrypt(path, this.#frames.flat(), isComment);
  }

  #comment(comment: Comment, path: string[]): Comment {
    if (!this.#encrypts(path, true)) return comment;
    const aad = aadOf(path);
    if (this.#mode === 'encrypt') {
      if (comment.value === '') return comment;
      return new Comment(this.#cipher.encrypt(comment, this.#key, aad), comment.inline);
    }
    if (!isEncrypted(comment.value)) return comment;
    try {
      return this.#cipher.decrypt(comment.value, this.#key, aad) as Comment;
    } catch {
      // sops keeps a comment it cannot decrypt as it is (files from old versions have some).
      return comment;
    }
  }

  #leaf(value: Exclude<TreeValue, null | Branch | TreeList>, path: string[]): TreeValue | typeof damagedMark {
    const encrypts = this.#encrypts(path, false);
    const aad = aadOf(path);
    let plain: Plain = value;
    let out: TreeValue = value;
    if (encrypts && this.#mode === 'decrypt') {
      if (typeof value !== 'string') {
        throw invalidFile(`The value at "${aad}" should be encrypted but is a plain ${describe(value)}.`);
      }
      try {
        plain = this.#cipher.decrypt(value, this.#key, aad);
      } catch (error) {
        if (!this.#damaged) throw error;
        this.#damaged.push({ path, text: value });
        return damagedMark;
      }
      if (plain instanceof Comment) throw invalidFile(`The value at "${aad}" is an encrypted comment, not a value.`);
      out = plain;
    }
    // A string is hashed as its UTF-8 bytes, without making them first.
    if (!this.#rules.macOnlyEncrypted || encrypts) this.hash.update(typeof plain === 'string' ? plain : toBytes(plain));
    if (encrypts && this.#mode === 'encrypt') out = this.#cipher.encrypt(plain, this.#key, aad);
    return out;
  }
}

function describe(value: unknown): string {
  if (value instanceof Timestamp) return 'timestamp';
  return typeof value === 'bigint' ? 'int' : typeof value;
}

/** The additional data of a value: its map keys joined with ":", plus a trailing ":" (list indices excluded). */
export function aadOf(path: readonly string[]): string {
  return `${path.join(':')}:`;
}

export interface CryptResult {
  branches: Branch[];
  /** The MAC as sops writes it: 128 uppercase hex digits. */
  mac: string;
}

function walk(
  mode: Mode,
  branches: readonly Branch[],
  cipher: ValueCipher,
  key: Uint8Array,
  rules: EncryptionRules,
  damaged?: DamagedValue[],
): CryptResult {
  const walker = new Walker(mode, cipher, key, rules, damaged);
  const out = branches.map((b) => walker.branch(b, []));
  return { branches: out, mac: walker.hash.digest('hex').toUpperCase() };
}

/** Encrypts the leaves the rules select; the MAC covers the plaintext. */
export function encryptBranches(branches: readonly Branch[], cipher: ValueCipher, key: Uint8Array, rules: EncryptionRules): CryptResult {
  return walk('encrypt', branches, cipher, key, rules);
}

/**
 * Decrypts the leaves the rules select; the MAC is computed over the decrypted values. With `damaged`, a value that
 * does not decrypt is collected there and left out of the result instead of failing the whole file.
 */
export function decryptBranches(
  branches: readonly Branch[],
  cipher: ValueCipher,
  key: Uint8Array,
  rules: EncryptionRules,
  damaged?: DamagedValue[],
): CryptResult {
  return walk('decrypt', branches, cipher, key, rules, damaged);
}
