// JSON as Go's encoding/json reads and writes it for sops: key order kept, duplicate keys refused, int64 exact (SPEC §8.2).

import { Branch, Comment, Timestamp } from '../tree.ts';
import type { BranchItem, TreeList, TreeValue } from '../tree.ts';
import { formatFloatJson } from '../go-format.ts';
import { invalidFile } from '../sops-errors.ts';

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

const numberToken = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

class JsonParser {
  readonly #text: string;
  #pos = 0;

  constructor(text: string) {
    this.#text = text;
  }

  fail(message: string): never {
    throw invalidFile(`Invalid JSON at character ${this.#pos + 1}: ${message}.`, 'Fix the JSON syntax and try again.');
  }

  #ws(): void {
    while (this.#pos < this.#text.length && ' \t\n\r'.includes(this.#text[this.#pos]!)) this.#pos++;
  }

  document(): Branch {
    this.#ws();
    if (this.#text[this.#pos] !== '{') this.fail('the top level must be an object');
    const value = this.#value() as Branch;
    this.#ws();
    if (this.#pos !== this.#text.length) this.fail('unexpected text after the object');
    return value;
  }

  #value(): TreeValue {
    this.#ws();
    const c = this.#text[this.#pos];
    if (c === '{') return this.#object();
    if (c === '[') return this.#array();
    if (c === '"') return this.#string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.#number();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.#text.startsWith(word, this.#pos)) {
        this.#pos += word.length;
        return value;
      }
    }
    return this.fail(c === undefined ? 'unexpected end of input' : `unexpected ${JSON.stringify(c)}`);
  }

  #object(): Branch {
    this.#pos++;
    const items: BranchItem[] = [];
    const keys = new Set<string>();
    this.#ws();
    if (this.#text[this.#pos] === '}') {
      this.#pos++;
      return new Branch(items);
    }
    for (;;) {
      this.#ws();
      if (this.#text[this.#pos] !== '"') this.fail('expected a string key');
      const keyAt = this.#pos;
      const key = this.#string();
      // Go keeps the last of two equal keys, and an empty one adds nothing to the MAC: a duplicate could hide a value.
      if (keys.has(key)) {
        this.#pos = keyAt;
        this.fail(`the key ${goJsonString(key)} appears twice in one object`);
      }
      keys.add(key);
      this.#ws();
      if (this.#text[this.#pos++] !== ':') this.fail('expected ":"');
      items.push({ key, value: this.#value() });
      this.#ws();
      const c = this.#text[this.#pos++];
      if (c === '}') return new Branch(items);
      if (c !== ',') this.fail('expected "," or "}"');
    }
  }

  #array(): TreeList {
    this.#pos++;
    const list: TreeList = [];
    this.#ws();
    if (this.#text[this.#pos] === ']') {
      this.#pos++;
      return list;
    }
    for (;;) {
      list.push(this.#value());
      this.#ws();
      const c = this.#text[this.#pos++];
      if (c === ']') return list;
      if (c !== ',') this.fail('expected "," or "]"');
    }
  }

  #match(pattern: RegExp): RegExpExecArray | null {
    pattern.lastIndex = this.#pos;
    return pattern.exec(this.#text);
  }

  /** Scanned by hand: a regular expression over a 64 MB string overflows V8's stack. */
  #string(): string {
    const text = this.#text;
    const start = this.#pos;
    let i = start + 1;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (Number.isNaN(c) || c < 0x20) this.fail('invalid string');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) this.fail('invalid string');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else this.fail('invalid string');
      } else i++;
    }
    this.#pos = i + 1;
    return JSON.parse(text.slice(start, i + 1)) as string;
  }

  #number(): bigint | number {
    const m = this.#match(numberToken);
    if (!m) this.fail('invalid number');
    this.#pos += m[0].length;
    // Go's normalizeJSONNumber: an int64 when it fits, else a float64.
    if (!m[1] && !m[2]) {
      const int = BigInt(m[0]);
      if (int >= int64Min && int <= int64Max) return int;
    }
    const x = Number(m[0]);
    if (!Number.isFinite(x)) this.fail(`${m[0]} is out of range`);
    return x;
  }
}

export function parseJsonObject(text: string): Branch {
  return new JsonParser(text).document();
}

const goEscapes: Record<string, string> = {
  '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f',
  '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029',
};

/** Go's json string encoding: HTML-safe escapes, lower-case \u00XX for other controls. */
export function goJsonString(s: string): string {
  return `"${s.replace(/["\\\n\r\t\b\f<>&\u2028\u2029\u0000-\u001f]/g, (c) => goEscapes[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

const lenientUtf8 = new TextDecoder('utf-8');

function scalar(value: TreeValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (value instanceof Uint8Array) return goJsonString(lenientUtf8.decode(value));
  if (value instanceof Timestamp) return goJsonString(value.text);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidFile(`JSON cannot hold the float ${value}.`);
    return formatFloatJson(value);
  }
  return String(value);
}

/** `json.Indent` of sops' one-line encoding; `indent` is the string for one level ("\t" by default). */
export function writeJsonValue(value: TreeValue, indent: string, depth = 0): string {
  const pad = (d: number) => (indent === '' ? '' : indent.repeat(d));
  const nl = '\n';
  if (value instanceof Branch) {
    const entries = value.items.filter((i): i is Exclude<BranchItem, Comment> => !(i instanceof Comment));
    if (entries.length === 0) return '{}';
    const body = entries.map((e) => `${pad(depth + 1)}${goJsonString(e.key)}: ${writeJsonValue(e.value, indent, depth + 1)}`);
    return `{${nl}${body.join(`,${nl}`)}${nl}${pad(depth)}}`;
  }
  if (Array.isArray(value)) {
    const elements = value.filter((v) => !(v instanceof Comment)) as TreeValue[];
    if (elements.length === 0) return '[]';
    const body = elements.map((v) => `${pad(depth + 1)}${writeJsonValue(v, indent, depth + 1)}`);
    return `[${nl}${body.join(`,${nl}`)}${nl}${pad(depth)}]`;
  }
  return scalar(value);
}

/** `stores.json.indent`: -1 (the default) is a tab, N ≥ 0 is N spaces. */
export function jsonIndent(setting: number | undefined): string {
  return setting === undefined || setting < 0 ? '\t' : ' '.repeat(setting);
}
