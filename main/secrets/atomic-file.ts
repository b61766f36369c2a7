// Saving a file atomically (temp file in the same folder, fsync, rename, fsync the folder), refusing to overwrite a
// file that changed on disk since it was read, one writer at a time across processes.

import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync, constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ApiError } from '../../common/api/errors.ts';
import { withLockSync } from '../file-lock.ts';

/** What a file was when it was read: its bytes' hash (mtime alone misses same-second writes). */
export interface FileVersion {
  sha256: string;
  mode: number;
}

export function versionOf(bytes: Uint8Array, mode: number): FileVersion {
  return { sha256: createHash('sha256').update(bytes).digest('hex'), mode };
}

/** Reads a file with the version to check against when saving. */
export function readVersioned(path: string): { bytes: Uint8Array; version: FileVersion } {
  const bytes = new Uint8Array(readFileSync(path));
  return { bytes, version: versionOf(bytes, statSync(path).mode & 0o777) };
}

function currentVersion(path: string): FileVersion | undefined {
  try {
    return readVersioned(path).version;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function conflict(path: string, onDisk: FileVersion | undefined, expected: FileVersion | undefined): ApiError {
  return new ApiError({
    code: 'FILE_CHANGED',
    message: onDisk
      ? `${path} was changed on disk since it was opened; saving would overwrite that change.`
      : `${path} was ${expected ? 'deleted' : 'created'} on disk since it was opened.`,
    hint: 'Close it without saving and open it again to see the other change, then redo yours.',
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temp files of this file left by a write that was killed: their writer's process is gone. */
function removeLeftovers(folder: string, name: string): void {
  const prefix = `.${name}.flakedeck-`;
  for (const entry of readdirSync(folder)) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const pid = Number(entry.slice(prefix.length).split('-')[0]);
    if (Number.isSafeInteger(pid) && pid > 0 && !alive(pid)) rmSync(join(folder, entry), { force: true });
  }
}

/** The lock directory beside a file, hidden as the temp files are. */
export function lockPathOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.flakedeck.lock`);
}

/**
 * Writes `bytes` to `path`. `expected` is the version read before (undefined: the file must not exist yet);
 * a different file on disk is a conflict and nothing is written. Writers of one file take turns across processes
 * (a lock beside it), and the file is compared again right before the rename, so no change made meanwhile is lost.
 */
export function writeAtomically(path: string, bytes: Uint8Array, expected: FileVersion | undefined): FileVersion {
  const onDisk = currentVersion(path);
  if (onDisk?.sha256 !== expected?.sha256) throw conflict(path, onDisk, expected);
  const folder = dirname(path);
  const name = basename(path);
  removeLeftovers(folder, name);
  // The pid in the name tells a later write whether this temp file is still being written.
  const temp = join(folder, `.${name}.flakedeck-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  const mode = expected?.mode ?? 0o600;
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    withLockSync(path, { lockPath: lockPathOf(path), what: path }, () => {
      const now = currentVersion(path);
      if (now?.sha256 !== expected?.sha256) throw conflict(path, now, expected);
      renameSync(temp, path);
    });
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  // The rename is durable only once the folder's entry is on disk too.
  const dirFd = openSync(folder, constants.O_RDONLY);
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
  return versionOf(bytes, mode);
}
