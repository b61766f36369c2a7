// The YAML store: one branch per document, the `sops` metadata under the last key of each document.

import { Branch, Comment } from '../tree.ts';
import type { EncryptedDocument, Store, StoreSettings } from './store.ts';
import { readYaml } from './yaml-read.ts';
import { writeYaml } from './yaml-write.ts';
import { invalidFile } from '../sops-errors.ts';

const utf8 = new TextEncoder();

/** sops switched from yaml.v2 to yaml.v3 in 3.7.0. */
function writtenByYamlV2(metadata: Branch): boolean {
  const version = metadata.get('version');
  const m = typeof version === 'string' ? /^(\d+)\.(\d+)/.exec(version) : null;
  return !!m && (Number(m[1]) < 3 || (Number(m[1]) === 3 && Number(m[2]) < 7));
}

/** The smallest indentation in the file is one level (sops' metadata always nests, so there is one). */
function indentOf(text: string): number | undefined {
  let smallest: number | undefined;
  for (const m of text.matchAll(/^( +)\S/gm)) smallest = Math.min(smallest ?? Infinity, m[1]!.length);
  return smallest;
}

export function yamlStore(settings: StoreSettings): Store {
  const indent = settings.yamlIndent ?? 4;
  return {
    format: 'yaml',
    readPlain: (bytes) => readYaml(bytes),
    writePlain: (branches) => utf8.encode(writeYaml(branches, { indent, legacy: false })),
    readEncrypted(bytes): EncryptedDocument {
      const docs = readYaml(bytes);
      const metadata = docs[0]?.get('sops');
      if (!(metadata instanceof Branch)) throw invalidFile('This YAML file has no sops metadata: it is not encrypted.');
      const branches = docs.map((doc) => new Branch(doc.items.filter((i) => i instanceof Comment || i.key !== 'sops')));
      const indent = indentOf(new TextDecoder().decode(bytes));
      return { branches, metadata, layout: { legacyYaml: writtenByYamlV2(metadata), ...(indent && { indent }) } };
    },
    writeEncrypted({ branches, metadata, layout }) {
      const docs = branches.map((b) => new Branch([...b.items, { key: 'sops', value: metadata }]));
      const own = typeof layout.indent === 'number' ? layout.indent : indent;
      return utf8.encode(writeYaml(docs, { indent: own, legacy: layout.legacyYaml ?? false }));
    },
  };
}
