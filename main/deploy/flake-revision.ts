// The git revision a flake is at, whether its tracked files have uncommitted changes (what nix calls dirty), and a
// short hash of those changes, so that two different dirty trees on the same commit tell apart.

import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';

export interface FlakeRevision {
  revision: string | null;
  dirty: boolean | null;
  /** The first 12 hex digits of the SHA-256 of the tracked changes against the commit; null when clean. */
  dirtyHash: string | null;
}

/** What git diffs a repository without commits against. */
const emptyTree = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/**
 * One `git status` answers the first two. Untracked files are invisible to a git flake, so they do not make it dirty;
 * and the user's index is left alone (no optional locks).
 */
export function flakeRevision(folder: string): Promise<FlakeRevision> {
  return new Promise((resolve) =>
    execFile(
      'git',
      ['--no-optional-locks', '-C', folder, 'status', '--porcelain=v2', '--branch', '--untracked-files=no'],
      (error, stdout) => {
        if (error) return resolve({ revision: null, dirty: null, dirtyHash: null });
        const lines = stdout.split('\n').filter(Boolean);
        const oid = lines.find((l) => l.startsWith('# branch.oid '))?.slice('# branch.oid '.length);
        const revision = oid && /^[0-9a-f]{40,64}$/.test(oid) ? oid : null;
        const dirty = lines.some((l) => !l.startsWith('#'));
        if (!dirty) return resolve({ revision, dirty, dirtyHash: null });
        changesHash(folder, revision ?? emptyTree).then(
          (dirtyHash) => resolve({ revision, dirty, dirtyHash }),
          () => resolve({ revision, dirty, dirtyHash: null }),
        );
      },
    ),
  );
}

/**
 * The hash of `git diff <base>` over the tracked files (staged or not), streamed, in a form no user setting changes:
 * the same edits give the same hash, any other edit another.
 */
function changesHash(folder: string, base: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const git = spawn(
      'git',
      [
        '--no-optional-locks',
        '-C',
        folder,
        'diff',
        '--binary',
        '--full-index',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        '--no-renames',
        '--diff-algorithm=myers',
        '--src-prefix=a/',
        '--dst-prefix=b/',
        base,
        '--',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const hash = createHash('sha256');
    git.stdout.on('data', (chunk: Buffer) => hash.update(chunk));
    git.on('error', reject);
    git.on('close', (code) =>
      code === 0 ? resolve(hash.digest('hex').slice(0, 12)) : reject(new Error(`git diff exited with ${code}`)),
    );
  });
}
