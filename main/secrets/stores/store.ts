// What every SOPS file format provides: reading and writing its plaintext and its encrypted form.

import type { Branch } from '../tree.ts';
import type { SecretFormat } from '../../../common/model/secrets.ts';

/** How an existing file was laid out, so writing it back changes nothing that was not changed. */
export interface StoreLayout {
  /** The file's own indentation: spaces per YAML level, or the JSON indent string. */
  indent?: number | string;
  /** YAML written by yaml.v2 (sops before 3.7). */
  legacyYaml?: boolean;
  /** JSON from sops before 3.10 has no final newline. */
  trailingNewline?: boolean;
  /** dotenv and INI: the metadata keys in the file's order (sops before 3.8 wrote them at random). */
  metadataOrder?: string[];
  /** INI from sops 3.13.1 wrote multi-line metadata in `"""` blocks instead of `\n` escapes. */
  tripleQuotedMetadata?: boolean;
  /** INI from sops before 3.13 ends with a blank line. */
  finalBlankLine?: boolean;
}

export interface EncryptedDocument {
  /** The data, one branch per YAML document, without the sops metadata. */
  branches: Branch[];
  /** The `sops` metadata as the file holds it (unflattened for dotenv and INI). */
  metadata: Branch;
  layout: StoreLayout;
}

export interface Store {
  readonly format: SecretFormat;
  readPlain(bytes: Uint8Array): Branch[];
  writePlain(branches: readonly Branch[]): Uint8Array;
  readEncrypted(bytes: Uint8Array): EncryptedDocument;
  writeEncrypted(document: EncryptedDocument): Uint8Array;
}

/** `stores:` in .sops.yaml. */
export interface StoreSettings {
  yamlIndent?: number;
  jsonIndent?: number;
  jsonBinaryIndent?: number;
}
