// Writes sops branches as go-yaml v3 does at sops' settings (SPEC §8.1.3–8.1.4): block style, no wrapping, comments.

import { Branch, Comment } from '../tree.ts';
import type { Leaf, TreeList, TreeValue } from '../tree.ts';
import { formatLeaf, formatString } from './yaml-scalars.ts';
import type { ScalarText } from './yaml-scalars.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface YamlStyle {
  /** Spaces per level: sops' default 4, or `stores.yaml.indent`. */
  indent: number;
  /** yaml.v2's output (sops before 3.7): lists at their key's column as `-   item`, single-quoted strings. */
  legacy: boolean;
}

class YamlWriter {
  readonly #indent: number;
  readonly #legacy: boolean;
  readonly lines: string[] = [];

  constructor(style: YamlStyle) {
    this.#indent = style.indent;
    this.#legacy = style.legacy;
  }

  #string(s: string, key: boolean): ScalarText {
    return formatString(s, key, this.#indent, this.#legacy);
  }

  /** yaml.v3 aligns nested blocks to the next multiple of the indent. */
  #aligned(column: number): number {
    return this.#indent * Math.floor((column + this.#indent) / this.#indent);
  }

  #scalar(value: Leaf): ScalarText {
    if (value instanceof Uint8Array) {
      try {
        return this.#string(utf8.decode(value), false);
      } catch {
        return { inline: `!!binary ${Buffer.from(value).toString('base64')}` };
      }
    }
    if (typeof value === 'string') return this.#string(value, false);
    return { inline: formatLeaf(value) };
  }

  /** Writes `prefix` + the value after it; nested blocks go below at `column`'s child indentation. */
  #value(prefix: string, value: TreeValue, column: number, lineComment: string, blockColumn: number): void {
    if (value instanceof Branch && value.entries().length > 0) {
      this.lines.push(prefix + lineComment);
      this.branch(value, this.#aligned(column));
      return;
    }
    if (Array.isArray(value) && value.some((v) => !(v instanceof Comment))) {
      this.lines.push(prefix + lineComment);
      this.list(value, this.#legacy ? column : this.#aligned(column));
      return;
    }
    if (value instanceof Branch || Array.isArray(value)) {
      this.lines.push(`${prefix} ${value instanceof Branch ? '{}' : '[]'}${lineComment}`);
      const comments = value instanceof Branch ? value.items : value;
      this.#comments(comments as Comment[], column);
      return;
    }
    const text = this.#scalar(value);
    if ('inline' in text) {
      this.lines.push(`${prefix} ${text.inline}${lineComment}`);
      return;
    }
    this.lines.push(`${prefix} ${text.header}${lineComment}`);
    const pad = ' '.repeat(this.#aligned(blockColumn));
    for (const line of text.lines) this.lines.push(line === '' ? '' : pad + line);
  }

  #comments(comments: readonly Comment[], column: number): void {
    for (const c of comments) this.lines.push(`${' '.repeat(column)}#${c.value}`);
  }

  branch(branch: Branch, column: number, firstPrefix?: string): void {
    let heads: Comment[] = [];
    let inline: Comment[] = [];
    let first = true;
    for (const item of branch.items) {
      if (item instanceof Comment) {
        (item.inline ? inline : heads).push(item);
        continue;
      }
      const pad = first && firstPrefix !== undefined ? firstPrefix : ' '.repeat(column);
      if (!(first && firstPrefix !== undefined)) this.#comments(heads, column);
      const key = item.key === '<<' ? '!!merge <<' : (this.#string(item.key, true) as { inline: string }).inline;
      this.#value(`${pad}${key}:`, item.value, column, lineComment(inline), column);
      heads = [];
      inline = [];
      first = false;
    }
    // Comments after the last entry are its foot comments, at the entry's indentation.
    this.#comments([...heads, ...inline], column);
  }

  list(list: TreeList, dashColumn: number, firstPrefix?: string): void {
    let heads: Comment[] = [];
    let inline: Comment[] = [];
    let first = true;
    for (const element of list) {
      if (element instanceof Comment) {
        (element.inline ? inline : heads).push(element);
        continue;
      }
      const pad = first && firstPrefix !== undefined ? firstPrefix : ' '.repeat(dashColumn);
      if (!(first && firstPrefix !== undefined)) this.#comments(heads, dashColumn);
      this.#item(`${pad}-`, element, dashColumn, lineComment(inline));
      heads = [];
      inline = [];
      first = false;
    }
    this.#comments([...heads, ...inline], dashColumn);
  }

  /** A list item: a nested map or list starts on the dash line (`- k: v`, `- - x`). */
  #item(prefix: string, value: TreeValue, dashColumn: number, lineComment: string): void {
    const gap = this.#legacy ? this.#indent : 2;
    const inner = dashColumn + gap;
    const innerPrefix = prefix + ' '.repeat(gap - 1);
    if (value instanceof Branch && value.entries().length > 0) {
      const firstKey = value.items.findIndex((i) => !(i instanceof Comment));
      const leading = value.items.slice(0, firstKey).filter((c): c is Comment => c instanceof Comment && !c.inline);
      this.#comments(leading, dashColumn);
      const rest = new Branch(value.items.filter((i, n) => n >= firstKey || (i instanceof Comment && i.inline)));
      this.branch(rest, inner, innerPrefix);
      return;
    }
    if (Array.isArray(value) && value.some((v) => !(v instanceof Comment))) {
      this.list(value, inner, innerPrefix);
      return;
    }
    this.#value(prefix, value, dashColumn, lineComment, dashColumn);
  }
}

function lineComment(comments: readonly Comment[]): string {
  return comments.length === 0 ? '' : ` #${comments.map((c) => c.value).join(' #')}`;
}

/** The YAML text of the branches, one document each, separated by `---`. */
export function writeYaml(branches: readonly Branch[], style: YamlStyle = { indent: 4, legacy: false }): string {
  const docs = branches.map((branch) => {
    const writer = new YamlWriter(style);
    if (branch.entries().length === 0) {
      writer.branch(branch, 0);
      writer.lines.push('{}');
    } else writer.branch(branch, 0);
    return `${writer.lines.join('\n')}\n`;
  });
  return docs.join('---\n');
}
