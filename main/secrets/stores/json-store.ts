// The JSON store, and the binary store that wraps any file's bytes in the same JSON envelope (SPEC §8.2, §8.3).

import { Branch, Comment } from '../tree.ts';
import type { EncryptedDocument, Store, StoreSettings } from './store.ts';
import { jsonIndent, parseJsonObject, writeJsonValue } from './json-codec.ts';
import { invalidFile } from '../sops-errors.ts';

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw invalidFile('The JSON file is not valid UTF-8.');
  }
}

function readEnvelope(bytes: Uint8Array): EncryptedDocument {
  const text = decode(bytes);
  const root = parseJsonObject(text);
  const metadata = root.get('sops');
  if (!(metadata instanceof Branch)) throw invalidFile('This file has no sops metadata: it is not encrypted.');
  const data = new Branch(root.items.filter((i) => i instanceof Comment || i.key !== 'sops'));
  const indent = /^\{\n([ \t]*)"/.exec(text)?.[1];
  return { branches: [data], metadata, layout: { trailingNewline: text.endsWith('\n'), ...(indent !== undefined && { indent }) } };
}

function writeEnvelope({ branches, metadata, layout }: EncryptedDocument, indent: string): Uint8Array {
  const root = new Branch([...(branches[0]?.items ?? []), { key: 'sops', value: metadata }]);
  return utf8.encode(writeJsonValue(root, typeof layout.indent === 'string' ? layout.indent : indent) + (layout.trailingNewline === false ? '' : '\n'));
}

export function jsonStore(settings: StoreSettings): Store {
  const indent = jsonIndent(settings.jsonIndent);
  return {
    format: 'json',
    readPlain: (bytes) => [parseJsonObject(decode(bytes))],
    writePlain: (branches) => utf8.encode(`${writeJsonValue(branches[0] ?? new Branch(), indent)}\n`),
    readEncrypted: readEnvelope,
    writeEncrypted: (document) => writeEnvelope(document, indent),
  };
}

/** Any other file: its bytes are one value, `data`. */
export function binaryStore(settings: StoreSettings): Store {
  const indent = jsonIndent(settings.jsonBinaryIndent);
  return {
    format: 'binary',
    readPlain: (bytes) => [new Branch([{ key: 'data', value: bytes }])],
    writePlain(branches) {
      const data = branches[0]?.get('data');
      if (typeof data === 'string') return utf8.encode(data);
      if (data instanceof Uint8Array) return data;
      throw invalidFile('This binary file has no "data" value.');
    },
    readEncrypted(bytes) {
      const document = readEnvelope(bytes);
      if (typeof document.branches[0]!.get('data') !== 'string') {
        throw invalidFile('This encrypted binary file has no "data" string.');
      }
      return document;
    },
    writeEncrypted: (document) => writeEnvelope(document, indent),
  };
}
