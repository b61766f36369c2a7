// Finds Electron's binary without require('electron'), which would start a download where there is none: the one
// ELECTRON_OVERRIDE_DIST_PATH names (as in `nix develop`, nixpkgs' Electron), else the one npm's electron installed.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function electronBinary(): string | undefined {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return existsSync(join(override, 'electron')) ? join(override, 'electron') : undefined;
  const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

export const noElectronReason =
  'SKIPPED: no Electron binary in node_modules/electron/dist (it is downloaded outside the npm registry). ' +
  'Run `npx install-electron` on a machine with internet to run this test.';
