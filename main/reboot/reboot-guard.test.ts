// The guard before rebooting this machine, on real services, nix and processes: the reboot check run here without ssh
// (and its agreement with the check over ssh), persisting a folder from it, copying files out, the generations with
// their boot entries, and the exact reboot commands, which a stand-in systemctl on PATH records instead of rebooting.

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RebootDiff } from '../../common/model/reboot-diff.ts';
import { addPersistPath } from '../flake/persist-json.ts';
import { RebootCheck } from '../flake/reboot-check.ts';
import { createServices } from '../services.ts';
import type { Services } from '../services.ts';
import { defaultTargetEnvironment } from '../targets/settings.ts';
import { Targets } from '../targets/targets.ts';
import { makeFlakeRepo } from '../../tests/support/fixture-flake.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';
import { startTestSshd } from '../../tests/support/test-sshd.ts';
import type { TestSshd } from '../../tests/support/test-sshd.ts';

let scratch: string;
let flake: FlakeRepo;
let root: string;
let services: Services;
let sshd: TestSshd;
/** Stand-ins for systemctl and ssh, first on PATH: they record each call's argv, one line of tab-separated words. */
let stubs: string;
const savedPath = process.env.PATH;

const calls = (program: string): string[][] => {
  try {
    return readFileSync(join(stubs, `${program}.calls`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t').slice(0, -1));
  } catch {
    return [];
  }
};

/** What `systemctl --boot-loader-entry=help` lists; null: it fails as it does where GRUB boots. */
function bootEntries(entries: string[] | null): void {
  if (entries) writeFileSync(join(stubs, 'entries'), entries.map((e) => `${e}\n`).join(''));
  else rmSync(join(stubs, 'entries'), { force: true });
}

function stub(program: string, body: string): void {
  const file = join(stubs, program);
  writeFileSync(
    file,
    `#!/bin/sh\nfor a in "$@"; do printf '%s\\t' "$a"; done >> '${file}.calls'\necho >> '${file}.calls'\n${body}\n`,
  );
  chmodSync(file, 0o755);
}

/** This machine's root after some use: what the laptop persists, and what a reboot would lose. */
function preparedRoot(): string {
  const folder = join(scratch, 'root');
  const files: Record<string, number> = {
    'var/lib/nixos/uid-map': 120, // persisted
    'var/lib/syncthing/config.xml': 900,
    'var/lib/syncthing/index/000001.log': 4096,
    'home/alice/.cache/thumbnails/a.png': 7000,
    'home/alice/Documents/cv.pdf': 3000, // persisted
    'etc/adjtime': 50,
    'persist/var/log/old.journal': 100, // the persistent root itself
  };
  for (const [path, size] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), Buffer.alloc(size, path.length));
  }
  return folder;
}

/** The system profile with three generations, the second current. */
function profile(): string {
  const profiles = join(scratch, 'profiles');
  mkdirSync(profiles);
  for (const n of [1, 2, 3]) {
    const system = join(scratch, 'systems', `nixos-system-laptop-${n}`);
    mkdirSync(system, { recursive: true });
    symlinkSync(system, join(profiles, `system-${n}-link`));
  }
  symlinkSync('system-2-link', join(profiles, 'system'));
  return join(profiles, 'system');
}

beforeAll(async () => {
  sshd = await startTestSshd();
  scratch = mkdtempSync(join(tmpdir(), 'flakedeck-reboot-guard-'));
  stubs = join(scratch, 'bin');
  mkdirSync(stubs);
  stub(
    'systemctl',
    `if [ "$1" = --boot-loader-entry=help ]; then cat '${stubs}/entries' 2>/dev/null && exit 0; echo 'No boot loader entries discovered.' >&2; exit 1; fi`,
  );
  stub('ssh', 'exit 255');
  flake = makeFlakeRepo('inspect-hosts');
  // Reached over ssh on loopback, were it not this machine.
  flake.write('hosts/laptop/deploy.json', JSON.stringify({ targetHost: '127.0.0.1', targetPort: sshd.port }));
  root = preparedRoot();
  services = createServices({
    dataDir: join(scratch, 'data'),
    defaultFlake: flake.path,
    appVersion: '0.0.0-test',
    rebootCheck: { rootPrefix: root },
    // The laptop is this machine, by its networking.hostName.
    deploy: { thisHostName: 'laptop', profile: profile(), stateDir: join(scratch, 'state') },
  });
  process.env.PATH = `${stubs}:${savedPath}`;
});
afterAll(async () => {
  process.env.PATH = savedPath;
  services.close();
  await sshd.stop();
  flake.remove();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  for (const program of ['systemctl', 'ssh']) rmSync(join(stubs, `${program}.calls`), { force: true });
});

const comparable = ({ target: _target, checkedAt: _checkedAt, ...diff }: RebootDiff) => diff;

describe('what a reboot of this machine wipes', () => {
  it('is listed without ssh, grouped by folder with sizes, as the check over ssh lists it', async () => {
    const local = await services.rebootCheck.run(flake.path, 'laptop');
    expect(calls('ssh')).toEqual([]);
    expect(local).toMatchObject({ host: 'laptop', target: 'this machine', root, ephemeralRoot: true, files: 4 });
    expect(local.groups.map((g) => [g.folder, g.files, g.bytes])).toEqual([
      ['/home/alice/.cache/thumbnails', 1, 7000],
      ['/var/lib/syncthing', 2, 4996],
      ['/etc', 1, 50],
    ]);

    // The same flake and root, the laptop reached over ssh on loopback instead.
    process.env.PATH = savedPath;
    try {
      const overSsh = new RebootCheck(
        services.manifests,
        new Targets(services.manifests, {
          ...defaultTargetEnvironment,
          sshOptions: sshd.sshOptions,
          thisHostName: null,
        }),
        { rootPrefix: root },
      );
      const remote = await overSsh.run(flake.path, 'laptop');
      expect(remote.target).toBe(`127.0.0.1:${sshd.port}`);
      expect(comparable(remote)).toEqual(comparable(local));
    } finally {
      process.env.PATH = `${stubs}:${savedPath}`;
    }
  }, 240_000);

  it('loses a folder once it is persisted from the list: hosts/laptop/persist.json', async () => {
    const result = await addPersistPath(services.manifests, flake.path, {
      host: 'laptop',
      path: '/var/lib/syncthing',
      kind: 'directory',
    });
    expect(result).toMatchObject({ section: 'system', entry: '/var/lib/syncthing', created: true, staged: true });
    expect(JSON.parse(readFileSync(join(flake.path, 'hosts/laptop/persist.json'), 'utf8'))).toEqual({
      system: { directories: ['/var/lib/syncthing'] },
    });
    const after = await services.rebootCheck.run(flake.path, 'laptop');
    expect(after.groups.map((g) => g.folder)).toEqual(['/home/alice/.cache/thumbnails', '/etc']);
  }, 240_000);
});

describe('copying files out before the reboot', () => {
  it('copies each path under the destination at its own path, and says which could not be copied', async () => {
    const result = await services.rebootGuard.copyOut(flake.path, {
      paths: ['/home/alice/.cache/thumbnails', '/etc/adjtime', '/var/lib/gone'],
      destination: '/persist/rescue',
    });
    expect(result.destination).toBe('/persist/rescue');
    expect(result.copied).toEqual(['/home/alice/.cache/thumbnails', '/etc/adjtime']);
    expect(result.failed).toEqual([{ path: '/var/lib/gone', reason: expect.stringMatching(/No such file/) }]);
    const copy = (path: string) => readFileSync(join(root, 'persist/rescue', path));
    expect(copy('home/alice/.cache/thumbnails/a.png')).toEqual(
      readFileSync(join(root, 'home/alice/.cache/thumbnails/a.png')),
    );
    expect(copy('etc/adjtime')).toEqual(readFileSync(join(root, 'etc/adjtime')));
  }, 120_000);

  it('refuses a destination the same reboot wipes, and a folder copied into itself', async () => {
    await expect(
      services.rebootGuard.copyOut(flake.path, { paths: ['/etc/adjtime'], destination: '/home/alice/rescue' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS', message: expect.stringMatching(/wiped by the same reboot/) });
    await expect(
      services.rebootGuard.copyOut(flake.path, { paths: ['/persist'], destination: '/persist/rescue' }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/cannot be copied into itself/) });
  }, 120_000);
});

describe('rebooting this machine', () => {
  it('lists the generations with the boot entry that boots each once', async () => {
    bootEntries(['nixos-generation-1.conf', 'nixos-generation-2.conf', 'auto-reboot-to-firmware-setup']);
    const options = await services.rebootGuard.options(flake.path);
    expect(options).toMatchObject({ host: 'laptop', oneShot: true, noOneShot: null });
    expect(options.generations.map((g) => [g.number, g.current, g.bootEntry])).toEqual([
      [1, false, 'nixos-generation-1.conf'],
      [2, true, 'nixos-generation-2.conf'],
      [3, false, null],
    ]);
    expect(calls('systemctl')).toEqual([['--boot-loader-entry=help']]);
  }, 120_000);

  it('runs systemctl reboot, or with the chosen generation for the next boot only', async () => {
    bootEntries(['nixos-generation-1.conf', 'nixos-generation-2.conf']);
    await expect(services.rebootGuard.reboot(flake.path)).resolves.toEqual({
      host: 'laptop',
      generation: null,
      command: ['systemctl', 'reboot'],
    });
    await expect(services.rebootGuard.reboot(flake.path, 1)).resolves.toMatchObject({ generation: 1 });
    expect(calls('systemctl')).toEqual([
      ['reboot'],
      ['--boot-loader-entry=help'],
      ['reboot', '--boot-loader-entry=nixos-generation-1.conf'],
    ]);
  }, 120_000);

  it('never reboots into a generation the boot loader cannot start once, and says why', async () => {
    bootEntries(['nixos-generation-1.conf', 'nixos-generation-2.conf']);
    await expect(services.rebootGuard.reboot(flake.path, 3)).rejects.toMatchObject({
      code: 'REBOOT_FAILED',
      message:
        'Generation 3 has no boot entry; the boot loader lists nixos-generation-1.conf, nixos-generation-2.conf.',
    });
    bootEntries(null);
    const options = await services.rebootGuard.options(flake.path);
    expect(options.oneShot).toBe(false);
    expect(options.noOneShot).toMatch(
      /^The boot loader offers no choice for the next boot only \(No boot loader entries discovered\.\): that needs systemd-boot/,
    );
    expect(options.generations.every((g) => g.bootEntry === null)).toBe(true);
    await expect(services.rebootGuard.reboot(flake.path, 1)).rejects.toMatchObject({ code: 'REBOOT_FAILED' });
    // Only the lists were asked for: nothing rebooted.
    expect(calls('systemctl').filter((argv) => argv[0] === 'reboot')).toEqual([]);
  }, 120_000);

  it('says so when systemctl refuses the reboot', async () => {
    stub('systemctl', `echo 'Failed to reboot system via logind: Access denied' >&2; exit 1`);
    try {
      await expect(services.rebootGuard.reboot(flake.path)).rejects.toMatchObject({
        code: 'REBOOT_FAILED',
        message: 'This machine did not reboot: Failed to reboot system via logind: Access denied',
      });
    } finally {
      stub(
        'systemctl',
        `if [ "$1" = --boot-loader-entry=help ]; then cat '${stubs}/entries' 2>/dev/null && exit 0; echo 'No boot loader entries discovered.' >&2; exit 1; fi`,
      );
    }
  });
});
