// sops operations on files on disk: each reads here, works on the sops worker thread (sops-jobs.ts), and saves
// atomically what the worker checked.

import { formatForPath } from './stores/index.ts';
import { fileLock, readVersioned, writeAtomically } from './atomic-file.ts';
import type { FileVersion } from './atomic-file.ts';
import { withLock } from '../file-lock.ts';
import type { OpenedFile } from './sops-file.ts';
import type { SopsConfig } from './sops-config.ts';
import type { FileOptions } from './sops-jobs.ts';
import { openInWorker, sopsThread } from './sops-thread.ts';
import { handOver } from './tree-transfer.ts';

export type { FileOptions } from './sops-jobs.ts';

export async function decryptFile(path: string, options: FileOptions & { ignoreMac?: boolean }): Promise<OpenedFile> {
  const { bytes } = readVersioned(path);
  const format = options.format ?? formatForPath(path);
  return openInWorker(bytes, format, { identities: options.identities, file: path, ignoreMac: options.ignoreMac }, { handOver: true });
}

/** `sops encrypt`: the encrypted bytes of a plaintext file, by the creation rule that matches it. */
export function encryptFile(path: string, options: FileOptions): Promise<{ bytes: Uint8Array; config: SopsConfig }> {
  const { bytes } = readVersioned(path);
  return sopsThread.run('encrypt', path, [bytes, path, { ...options, readBack: false }], handOver(bytes));
}

/** Encrypts a plaintext file over itself (`--in-place`): read back first, and refused if it changed meanwhile. */
export async function encryptFileInPlace(path: string, options: FileOptions): Promise<void> {
  const { bytes: plain, version } = readVersioned(path);
  // The plaintext is replaced only by a file that gives it back.
  const { bytes } = await sopsThread.run('encrypt', path, [plain, path, { ...options, readBack: true }], handOver(plain));
  writeAtomically(path, bytes, version);
}

/**
 * A read-change-write of one file, holding its lock throughout: other writers (the app, another CLI) wait, and then
 * make their change on top of this one.
 */
function exclusive<T>(path: string, work: (write: (bytes: Uint8Array, version: FileVersion) => void) => Promise<T>): Promise<T> {
  return withLock(path, fileLock(path), () => work((bytes, version) => writeAtomically(path, bytes, version, { lockHeld: true })));
}

/** `sops updatekeys`: the data key re-wrapped for the recipients the creation rules give now. */
export function updateKeysFile(path: string, options: FileOptions): Promise<{ changed: boolean }> {
  return exclusive(path, async (write) => {
    const { bytes, version } = readVersioned(path);
    const updated = await sopsThread.run('updateKeys', path, [bytes, path, options], handOver(bytes));
    if (updated) write(updated, version);
    return { changed: updated !== null };
  });
}

/** `sops rotate`: a new data key, every value re-encrypted. */
export function rotateFile(path: string, options: FileOptions): Promise<void> {
  return exclusive(path, async (write) => {
    const { bytes, version } = readVersioned(path);
    write(await sopsThread.run('rotate', path, [bytes, path, options], handOver(bytes)), version);
  });
}
