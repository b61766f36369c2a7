// A git flake's narHash computed without nix, checked against what nix flake metadata says, and the fingerprint
// computed in the same pass, checked against the one a stat of every file gives.

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFlakeRepo } from '../../tests/support/fixture-flake.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';
import { flakeFingerprint, readGitSource } from './flake-fingerprint.ts';
import { scanGitSource } from './source-hash.ts';

const repos: FlakeRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

/** What nix itself says: locked.narHash and the store path of the source. */
function nixMetadata(folder: string) {
  const data = JSON.parse(
    execFileSync('nix', ['flake', 'metadata', '--json', '--no-write-lock-file', folder], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as { locked: { narHash: string }; path: string };
  return { narHash: data.locked.narHash, storePath: data.path };
}

const scan = (folder: string) => scanGitSource(readGitSource(folder)!);
const metadataOf = async (folder: string) => (await scan(folder)).metadata;

describe('narHash of a git flake, computed without nix', () => {
  it('equals nix flake metadata on a clean tree, a dirty one, modes, links, nested folders', async () => {
    const r = makeFlakeRepo('inspect-hosts');
    repos.push(r);
    expect(await metadataOf(r.path)).toEqual(nixMetadata(r.path));

    writeFileSync(join(r.path, 'hosts/bare/config.nix'), '{ }\n'); // modified, not staged
    chmodSync(join(r.path, 'pkgs.nix'), 0o755);
    symlinkSync('lib.nix', join(r.path, 'link.nix'));
    mkdirSync(join(r.path, 'deep/er/still'), { recursive: true });
    writeFileSync(join(r.path, 'deep/er/still/file with spaces é.txt'), Buffer.alloc(13, 7));
    execFileSync('git', ['add', 'link.nix', 'deep'], { cwd: r.path });
    writeFileSync(join(r.path, 'untracked.txt'), 'nix does not copy this');
    rmSync(join(r.path, 'secrets/server.yaml')); // tracked but deleted
    expect(await metadataOf(r.path)).toEqual(nixMetadata(r.path));
  });

  it('hashes the whole repository for a flake in a subfolder, as nix does', async () => {
    const r = makeFlakeRepo({
      'README.md': 'a repository with its flake in a subfolder\n',
      'infra/flake.nix': '{ outputs = { self }: { }; }\n',
    });
    repos.push(r);
    const folder = join(r.path, 'infra');
    expect(await metadataOf(folder)).toEqual(nixMetadata(folder));
  });

  it('gives the fingerprint a stat of every file gives: edited, a mode changed, a link, deleted, a subfolder', async () => {
    const r = makeFlakeRepo('inspect-hosts');
    repos.push(r);
    expect((await scan(r.path)).fingerprint).toBe(flakeFingerprint(r.path));
    writeFileSync(join(r.path, 'hosts/bare/config.nix'), '{ }\n');
    chmodSync(join(r.path, 'pkgs.nix'), 0o755);
    symlinkSync('lib.nix', join(r.path, 'link.nix'));
    execFileSync('git', ['add', 'link.nix'], { cwd: r.path });
    rmSync(join(r.path, 'secrets/server.yaml'));
    const edited = await scan(r.path);
    expect(edited.fingerprint).toBe(flakeFingerprint(r.path));
    const below = join(r.path, 'hosts');
    expect((await scan(below)).fingerprint).toBe(flakeFingerprint(below));
    expect(flakeFingerprint(below)).not.toBe(edited.fingerprint);
  });
});
