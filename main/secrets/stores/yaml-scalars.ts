// yaml.v3's scalar rules: how a plain scalar resolves to a typed value, and how a value is written back (SPEC §8.1).

import { Timestamp } from '../tree.ts';
import type { Leaf } from '../tree.ts';
import { formatFloatYaml, parseYamlTimestamp } from '../go-format.ts';

const nulls = new Set(['', '~', 'null', 'Null', 'NULL']);
const bools: Record<string, boolean> = { true: true, True: true, TRUE: true, false: false, False: false, FALSE: false };
const infinities: Record<string, number> = {
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity, '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
  '.nan': NaN, '.NaN': NaN, '.NAN': NaN,
};
const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/** A value yaml.v3 resolves but sops cannot hold: integers above int64. */
export class UnsignedOverflow {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** Go's strconv.ParseInt(s, 0, 64) syntax: sign, then 0x / 0o / 0b / legacy 0 octal, or decimal. */
function goParseInt(s: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const [, sign, body] = m as unknown as [string, string, string];
  let digits = body;
  if (/^0[0-7]+$/.test(body)) digits = `0o${body.slice(1)}`;
  const magnitude = BigInt(digits.replace(/^0[XOB]/, (p) => p.toLowerCase()));
  return sign === '-' ? -magnitude : magnitude;
}

function goParseFloat(s: string): number | undefined {
  const x = Number(s);
  return Number.isFinite(x) ? x : undefined;
}

/** The first characters of every plain scalar that resolves to something other than a string. */
const typedStarts = new Set('~nNtTfF.+-0123456789<');

/** `resolve("", text)` for a plain scalar. */
export function resolvePlain(text: string): Leaf | UnsignedOverflow | { merge: true } {
  // Most scalars of a sops file are ENC[…] strings: answered before any table is consulted.
  if (text !== '' && !typedStarts.has(text[0]!)) return text;
  if (nulls.has(text)) return null;
  if (text in bools) return bools[text]!;
  if (text in infinities) return infinities[text]!;
  if (text === '<<') return { merge: true };
  const first = text[0]!;
  if (first === '.') {
    const x = /^\.[0-9]/.test(text) && yamlStyleFloat.test(text) ? goParseFloat(text) : undefined;
    return x === undefined ? text : x;
  }
  if (!/[-+0-9]/.test(first)) return text;
  if (/^[0-9]/.test(first)) {
    const time = parseYamlTimestamp(text);
    if (time) return new Timestamp(time);
  }
  const plain = text.replaceAll('_', '');
  const int = goParseInt(plain);
  if (int !== undefined) {
    if (int >= int64Min && int <= int64Max) return int;
    if (int > 0n && int < 2n ** 64n) return new UnsignedOverflow(text);
  }
  if (yamlStyleFloat.test(plain)) {
    const x = goParseFloat(plain);
    if (x !== undefined) return x;
  }
  return text;
}

/** yaml.v3 writes these YAML 1.1 words quoted, so YAML 1.1 readers keep them strings. */
const oldBools = new Set('y Y yes Yes YES on On ON n N no No NO off Off OFF'.split(' '));
const base60Float = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

function needsQuotes(s: string): boolean {
  if (oldBools.has(s) || base60Float.test(s)) return true;
  if (s === '<<') return false;
  return typeof resolvePlain(s) !== 'string';
}

function isPrintable(cp: number): boolean {
  return (
    cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || cp === 0x85 || (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) || (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

interface Analysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/**
 * One word of letters, digits and `_+/=,.:[]-` (every ENC[…] value, most keys), not ending in `:`: nothing in it is
 * special to YAML in block context. Answered without the walk below, which costs seconds on a 64 MB value.
 */
const simpleWord = /^[A-Za-z0-9_][A-Za-z0-9_+/=,.:[\]-]*$/;

/** libyaml's yaml_emitter_analyze_scalar, block context. */
function analyze(s: string): Analysis {
  if (s === '') return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  if (simpleWord.test(s) && !s.endsWith(':')) {
    return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true };
  }
  const chars = [...s];
  let blockIndicators = s.startsWith('---') || s.startsWith('...');
  let special = false;
  let lineBreaks = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false;
  const blank = (c: string | undefined) => c === undefined || c === ' ' || c === '\t' || c === '\n' || c === '\r';
  let precededByWhitespace = true;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const followedByWhitespace = blank(chars[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockIndicators = true;
      if ((c === '?' || c === ':' || c === '-') && followedByWhitespace) blockIndicators = true;
    } else if (c === ':' && followedByWhitespace) blockIndicators = true;
    else if (c === '#' && precededByWhitespace) blockIndicators = true;
    if (!isPrintable(c.codePointAt(0)!)) special = true;
    const last = i === chars.length - 1;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029') {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousBreak = true;
      previousSpace = false;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = blank(c);
  }
  let blockPlainAllowed = true, singleQuotedAllowed = true, blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) blockPlainAllowed = singleQuotedAllowed = false;
  if (spaceBreak || special) blockPlainAllowed = singleQuotedAllowed = blockAllowed = false;
  if (lineBreaks) blockPlainAllowed = false;
  if (blockIndicators) blockPlainAllowed = false;
  return { multiline: lineBreaks, blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}

const escapes: Record<string, string> = {
  '\0': '0', '\x07': 'a', '\b': 'b', '\t': 't', '\n': 'n', '\x0b': 'v', '\f': 'f', '\r': 'r', '\x1b': 'e',
  '"': '"', '\\': '\\', '\u0085': 'N', '\u00a0': '_', '\u2028': 'L', '\u2029': 'P',
};

function doubleQuoted(s: string): string {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    const isBreak = c === '\n' || c === '\r' || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
    if (c !== '"' && c !== '\\' && isPrintable(cp) && cp !== 0xfeff && !isBreak) out += c;
    else if (c in escapes) out += `\\${escapes[c]}`;
    else out += cp <= 0xff ? `\\x${hex(cp, 2)}` : cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}

function singleQuoted(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0');
}

/** A scalar as it is written: either one line of text, or a literal block (header plus lines to indent). */
export type ScalarText = { inline: string } | { header: string; lines: string[] };

/**
 * How yaml.v3 writes a string; `key` is true in simple-key position, where block scalars are not allowed.
 * `legacy` is yaml.v2 (sops before 3.7), which single-quotes strings that would read as another type.
 */
export function formatString(s: string, key: boolean, indent: number, legacy = false): ScalarText {
  if (needsQuotes(s)) return { inline: legacy && !s.includes('\n') ? singleQuoted(s) : doubleQuoted(s) };
  const a = analyze(s);
  if (s.includes('\n') && !key) {
    if (!a.blockAllowed) return { inline: doubleQuoted(s) };
    let header = '|';
    if (s.startsWith(' ') || s.startsWith('\n')) header += String(indent);
    if (!s.endsWith('\n')) header += '-';
    else if (s.length === 1 || s.endsWith('\n\n')) header += '+';
    const body = s.endsWith('\n') ? s.slice(0, -1) : s;
    return { header, lines: body.split('\n') };
  }
  if (a.blockPlainAllowed && !(key && s === '')) return { inline: s };
  if (a.singleQuotedAllowed && !a.multiline) return { inline: singleQuoted(s) };
  return { inline: doubleQuoted(s) };
}

/** How yaml.v3 writes a non-string leaf. */
export function formatLeaf(value: Exclude<Leaf, string | Uint8Array>): string {
  if (value === null) return 'null';
  if (value instanceof Timestamp) return value.text;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return formatFloatYaml(value);
  return value ? 'true' : 'false';
}
