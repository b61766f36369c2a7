// One value's encryption (SPEC §2): AES-256-GCM with a 32-byte IV, the key path as AAD, typed plaintext bytes.

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Comment, Timestamp, scalarType } from './tree.ts';
import type { Leaf } from './tree.ts';
import { formatFloatF } from './go-format.ts';
import { invalidFile } from './sops-errors.ts';

export type ValueType = 'str' | 'int' | 'float' | 'bool' | 'time' | 'comment';

/** What a leaf of the tree can be when it is encrypted: a non-null leaf or a comment. */
export type Plain = Exclude<Leaf, null> | Comment;

const encPrefix = 'ENC[AES256_GCM,data:';
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
export function isEncrypted(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('ENC[AES256_GCM,');
}

export function typeOf(value: Plain): ValueType {
  if (value instanceof Comment) return 'comment';
  if (value instanceof Timestamp) return 'time';
  // Raw bytes (the binary store's data) are a Go string to sops; `bytes` is only ever decrypted.
  if (value instanceof Uint8Array) return 'str';
  return scalarType(value);
}

/** sops' `ToBytes`: the bytes that are encrypted and hashed into the MAC. */
export function toBytes(value: Plain): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof Comment) return utf8.encode(value.value);
  if (value instanceof Timestamp) return utf8.encode(value.text);
  switch (typeof value) {
    case 'string':
      return utf8.encode(value);
    case 'bigint':
      return utf8.encode(value.toString());
    case 'number':
      return utf8.encode(formatFloatF(value));
    default:
      // Capitalised like the Python sops that came first.
      return utf8.encode(value ? 'True' : 'False');
  }
}

const goBools: Record<string, boolean> = {
  '1': true, t: true, T: true, TRUE: true, true: true, True: true,
  '0': false, f: false, F: false, FALSE: false, false: false, False: false,
};

function fromBytes(bytes: Uint8Array, type: string): Plain {
  if (type === 'bytes') return bytes;
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    // The binary store holds arbitrary bytes as a `str`; only it may carry invalid UTF-8.
    if (type === 'str') return bytes;
    throw new Error(`a ${type} value is not valid UTF-8`);
  }
  switch (type) {
    case 'str':
      return text;
    case 'comment':
      return new Comment(text);
    case 'time':
      return new Timestamp(text);
    // The decrypted text never goes into a message: it is the secret.
    case 'int':
      if (!/^[+-]?\d+$/.test(text)) throw new Error('its decrypted value is not an int');
      return BigInt(text);
    case 'float': {
      const x = /^[+-]?inf$/i.test(text) ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text);
      if (Number.isNaN(x) && text !== 'NaN') throw new Error('its decrypted value is not a float');
      return x;
    }
    case 'bool': {
      const b = goBools[text];
      if (b === undefined) throw new Error('its decrypted value is not a bool');
      return b;
    }
    default:
      throw new Error(`its type "${type}" is not one sops writes`);
  }
}

/**
 * Base64 as sops reads it (Go's padded standard encoding): every character counts, none is skipped. Node skips what is
 * not base64 and stops at a '=', so a value of the wrong length is what tells. (Natively: a regular expression over a
 * 64 MB value overflows V8's stack, and a loop in JavaScript costs more than the decryption.)
 */
function decodeBase64(part: string, what: string): Buffer {
  const bytes = Buffer.from(part, 'base64');
  const padding = part.endsWith('==') ? 2 : part.endsWith('=') ? 1 : 0;
  if (part.length % 4 !== 0 || bytes.length !== (part.length / 4) * 3 - padding) {
    throw new Error(`its ${what} is not valid base64`);
  }
  return bytes;
}

interface EncParts {
  data: string;
  iv: string;
  tag: string;
  type: string;
}

/** Splits `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` by its fixed field names, in time linear in its length. */
function encParts(text: string): EncParts | undefined {
  if (!text.startsWith(encPrefix) || !text.endsWith(']')) return undefined;
  const ivAt = text.lastIndexOf(',iv:');
  const tagAt = text.lastIndexOf(',tag:');
  const typeAt = text.lastIndexOf(',type:');
  if (ivAt < encPrefix.length || tagAt < ivAt || typeAt < tagAt) return undefined;
  return {
    data: text.slice(encPrefix.length, ivAt),
    iv: text.slice(ivAt + 4, tagAt),
    tag: text.slice(tagAt + 5, typeAt),
    type: text.slice(typeAt + 6, -1),
  };
}

/** The IV stash key: the same (AAD, typed plaintext) must get the same IV, so unchanged values keep their bytes. */
function stashKey(aad: string, value: Plain): string | undefined {
  // Inline comments come back from decryption as head comments, so they never match (as in sops).
  if (value instanceof Comment && value.inline) return undefined;
  const text = typeof value === 'string' ? value : Buffer.from(toBytes(value)).toString('base64');
  // A long value by its digest: the stash goes to another thread and back, and need not carry a copy of it.
  const held = text.length > maxTextInKey ? `#${createHash('sha256').update(text).digest('base64')}` : `=${text}`;
  return `${aad}\0${typeOf(value)}\0${held}`;
}

const maxTextInKey = 1024;

export class ValueCipher {
  /** IVs in base64 as the file holds them: text costs less than bytes to send to another thread. */
  readonly #stash: Map<string, string>;

  /** With the IVs of a cipher that read the file before (on another thread), or none. */
  constructor(ivs: Iterable<[string, string]> = []) {
    this.#stash = new Map(ivs);
  }

  /** The IVs seen so far, by value: what another cipher needs to keep unchanged values' bytes. */
  get ivs(): Map<string, string> {
    return this.#stash;
  }

  /** Encrypts one value; an empty string or comment stays empty, as sops leaves it. */
  encrypt(value: Plain, key: Uint8Array, aad: string): string {
    const bytes = toBytes(value);
    if (bytes.length === 0 && (typeof value === 'string' || value instanceof Comment || value instanceof Uint8Array)) {
      return '';
    }
    const stashed = stashKey(aad, value);
    const stashedIv = stashed && this.#stash.get(stashed);
    const iv = stashedIv ? Buffer.from(stashedIv, 'base64') : randomBytes(32);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(utf8.encode(aad));
    const data = Buffer.concat([cipher.update(bytes), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `ENC[AES256_GCM,data:${data.toString('base64')},iv:${stashedIv || iv.toString('base64')},tag:${tag.toString('base64')},type:${typeOf(value)}]`;
  }

  /** Decrypts one `ENC[…]` value and remembers its IV for re-encryption. */
  decrypt(text: string, key: Uint8Array, aad: string): Plain {
    if (text === '') return '';
    const parts = encParts(text);
    if (!parts) throw invalidFile(`The value at "${aad}" is not a valid ENC[…] value.`);
    const { data: dataPart, iv: ivPart, tag: tagPart, type } = parts;
    let plain: Plain;
    try {
      const data = decodeBase64(dataPart, 'data');
      const iv = decodeBase64(ivPart, 'iv');
      const tag = decodeBase64(tagPart, 'tag');
      if (iv.length === 0 || tag.length !== 16) throw new Error('its iv or tag has the wrong length');
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(utf8.encode(aad));
      decipher.setAuthTag(tag);
      const bytes = Buffer.concat([decipher.update(data), decipher.final()]);
      plain = fromBytes(new Uint8Array(bytes), type);
    } catch (error) {
      const reason = (error as Error).message.includes('authenticate')
        ? 'it does not authenticate: it was changed, moved to another key, or encrypted with another data key'
        : (error as Error).message;
      throw invalidFile(`Could not decrypt the value at "${aad}": ${reason}.`);
    }
    const stashed = stashKey(aad, plain);
    if (stashed) this.#stash.set(stashed, ivPart);
    return plain;
  }
}
