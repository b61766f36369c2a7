// Edits of a decrypted tree by key path, typed values from the editor, and the masked view the renderer gets.

import { ApiError } from '../../common/api/errors.ts';
import type { MaskedNode, NewValue, SecretFormat, SecretPath, SecretValueType } from '../../common/model/secrets.ts';
import { Branch, Comment, Timestamp, scalarType } from './tree.ts';
import type { TreeList, TreeValue } from './tree.ts';
import { formatFloatF, parseYamlTimestamp } from './go-format.ts';
import type { ShouldEncrypt } from './encryption-rules.ts';

function badPath(path: SecretPath, why: string): ApiError {
  return new ApiError({ code: 'NOT_FOUND', message: `No value at ${describePath(path)}: ${why}.` });
}

function invalid(message: string, hint?: string): ApiError {
  return new ApiError({ code: 'INVALID_ARGUMENTS', message, ...(hint && { hint }) });
}

export function describePath(path: SecretPath): string {
  return path.length === 0 ? 'the top level' : path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.');
}

function listElements(list: TreeList): TreeValue[] {
  return list.filter((v): v is TreeValue => !(v instanceof Comment));
}

/** The container at `path` (a branch or a list). */
function containerAt(root: Branch, path: SecretPath): Branch | TreeList {
  let node: TreeValue = root;
  path.forEach((segment, i) => {
    const here = path.slice(0, i + 1);
    if (typeof segment === 'string') {
      if (!(node instanceof Branch)) throw badPath(here, 'its parent is not a map');
      const child = node.get(segment);
      if (child === undefined) throw badPath(here, 'there is no such key');
      node = child;
    } else {
      if (!Array.isArray(node)) throw badPath(here, 'its parent is not a list');
      const child = listElements(node)[segment];
      if (child === undefined) throw badPath(here, 'the list is shorter');
      node = child;
    }
  });
  if (!(node instanceof Branch) && !Array.isArray(node)) throw badPath(path, 'it is a value, not a map or a list');
  return node;
}

export function valueAt(root: Branch, path: SecretPath): TreeValue {
  if (path.length === 0) return root;
  const parent = containerAt(root, path.slice(0, -1));
  const last = path.at(-1)!;
  const value = typeof last === 'string' && parent instanceof Branch ? parent.get(last) : Array.isArray(parent) && typeof last === 'number' ? listElements(parent)[last] : undefined;
  if (value === undefined) throw badPath(path, 'there is no such key');
  return value;
}

const int64Max = 2n ** 63n - 1n;

/** A value typed in the editor, parsed as sops would hold it. */
export function parseNewValue(value: NewValue): TreeValue {
  switch (value.type) {
    case 'map':
      return new Branch();
    case 'list':
      return [];
    case 'str':
      return value.text;
    case 'null':
      return null;
    case 'int': {
      if (!/^[+-]?\d+$/.test(value.text.trim())) throw invalid(`"${value.text}" is not a whole number.`);
      const n = BigInt(value.text.trim());
      if (n > int64Max || n < -int64Max - 1n) throw invalid(`${value.text} does not fit in a 64-bit integer, which sops needs.`);
      return n;
    }
    case 'float': {
      const text = value.text.trim();
      const special: Record<string, number> = { '.inf': Infinity, '+.inf': Infinity, '-.inf': -Infinity, '.nan': NaN, '+Inf': Infinity, '-Inf': -Infinity, NaN: NaN };
      const x = text in special ? special[text]! : text === '' ? NaN : Number(text);
      if (Number.isNaN(x) && !(text in special)) throw invalid(`"${value.text}" is not a number.`);
      return x;
    }
    case 'bool':
      if (value.text !== 'true' && value.text !== 'false') throw invalid(`A bool is "true" or "false", not "${value.text}".`);
      return value.text === 'true';
    case 'time': {
      const time = parseYamlTimestamp(value.text.trim());
      if (!time) throw invalid(`"${value.text}" is not a date or time.`, 'Write it as 2024-01-31 or 2024-01-31T12:00:00Z.');
      return new Timestamp(time);
    }
    case 'bytes':
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value.text)) throw invalid('Bytes are given as base64.');
      return new Uint8Array(Buffer.from(value.text, 'base64'));
  }
}

export function typeOfValue(value: TreeValue): SecretValueType {
  if (value instanceof Branch) return 'map';
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  if (value instanceof Timestamp) return 'time';
  if (value instanceof Uint8Array) return 'bytes';
  return scalarType(value);
}

/** The plaintext of a leaf as the user would type it back. */
export function valueText(value: TreeValue): string {
  if (value instanceof Branch || Array.isArray(value)) throw invalid('Only a single value can be revealed, not a map or a list.');
  if (value === null) return '';
  if (value instanceof Timestamp) return value.text;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'number') return Number.isFinite(value) ? formatFloatF(value) : value > 0 ? '.inf' : value < 0 ? '-.inf' : '.nan';
  return String(value);
}

/** Sets (or adds) the value at `path`; a number past the end of a list appends. */
export function setValue(root: Branch, path: SecretPath, value: TreeValue): void {
  if (path.length === 0) throw invalid('Give the key to set.');
  const parent = containerAt(root, path.slice(0, -1));
  const last = path.at(-1)!;
  if (typeof last === 'string') {
    if (!(parent instanceof Branch)) throw badPath(path, 'its parent is a list: give a position, not a key');
    if (last === '') throw invalid('A key cannot be empty.');
    const entry = parent.entries().find((e) => e.key === last);
    if (entry) entry.value = value;
    else parent.items.push({ key: last, value });
    return;
  }
  if (!Array.isArray(parent)) throw badPath(path, 'its parent is a map: give a key, not a position');
  const elements = listElements(parent);
  if (last === elements.length) parent.push(value);
  else if (last < elements.length) parent[parent.indexOf(elements[last]!)] = value;
  else throw badPath(path, `the list has ${elements.length} items`);
}

export function renameKey(root: Branch, path: SecretPath, newKey: string): void {
  const last = path.at(-1);
  if (typeof last !== 'string') throw invalid('Only map keys can be renamed.');
  if (newKey === '') throw invalid('A key cannot be empty.');
  const parent = containerAt(root, path.slice(0, -1));
  if (!(parent instanceof Branch)) throw badPath(path, 'its parent is not a map');
  if (newKey !== last && parent.get(newKey) !== undefined) throw invalid(`There is already a key "${newKey}" here.`);
  const entry = parent.entries().find((e) => e.key === last);
  if (!entry) throw badPath(path, 'there is no such key');
  entry.key = newKey;
}

export function removeValue(root: Branch, path: SecretPath): void {
  if (path.length === 0) throw invalid('Give the key to remove.');
  const parent = containerAt(root, path.slice(0, -1));
  const last = path.at(-1)!;
  const target = typeof last === 'string' && parent instanceof Branch ? parent.entries().find((e) => e.key === last) : Array.isArray(parent) && typeof last === 'number' ? listElements(parent)[last] : undefined;
  if (target === undefined) throw badPath(path, 'there is no such key');
  if (parent instanceof Branch) parent.items.splice(parent.items.indexOf(target as never), 1);
  else parent.splice(parent.indexOf(target as TreeValue), 1);
}

/** The shapes each format can hold, checked before an edit is accepted. */
export function checkShape(format: SecretFormat, root: Branch): void {
  if (format === 'dotenv') {
    for (const e of root.entries()) if (e.value instanceof Branch || Array.isArray(e.value)) throw invalid(`A .env file holds only plain values; "${e.key}" cannot be a map or a list.`);
  } else if (format === 'ini') {
    for (const e of root.entries()) {
      if (!(e.value instanceof Branch)) throw invalid(`An INI file holds sections of values; "${e.key}" must be a section (a map).`);
      for (const v of e.value.entries()) if (v.value instanceof Branch || Array.isArray(v.value)) throw invalid(`INI values are plain; "${e.key}.${v.key}" cannot be a map or a list.`);
    }
  } else if (format === 'binary') {
    const keys = root.entries().map((e) => e.key);
    if (keys.length !== 1 || keys[0] !== 'data') throw invalid('A binary secret holds one value, "data".');
  }
}

/** The tree with every value replaced by its type and whether it is set: what the renderer may see. */
export function maskTree(root: Branch, shouldEncrypt: ShouldEncrypt, path: string[] = []): MaskedNode[] {
  return root.entries().map((e) => maskNode(e.key, e.value, [...path, e.key], shouldEncrypt));
}

function maskNode(key: string | number, value: TreeValue, path: string[], shouldEncrypt: ShouldEncrypt): MaskedNode {
  const type = typeOfValue(value);
  const encrypted = shouldEncrypt(path, [], false);
  if (value instanceof Branch) return { key, type, set: value.entries().length > 0, encrypted, children: maskTree(value, shouldEncrypt, path) };
  if (Array.isArray(value)) {
    return { key, type, set: listElements(value).length > 0, encrypted, children: listElements(value).map((v, i) => maskNode(i, v, path, shouldEncrypt)) };
  }
  const set = value !== null && value !== '' && !(value instanceof Uint8Array && value.length === 0);
  return { key, type, set, encrypted };
}
