// The narHash and store path that the inspection's one nix evaluation gives for the flake's source, checked against
// what `nix flake metadata` says: a clean tree, a dirty one, and a flake in a subfolder of its repository.

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFlakeRepo } from '../../tests/support/fixture-flake.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';
import { evaluateHosts } from './inspect.ts';
import { Nix } from './nix.ts';

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

const evaluatedSource = async (folder: string) => (await evaluateHosts(new Nix(), folder)).source;

describe('the source of an inspection, from its evaluation', () => {
  it('is what nix flake metadata says on a clean tree and on a dirty one with modes, links and nested folders', async () => {
    const r = makeFlakeRepo('inspect-hosts');
    repos.push(r);
    const clean = await evaluatedSource(r.path);
    expect(clean).toEqual(nixMetadata(r.path));

    writeFileSync(join(r.path, 'hosts/bare/extra.nix'), '{ }\n'); // tracked below, not imported
    chmodSync(join(r.path, 'pkgs.nix'), 0o755);
    symlinkSync('lib.nix', join(r.path, 'link.nix'));
    mkdirSync(join(r.path, 'deep/er/still'), { recursive: true });
    writeFileSync(join(r.path, 'deep/er/still/file with spaces é.txt'), Buffer.alloc(13, 7));
    execFileSync('git', ['add', 'link.nix', 'deep', 'hosts/bare/extra.nix'], { cwd: r.path });
    writeFileSync(join(r.path, 'untracked.txt'), 'nix does not copy this');
    const dirty = await evaluatedSource(r.path);
    expect(dirty).toEqual(nixMetadata(r.path));
    expect(dirty!.narHash).not.toBe(clean!.narHash);
  });

  it('is the whole repository for a flake in a subfolder, as nix copies it', async () => {
    const r = makeFlakeRepo({
      'README.md': 'a repository with its flake in a subfolder\n',
      'infra/flake.nix': '{ outputs = { self }: { nixosConfigurations.box = { config = { }; }; }; }\n',
    });
    repos.push(r);
    const folder = join(r.path, 'infra');
    const source = await evaluatedSource(folder);
    expect(source).toEqual(nixMetadata(folder));
  });

  it('comes with a flake that declares no hosts', async () => {
    const r = makeFlakeRepo({ 'flake.nix': '{ outputs = { self }: { }; }\n' });
    repos.push(r);
    const { hosts, source } = await evaluateHosts(new Nix(), r.path);
    expect(hosts).toEqual({});
    expect(source).toEqual(nixMetadata(r.path));
  });
});
