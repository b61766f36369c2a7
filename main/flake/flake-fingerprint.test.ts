// The git index reader and the flake fingerprint built on it, checked against git's own listing.

import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFlakeRepo } from '../../tests/support/fixture-flake.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';
import { flakeFingerprint, readGitSource, sourceFingerprint } from './flake-fingerprint.ts';
import { parseGitIndex } from './git-index.ts';

const repos: FlakeRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));
function repo(): FlakeRepo {
  const r = makeFlakeRepo('inspect-hosts');
  repos.push(r);
  return r;
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });

/** `git ls-files -s`: mode, blob id and path of every tracked file. */
function lsFiles(cwd: string): string[] {
  return git(cwd, 'ls-files', '-s')
    .trim()
    .split('\n')
    .map((l) => l.replace(/\s+0\t/, ' '));
}

function parsed(cwd: string): string[] {
  const index = parseGitIndex(readFileSync(join(cwd, '.git', 'index')))!;
  return index.entries.map((e) => `${e.mode.toString(8)} ${e.oid} ${e.path}`);
}

describe('git index reader', () => {
  it('reads versions 2, 3 (intent-to-add) and 4 (prefix-compressed paths) as git lists them', () => {
    const r = repo();
    expect(parseGitIndex(readFileSync(join(r.path, '.git', 'index')))!.version).toBe(2);
    expect(parsed(r.path)).toEqual(lsFiles(r.path));

    writeFileSync(join(r.path, 'later.nix'), '{ }\n');
    git(r.path, 'add', '-N', 'later.nix');
    expect(parseGitIndex(readFileSync(join(r.path, '.git', 'index')))!.version).toBe(3);
    expect(parsed(r.path)).toEqual(lsFiles(r.path));

    git(r.path, 'update-index', '--index-version', '4');
    expect(parseGitIndex(readFileSync(join(r.path, '.git', 'index')))!.version).toBe(4);
    expect(parsed(r.path)).toEqual(lsFiles(r.path));
  });

  it('refuses what it does not read rather than guessing', () => {
    expect(parseGitIndex(Buffer.from('not an index'))).toBeUndefined();
    const r = repo();
    git(r.path, 'update-index', '--split-index');
    expect(parseGitIndex(readFileSync(join(r.path, '.git', 'index')))).toBeUndefined();
    expect(flakeFingerprint(r.path)).toBeUndefined();
  });
});

describe('flake fingerprint', () => {
  it('changes with tracked content and mode, and comes back when a change is undone', () => {
    const r = repo();
    const file = join(r.path, 'hosts/bare/config.nix');
    const original = readFileSync(file, 'utf8');
    const clean = flakeFingerprint(r.path);
    expect(clean).toMatch(/^[\w-]{43}$/);

    writeFileSync(join(r.path, 'untracked.txt'), 'nix does not see this');
    expect(flakeFingerprint(r.path)).toBe(clean);

    writeFileSync(file, original.replace('xfs', 'ext4')); // not staged: nix still reads the working tree
    const edited = flakeFingerprint(r.path);
    expect(edited).not.toBe(clean);

    // Same size and an old mtime: the content is still read, because the stat no longer matches the index.
    writeFileSync(file, original.replace('xfs', 'ext'));
    utimesSync(file, new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect(flakeFingerprint(r.path)).not.toBe(clean);

    writeFileSync(file, original);
    expect(flakeFingerprint(r.path)).toBe(clean);

    chmodSync(file, 0o755);
    expect(flakeFingerprint(r.path)).not.toBe(clean);
    chmodSync(file, 0o644);
    expect(flakeFingerprint(r.path)).toBe(clean);

    rmSync(join(r.path, 'pkgs.nix'));
    expect(flakeFingerprint(r.path)).not.toBe(clean);
  });

  it('follows symlinks as links and tells flakes in different folders apart', () => {
    const r = repo();
    symlinkSync('lib.nix', join(r.path, 'link.nix'));
    git(r.path, 'add', 'link.nix');
    const withLink = flakeFingerprint(r.path);
    rmSync(join(r.path, 'link.nix'));
    symlinkSync('flake.nix', join(r.path, 'link.nix'));
    expect(flakeFingerprint(r.path)).not.toBe(withLink);
    expect(flakeFingerprint(join(r.path, 'hosts'))).not.toBe(flakeFingerprint(r.path));
  });

  it('is the same when computed in turns of the event loop beside an evaluation, on more files than one turn takes', async () => {
    const r = repo();
    for (let i = 0; i < 600; i++) writeFileSync(join(r.path, `many-${i}.txt`), `${i}\n`);
    git(r.path, 'add', '-A');
    const inTurns = (folder: string) => sourceFingerprint(readGitSource(folder)!);
    expect(await inTurns(r.path)).toBe(flakeFingerprint(r.path));
    writeFileSync(join(r.path, 'many-500.txt'), 'edited\n');
    chmodSync(join(r.path, 'pkgs.nix'), 0o755);
    rmSync(join(r.path, 'many-7.txt'));
    const edited = await inTurns(r.path);
    expect(edited).toBe(flakeFingerprint(r.path));
    expect(await inTurns(join(r.path, 'hosts'))).toBe(flakeFingerprint(join(r.path, 'hosts')));
    expect(flakeFingerprint(join(r.path, 'hosts'))).not.toBe(edited);
  });
});
