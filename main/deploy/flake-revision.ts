// The git revision a flake is at, and whether its tracked files have uncommitted changes (what nix calls dirty).

import { execFile } from 'node:child_process';

function git(folder: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) =>
    execFile('git', ['-C', folder, ...args], (error, stdout) => resolve(error ? null : stdout.trim())),
  );
}

export async function flakeRevision(folder: string): Promise<{ revision: string | null; dirty: boolean | null }> {
  const [revision, status] = await Promise.all([
    git(folder, ['rev-parse', '--verify', '--quiet', 'HEAD']),
    // Untracked files are invisible to a git flake, so they do not make it dirty.
    git(folder, ['status', '--porcelain', '--untracked-files=no']),
  ]);
  if (status === null) return { revision: null, dirty: null };
  return { revision: revision || null, dirty: status.length > 0 };
}
