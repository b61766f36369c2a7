// The dotenv store: `KEY=value` lines, `#` comments, metadata as flattened `sops_…` keys (SPEC §8.4).

import { Branch, Comment } from '../tree.ts';
import type { BranchItem } from '../tree.ts';
import type { EncryptedDocument, Store } from './store.ts';
import { flattenMetadata, orderFlat, unflattenMetadata } from './flatten.ts';
import type { FlatEntry } from './flatten.ts';
import { invalidFile } from '../sops-errors.ts';

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const prefix = 'sops_';

function parse(bytes: Uint8Array): BranchItem[] {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw invalidFile('The dotenv file is not valid UTF-8.');
  }
  const items: BranchItem[] = [];
  const keys = new Set<string>();
  text.split('\n').forEach((line, n) => {
    if (line === '') return;
    if (line.startsWith('#')) {
      items.push(new Comment(line.slice(1)));
      return;
    }
    const eq = line.indexOf('=');
    if (eq === -1) throw invalidFile(`Invalid dotenv line ${n + 1}: it has no "=".`, 'Write each line as KEY=value.');
    const key = line.slice(0, eq);
    // An empty duplicate adds nothing to the MAC, yet a reader that takes the last one sees it instead.
    if (keys.has(key)) throw invalidFile(`Invalid dotenv line ${n + 1}: the key "${key}" appears twice.`, 'Keep one line per key.');
    keys.add(key);
    items.push({ key, value: line.slice(eq + 1).replaceAll('\\n', '\n') });
  });
  return items;
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return value.replaceAll('\n', '\\n');
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalidFile('A dotenv file can hold only flat values, not maps or lists.');
}

function write(items: readonly BranchItem[], metadata: FlatEntry[] = []): Uint8Array {
  const lines = items.map((i) => (i instanceof Comment ? `#${i.value}\n` : `${i.key}=${valueText(i.value)}\n`));
  for (const m of metadata) lines.push(`${prefix}${m.key}=${m.value.replaceAll('\n', '\\n')}\n`);
  return utf8.encode(lines.join(''));
}

export function dotenvStore(): Store {
  return {
    format: 'dotenv',
    readPlain: (bytes) => [new Branch(parse(bytes))],
    writePlain: (branches) => write(branches[0]?.items ?? []),
    readEncrypted(bytes): EncryptedDocument {
      const items = parse(bytes);
      const isMeta = (i: BranchItem) => !(i instanceof Comment) && i.key.startsWith(prefix);
      const flat = items.filter(isMeta).map((i) => {
        const e = i as { key: string; value: string };
        return { key: e.key.slice(prefix.length), value: e.value };
      });
      if (flat.length === 0) throw invalidFile('This dotenv file has no sops_ metadata: it is not encrypted.');
      return {
        branches: [new Branch(items.filter((i) => !isMeta(i)))],
        metadata: unflattenMetadata(flat),
        layout: { metadataOrder: flat.map((e) => e.key) },
      };
    },
    writeEncrypted: ({ branches, metadata, layout }) =>
      write(branches[0]?.items ?? [], orderFlat(flattenMetadata(metadata), layout.metadataOrder)),
  };
}
