// Opening and writing sops files in memory: decrypt with MAC check, re-encrypt an edit, encrypt, updatekeys, rotate.

import type { SecretFormat } from '../../common/model/secrets.ts';
import type { Branch } from './tree.ts';
import type { EncryptedDocument, Store, StoreSettings } from './stores/store.ts';
import { storeFor } from './stores/index.ts';
import { ValueCipher } from './value-cipher.ts';
import { decryptBranches, encryptBranches } from './tree-crypt.ts';
import type { DamagedValue } from './tree-crypt.ts';
import { ageGroups, readMetadata, withNewMac, writeMetadata, writtenVersion } from './metadata.ts';
import type { SopsMetadata } from './metadata.ts';
import { newDataKey, recoverDataKey, wrapDataKey } from './data-key.ts';
import { checkedRules } from './encryption-rules.ts';
import type { EncryptionRules } from './encryption-rules.ts';
import { nowRfc3339, reformatRfc3339 } from './go-format.ts';
import { damagedValue, endsEarly, invalidFile, macMismatch, whereItEnds } from './sops-errors.ts';
import type { ApiError } from '../../common/api/errors.ts';

/** Where recipients come from when a file is created or its keys are updated: one list per key group. */
export interface KeyPlan {
  groups: string[][];
  shamirThreshold: number;
}

/** A decrypted sops file: plaintext in memory only, with what is needed to write it back. */
export interface OpenedFile {
  format: SecretFormat;
  store: Store;
  plaintext: Branch[];
  metadata: SopsMetadata;
  /** The file's metadata block and layout as read, kept when it is written back. */
  document: Pick<EncryptedDocument, 'metadata' | 'layout'>;
  /** `stores:` of .sops.yaml, for writing it back. */
  settings?: StoreSettings;
  dataKey: Uint8Array;
  /** Holds the file's IVs, so unchanged values keep their ciphertext when saved. */
  cipher: ValueCipher;
  /** False only when opened with `ignoreMac` and the MAC did not match (or was missing). */
  macVerified: boolean;
  /** Opened with `ignoreMac`: the values that did not decrypt, left out of `plaintext` (`a/b/c`, and their line). */
  damaged: { key: string; line?: number }[];
}

export interface OpenOptions {
  identities: readonly string[];
  /** For messages: the file's path. */
  file?: string;
  settings?: StoreSettings;
  /** Open a file whose MAC fails; the caller must treat it as read-only. */
  ignoreMac?: boolean;
  /** Skip age: decrypt with this data key (tests, and re-verifying bytes just written). */
  dataKey?: Uint8Array;
}

const utf8 = new TextEncoder();

function macAad(lastModified: string, file: string | undefined): string {
  const aad = reformatRfc3339(lastModified);
  if (!aad) throw invalidFile(`${file ?? 'The file'} has an unreadable lastmodified time "${lastModified}".`);
  return aad;
}

/** Checks the stored MAC against the computed one; returns whether it matched. */
function checkMac(metadata: SopsMetadata, computed: string, key: Uint8Array, cipher: ValueCipher, options: OpenOptions): boolean {
  let problem: string | undefined;
  if (!metadata.mac) problem = 'The file has no MAC.';
  else {
    let stored: unknown;
    try {
      stored = cipher.decrypt(metadata.mac, key, macAad(metadata.lastModified, options.file));
    } catch (error) {
      problem = `Its MAC cannot be decrypted: ${(error as Error).message}`;
    }
    if (problem === undefined && stored !== computed) problem = `File has ${String(stored)}, computed ${computed}.`;
  }
  if (problem === undefined) return true;
  if (options.ignoreMac) return false;
  throw macMismatch(options.file, problem);
}

export async function openSops(bytes: Uint8Array, format: SecretFormat, options: OpenOptions): Promise<OpenedFile> {
  try {
    return await openChecked(bytes, format, options);
  } catch (error) {
    // A file cut off (a failed copy, a full disk) fails in many ways: say so in those words instead.
    const cut = whereItEnds(error, bytes, format);
    if (!cut) throw error;
    let readable = (error as ApiError).code === 'MAC_MISMATCH';
    if (!readable && cut.rest) {
      // Without its half line, what is left may still decrypt; it never passes its integrity check.
      const rest = await openChecked(cut.rest, format, { ...options, ignoreMac: true }).catch(() => null);
      if (rest && options.ignoreMac) return { ...rest, macVerified: false };
      readable = !!rest;
    }
    throw endsEarly(options.file, cut, readable, error as ApiError);
  }
}

async function openChecked(bytes: Uint8Array, format: SecretFormat, options: OpenOptions): Promise<OpenedFile> {
  const store = storeFor(format, options.settings);
  const document = store.readEncrypted(bytes);
  const metadata = readMetadata(document.metadata);
  const dataKey = options.dataKey ?? (await recoverDataKey(metadata, options.identities, options.file));
  const cipher = new ValueCipher();
  const damagedValues: DamagedValue[] = [];
  const rules = rulesFor(format, metadata.rules);
  const { branches, mac } = decryptBranches(document.branches, cipher, dataKey, rules, damagedValues);
  const damaged = damagedValues.map((d) => ({ key: d.path.join('/'), ...lineOf(bytes, d.text) }));
  if (damaged.length > 0 && !options.ignoreMac) throw damagedValue(options.file, damaged);
  const macVerified = checkMac(metadata, mac, dataKey, cipher, options) && damaged.length === 0;
  return {
    format,
    store,
    plaintext: branches,
    metadata,
    document: { metadata: document.metadata, layout: document.layout },
    ...(options.settings && { settings: options.settings }),
    dataKey,
    cipher,
    macVerified,
    damaged,
  };
}

/** The 1-based line of the file that holds `text`, when it is there. */
function lineOf(bytes: Uint8Array, text: string): { line?: number } {
  const source = new TextDecoder().decode(bytes);
  const at = text === '' ? -1 : source.indexOf(text);
  return at === -1 ? {} : { line: source.slice(0, at).split('\n').length };
}

/** Reads back bytes about to be written with the data key: they must decrypt and pass their MAC. */
export async function checkWritten(bytes: Uint8Array, format: SecretFormat, options: OpenOptions): Promise<OpenedFile> {
  try {
    return await openSops(bytes, format, { ...options, ignoreMac: false });
  } catch (error) {
    throw invalidFile(`Flakedeck produced a file it cannot read back (${(error as Error).message}); nothing was written.`, 'Please report this as a bug.');
  }
}

/** sops ≥3.11 ignores every encryption rule for binary files: the one value is always encrypted. */
function rulesFor(format: SecretFormat, rules: EncryptionRules): EncryptionRules {
  return format === 'binary' ? { macOnlyEncrypted: rules.macOnlyEncrypted } : rules;
}

/** Encrypts the (edited) plaintext with the file's data key and IVs; a new MAC and lastmodified, all else kept. */
export function reencrypt(opened: Omit<OpenedFile, 'plaintext'>, plaintext: readonly Branch[], now = new Date()): Uint8Array {
  const { dataKey, cipher, document, metadata, store } = opened;
  const { branches, mac } = encryptBranches(plaintext, cipher, dataKey, rulesFor(opened.format, metadata.rules));
  const lastModified = nowRfc3339(now);
  const encMac = cipher.encrypt(mac, dataKey, macAad(lastModified, undefined));
  return store.writeEncrypted({ branches, metadata: withNewMac(document.metadata, encMac, lastModified), layout: document.layout });
}

export interface EncryptOptions {
  plan: KeyPlan;
  rules: EncryptionRules;
  settings?: StoreSettings;
  now?: Date;
  /** A new data key by default; a caller gives one to read back what it is about to write. */
  dataKey?: Uint8Array;
}

/** `sops encrypt`: plaintext in, a new file with a new data key out (sops 3.13 layout). */
export async function encryptPlain(bytes: Uint8Array, format: SecretFormat, options: EncryptOptions): Promise<Uint8Array> {
  const store = storeFor(format, options.settings);
  const plaintext = store.readPlain(bytes);
  if (plaintext.length === 0 || (format !== 'binary' && plaintext.every((b) => b.entries().length === 0))) {
    throw invalidFile('The file is empty: there is nothing to encrypt.', 'Add at least one value first.');
  }
  const first = plaintext[0]!;
  const marker = format === 'dotenv' ? first.entries().some((e) => e.key.startsWith('sops_')) : first.get('sops') !== undefined;
  if (marker) throw invalidFile('The file is already encrypted (it has sops metadata).', 'Use `flakedeck secrets decrypt` to read it.');
  const rules = format === 'binary' ? { macOnlyEncrypted: options.rules.macOnlyEncrypted } : checkedRules(options.rules, 'The creation rule');
  const dataKey = options.dataKey ?? newDataKey();
  const cipher = new ValueCipher();
  const { branches, mac } = encryptBranches(plaintext, cipher, dataKey, rules);
  const lastModified = nowRfc3339(options.now);
  const metadata: SopsMetadata = {
    keyGroups: await wrapDataKey(dataKey, options.plan.groups, options.plan.shamirThreshold),
    shamirThreshold: options.plan.groups.length > 1 ? options.plan.shamirThreshold : 0,
    lastModified,
    mac: cipher.encrypt(mac, dataKey, macAad(lastModified, undefined)),
    rules,
    version: writtenVersion,
  };
  return store.writeEncrypted({ branches, metadata: writeMetadata(metadata), layout: {} });
}

/** Plaintext bytes of an opened file, as `sops decrypt` prints them (optionally in another format). */
export function decryptedBytes(opened: OpenedFile, format: SecretFormat = opened.format, settings?: StoreSettings): Uint8Array {
  if (format === opened.format) return opened.store.writePlain(opened.plaintext);
  if (opened.format === 'binary' && format === 'json') {
    const data = opened.plaintext[0]!.get('data');
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data as Uint8Array);
    return utf8.encode(`${JSON.stringify({ data: text })}\n`);
  }
  return storeFor(format, settings).writePlain(opened.plaintext);
}

/**
 * `sops updatekeys`: the same data key wrapped for the recipients the rules give now; values, MAC and
 * lastmodified are untouched, and the MAC is not checked (as sops does).
 */
export async function updateKeys(bytes: Uint8Array, format: SecretFormat, plan: KeyPlan, options: OpenOptions): Promise<Uint8Array> {
  const store = storeFor(format, options.settings);
  const document = store.readEncrypted(bytes);
  const metadata = readMetadata(document.metadata);
  const dataKey = options.dataKey ?? (await recoverDataKey(metadata, options.identities, options.file));
  const threshold = Math.min(plan.shamirThreshold || metadata.shamirThreshold, plan.groups.length);
  const keyGroups = await wrapDataKey(dataKey, plan.groups, threshold);
  const updated: SopsMetadata = { ...metadata, keyGroups, shamirThreshold: plan.groups.length > 1 ? threshold : 0 };
  // New key groups are written as sops 3.13 writes the whole file, in the file's own indentation.
  return store.writeEncrypted({ branches: document.branches, metadata: writeMetadata(updated), layout: { indent: document.layout.indent } });
}

/** `sops rotate`: a new data key for the same recipients; every value re-encrypted, MAC checked first. */
export async function rotate(bytes: Uint8Array, format: SecretFormat, options: OpenOptions, now = new Date()): Promise<Uint8Array> {
  const opened = await openSops(bytes, format, options);
  const groups = ageGroups(opened.metadata);
  if (opened.metadata.keyGroups.some((g) => g.others.length > 0)) {
    throw invalidFile(
      `${options.file ?? 'This file'} also has PGP or cloud KMS keys, which Flakedeck cannot re-wrap.`,
      'Rotate it with the sops command line instead.',
    );
  }
  const dataKey = newDataKey();
  const { branches, mac } = encryptBranches(opened.plaintext, opened.cipher, dataKey, rulesFor(format, opened.metadata.rules));
  const lastModified = nowRfc3339(now);
  const metadata: SopsMetadata = {
    ...opened.metadata,
    keyGroups: await wrapDataKey(dataKey, groups, opened.metadata.shamirThreshold),
    lastModified,
    mac: opened.cipher.encrypt(mac, dataKey, macAad(lastModified, undefined)),
  };
  return opened.store.writeEncrypted({ branches, metadata: writeMetadata(metadata), layout: { indent: opened.document.layout.indent } });
}
