// The app:// path check the Electron protocol handler (and the test harness) applies, under Node: only files of the
// built renderer, however a request encodes its way out.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appUrlFile, rendererFile } from './app-files.ts';

const root = mkdtempSync(join(tmpdir(), 'flakedeck-renderer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('app:// path check', () => {
  it('maps paths inside the renderer folder to their files, / to index.html', () => {
    expect(rendererFile(root, '/')).toBe(join(root, 'index.html'));
    expect(rendererFile(root, '/index.html')).toBe(join(root, 'index.html'));
    expect(rendererFile(root, '/assets/main-1a2b.js')).toBe(join(root, 'assets', 'main-1a2b.js'));
    expect(rendererFile(root, '/assets/a%20b.css')).toBe(join(root, 'assets', 'a b.css'));
    // Climbing back in is still inside.
    expect(rendererFile(root, '/assets/../index.html')).toBe(join(root, 'index.html'));
  });

  it('refuses a path that leaves the folder, however it is encoded', () => {
    for (const path of [
      '/../secret',
      '/..',
      '/%2e%2e/secret',
      '/%2E%2E%2Fsecret',
      '/assets/..%2F..%2Fsecret',
      '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      // A sibling folder whose name starts like the renderer's.
      `/../${root.split('/').at(-1)}-other/x`,
    ]) {
      expect(rendererFile(root, path), path).toBeNull();
    }
  });

  it('refuses broken %-escapes and NUL bytes instead of throwing', () => {
    expect(rendererFile(root, '/%E0%A4%A')).toBeNull();
    expect(rendererFile(root, '/%')).toBeNull();
    expect(rendererFile(root, '/index.html%00.png')).toBeNull();
  });

  it('serves app://flakedeck/ only', () => {
    expect(appUrlFile(root, 'app://flakedeck/index.html')).toBe(join(root, 'index.html'));
    // The URL parser resolves an encoded dot segment itself, at the root: it stays inside.
    expect(appUrlFile(root, 'app://flakedeck/%2e%2e/x')).toBe(join(root, 'x'));
    expect(appUrlFile(root, 'app://flakedeck/..%2F..%2Fx')).toBeNull();
    expect(appUrlFile(root, 'app://other/index.html')).toBeNull();
    expect(appUrlFile(root, 'app://flakedeck.evil/index.html')).toBeNull();
    expect(appUrlFile(root, 'not a url')).toBeNull();
  });
});
