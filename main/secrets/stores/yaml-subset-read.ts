// A fast reader for the YAML that sops itself writes (yaml.v3 and yaml.v2 block style: `key: value`, `- item`,
// quoted and literal scalars, `{}` and `[]`), which is most of the work of a decrypt. Anything else — comments,
// anchors, tags other than `!!merge <<`, flow collections, folded or multi-line scalars, odd spacing — returns
// undefined, and the full reader (yaml-read.ts) reads the file; the two agree on everything this one accepts.

import { Branch } from '../tree.ts';
import type { BranchItem, TreeList, TreeValue } from '../tree.ts';
import { UnsignedOverflow, resolvePlain } from './yaml-scalars.ts';

/** Thrown inside the reader to hand the file to the full reader. */
class NotInSubset extends Error {}

const bail = (): never => {
  throw new NotInSubset();
};

interface Line {
  indent: number;
  /** The text after the indentation. */
  text: string;
}

/** Characters that start something this reader leaves to the full one, at the start of a value or key. */
const unsupportedStart = new Set(['&', '*', '!', '{', '[', '}', ']', ',', ':', '>', '%', '@', '`', '?', '#', '\t']);

class SubsetReader {
  readonly #lines: Line[];
  #at = 0;

  constructor(lines: Line[]) {
    this.#lines = lines;
  }

  get done(): boolean {
    return this.#at >= this.#lines.length;
  }

  #peek(): Line | undefined {
    return this.#lines[this.#at];
  }

  /** A mapping whose keys sit at `indent`; the first key may already be cut from a `- key: v` line. */
  map(indent: number, first?: string): Branch {
    const items: BranchItem[] = [];
    const seen = new Set<string>();
    let text = first;
    for (;;) {
      if (text === undefined) {
        const line = this.#peek();
        if (line?.text === '') bail();
        if (!line || line.indent < indent) break;
        if (line.indent > indent || line.text.startsWith('- ') || line.text === '-') bail();
        this.#at++;
        text = line.text;
      } else this.#at++;
      const { key, rest } = splitKey(text);
      if (seen.has(key)) bail();
      seen.add(key);
      items.push({ key, value: this.#value(rest, indent, true) });
      text = undefined;
    }
    return new Branch(items);
  }

  /** A block sequence whose dashes sit at `indent`. */
  list(indent: number, first?: string): TreeList {
    const list: TreeList = [];
    let text = first;
    for (;;) {
      if (text === undefined) {
        const line = this.#peek();
        if (line?.text === '') bail();
        if (!line || line.indent !== indent || !line.text.startsWith('- ')) break;
        this.#at++;
        text = line.text.slice(2);
      } else this.#at++;
      list.push(this.#item(text, indent + 2));
      text = undefined;
    }
    return list;
  }

  /** What follows `- ` at column `column`: a nested map or list starting on the same line, or a scalar. */
  #item(text: string, column: number): TreeValue {
    if (text.startsWith('- ')) {
      this.#at--;
      return this.list(column, text.slice(2));
    }
    if (isKeyLine(text)) {
      this.#at--;
      return this.map(column, text);
    }
    return this.#value(text, column - 2, false);
  }

  /** The value after `key:` (or `- `): inline, a literal block, or a block on the following lines. */
  #value(rest: string, indent: number, afterKey: boolean): TreeValue {
    if (rest === '') {
      const next = this.#peek();
      if (next?.text === '') bail();
      if (!next || next.indent < indent || (next.indent === indent && !(afterKey && next.text.startsWith('- ')))) {
        return afterKey ? null : bail();
      }
      // yaml.v2 (sops before 3.7) writes a key's list at the key's own column.
      if (next.text.startsWith('- ')) return this.list(next.indent);
      if (next.indent === indent) bail();
      return this.map(next.indent);
    }
    if (rest === '{}') return new Branch();
    if (rest === '[]') return [];
    if (rest[0] === '|') return this.#literal(rest, indent);
    const value = scalar(rest);
    // A plain scalar continued on a deeper line is folded by YAML; sops never writes one.
    const next = this.#peek();
    if (next && next.indent > indent) bail();
    return value;
  }

  /** `|`, `|-` or `|+`: the lines below, deeper than `indent`; blank lines are only allowed inside one. */
  #literal(header: string, indent: number): string {
    if (header !== '|' && header !== '|-' && header !== '|+') return bail();
    const first = this.#peek();
    if (!first || first.text === '' || first.indent <= indent) return bail();
    const block: string[] = [];
    for (let line = this.#peek(); line && (line.text === '' || line.indent >= first.indent); line = this.#peek()) {
      block.push(line.text === '' ? '' : ' '.repeat(line.indent - first.indent) + line.text);
      this.#at++;
    }
    let end = block.length;
    while (block[end - 1] === '') end--;
    const text = block.slice(0, end).join('\n');
    if (header === '|-') return text;
    if (header === '|') return `${text}\n`;
    return `${text}\n${'\n'.repeat(block.length - end)}`;
  }
}

function isKeyLine(text: string): boolean {
  if (text[0] === '"' || text[0] === "'") {
    const end = quotedEnd(text);
    return end !== -1 && text[end + 1] === ':';
  }
  return text.startsWith('!!merge <<:') || /^[^\s][^:]*?:(?: |$)/.test(text);
}

/** The index of the closing quote of the quoted scalar at the start of `text`, or -1. */
function quotedEnd(text: string): number {
  const quote = text[0]!;
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\' && quote === '"') i++;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}

function splitKey(text: string): { key: string; rest: string } {
  if (text.startsWith('!!merge <<:')) return { key: '<<', rest: restAfter(text.slice('!!merge <<:'.length)) };
  if (text[0] === '"' || text[0] === "'") {
    const end = quotedEnd(text);
    if (end === -1 || text[end + 1] !== ':') return bail();
    const key = scalar(text.slice(0, end + 1));
    if (typeof key !== 'string') return bail();
    return { key, rest: restAfter(text.slice(end + 2)) };
  }
  const colon = text.search(/:(?: |$)/);
  if (colon <= 0) return bail();
  const raw = text.slice(0, colon);
  if (unsupportedStart.has(raw[0]!) || raw.startsWith('- ') || raw.includes(' #')) return bail();
  const key = resolvePlain(raw);
  if (typeof key !== 'string') return bail();
  return { key, rest: restAfter(text.slice(colon + 1)) };
}

/** The value text after `:`, which must be one space then the value, or nothing. */
function restAfter(text: string): string {
  if (text === '') return '';
  if (text[0] !== ' ' || text[1] === ' ') return bail();
  return text.slice(1);
}

const jsonEscapes = /\\(?!["\\/bfnrtu])/;

/** A one-line scalar: double-quoted, single-quoted or plain. */
function scalar(text: string): TreeValue {
  const first = text[0]!;
  if (first === '"') {
    if (quotedEnd(text) !== text.length - 1 || jsonEscapes.test(text)) return bail();
    try {
      // With JSON's escapes only, a YAML double-quoted scalar reads as JSON does.
      return JSON.parse(text) as string;
    } catch {
      return bail();
    }
  }
  if (first === "'") {
    if (quotedEnd(text) !== text.length - 1) return bail();
    return text.slice(1, -1).replaceAll("''", "'");
  }
  if (unsupportedStart.has(first) || first === '|' || first === "'" || text.includes(' #') || text.includes(': ')) {
    return bail();
  }
  if (text.startsWith('- ') || text === '-' || text.endsWith(':') || text.endsWith(' ')) return bail();
  const value = resolvePlain(text);
  if (value instanceof UnsignedOverflow || (typeof value === 'object' && value !== null && 'merge' in value)) return bail();
  return value;
}

function lines(text: string): Line[] | undefined {
  const out: Line[] = [];
  for (const raw of text.split('\n')) {
    let indent = 0;
    while (raw.charCodeAt(indent) === 0x20) indent++;
    if (indent === raw.length) {
      // Spaces on a blank line can be content of a literal block: the full reader decides.
      if (raw !== '') return undefined;
      out.push({ indent: 0, text: '' });
      continue;
    }
    out.push({ indent, text: raw.slice(indent) });
  }
  return out;
}

/** Control characters, tabs, other line breaks and a BOM: what YAML treats apart is left to the full reader. */
const unusual = /[\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029\ufeff\ufffe\uffff]/;

/** The documents of a YAML file in sops' own subset, or undefined to have the full reader read it. */
export function readSubsetYaml(text: string): Branch[] | undefined {
  if (text === '' || !text.endsWith('\n') || text.includes('#') || unusual.test(text)) return undefined;
  const documents = text.slice(0, -1).split('\n---\n');
  if (documents.some((d) => d === '' || d.startsWith('---') || d.includes('\n...') || d.includes('\n---'))) return undefined;
  const branches: Branch[] = [];
  try {
    for (const document of documents) {
      const docLines = lines(document);
      if (!docLines) return undefined;
      const reader = new SubsetReader(docLines);
      const root = document === '{}' ? new Branch() : reader.map(0);
      if (!reader.done) return undefined;
      branches.push(root);
    }
  } catch (error) {
    if (error instanceof NotInSubset) return undefined;
    throw error;
  }
  return branches;
}
