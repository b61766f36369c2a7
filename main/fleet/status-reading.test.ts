// The status script run by a real sh on prepared systems, and its markers read back.

import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  lutimesSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseReading } from './status-reading.ts';
import { statusScript } from './status-script.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flakedeck-status-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A system folder like a NixOS toplevel: kernel, initrd and modules links, a version file, maybe nixos-version. */
function system(name: string, parts: { kernel: string; initrd?: string; versionJson?: string }): string {
  const path = join(dir, 'store', name);
  mkdirSync(join(path, 'sw', 'bin'), { recursive: true });
  symlinkSync(parts.kernel, join(path, 'kernel'));
  symlinkSync(parts.initrd ?? '/nix/store/initrd-1/initrd', join(path, 'initrd'));
  symlinkSync('/nix/store/modules-1', join(path, 'kernel-modules'));
  // As NixOS writes it: without a newline at the end.
  writeFileSync(join(path, 'nixos-version'), '24.05.20240601.abcdef1');
  if (parts.versionJson) {
    writeFileSync(join(path, 'sw', 'bin', 'nixos-version'), `#!/bin/sh\necho '${parts.versionJson}'\n`);
    chmodSync(join(path, 'sw', 'bin', 'nixos-version'), 0o755);
  }
  return path;
}

function run(options: { current?: string; booted?: string; systemctl?: string; persistent?: string[] } = {}): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  if (options.systemctl !== undefined) {
    writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\n${options.systemctl}\n`);
    chmodSync(join(bin, 'systemctl'), 0o755);
  }
  const current = join(dir, 'current-system');
  const booted = join(dir, 'booted-system');
  if (options.current) symlinkSync(options.current, current);
  if (options.booted) symlinkSync(options.booted, booted);
  return execFileSync(
    'sh',
    [
      '-c',
      statusScript,
      'flakedeck',
      '',
      current,
      booted,
      join(dir, 'profiles', 'system'),
      ...(options.persistent ?? []),
    ],
    { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin` } },
  );
}

describe('the status reading', () => {
  it('reads the running system, its generation, versions, failed units, uptime and disks', () => {
    const json =
      '{"nixosVersion":"24.11.20241201.1234567","nixpkgsRevision":"1234567890abcdef","configurationRevision":"f00d"}';
    const current = system('aaa-nixos-system-web', { kernel: '/nix/store/linux-6.6/bzImage', versionJson: json });
    mkdirSync(join(dir, 'profiles'));
    symlinkSync(current, join(dir, 'profiles', 'system-7-link'));
    symlinkSync('system-7-link', join(dir, 'profiles', 'system'));
    lutimesSync(join(dir, 'profiles', 'system-7-link'), 1_700_000_000, 1_700_000_000);
    const output = run({
      current,
      booted: current,
      systemctl: 'echo "broken.service loaded failed failed The broken one"; echo "other.timer loaded failed failed x"',
      persistent: [dir],
    });
    const reading = parseReading(output)!;
    expect(reading).toMatchObject({
      currentSystem: current,
      bootedSystem: current,
      rebootNeeded: false,
      generation: 7,
      nixosVersion: '24.11.20241201.1234567',
      nixpkgsRevision: '1234567890abcdef',
      configurationRevision: 'f00d',
      failedUnits: ['broken.service', 'other.timer'],
    });
    // The profile link's own time, not its target's.
    expect(reading.generationDate).toBe(1_700_000_000_000);
    expect(reading.generations).toEqual([{ number: 7, date: 1_700_000_000_000, path: current }]);
    expect(reading.uptimeSeconds).toBeGreaterThan(0);
    expect(reading.root?.mountPoint).toBe('/');
    expect(reading.root!.size).toBeGreaterThan(reading.root!.used);
  });

  it('needs a reboot when the booted kernel or initrd is not the current one', () => {
    const booted = system('old', { kernel: '/nix/store/linux-6.1/bzImage' });
    const current = system('new', { kernel: '/nix/store/linux-6.6/bzImage', initrd: '/nix/store/initrd-2/initrd' });
    const reading = parseReading(run({ current, booted, systemctl: 'true' }))!;
    expect(reading.rebootNeeded).toBe(true);
    expect(reading.rebootReasons).toEqual(['kernel', 'initrd']);
    expect(reading.failedUnits).toEqual([]);
    // Without nixos-version --json, the version file and its revision suffix.
    expect(reading.nixosVersion).toBe('24.05.20240601.abcdef1');
    expect(reading.nixpkgsRevision).toBe('abcdef1');
    expect(reading.configurationRevision).toBeNull();
  });

  it('knows no failed units where systemctl cannot answer, and no system where the links are missing', () => {
    const reading = parseReading(run({ systemctl: 'echo "System has not been booted with systemd" >&2; exit 1' }))!;
    expect(reading).toMatchObject({
      currentSystem: null,
      bootedSystem: null,
      rebootNeeded: false,
      generation: null,
      nixosVersion: null,
      failedUnits: null,
    });
  });

  it('starts the same few programs however many generations the profile has', () => {
    const bin = join(dir, 'bin');
    const log = join(dir, 'started');
    mkdirSync(bin, { recursive: true });
    // Each program the script may start, logged on its way to the real one.
    for (const program of ['df', 'readlink', 'find', 'stat', 'sed', 'head', 'tail', 'tr']) {
      writeFileSync(join(bin, program), `#!/bin/sh\necho ${program} >> ${log}\nexec /usr/bin/${program} "$@"\n`);
      chmodSync(join(bin, program), 0o755);
    }
    const current = system('aaa-nixos-system-web', { kernel: '/nix/store/linux-6.6/bzImage' });
    mkdirSync(join(dir, 'profiles'));
    const started = (generations: number) => {
      for (let n = 1; n <= generations; n++) {
        rmSync(join(dir, 'profiles', `system-${n}-link`), { force: true });
        symlinkSync(current, join(dir, 'profiles', `system-${n}-link`));
      }
      rmSync(join(dir, 'profiles', 'system'), { force: true });
      symlinkSync(`system-${generations}-link`, join(dir, 'profiles', 'system'));
      rmSync(log, { force: true });
      const reading = parseReading(run({ systemctl: 'true' }))!;
      expect(reading.generations).toHaveLength(generations);
      expect(reading.generation).toBe(generations);
      return readFileSync(log, 'utf8').trim().split('\n').sort();
    };
    const few = started(1);
    expect(few).toEqual(['df', 'find', 'readlink', 'readlink']);
    expect(started(40)).toEqual(few);
  });

  it('refuses output that was cut short', () => {
    expect(parseReading('@flakedeck current /nix/store/x\n@flakedeck booted /nix/store/x\n')).toBeNull();
  });
});
