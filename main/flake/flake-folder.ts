// Finds and checks the folder of a flake, and builds installables that nix parses the way we mean.

import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ApiError } from '../../common/api/errors.ts';

function notAFlake(message: string, hint = 'Open the folder that holds your flake.nix.'): ApiError {
  return new ApiError({ code: 'NOT_A_FLAKE', message, hint });
}

/** Resolves a user-given folder to the absolute path of a flake, or says plainly why it is not one. */
export function resolveFlakeFolder(path: string, cwd = process.cwd()): string {
  const folder = resolve(cwd, path);
  if (!existsSync(folder)) throw notAFlake(`${folder} does not exist.`);
  if (!statSync(folder).isDirectory()) throw notAFlake(`${folder} is a file, not a folder.`);
  if (!existsSync(join(folder, 'flake.nix'))) throw notAFlake(`${folder} has no flake.nix, so it is not a flake.`);
  return folder;
}

/** What nix's flake reference parser takes in a bare path (RFC 3986 path characters, without %-escapes). */
const plainPath = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]+$/;

/** Whether nix takes `path` as it is in a flake reference. */
export const isPlainPath = (path: string): boolean => plainPath.test(path);

/**
 * How nix is pointed at the flake in `folder`; nix must run in `folder` (its cwd) for it. A plain path goes as it
 * is. Nix refuses a path with a space, a bracket, a '#' or '?', and reads an encoded git+file URL as a remote
 * repository (so without uncommitted changes): such a folder is named relative to where nix runs, `git+file:..`
 * (with `?dir=` for a flake below the repository's root) in a git repository, `path:.` elsewhere.
 */
export function flakeRef(folder: string): string {
  if (isPlainPath(folder)) return folder;
  const root = sourceRootOf(folder);
  if (!existsSync(join(root, '.git'))) return 'path:.';
  const below = relative(root, folder);
  return `git+file:${relative(folder, root) || '.'}${below ? `?dir=${encodeURIComponent(below)}` : ''}`;
}

/** The nearest folder at or above `start` that holds a flake.nix, as nix itself searches. */
export function findFlakeUpwards(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'flake.nix'))) return dir;
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return undefined;
  }
}

/**
 * The folder nix copies into the store for this flake: the enclosing git repository, else the flake itself.
 * Error locations in `/nix/store/…-source/` map back to it.
 */
export function sourceRootOf(folder: string): string {
  for (let dir = folder; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return folder;
  }
}

const plainAttr = /^[A-Za-z_][A-Za-z0-9_'-]*$/;
/** What nix takes in a flake reference's fragment as it is (RFC 3986 pchar, plus what nix adds); the rest is %-encoded. */
const fragmentChar = /[A-Za-z0-9\-._~!$&'()*+,;=:@/? ^]/;

/**
 * `folder#a."b c".d` (the folder as flakeRef gives it: nix runs in the folder): components that are not plain
 * identifiers are quoted; a quote itself cannot be.
 */
export function installable(folder: string, attrPath: readonly string[]): string {
  const parts = attrPath.map((part) => {
    if (plainAttr.test(part)) return part;
    if (part.includes('"') || part.length === 0) {
      throw new ApiError({
        code: 'INVALID_ARGUMENTS',
        message: `The name ${JSON.stringify(part)} cannot be passed to nix.`,
      });
    }
    // Nix reads the fragment as a URL's and decodes it: a backtick or a brace passes only %-encoded.
    const encoded = [...part].map((c) => (fragmentChar.test(c) ? c : encodeURIComponent(c))).join('');
    return `"${encoded}"`;
  });
  return `${flakeRef(folder)}#${parts.join('.')}`;
}
