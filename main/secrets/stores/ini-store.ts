// The INI store, as go-ini reads and writes it for sops: one branch per section, metadata in `[sops]` (SPEC §8.5).

import { Branch, Comment } from '../tree.ts';
import type { BranchItem, Entry } from '../tree.ts';
import type { EncryptedDocument, Store, StoreLayout } from './store.ts';
import { flattenMetadata, orderFlat, unflattenMetadata } from './flatten.ts';
import { invalidFile } from '../sops-errors.ts';

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const defaultSection = 'DEFAULT';

interface Parsed {
  sections: Entry[];
  tripleQuoted: boolean;
}

/** go-ini strips surrounding quotes and cuts a value at an inline `#` or `;` comment. */
function valueOf(raw: string): string {
  const quoted = /^(["'`])(.*)\1$/s.exec(raw);
  if (quoted) return quoted[2]!;
  const cut = raw.search(/[#;]/);
  return (cut === -1 ? raw : raw.slice(0, cut)).trim();
}

function parse(bytes: Uint8Array): Parsed {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw invalidFile('The INI file is not valid UTF-8.');
  }
  const lines = text.split('\n');
  const sections: Entry[] = [{ key: defaultSection, value: new Branch() }];
  let current = sections[0]!.value as Branch;
  let comments: string[] = [];
  let tripleQuoted = false;
  const fail = (n: number, why: string): never => {
    throw invalidFile(`Invalid INI line ${n + 1}: ${why}.`, 'Write sections as [name] and values as key = value.');
  };
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/\r$/, '').trimStart();
    if (line === '') continue;
    if (line.startsWith(';') || line.startsWith('#')) {
      comments.push(line.replace(/^[;#]+ */, ''));
      continue;
    }
    const comment = comments.length ? [new Comment(comments.join('\n'))] : [];
    comments = [];
    if (line.startsWith('[')) {
      const end = line.indexOf(']');
      if (end < 2) fail(n, 'a section header needs a name between [ and ]');
      const name = line.slice(1, end);
      if (sections.some((s) => s.key === name)) fail(n, `the section [${name}] appears twice`);
      current = new Branch(comment);
      sections.push({ key: name, value: current });
      continue;
    }
    const at = line.search(/[=:]/);
    if (at <= 0) fail(n, 'it is neither a section, a comment nor key = value');
    const key = line.slice(0, at).trim();
    let raw = line.slice(at + 1).trim();
    if (raw.startsWith('"""')) {
      tripleQuoted = true;
      let body = raw.slice(3);
      while (!body.includes('"""')) {
        if (++n >= lines.length) fail(n - 1, 'a """ value is never closed');
        body += `\n${lines[n]!}`;
      }
      raw = body.slice(0, body.indexOf('"""'));
    } else raw = valueOf(raw);
    if (current.get(key) !== undefined) fail(n, `the key "${key}" appears twice in its section`);
    // sops places a key's comment after the key; go-ini writes it back above the key.
    current.items.push({ key, value: raw }, ...comment);
  }
  return { sections, tripleQuoted };
}

function quote(value: string): string {
  if (value.includes('\n') || value.includes('`')) return `"""${value}"""`;
  if (/[#;]/.test(value)) return `\`${value}\``;
  if (value.trim() !== value) return `"${value}"`;
  return value;
}

function commentLines(text: string): string {
  return text.split('\n').map((l) => `; ${l}\n`).join('');
}

function writeSections(sections: readonly Entry[], layout: StoreLayout): Uint8Array {
  const blocks: string[] = [];
  for (const { key: name, value } of sections) {
    if (!(value instanceof Branch)) throw invalidFile(`The INI value "${name}" must be a section of keys.`);
    const entries = value.entries();
    if (name === defaultSection && value.items.length === 0) continue;
    const width = Math.max(0, ...entries.map((e) => e.key.length));
    let out = '';
    let pending: string | undefined;
    const items = value.items;
    let i = 0;
    if (items[0] instanceof Comment) out += commentLines((items[i++] as Comment).value);
    if (name !== defaultSection) out += `[${name}]\n`;
    for (; i < items.length; i++) {
      const item = items[i]!;
      if (item instanceof Comment) continue;
      const next = items[i + 1];
      if (next instanceof Comment) pending = next.value;
      if (typeof item.value !== 'string' && typeof item.value !== 'bigint' && typeof item.value !== 'boolean' && typeof item.value !== 'number') {
        throw invalidFile(`The INI value "${name}.${item.key}" must be a plain value, not a map or list.`);
      }
      if (pending !== undefined) out += commentLines(pending);
      pending = undefined;
      const text = quote(String(item.value));
      out += `${item.key.padEnd(width)} = ${text}\n`;
    }
    blocks.push(out);
  }
  const body = blocks.join('\n');
  return utf8.encode(layout.finalBlankLine ? `${body}\n` : body);
}

function metadataSection(metadata: Branch, layout: StoreLayout): Entry {
  const flat = orderFlat(flattenMetadata(metadata), layout.metadataOrder);
  const escape = !layout.tripleQuotedMetadata;
  const items: BranchItem[] = flat.map((e) => ({ key: e.key, value: escape ? e.value.replaceAll('\n', '\\n') : e.value }));
  return { key: 'sops', value: new Branch(items) };
}

export function iniStore(): Store {
  return {
    format: 'ini',
    readPlain: (bytes) => [new Branch(parse(bytes).sections)],
    writePlain: (branches) => writeSections((branches[0]?.entries() ?? []) as Entry[], {}),
    readEncrypted(bytes): EncryptedDocument {
      const { sections, tripleQuoted } = parse(bytes);
      const sops = sections.find((s) => s.key === 'sops')?.value;
      if (!(sops instanceof Branch)) throw invalidFile('This INI file has no [sops] section: it is not encrypted.');
      const flat = sops.entries().map((e) => ({ key: e.key, value: (e.value as string).replaceAll('\\n', '\n') }));
      const text = strictUtf8.decode(bytes);
      return {
        branches: [new Branch(sections.filter((s) => s.key !== 'sops'))],
        metadata: unflattenMetadata(flat),
        layout: { metadataOrder: flat.map((e) => e.key), tripleQuotedMetadata: tripleQuoted, finalBlankLine: text.endsWith('\n\n') },
      };
    },
    writeEncrypted: ({ branches, metadata, layout }) =>
      writeSections([...((branches[0]?.entries() ?? []) as Entry[]), metadataSection(metadata, layout)], layout),
  };
}
