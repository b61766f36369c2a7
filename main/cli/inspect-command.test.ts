// `flakedeck inspect` on fixture flakes: the manifests as JSON or for people, a broken host, the cached answer.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { awkwardPrefix, makeFlakeRepo, repoRoot } from '../../tests/support/fixture-flake.ts';
import { runCliInProcess } from '../../tests/support/run-cli.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';

const bin = join(repoRoot, 'bin', 'flakedeck.js');
const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

function repo(): FlakeRepo {
  const r = makeFlakeRepo('inspect-hosts', awkwardPrefix);
  cleanups.push(r.remove);
  return r;
}

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flakedeck-cli-data-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The installed command, as a user runs it, with a data folder of its own (the history database is the app's). */
function flakedeckBinary(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, FLAKEDECK_DATA_DIR: dataDir() },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The same command line in this process, with a data folder of its own unless `env` names one. */
const flakedeck = (args: string[], env: Record<string, string> = {}) =>
  runCliInProcess(args, { FLAKEDECK_DATA_DIR: dataDir(), ...env });

describe('flakedeck inspect', () => {
  it('prints every host manifest as JSON, with the documented fields', () => {
    const flake = repo();
    const result = flakedeckBinary(['inspect', '--flake', flake.path, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { hosts } = JSON.parse(result.stdout) as { hosts: Record<string, Record<string, unknown>> };
    expect(Object.keys(hosts)).toEqual(['bare', 'desktop', 'laptop', 'server']);
    const laptop = hosts.laptop!;
    expect(laptop.ephemeralRoot).toBe(true);
    expect(laptop.persistence).toContainEqual(
      expect.objectContaining({ path: '/var/lib/colord', kind: 'directory', storage: '/persist' }),
    );
    expect(laptop.persistence).toContainEqual(
      expect.objectContaining({ path: '/home/alice/.bash_history', kind: 'file', storage: '/persist', user: 'alice' }),
    );
    expect(laptop.fileSystems).toContainEqual(expect.objectContaining({ mountPoint: '/state', fsType: 'ext4' }));
    expect(laptop.homeManager).toMatchObject({
      alice: { packages: ['ripgrep', 'git', 'firefox'], files: ['.config/git/ignore', 'bin/hello'] },
    });
    expect(laptop.secrets).toContainEqual(
      expect.objectContaining({ name: 'wifi/psk', sopsFile: join(flake.path, 'secrets/laptop.yaml') }),
    );
    expect(laptop.unpersistedState).toContainEqual(
      expect.objectContaining({ service: 'syncthing', path: '/var/lib/syncthing' }),
    );
    expect(hosts.bare).toMatchObject({ ephemeralRoot: false, persistence: [], homeManager: {}, secrets: [] });
  });

  it('prints only the hosts named, and refuses one the flake does not have', async () => {
    const flake = repo();
    const one = await flakedeck(['inspect', '--flake', flake.path, 'server', '--json']);
    expect(Object.keys((JSON.parse(one.stdout) as { hosts: object }).hosts)).toEqual(['server']);
    const none = await flakedeck(['inspect', '--flake', flake.path, 'nope']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/has no host named "nope"/);
    expect(none.stderr).toMatch(/Its hosts are: bare, desktop, laptop, server\./);
  });

  it('summarises each host for people, warnings included', async () => {
    const result = await flakedeck(['inspect', '--flake', repo().path, 'laptop']);
    expect(result.stdout).toContain('laptop  x86_64-linux  tmpfs root: wiped at every boot\n');
    expect(result.stdout).toContain('  keeps on /state: 2 paths\n');
    expect(result.stdout).toContain('  warning: syncthing keeps state in /var/lib/syncthing, which a reboot wipes\n');
  });

  it('shows the good hosts and exits 1 with the broken host’s error and line', async () => {
    const flake = repo();
    flake.write('hosts/broken/default.nix', '{\n  modules = [ ./config.nix ];\n}\n');
    flake.write('hosts/broken/config.nix', '{\n  fileSystems."/".fsType = "ext" + 4;\n}\n');
    const result = await flakedeck(['inspect', '--flake', flake.path, '--json']);
    expect(result.code).toBe(1);
    const out = JSON.parse(result.stdout) as { hosts: object; errors: Record<string, { location: object }> };
    expect(Object.keys(out.hosts)).toEqual(['bare', 'desktop', 'laptop', 'server']);
    expect(out.errors.broken!.location).toMatchObject({ file: join(flake.path, 'hosts/broken/config.nix'), line: 2 });
    expect(result.stderr).toMatch(/^flakedeck: broken does not evaluate: /);
  });

  it('answers a second time from the app’s history database', async () => {
    const flake = repo();
    const data = dataDir();
    const first = await flakedeck(['inspect', '--flake', flake.path, '--json'], { FLAKEDECK_DATA_DIR: data });
    // With nix off the PATH, only the cache can answer.
    const again = await flakedeck(['inspect', '--flake', flake.path, '--json'], {
      FLAKEDECK_DATA_DIR: data,
      PATH: '/nonexistent',
    });
    expect(again).toEqual({ code: 0, stdout: first.stdout, stderr: '' });
  });
});
