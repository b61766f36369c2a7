// Test helpers: a decrypted sops tree as plain JSON (comments left out), and its comments.

import { Branch, Comment, Timestamp } from '../../main/secrets/tree.ts';
import type { TreeValue } from '../../main/secrets/tree.ts';

export function toJson(value: TreeValue): unknown {
  if (value instanceof Branch) return Object.fromEntries(value.entries().map((e) => [e.key, toJson(e.value)]));
  if (Array.isArray(value)) return value.filter((v) => !(v instanceof Comment)).map((v) => toJson(v as TreeValue));
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Timestamp) return value.text;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return value;
}

export function commentsOf(value: TreeValue | Comment): string[] {
  if (value instanceof Comment) return [value.value];
  if (value instanceof Branch)
    return value.items.flatMap((i) => (i instanceof Comment ? [i.value] : commentsOf(i.value)));
  if (Array.isArray(value)) return value.flatMap((v) => commentsOf(v));
  return [];
}
