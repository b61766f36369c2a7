// The live reboot check over SSH to a loopback sshd: what the next reboot wipes, its limits and its errors.

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../common/api/errors.ts';
import { EventHub } from '../api/event-hub.ts';
import { openHistoryDatabase } from '../history/database.ts';
import { ManifestStore } from '../history/manifest-store.ts';
import { makeFlakeRepo } from '../../tests/support/fixture-flake.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';
import { startTestSshd } from '../../tests/support/test-sshd.ts';
import type { TestSshd } from '../../tests/support/test-sshd.ts';
import { ManifestService } from './manifest-cache.ts';
import { Nix } from './nix.ts';
import { defaultTargetEnvironment } from '../targets/settings.ts';
import { shellQuote } from '../targets/ssh.ts';
import { Targets } from '../targets/targets.ts';
import { groupFolder, RebootCheck } from './reboot-check.ts';
import type { RebootCheckOptions } from './reboot-check.ts';

let sshd: TestSshd;
let scratch: string;
const cleanups: (() => void)[] = [];
beforeAll(async () => {
  sshd = await startTestSshd();
  scratch = mkdtempSync(join(tmpdir(), 'flakedeck-reboot-'));
});
afterAll(async () => {
  cleanups.forEach((c) => c());
  await sshd.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** The fixture flake with laptop's deploy settings pointing at the loopback sshd (or at `deploy`). */
function flakeReaching(
  deploy: Record<string, unknown> = { targetHost: '127.0.0.1', targetPort: sshd.port },
): FlakeRepo {
  const repo = makeFlakeRepo('inspect-hosts');
  cleanups.push(repo.remove);
  repo.write('hosts/laptop/deploy.json', JSON.stringify(deploy));
  return repo;
}

function checker(options: RebootCheckOptions) {
  const db = openHistoryDatabase(join(mkdtempSync(join(scratch, 'db-')), 'history.sqlite'));
  cleanups.push(() => db.close());
  const spawned: string[] = [];
  const manifests = new ManifestService(
    new Nix({ onSpawn: (a) => spawned.push(a.join(' ')) }),
    new ManifestStore(db),
    new EventHub(),
  );
  const targets = new Targets(manifests, {
    ...defaultTargetEnvironment,
    sshOptions: sshd.sshOptions,
    thisHostName: null,
  });
  return { check: new RebootCheck(manifests, targets, options), spawned };
}

/** A folder standing for the laptop's root after some use: persisted state, lost state, and what never counts. */
function preparedRoot(): string {
  // A quote and a space in the folder's own name: every value reaches the remote shell quoted.
  const root = join(mkdtempSync(join(scratch, 'host-')), "root of laptop's");
  const files: Record<string, number> = {
    'var/lib/nixos/uid-map': 120, // persisted on /persist
    'var/log/journal/system.journal': 8000, // persisted
    'var/lib/syncthing/index-v0.14.0.db/000001.log': 4096,
    'var/lib/syncthing/config.xml': 900,
    'var/lib/docker/overlay2/abc/diff/usr/bin/app': 100_000,
    'var/lib/private/ollama/models/blob': 50_000,
    'etc/adjtime': 50,
    'etc/ssh/ssh_host_ed25519_key': 400, // persisted file
    'etc/ssh/ssh_host_rsa_key': 2500,
    'home/alice/Documents/cv.pdf': 30_000, // persisted (alice's home)
    'home/alice/.cache/thumbnails/large/a.png': 70_000,
    'home/alice/.local/share/Steam/steamapps/game.bin': 900_000, // persisted on /state
    'srv/bob/projects/app/main.c': 300, // persisted (bob's home is /srv/bob)
    'srv/bob/.viminfo': 700,
    "var/lib/odd 'name' [x]*/state": 10, // quotes and glob characters in a wiped path
    'tmp/build/junk': 5000, // always ephemeral
    'run/user/1000/bus': 1,
    'nix/store/abc-hello/bin/hello': 100, // the store: another mount
    'persist/var/log/old.journal': 100, // the persistent root itself
    'boot/EFI/BOOT/BOOTX64.EFI': 100,
  };
  for (const [path, size] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), Buffer.alloc(size, 1));
  }
  // Links activation makes again at every boot.
  symlinkSync('/nix/store/abc-etc/etc', join(root, 'etc/static'));
  symlinkSync('/etc/static/hostname', join(root, 'etc/hostname'));
  symlinkSync('/run/current-system/sw/bin/bash', join(root, 'var/lib/sh'));
  return root;
}

describe('live reboot check over SSH', () => {
  it('lists what the next reboot wipes, grouped by folder with sizes, leaving out what is kept', async () => {
    const root = preparedRoot();
    const flake = flakeReaching();
    const { check } = checker({ rootPrefix: root });
    const diff = await check.run(flake.path, 'laptop');

    expect(diff).toMatchObject({
      host: 'laptop',
      target: `127.0.0.1:${sshd.port}`,
      root,
      ephemeralRoot: true,
      truncated: false,
      timedOut: false,
      regenerated: 3,
      warnings: [],
    });
    expect(diff.groups.map((g) => [g.folder, g.files, g.bytes, g.user])).toEqual([
      ['/var/lib/docker', 1, 100_000, undefined],
      ['/home/alice/.cache/thumbnails', 1, 70_000, 'alice'],
      ['/var/lib/private/ollama', 1, 50_000, undefined],
      ['/var/lib/syncthing', 2, 4996, undefined],
      ['/etc/ssh', 1, 2500, undefined],
      ['/srv/bob', 1, 700, 'bob'],
      ['/etc', 1, 50, undefined],
      ["/var/lib/odd 'name' [x]*", 1, 10, undefined],
    ]);
    expect(diff.files).toBe(9);
    expect(diff.bytes).toBe(100_000 + 70_000 + 50_000 + 4996 + 2500 + 700 + 50 + 10);
    expect(diff.groups[3]!.largest).toEqual([
      { path: '/var/lib/syncthing/index-v0.14.0.db/000001.log', size: 4096, type: 'file' },
      { path: '/var/lib/syncthing/config.xml', size: 900, type: 'file' },
    ]);
    expect(diff.skipped).toEqual(
      expect.arrayContaining(['/tmp', '/run', '/proc', '/nix', '/persist', '/state', '/boot']),
    );
    expect(diff.skipped).toEqual(
      expect.arrayContaining(['/var/lib/nixos', '/home/alice/Documents', '/srv/bob/projects']),
    );
  });

  it('stops at its file limit and says so', async () => {
    const { check } = checker({ rootPrefix: preparedRoot(), maxFiles: 3 });
    const diff = await check.run(flakeReaching().path, 'laptop');
    expect(diff.truncated).toBe(true);
    expect(diff.files + diff.regenerated).toBeLessThanOrEqual(3); // the limit counts every file the scan read
    expect(diff.files).toBeGreaterThan(0);
  });

  it('does not connect to a host whose root is on disk: a reboot wipes nothing there', async () => {
    const { check } = checker({ rootPrefix: '/nonexistent' });
    const diff = await check.run(flakeReaching().path, 'server');
    expect(diff).toMatchObject({ ephemeralRoot: false, files: 0, groups: [], target: 'deploy@203.0.113.7' });
  });

  it('shows the SSH error of a host it cannot reach', async () => {
    const { check } = checker({ rootPrefix: preparedRoot(), connectTimeoutSeconds: 3 });
    const flake = flakeReaching({ targetHost: '127.0.0.1', targetPort: 9 }); // discard: nothing listens
    const error = (await check.run(flake.path, 'laptop').catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('SSH_FAILED');
    expect(error.message).toMatch(
      /^Could not list what a reboot wipes on laptop over SSH \(127\.0\.0\.1:9\): .*Connection refused/,
    );
    // Only what the flake declares: the port, and no user (ssh's config decides it).
    expect(error.hint).toMatch(/`ssh -p 9 127\.0\.0\.1`/);
  });

  it('says when the folder to scan is missing on the host', async () => {
    const { check } = checker({ rootPrefix: join(scratch, 'no-such-root') });
    const error = (await check.run(flakeReaching().path, 'laptop').catch((e: unknown) => e)) as ApiError;
    expect(error).toMatchObject({ code: 'SSH_FAILED', message: 'laptop has no folder to scan at the root given.' });
  });

  it('refuses deploy settings that ssh would read as options, before running ssh', async () => {
    const marker = join(scratch, 'proxy-ran');
    const flake = flakeReaching({ targetHost: `-oProxyCommand=touch ${marker}` });
    const { check } = checker({ rootPrefix: preparedRoot() });
    await expect(check.run(flake.path, 'laptop')).rejects.toMatchObject({ code: 'DEPLOY_SETTINGS' });
    const flake2 = flakeReaching({ targetHost: '127.0.0.1', targetUser: '-oProxyCommand=x' });
    await expect(check.run(flake2.path, 'laptop')).rejects.toMatchObject({ code: 'DEPLOY_SETTINGS' });
  });
});

describe('reboot check helpers', () => {
  it('quotes any word for a POSIX shell', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('$(rm -rf /)')).toBe(`'$(rm -rf /)'`);
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });

  it('groups files under the folder one would persist', () => {
    expect(groupFolder('/etc/adjtime')).toBe('/etc');
    expect(groupFolder('/var/lib/docker/overlay2/x/y')).toBe('/var/lib/docker');
    expect(groupFolder('/var/lib/private/ollama/models/blob')).toBe('/var/lib/private/ollama');
    expect(groupFolder('/home/alice/.config/Code/User/settings.json')).toBe('/home/alice/.config/Code');
    expect(groupFolder('/home/alice/.local/share/fish/history')).toBe('/home/alice/.local/share/fish');
    expect(groupFolder('/root/.bash_history')).toBe('/root');
  });
});
