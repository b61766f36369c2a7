// Reads YAML into sops branches from the `yaml` CST: yaml.v3's value rules and sops' comment placement (SPEC §8.1.1).

import { CST, Composer, Parser } from 'yaml';
import { Branch, Comment, Timestamp, cloneValue } from '../tree.ts';
import type { BranchItem, TreeList, TreeValue } from '../tree.ts';
import { invalidFile } from '../sops-errors.ts';
import { UnsignedOverflow, resolvePlain } from './yaml-scalars.ts';
import { parseYamlTimestamp } from '../go-format.ts';
import { readSubsetYaml } from './yaml-subset-read.ts';

type Token = CST.Token;
type SourceToken = CST.SourceToken;

const utf8 = new TextDecoder('utf-8', { fatal: true });

interface Props {
  anchor?: string;
  tag?: string;
}

interface Converted {
  value: TreeValue;
  /** Comments after the value at a smaller indentation than its block: they belong to an enclosing block. */
  overflow: SourceComment[];
}

interface SourceComment {
  column: number;
  comment: Comment;
}

/**
 * Aliases are expanded; bounds on the values and the bytes they add stop "billion laughs" files (few nodes, long
 * strings repeated) from eating memory and time.
 */
const maxExpandedNodes = 100_000;
const maxExpandedBytes = 8 * 1024 * 1024;

interface Size {
  nodes: number;
  bytes: number;
}

function sizeOf(value: TreeValue): Size {
  const size = { nodes: 1, bytes: 8 };
  const add = (s: Size, extra = 0) => {
    size.nodes += s.nodes;
    size.bytes += s.bytes + extra;
  };
  if (value instanceof Branch) {
    for (const e of value.entries()) add(sizeOf(e.value), e.key.length);
  } else if (Array.isArray(value)) {
    for (const v of value) if (!(v instanceof Comment)) add(sizeOf(v));
  } else if (typeof value === 'string' || value instanceof Uint8Array) size.bytes += value.length;
  return size;
}

class YamlReader {
  readonly #source: string;
  readonly #anchors = new Map<string, { value: TreeValue; size: Size }>();
  readonly #expanded: Size = { nodes: 0, bytes: 0 };

  constructor(source: string) {
    this.#source = source;
  }

  #column(offset: number): number {
    return offset - (this.#source.lastIndexOf('\n', offset - 1) + 1);
  }

  #comment(token: SourceToken, inline = false): SourceComment {
    return { column: this.#column(token.offset), comment: new Comment(token.source.slice(1), inline) };
  }

  fail(offset: number, message: string): never {
    const line = this.#source.slice(0, offset).split('\n').length;
    throw invalidFile(`Invalid YAML at line ${line}: ${message}.`, 'Fix the YAML syntax and try again.');
  }

  /** Anchors, tags and comments in the tokens before a value; comments after a newline are head comments. */
  #props(tokens: readonly SourceToken[]): { props: Props; inline: SourceComment[]; head: SourceComment[] } {
    const props: Props = {};
    const inline: SourceComment[] = [];
    const head: SourceComment[] = [];
    let sawNewline = false;
    for (const t of tokens) {
      if (t.type === 'anchor') props.anchor = t.source.slice(1);
      else if (t.type === 'tag') props.tag = t.source;
      else if (t.type === 'newline') sawNewline = true;
      else if (t.type === 'comment') (sawNewline ? head : inline).push(this.#comment(t, !sawNewline));
    }
    return { props, inline, head };
  }

  documents(tokens: Iterable<Token>): Branch[] {
    const branches: Branch[] = [];
    let pending: SourceComment[] = [];
    for (const token of tokens) {
      switch (token.type) {
        case 'comment':
          pending.push(this.#comment(token));
          break;
        case 'document': {
          const { props, head, inline } = this.#props(token.start);
          const lead = [...pending, ...inline.map((c) => ({ ...c, comment: new Comment(c.comment.value) })), ...head];
          pending = [];
          const root = token.value ? this.#convert(token.value, props) : { value: null, overflow: [] };
          if (root.value !== null && !(root.value instanceof Branch)) {
            this.fail(token.offset, 'a document must be a mapping, not a list or a single value');
          }
          const branch = root.value ?? new Branch();
          branch.items.unshift(...lead.map((c) => c.comment));
          branch.items.push(...root.overflow.map((c) => c.comment));
          for (const t of token.end ?? []) if (t.type === 'comment') branch.items.push(this.#comment(t).comment);
          branches.push(branch);
          break;
        }
        case 'doc-end':
          for (const t of token.end ?? []) if (t.type === 'comment') branches.at(-1)?.items.push(this.#comment(t).comment);
          break;
        case 'error':
          this.fail(token.offset, token.message);
          break;
        case 'directive':
        case 'byte-order-mark':
        case 'space':
        case 'newline':
          break;
        default:
          this.fail(token.offset, `unexpected ${token.type} outside a document`);
      }
    }
    // Comments after the last document, e.g. below a flow mapping, stay with it.
    branches.at(-1)?.items.push(...pending.map((c) => c.comment));
    return branches;
  }

  #convert(token: Token, props: Props): Converted {
    let converted: Converted;
    switch (token.type) {
      case 'block-map':
        converted = this.#blockMap(token);
        break;
      case 'block-seq':
        converted = this.#blockSeq(token);
        break;
      case 'flow-collection':
        converted = { value: this.#flow(token), overflow: [] };
        break;
      case 'alias': {
        const name = token.source.slice(1);
        const anchored = this.#anchors.get(name);
        if (!anchored) this.fail(token.offset, `unknown alias *${name}`);
        this.#expanded.nodes += anchored.size.nodes;
        this.#expanded.bytes += anchored.size.bytes;
        if (this.#expanded.nodes > maxExpandedNodes || this.#expanded.bytes > maxExpandedBytes) {
          this.fail(token.offset, `aliases expand to more than ${maxExpandedNodes} values or ${maxExpandedBytes / 1024 / 1024} MiB`);
        }
        // Aliases are expanded: sops drops anchors on output.
        converted = { value: cloneValue(anchored.value), overflow: [] };
        break;
      }
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar':
        converted = { value: this.#scalar(token, props.tag), overflow: [] };
        break;
      case 'error':
        this.fail(token.offset, token.message);
        break;
      default:
        this.fail(token.offset, `unexpected ${token.type}`);
    }
    if (props.anchor !== undefined) this.#anchors.set(props.anchor, { value: converted.value, size: sizeOf(converted.value) });
    return converted;
  }

  #scalar(token: CST.FlowScalar | CST.BlockScalar, tag: string | undefined): TreeValue {
    let error: string | undefined;
    const resolved = CST.resolveAsScalar(token, true, (_o, _c, message) => (error ??= message));
    if (error || !resolved) this.fail(token.offset, error ?? 'invalid scalar');
    const text = resolved.value;
    if (tag !== undefined) return this.#tagged(token.offset, tag, text);
    if (resolved.type !== 'PLAIN') return text;
    const value = resolvePlain(text);
    if (value instanceof UnsignedOverflow) {
      this.fail(token.offset, `${text} is larger than a 64-bit signed integer, which sops cannot store`);
    }
    if (typeof value === 'object' && value !== null && 'merge' in value) return '<<';
    return value;
  }

  #tagged(offset: number, tag: string, text: string): TreeValue {
    const name = tag.replace(/^!<tag:yaml\.org,2002:(.*)>$/, '!!$1');
    switch (name) {
      case '!!str':
        return text;
      case '!!null':
        return null;
      case '!!bool':
      case '!!int':
      case '!!float': {
        const value = resolvePlain(text);
        const kind = name.slice(2);
        if (kind === 'float' && typeof value === 'bigint') return Number(value);
        const ok = kind === 'bool' ? typeof value === 'boolean' : kind === 'int' ? typeof value === 'bigint' : typeof value === 'number';
        if (!ok) this.fail(offset, `${JSON.stringify(text)} is not a valid ${tag}`);
        return value as TreeValue;
      }
      case '!!timestamp': {
        const time = parseYamlTimestamp(text);
        if (!time) this.fail(offset, `${JSON.stringify(text)} is not a valid ${tag}`);
        return new Timestamp(time);
      }
      case '!!binary': {
        const bytes = Buffer.from(text.replace(/\s+/g, ''), 'base64');
        try {
          return utf8.decode(bytes);
        } catch {
          return new Uint8Array(bytes);
        }
      }
      default:
        // yaml.v3 resolves only the tags above; any other (!!merge, a custom !tag) leaves the text a string, and
        // sops writes it back untagged (`<<` as `!!merge <<`, see yaml-write.ts).
        return text;
    }
  }

  #key(token: Token | null | undefined, props: Props, offset: number): string {
    if (!token) this.fail(offset, 'a mapping key is missing');
    const { value } = this.#convert(token, props);
    if (typeof value !== 'string') this.fail(offset, 'sops needs every mapping key to be a string');
    return value;
  }

  #blockMap(token: CST.BlockMap): Converted {
    const items: BranchItem[] = [];
    const seen = new Set<string>();
    let overflow: SourceComment[] = [];
    for (const item of token.items) {
      const start = this.#props(item.start);
      const heads = [...start.inline, ...start.head];
      if (item.key === undefined && item.value === undefined) {
        // A trailing item: comments after the last entry, at this indentation or an outer one.
        const cut = heads.findIndex((c) => c.column < token.indent);
        const own = cut === -1 ? heads : heads.slice(0, cut);
        items.push(...own.map((c) => new Comment(c.comment.value)));
        if (cut !== -1) overflow = heads.slice(cut);
        continue;
      }
      items.push(...heads.map((c) => new Comment(c.comment.value)));
      if (item.explicitKey) this.fail(item.key?.offset ?? token.offset, 'complex mapping keys ("? key") are not supported');
      const key = this.#key(item.key, start.props, item.key?.offset ?? token.offset);
      if (seen.has(key)) this.fail(item.key?.offset ?? token.offset, `the key "${key}" appears twice`);
      seen.add(key);
      const sep = this.#props(item.sep ?? []);
      const value = item.value ? this.#convert(item.value, sep.props) : { value: null, overflow: [] };
      const trailing = trailingComments(item.value).map((t) => this.#comment(t, true));
      items.push(...sep.inline.map((c) => c.comment), ...trailing.map((c) => c.comment));
      prependHeads(value.value, sep.head);
      items.push({ key, value: value.value });
      for (const c of value.overflow) {
        if (c.column >= token.indent) items.push(c.comment);
        else overflow.push(c);
      }
    }
    return { value: new Branch(items), overflow };
  }

  #blockSeq(token: CST.BlockSequence): Converted {
    const list: TreeList = [];
    let overflow: SourceComment[] = [];
    for (const item of token.items) {
      const start = this.#props(item.start);
      const heads = [...start.inline, ...start.head].map((c) => ({ ...c, comment: new Comment(c.comment.value) }));
      if (item.value === undefined && !item.start.some((t) => t.type === 'seq-item-ind')) {
        const cut = heads.findIndex((c) => c.column < token.indent);
        list.push(...(cut === -1 ? heads : heads.slice(0, cut)).map((c) => c.comment));
        if (cut !== -1) overflow = heads.slice(cut);
        continue;
      }
      list.push(...heads.map((c) => c.comment));
      const value = item.value ? this.#convert(item.value, start.props) : { value: null, overflow: [] };
      list.push(...trailingComments(item.value).map((t) => this.#comment(t, true).comment));
      list.push(value.value);
      for (const c of value.overflow) {
        if (c.column >= token.indent) list.push(c.comment);
        else overflow.push(c);
      }
    }
    return { value: list, overflow };
  }

  #flow(token: CST.FlowCollection): TreeValue {
    const isMap = token.start.source === '{';
    const items: BranchItem[] = [];
    const list: TreeList = [];
    const seen = new Set<string>();
    for (const item of token.items) {
      const start = this.#props(item.start);
      if (isMap) {
        if (!item.key && !item.value && !item.sep) continue;
        const key = this.#key(item.key ?? null, start.props, token.offset);
        if (seen.has(key)) this.fail(token.offset, `the key "${key}" appears twice`);
        seen.add(key);
        const sep = this.#props(item.sep ?? []);
        items.push({ key, value: item.value ? this.#convert(item.value, sep.props).value : null });
      } else if (item.value) {
        if (item.key !== undefined || item.sep !== undefined) this.fail(token.offset, 'mappings inside flow sequences are not supported');
        list.push(this.#convert(item.value, start.props).value);
      }
    }
    for (const t of token.end) if (t.type === 'flow-error-end' || (t as Token).type === 'error') this.fail(t.offset, 'unclosed flow collection');
    return isMap ? new Branch(items) : list;
  }
}

function trailingComments(token: Token | undefined): SourceToken[] {
  if (!token || !('end' in token) || !Array.isArray(token.end)) return [];
  return (token.end as SourceToken[]).filter((t) => t.type === 'comment');
}

/** Comments between `key:` and a nested block are the head comments of its first item. */
function prependHeads(value: TreeValue, heads: SourceComment[]): void {
  if (heads.length === 0) return;
  const comments = heads.map((c) => new Comment(c.comment.value));
  if (value instanceof Branch) value.items.unshift(...comments);
  else if (Array.isArray(value)) value.unshift(...comments);
}

/** Parses every document of a YAML file into one branch each: sops' own subset fast, anything else in full. */
export function readYaml(bytes: Uint8Array): Branch[] {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw invalidFile('The YAML file is not valid UTF-8.');
  }
  if (text.trim() === '') return [];
  return readSubsetYaml(text) ?? readFullYaml(text);
}

/** Any YAML, through the `yaml` package's parser. */
export function readFullYaml(text: string): Branch[] {
  const tokens = [...new Parser().parse(text)];
  const reader = new YamlReader(text);
  // The CST is lenient; the composer reports what YAML itself forbids (bad indentation, unclosed flows, …).
  for (const doc of new Composer({ uniqueKeys: false }).compose(tokens, true, text.length)) {
    const [error] = doc.errors;
    if (error) reader.fail(error.pos[0], error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''));
  }
  return reader.documents(tokens);
}
