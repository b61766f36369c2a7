// The revision a run records: the commit, and for a dirty tree a hash of its changes that tells two dirty trees apart.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeRevision } from '../../common/model/runs.ts';
import { flakeRevision } from './flake-revision.ts';

let repo: string;
const git = (...args: string[]) =>
  execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], {
    encoding: 'utf8',
  }).trim();
const write = (file: string, text: string) => writeFileSync(join(repo, file), text);

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'flakedeck-revision-'));
  git('init', '-q');
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

describe('flake revision', () => {
  it('tells two dirty trees on one commit apart, and gives the same edits the same hash', async () => {
    write('flake.nix', '{ outputs = _: { }; }\n');
    write('hosts.nix', '{ web = 1; }\n');
    git('add', '.');
    git('commit', '-qm', 'first');
    const head = git('rev-parse', 'HEAD');
    expect(await flakeRevision(repo)).toEqual({ revision: head, dirty: false, dirtyHash: null });

    write('hosts.nix', '{ web = 2; }\n');
    const first = await flakeRevision(repo);
    expect(first).toMatchObject({ revision: head, dirty: true, dirtyHash: expect.stringMatching(/^[0-9a-f]{12}$/) });

    write('hosts.nix', '{ web = 3; }\n');
    const second = await flakeRevision(repo);
    expect(second.dirtyHash).not.toBe(first.dirtyHash);

    // Back to the first edit: the same tree, the same hash, staged or not.
    write('hosts.nix', '{ web = 2; }\n');
    expect((await flakeRevision(repo)).dirtyHash).toBe(first.dirtyHash);
    git('add', 'hosts.nix');
    expect((await flakeRevision(repo)).dirtyHash).toBe(first.dirtyHash);

    // Untracked files are not part of a git flake: they change nothing.
    write('notes.txt', 'scratch\n');
    expect((await flakeRevision(repo)).dirtyHash).toBe(first.dirtyHash);

    expect(describeRevision(first)).toBe(`${head.slice(0, 12)}+dirty-${first.dirtyHash}`);
  });

  it('hashes the tracked files of a repository without commits, and knows nothing outside git', async () => {
    write('flake.nix', '{ outputs = _: { }; }\n');
    git('add', 'flake.nix');
    const first = await flakeRevision(repo);
    expect(first).toMatchObject({ revision: null, dirty: true, dirtyHash: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(describeRevision(first)).toBe(`dirty-${first.dirtyHash}`);

    const outside = mkdtempSync(join(tmpdir(), 'flakedeck-no-git-'));
    try {
      const none = await flakeRevision(outside);
      expect(none).toEqual({ revision: null, dirty: null, dirtyHash: null });
      expect(describeRevision(none)).toBeNull();
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
