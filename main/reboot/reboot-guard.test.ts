// The guard before rebooting this machine, on real services, nix and processes: the reboot check run here without ssh
// (and its agreement with the check over ssh), persisting a folder from it, copying files out, the generations with
// their boot entries, and the exact reboot commands, which a stand-in systemctl on PATH records instead of rebooting.

import { chownSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RebootDiff } from '../../common/model/reboot-diff.ts';
import { addPersistPath } from '../flake/persist-json.ts';
import { RebootCheck } from '../flake/reboot-check.ts';
import { createServices } from '../services.ts';
import { RebootGuard } from './reboot-guard.ts';
import type { Services } from '../services.ts';
import { defaultTargetEnvironment } from '../targets/settings.ts';
import { Targets } from '../targets/targets.ts';
import { makeFlakeRepo } from '../../tests/support/fixture-flake.ts';
import { rebootMachine } from '../../tests/support/reboot-machine.ts';
import type { RebootMachine } from '../../tests/support/reboot-machine.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';
import { startTestSshd } from '../../tests/support/test-sshd.ts';
import type { TestSshd } from '../../tests/support/test-sshd.ts';

let scratch: string;
let flake: FlakeRepo;
let machine: RebootMachine;
let services: Services;
let sshd: TestSshd;
const savedPath = process.env.PATH;

beforeAll(async () => {
  sshd = await startTestSshd();
  scratch = mkdtempSync(join(tmpdir(), 'flakedeck-reboot-guard-'));
  machine = rebootMachine(scratch);
  flake = makeFlakeRepo('inspect-hosts');
  // Reached over ssh on loopback, were it not this machine.
  flake.write('hosts/laptop/deploy.json', JSON.stringify({ targetHost: '127.0.0.1', targetPort: sshd.port }));
  services = createServices({
    dataDir: join(scratch, 'data'),
    defaultFlake: flake.path,
    appVersion: '0.0.0-test',
    rebootCheck: { rootPrefix: machine.root },
    // The laptop is this machine, by its networking.hostName.
    deploy: machine.env,
  });
  process.env.PATH = `${machine.bin}:${savedPath}`;
});
afterAll(async () => {
  process.env.PATH = savedPath;
  services.close();
  await sshd.stop();
  flake.remove();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => machine.forgetCalls());

const comparable = ({ target: _target, checkedAt: _checkedAt, ...diff }: RebootDiff) => diff;

describe('what a reboot of this machine wipes', () => {
  it('is listed without ssh, grouped by folder with sizes, as the check over ssh lists it', async () => {
    const local = await services.rebootCheck.run(flake.path, 'laptop');
    expect(machine.calls('ssh')).toEqual([]);
    expect(local).toMatchObject({
      host: 'laptop',
      target: 'this machine',
      root: machine.root,
      ephemeralRoot: true,
      files: 4,
    });
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
        { rootPrefix: machine.root },
      );
      const remote = await overSsh.run(flake.path, 'laptop');
      expect(remote.target).toBe(`127.0.0.1:${sshd.port}`);
      expect(comparable(remote)).toEqual(comparable(local));
    } finally {
      process.env.PATH = `${machine.bin}:${savedPath}`;
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
      destination: '/boot/rescue',
    });
    expect(result.destination).toBe('/boot/rescue');
    expect(result.copied).toEqual(['/home/alice/.cache/thumbnails', '/etc/adjtime']);
    expect(result.failed).toEqual([{ path: '/var/lib/gone', reason: expect.stringMatching(/No such file/) }]);
    const original = (path: string) => join(machine.root, path);
    const copy = (path: string) => join(machine.root, 'boot/rescue', path);
    expect(readFileSync(copy('home/alice/.cache/thumbnails/a.png'))).toEqual(
      readFileSync(original('home/alice/.cache/thumbnails/a.png')),
    );
    expect(readFileSync(copy('etc/adjtime'))).toEqual(readFileSync(original('etc/adjtime')));
  }, 120_000);

  it('copies into the persistent root as root with the owners kept, into other folders as the user', async () => {
    chownSync(join(machine.root, 'var/lib/syncthing/config.xml'), 65534, 65534);
    await services.rebootGuard.copyOut(flake.path, { paths: ['/var/lib/syncthing'], destination: '/persist' });
    await services.rebootGuard.copyOut(flake.path, { paths: ['/var/lib/syncthing'], destination: '/boot/mine' });
    // Where impermanence mounts the folder from, its files keep their owner; the user's copy is the user's.
    expect(statSync(join(machine.root, 'persist/var/lib/syncthing/config.xml')).uid).toBe(65534);
    expect(statSync(join(machine.root, 'boot/mine/var/lib/syncthing/config.xml')).uid).toBe(process.getuid!());
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
    machine.bootEntries(['nixos-generation-1.conf', 'nixos-generation-2.conf', 'auto-reboot-to-firmware-setup']);
    const options = await services.rebootGuard.options(flake.path);
    expect(options).toMatchObject({ host: 'laptop', oneShot: true, noOneShot: null });
    expect(options.generations.map((g) => [g.number, g.current, g.bootEntry])).toEqual([
      [1, false, 'nixos-generation-1.conf'],
      [2, true, 'nixos-generation-2.conf'],
      [3, false, null],
    ]);
    expect(machine.calls('systemctl')).toEqual([['--boot-loader-entry=help']]);
  }, 120_000);

  it('runs systemctl reboot, or with the chosen generation for the next boot only', async () => {
    machine.bootEntries(['nixos-generation-1.conf', 'nixos-generation-2.conf']);
    await expect(services.rebootGuard.reboot(flake.path)).resolves.toEqual({
      host: 'laptop',
      generation: null,
      command: ['systemctl', 'reboot'],
    });
    await expect(services.rebootGuard.reboot(flake.path, 1)).resolves.toMatchObject({ generation: 1 });
    expect(machine.calls('systemctl')).toEqual([
      ['reboot'],
      ['--boot-loader-entry=help'],
      ['reboot', '--boot-loader-entry=nixos-generation-1.conf'],
    ]);
  }, 120_000);

  it('never reboots into a generation the boot loader cannot start once, and says why', async () => {
    machine.bootEntries(['nixos-generation-1.conf', 'nixos-generation-2.conf']);
    await expect(services.rebootGuard.reboot(flake.path, 3)).rejects.toMatchObject({
      code: 'REBOOT_FAILED',
      message:
        'Generation 3 has no boot entry; the boot loader lists nixos-generation-1.conf, nixos-generation-2.conf.',
    });
    machine.bootEntries(null);
    const options = await services.rebootGuard.options(flake.path);
    expect(options.oneShot).toBe(false);
    expect(options.noOneShot).toMatch(
      /^The boot loader offers no choice for the next boot only \(No boot loader entries discovered\.\): that needs systemd-boot/,
    );
    expect(options.generations.every((g) => g.bootEntry === null)).toBe(true);
    await expect(services.rebootGuard.reboot(flake.path, 1)).rejects.toMatchObject({ code: 'REBOOT_FAILED' });
    // Only the lists were asked for: nothing rebooted.
    expect(machine.calls('systemctl').filter((argv) => argv[0] === 'reboot')).toEqual([]);
  }, 120_000);

  it('does not reboot while a run on this machine goes on', async () => {
    // A switch of this machine in flight, as the deploy service would list it.
    const guard = new RebootGuard({
      manifests: services.manifests,
      targets: services.targets,
      generations: (folder, host) => services.deploy.generations(folder, host),
      inFlight: () => [{ id: 7, host: 'laptop', kind: 'deploy' }],
      rootPrefix: machine.root,
    });
    await expect(guard.reboot(flake.path)).rejects.toMatchObject({
      code: 'BUSY',
      message: 'laptop has a deploy going (run #7): it is not rebooted in the middle of it.',
    });
    expect(machine.calls('systemctl')).toEqual([]);
  });

  it('says so when systemctl refuses the reboot', async () => {
    machine.stub('systemctl', `echo 'Failed to reboot system via logind: Access denied' >&2; exit 1`);
    try {
      await expect(services.rebootGuard.reboot(flake.path)).rejects.toMatchObject({
        code: 'REBOOT_FAILED',
        message: 'This machine did not reboot: Failed to reboot system via logind: Access denied',
      });
    } finally {
      machine.stub('systemctl');
    }
  });
});
