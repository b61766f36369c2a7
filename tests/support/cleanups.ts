// Whatever a test starts is stopped when it ends: a test file's list of cleanups, run after each test, newest first.

import { afterEach } from 'vitest';

/**
 * The cleanups of this test file: push one for each thing a test starts (a target, services, a process). They run
 * after every test in reverse order, so what started last stops first, and the list is empty for the next test.
 */
export function cleanupsAfterEach(): (() => unknown)[] {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return cleanups;
}
