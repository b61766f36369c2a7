// The git revision a flake is at, and whether its tracked files have uncommitted changes (what nix calls dirty).

import { execFile } from 'node:child_process';

/**
 * One `git status` answers both. Untracked files are invisible to a git flake, so they do not make it dirty; and
 * the user's index is left alone (no optional locks).
 */
export function flakeRevision(folder: string): Promise<{ revision: string | null; dirty: boolean | null }> {
  return new Promise((resolve) =>
    execFile(
      'git',
      ['--no-optional-locks', '-C', folder, 'status', '--porcelain=v2', '--branch', '--untracked-files=no'],
      (error, stdout) => {
        if (error) return resolve({ revision: null, dirty: null });
        const lines = stdout.split('\n').filter(Boolean);
        const oid = lines.find((l) => l.startsWith('# branch.oid '))?.slice('# branch.oid '.length);
        resolve({
          revision: oid && /^[0-9a-f]{40,64}$/.test(oid) ? oid : null,
          dirty: lines.some((l) => !l.startsWith('#')),
        });
      },
    ),
  );
}
