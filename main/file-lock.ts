// Cross-process locks (proper-lockfile): a lock directory beside what it guards, taken over when its holder died.

import lockfile from 'proper-lockfile';
import { ApiError } from '../common/api/errors.ts';

/** A holder refreshes its lock every few seconds; one not refreshed for this long belongs to a process that died. */
const stale = 10_000;
/** Waiting longer than a stale lock takes to expire means something holds it on purpose. */
const patience = 3 * stale;
const pause = new Int32Array(new SharedArrayBuffer(4));

export interface LockOptions {
  /** The lock directory; proper-lockfile's default is `<path>.lock`. */
  lockPath: string;
  /** For the message when the lock cannot be had: what is busy. */
  what: string;
}

function busy(options: LockOptions): ApiError {
  return new ApiError({
    code: 'BUSY',
    message: `${options.what} is being changed by another program, and it did not finish within ${patience / 1000} s.`,
    hint: `Wait for the other program to finish and try again. If none is running, delete ${options.lockPath}.`,
  });
}

const settings = (options: LockOptions) => ({ realpath: false, lockfilePath: options.lockPath, stale });

/**
 * Runs `work` holding the lock; for short work (a check and a rename) that cannot await. The wait blocks the
 * thread, so it is for critical sections of milliseconds only.
 */
export function withLockSync<T>(path: string, options: LockOptions, work: () => T): T {
  const deadline = Date.now() + patience;
  let release: (() => void) | undefined;
  for (let delay = 2; !release; delay = Math.min(delay * 2, 50)) {
    try {
      release = lockfile.lockSync(path, settings(options));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      if (Date.now() > deadline) throw busy(options);
      Atomics.wait(pause, 0, 0, delay);
    }
  }
  try {
    return work();
  } finally {
    release();
  }
}

/** Runs `work` holding the lock, waiting for it without blocking the thread. */
export async function withLock<T>(path: string, options: LockOptions, work: () => Promise<T>): Promise<T> {
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(path, {
      ...settings(options),
      retries: { retries: Math.ceil(patience / 100), minTimeout: 5, maxTimeout: 100, factor: 1.5 },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw busy(options);
    throw error;
  }
  try {
    return await work();
  } finally {
    await release().catch(() => undefined);
  }
}
