// The flake a launch of the app asks for: `--flake=PATH`, else, installed, the flake it was started in (as
// `nix run .` in a flake's folder does), so that it opens there rather than on the last flake opened.

import { resolve } from 'node:path';
import { findFlakeUpwards } from './flake-folder.ts';

export function launchFlake(argv: readonly string[], workingDirectory: string, packaged: boolean): string | undefined {
  const flag = argv.find((a) => a.startsWith('--flake='))?.slice('--flake='.length);
  if (flag !== undefined) return resolve(workingDirectory, flag);
  // In development the app runs from this repository, whose flake is already the default.
  return packaged ? findFlakeUpwards(workingDirectory) : undefined;
}
