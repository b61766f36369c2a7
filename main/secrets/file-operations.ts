// sops operations on files on disk: each reads, works in memory, checks what it wrote, and saves atomically.

import { dirname } from 'node:path';
import { formatForPath, storeFor } from './stores/index.ts';
import { readMetadata } from './metadata.ts';
import { readVersioned, writeAtomically } from './atomic-file.ts';
import { decryptedBytes, encryptPlain, openSops, rotate, updateKeys } from './sops-file.ts';
import { newDataKey } from './data-key.ts';
import { ApiError } from '../../common/api/errors.ts';
import type { OpenedFile, OpenOptions } from './sops-file.ts';
import { requireSopsConfig, ruleForFile } from './sops-config.ts';
import type { SopsConfig } from './sops-config.ts';
import { invalidFile } from './sops-errors.ts';
import type { SecretFormat } from '../../common/model/secrets.ts';

/** Reads back bytes about to be written with the data key: they must decrypt and pass their MAC. */
export async function checkWritten(bytes: Uint8Array, format: SecretFormat, options: OpenOptions): Promise<OpenedFile> {
  try {
    return await openSops(bytes, format, { ...options, ignoreMac: false });
  } catch (error) {
    throw invalidFile(`Flakedeck produced a file it cannot read back (${(error as Error).message}); nothing was written.`, 'Please report this as a bug.');
  }
}

export interface FileOptions {
  identities: readonly string[];
  /** Where to start looking for .sops.yaml: sops uses the working directory; the app uses the flake. */
  configStart?: string;
  format?: SecretFormat;
}

function configFor(path: string, start: string | undefined): SopsConfig {
  return requireSopsConfig(start ?? dirname(path));
}

export async function decryptFile(path: string, options: FileOptions & { ignoreMac?: boolean }): Promise<OpenedFile> {
  const { bytes } = readVersioned(path);
  return openSops(bytes, options.format ?? formatForPath(path), { identities: options.identities, file: path, ignoreMac: options.ignoreMac });
}

/** `sops encrypt`: the encrypted bytes of a plaintext file, by the creation rule that matches it. */
export async function encryptFile(path: string, options: FileOptions): Promise<{ bytes: Uint8Array; config: SopsConfig }> {
  const config = configFor(path, options.configStart);
  const rule = ruleForFile(config, path);
  const format = options.format ?? formatForPath(path);
  const bytes = await encryptPlain(readVersioned(path).bytes, format, { plan: rule.plan, rules: rule.rules, settings: config.stores });
  return { bytes, config };
}

/** Encrypts a plaintext file over itself (`--in-place`): read back first, and refused if it changed meanwhile. */
export async function encryptFileInPlace(path: string, options: FileOptions): Promise<void> {
  const { bytes: plain, version } = readVersioned(path);
  const config = configFor(path, options.configStart);
  const rule = ruleForFile(config, path);
  const format = options.format ?? formatForPath(path);
  const dataKey = newDataKey();
  const bytes = await encryptPlain(plain, format, { plan: rule.plan, rules: rule.rules, settings: config.stores, dataKey });
  // The plaintext is replaced only by a file that gives it back.
  const reopened = await checkWritten(bytes, format, { identities: [], dataKey, file: path, settings: config.stores });
  const store = storeFor(format, config.stores);
  if (!sameBytes(decryptedBytes(reopened), store.writePlain(store.readPlain(plain)))) {
    throw invalidFile(`Flakedeck produced a file that does not give back ${path}; nothing was written.`, 'Please report this as a bug.');
  }
  writeAtomically(path, bytes, version);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}

/**
 * Runs a read-change-write of one file again when another writer changed it in between: the other change is kept,
 * and this one is made on top of it.
 */
async function onLatest<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= 5 || !(error instanceof ApiError) || error.code !== 'FILE_CHANGED') throw error;
    }
  }
}

/** Whether two lists of key groups hold the same recipients, group by group, in any order within a group. */
export function sameGroups(a: readonly (readonly string[])[], b: readonly (readonly string[])[]): boolean {
  const key = (g: readonly string[]) => [...new Set(g)].sort().join(',');
  return a.length === b.length && a.every((g, i) => key(g) === key(b[i]!));
}

/** `sops updatekeys`: the data key re-wrapped for the recipients the creation rules give now. */
export function updateKeysFile(path: string, options: FileOptions): Promise<{ changed: boolean }> {
  return onLatest(async () => {
  const { bytes, version } = readVersioned(path);
  const rule = ruleForFile(configFor(path, options.configStart), path);
  const format = options.format ?? formatForPath(path);
  const current = readMetadata(storeFor(format).readEncrypted(bytes).metadata);
  if (sameGroups(current.keyGroups.map((g) => g.age.map((k) => k.recipient)), rule.plan.groups)) return { changed: false };
  const updated = await updateKeys(bytes, format, rule.plan, { identities: options.identities, file: path });
  writeAtomically(path, updated, version);
  return { changed: true };
  });
}

/** `sops rotate`: a new data key, every value re-encrypted. */
export function rotateFile(path: string, options: FileOptions): Promise<void> {
  return onLatest(async () => {
  const { bytes, version } = readVersioned(path);
  const format = options.format ?? formatForPath(path);
  const rotated = await rotate(bytes, format, { identities: options.identities, file: path });
  await checkWritten(rotated, format, { identities: options.identities, file: path });
  writeAtomically(path, rotated, version);
  });
}
