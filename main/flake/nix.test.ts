// The nix wrapper with real nix: the hosts of a flake, and evaluation errors named with their file and line.

import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../common/api/errors.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awkwardPrefix, makeFlakeRepo } from '../../tests/support/fixture-flake.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';
import { listHosts } from './hosts.ts';
import { Nix, parseVersion } from './nix.ts';
import { installable, resolveFlakeFolder } from './flake-folder.ts';

const repos: FlakeRepo[] = [];
const repo = (source: Parameters<typeof makeFlakeRepo>[0]) => {
  const r = makeFlakeRepo(source);
  repos.push(r);
  return r;
};
afterAll(() => repos.forEach((r) => r.remove()));

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected a failure');
}

describe('nix wrapper', () => {
  const nix = new Nix();

  it('lists the hosts of a four-host fixture flake', async () => {
    const flake = repo('four-hosts');
    expect(await listHosts(nix, flake.path)).toEqual([
      { name: 'desktop' },
      { name: 'homelab' },
      { name: 'laptop' },
      { name: 'vps' },
    ]);
  });

  it('reports a syntax error with the file in the user folder and its line', async () => {
    const flake = repo({
      'flake.nix': '{\n  outputs = { self }: {\n    nixosConfigurations = { a = 1;; };\n  };\n}\n',
    });
    const error = await failure(listHosts(nix, flake.path));
    expect(error.code).toBe('NIX_EVAL_ERROR');
    expect(error.message).toMatch(/syntax error, unexpected ';'/);
    expect(error.location).toEqual({ file: `${flake.path}/flake.nix`, line: 3, column: 35 });
  });

  it('reports an evaluation error inside an imported file at that file', async () => {
    const flake = repo({
      'flake.nix': '{\n  outputs = { self }: {\n    nixosConfigurations = import ./hosts.nix;\n  };\n}\n',
      'hosts.nix': '{\n  a = { };\n  b = 1 + "two";\n}\n',
    });
    const error = await failure(
      nix.evalJson(installable(flake.path, ['nixosConfigurations']), {
        apply: 'builtins.mapAttrs (n: v: builtins.seq v n)',
        sourceRoot: flake.path,
      }),
    );
    expect(error.message).toBe('cannot add a string to an integer');
    expect(error.location).toMatchObject({ file: `${flake.path}/hosts.nix`, line: 3 });
  });

  it('names the untracked file when nix cannot see it', async () => {
    const flake = repo({ 'flake.nix': '{ outputs = { self }: { nixosConfigurations = import ./hosts.nix; }; }\n' });
    const error = await failure(listHosts(nix, flake.path));
    expect(error.hint).toMatch(/git add hosts\.nix/);
  });

  it('gives an empty list for a flake that declares no NixOS hosts', async () => {
    const flake = repo({ 'flake.nix': '{ outputs = { self }: { packages = { }; }; }\n' });
    expect(await listHosts(nix, flake.path)).toEqual([]);
  });

  it('says clearly when a folder is not a flake', () => {
    const flake = repo({ 'README.md': 'no flake here\n' });
    expect(() => resolveFlakeFolder(flake.path)).toThrow(/has no flake\.nix, so it is not a flake/);
    expect(() => resolveFlakeFolder('/definitely/not/here')).toThrow(/does not exist/);
    try {
      resolveFlakeFolder(flake.path);
    } catch (error) {
      expect((error as ApiError).code).toBe('NOT_A_FLAKE');
    }
  });

  it('reads a flake in a folder whose name nix cannot take in a flake reference, uncommitted changes included', async () => {
    const hosts = '{ a = { }; b = { }; }';
    const flakeNix = '{ outputs = { self }: { nixosConfigurations = import ./hosts.nix; }; }\n';
    // At the root of a git repository, below it, and in no repository.
    const atRoot = makeFlakeRepo({ 'flake.nix': flakeNix, 'hosts.nix': hosts }, awkwardPrefix);
    const below = makeFlakeRepo({ 'my hosts [1]/flake.nix': flakeNix, 'my hosts [1]/hosts.nix': hosts }, awkwardPrefix);
    const plain = mkdtempSync(join(tmpdir(), awkwardPrefix));
    writeFileSync(join(plain, 'flake.nix'), flakeNix);
    writeFileSync(join(plain, 'hosts.nix'), hosts);
    repos.push(atRoot, below, { path: plain, write: () => {}, remove: () => rmSync(plain, { recursive: true }) });
    // A change not committed (a new host) is seen, as nix sees it in a plain folder.
    atRoot.write('hosts.nix', '{ a = { }; b = { }; c = { }; }');
    below.write('my hosts [1]/hosts.nix', '{ a = { }; b = { }; c = { }; }');
    for (const folder of [atRoot.path, join(below.path, 'my hosts [1]'), plain]) {
      const expected = folder === plain ? ['a', 'b'] : ['a', 'b', 'c'];
      expect(
        (await listHosts(nix, resolveFlakeFolder(folder))).map((h) => h.name),
        folder,
      ).toEqual(expected);
    }
  });

  it('says clearly when nix is not installed', async () => {
    const missing = new Nix({ binary: 'nix-not-installed-here' });
    const error = await failure(missing.run(['--version']));
    expect(error.code).toBe('NIX_MISSING');
    expect(error.message).toMatch(/Nix is not installed/);
    const flake = repo('four-hosts');
    expect((await failure(listHosts(missing, flake.path))).code).toBe('NIX_MISSING');
  });

  it('detects the version instead of assuming one', async () => {
    const version = await nix.version();
    expect(version.major).toBeGreaterThanOrEqual(2);
    expect(parseVersion('nix (Nix) 2.8.0')).toMatchObject({ version: '2.8.0', hasPrintOutPaths: false });
    expect(parseVersion('nix (Nix) 2.24.10')).toMatchObject({ major: 2, minor: 24, hasPrintOutPaths: true });
  });

  it('quotes attribute names and refuses ones nix cannot take', () => {
    expect(installable('/f', ['nixosConfigurations', 'web-01', 'config'])).toBe('/f#nixosConfigurations.web-01.config');
    expect(installable('/f', ['nixosConfigurations', 'a b;rm -rf'])).toBe('/f#nixosConfigurations."a b;rm -rf"');
    expect(() => installable('/f', ['x"y'])).toThrow(/cannot be passed to nix/);
    expect(installable('/f', ['a`b{c}%d'])).toBe('/f#"a%60b%7Bc%7D%25d"');
  });
});
