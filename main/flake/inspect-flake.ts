// The flake reference of nix/inspect-flake.nix, copied once per process into a folder nix can read (the app's own
// files may sit in an archive, or in a folder whose name nix does not take in a flake reference).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isPlainPath } from './flake-folder.ts';

let folder: string | undefined;

/** `path:<folder>` of the copy of nix/inspect-flake.nix, written at the first call and removed when the process ends. */
export function inspectFlakeRef(): string {
  if (!folder) {
    const text = readFileSync(resolve(import.meta.dirname, '..', '..', 'nix', 'inspect-flake.nix'), 'utf8');
    // /tmp when the temporary folder's name has a character nix refuses in a flake reference.
    const made = mkdtempSync(join(isPlainPath(tmpdir()) ? tmpdir() : '/tmp', 'flakedeck-inspect-flake-'));
    writeFileSync(join(made, 'flake.nix'), text);
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    folder = made;
  }
  return `path:${folder}`;
}
