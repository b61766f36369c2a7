// Packaging: `electron-forge package` builds the app, and the packaged binary carries the fuses forge.config.ts sets.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { electronBinary, noElectronReason } from '../support/electron-binary.ts';
import { repoRoot } from '../support/fixture-flake.ts';

test('the packaged app has RunAsNode, NODE_OPTIONS and inspect off, and loads only from its asar', async () => {
  test.skip(!electronBinary(), noElectronReason);
  test.setTimeout(10 * 60_000);
  execFileSync('npx', ['electron-forge', 'package'], { cwd: repoRoot, stdio: 'inherit' });
  const binary = join(repoRoot, 'out', `Flakedeck-${process.platform}-${process.arch}`, 'flakedeck');
  expect(existsSync(binary), binary).toBe(true);
  const fuses = await getCurrentFuseWire(binary);
  expect(fuses[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
  expect(fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
  expect(fuses[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
  expect(fuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
  expect(fuses[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
  // What the packaging hook copies: the nix expression and the native modules, unpacked beside the asar.
  const resources = join(repoRoot, 'out', `Flakedeck-${process.platform}-${process.arch}`, 'resources');
  for (const name of ['better-sqlite3', 'keytar', 'node-pty']) {
    expect(existsSync(join(resources, 'app.asar.unpacked', 'node_modules', name)), name).toBe(true);
  }
});
