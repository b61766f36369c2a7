// Trees and opened files as data that survives postMessage to and from the sops worker thread: structured clone
// keeps maps, bigints and bytes but drops classes, so branches, comments and timestamps travel tagged.

import { Branch, Comment, Timestamp } from './tree.ts';
import { storeFor } from './stores/index.ts';
import { ValueCipher } from './value-cipher.ts';
import type { OpenedFile } from './sops-file.ts';


/** A property no tree or metadata object has: the class a tagged object stands for. */
const tag = '\u0000class';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** Any value holding trees (a tree, metadata, an object of them) as structured-clone data. */
export function encodeTrees(value: unknown): unknown {
  if (value instanceof Branch) return { [tag]: 'branch', items: value.items.map(encodeTrees) };
  if (value instanceof Comment) return { [tag]: 'comment', value: value.value, inline: value.inline };
  if (value instanceof Timestamp) return { [tag]: 'time', text: value.text };
  if (Array.isArray(value)) return value.map(encodeTrees);
  if (isPlainObject(value)) {
    const encoded: Record<string, unknown> = {};
    for (const key in value) encoded[key] = encodeTrees(value[key]);
    return encoded;
  }
  return value;
}

/** The inverse of encodeTrees. */
export function decodeTrees(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeTrees);
  if (!isPlainObject(value)) return value;
  switch (value[tag]) {
    case 'branch':
      return new Branch((value.items as unknown[]).map(decodeTrees) as Branch['items']);
    case 'comment':
      return new Comment(value.value as string, value.inline as boolean);
    case 'time':
      return new Timestamp(value.text as string);
  }
  const decoded: Record<string, unknown> = {};
  for (const key in value) decoded[key] = decodeTrees(value[key]);
  return decoded;
}

/** The buffer of bytes handed over to another thread (read or made for it alone), when the bytes fill it. */
export function handOver(bytes: Uint8Array): ArrayBuffer[] {
  const buffer = bytes.buffer;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength ? [buffer] : [];
}

/** An opened file without its plaintext: what writing an edited plaintext back needs. */
export type SealedFile = Omit<OpenedFile, 'plaintext'>;

/** An opened (or sealed) file as it crosses threads: the store is made again from its format and settings. */
export interface OpenedTransfer<T extends SealedFile> {
  file: unknown;
  ivs: Map<string, string>;
  /** Only for the type: what receiveOpened gives back. */
  of?: T;
}

export function sendOpened<T extends SealedFile>(opened: T): OpenedTransfer<T> {
  const { store: _store, cipher, ...file } = opened;
  return { file: encodeTrees(file), ivs: cipher.ivs };
}

export function receiveOpened<T extends SealedFile>(transfer: OpenedTransfer<T>): T {
  const file = decodeTrees(transfer.file) as Omit<T, 'store' | 'cipher'>;
  return { ...file, store: storeFor(file.format, file.settings), cipher: new ValueCipher(transfer.ivs) } as T;
}
