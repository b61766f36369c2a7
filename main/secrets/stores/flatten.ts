// Flattens the sops metadata tree into `a__list_0__map_b` keys for dotenv and INI, and back (SPEC §7.2).

import { Branch } from '../tree.ts';
import type { TreeValue } from '../tree.ts';
import { invalidFile } from '../sops-errors.ts';

type Segment = { map: string } | { list: number };

export interface FlatEntry {
  key: string;
  value: string;
}

/** Go's `ValToString`: strings as they are, other values in their plain spelling. */
function valToString(value: TreeValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (value === null) return '';
  throw invalidFile('The sops metadata holds a value that cannot be flattened.');
}

function flattenInto(value: TreeValue, path: Segment[], out: { path: Segment[]; value: string }[]): void {
  if (value instanceof Branch) {
    for (const e of value.entries()) flattenInto(e.value, [...path, { map: e.key }], out);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => flattenInto(v as TreeValue, [...path, { list: i }], out));
  } else out.push({ path, value: valToString(value) });
}

function keyOf(path: Segment[]): string {
  return path.map((s, i) => ('map' in s ? (i === 0 ? s.map : `__map_${s.map}`) : `__list_${s.list}`)).join('');
}

/** sops ≥3.13 sorts each level: map keys by bytes, list items by index. */
function compareSegments(a: Segment[], b: Segment[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if ('list' in x && 'list' in y) {
      if (x.list !== y.list) return x.list - y.list;
    } else if ('map' in x && 'map' in y) {
      if (x.map !== y.map) return x.map < y.map ? -1 : 1;
    } else return 'map' in x ? -1 : 1;
  }
  return a.length - b.length;
}

/** The metadata as flat entries, in sops 3.13's order. */
export function flattenMetadata(metadata: Branch): FlatEntry[] {
  const out: { path: Segment[]; value: string }[] = [];
  flattenInto(metadata, [], out);
  out.sort((a, b) => compareSegments(a.path, b.path));
  return out.map((e) => ({ key: keyOf(e.path), value: e.value }));
}

/** Rebuilds the metadata tree from flat entries (any order). */
export function unflattenMetadata(entries: readonly FlatEntry[]): Branch {
  const root = new Branch();
  for (const { key, value } of entries) {
    const parts = key.split(/(__map_|__list_)/);
    const segments: Segment[] = [{ map: parts[0]! }];
    for (let i = 1; i < parts.length; i += 2) {
      const name = parts[i + 1]!;
      if (parts[i] === '__map_') segments.push({ map: name });
      else {
        if (!/^\d+$/.test(name)) throw invalidFile(`The sops metadata key "${key}" has a bad list index.`);
        segments.push({ list: Number(name) });
      }
    }
    let node: Branch | TreeValue[] = root;
    segments.forEach((segment, i) => {
      const last = i === segments.length - 1;
      const next = segments[i + 1];
      const make = (): TreeValue => (last ? value : next && 'list' in next ? [] : new Branch());
      if ('map' in segment) {
        if (!(node instanceof Branch)) throw invalidFile(`The sops metadata key "${key}" mixes lists and maps.`);
        let child = node.get(segment.map);
        if (child === undefined || last) {
          child = make();
          node.items.push({ key: segment.map, value: child });
        }
        node = child as Branch | TreeValue[];
      } else {
        if (!Array.isArray(node)) throw invalidFile(`The sops metadata key "${key}" mixes lists and maps.`);
        let child = node[segment.list];
        if (child === undefined || last) {
          child = make();
          node[segment.list] = child;
        }
        node = child as Branch | TreeValue[];
      }
      if (!last && !(node instanceof Branch) && !Array.isArray(node)) {
        throw invalidFile(`The sops metadata key "${key}" clashes with another one.`);
      }
    });
  }
  return root;
}

/**
 * Orders flat entries as the file had them when the set of keys is unchanged (sops before 3.8 wrote a random
 * order), otherwise in sops 3.13's order.
 */
export function orderFlat(entries: FlatEntry[], original: readonly string[] | undefined): FlatEntry[] {
  if (!original || original.length !== entries.length) return entries;
  const byKey = new Map(entries.map((e) => [e.key, e]));
  if (!original.every((k) => byKey.has(k))) return entries;
  return original.map((k) => byKey.get(k)!);
}
