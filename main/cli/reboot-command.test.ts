// `flakedeck reboot` as a process: what the reboot wipes, the question, and the exact systemctl call, which a stand-in
// on PATH records instead of rebooting.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeFlakeRepo } from '../../tests/support/fixture-flake.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';
import { rebootMachine } from '../../tests/support/reboot-machine.ts';
import type { RebootMachine } from '../../tests/support/reboot-machine.ts';
import { repoRoot } from './context.ts';

let scratch: string;
let flake: FlakeRepo;
let machine: RebootMachine;
let configFile: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'flakedeck-cli-reboot-'));
  machine = rebootMachine(scratch);
  flake = makeFlakeRepo('inspect-hosts');
  configFile = join(scratch, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      dataDir: join(scratch, 'data'),
      defaultFlake: flake.path,
      appVersion: '0.0.0-test',
      rebootCheck: { rootPrefix: machine.root },
      deploy: machine.env,
    }),
  );
});
afterAll(() => {
  flake.remove();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => machine.forgetCalls());

/** The command line with `answer` on its stdin (then closed), the stand-ins first on PATH. */
function flakedeck(args: string[], answer: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'tests/support/cli-with-config.ts'), configFile, ...args, '--flake', flake.path],
      { env: { ...process.env, PATH: `${machine.bin}:${process.env.PATH}` } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(answer);
  });
}

const wipeList = [
  'laptop (this machine): the next reboot wipes 4 files, 12 kB',
  '  7.0 kB  1 file      /home/alice/.cache/thumbnails',
  '  5.0 kB  2 files     /var/lib/syncthing',
  '    50 B  1 file      /etc',
  '',
].join('\n');

describe('flakedeck reboot', () => {
  it('prints what the reboot wipes, asks, and runs systemctl reboot on yes', async () => {
    const result = await flakedeck(['reboot'], 'y\n');
    expect(result.stderr).toContain('Reboot this machine (laptop) now? [y/N] ');
    expect(result.stdout).toBe(`${wipeList}Rebooting laptop (systemctl reboot).\n`);
    expect(result.code).toBe(0);
    expect(machine.calls('systemctl')).toEqual([['reboot']]);
  }, 180_000);

  it('reboots into a generation for the next boot only', async () => {
    machine.bootEntries(['nixos-generation-1.conf', 'nixos-generation-2.conf']);
    const result = await flakedeck(['reboot', '--generation', '1'], 'yes\n');
    expect(result.stderr).toContain(
      'Reboot this machine (laptop) now, into generation 1 for the next boot only? [y/N] ',
    );
    expect(result.code, result.stderr).toBe(0);
    expect(machine.calls('systemctl')).toEqual([
      ['--boot-loader-entry=help'],
      ['--boot-loader-entry=help'],
      ['reboot', '--boot-loader-entry=nixos-generation-1.conf'],
    ]);
  }, 180_000);

  it('reboots nothing without a yes', async () => {
    const result = await flakedeck(['reboot'], 'n\n');
    expect(result.stdout).toBe(wipeList);
    expect(result.stderr).toMatch(/Not rebooted\.\n$/);
    expect(result.code).toBe(1);
    expect(machine.calls('systemctl')).toEqual([]);
  }, 180_000);

  it('refuses a generation the boot loader cannot start once before asking anything', async () => {
    machine.bootEntries(null);
    const result = await flakedeck(['reboot', '--generation', '1', '--yes'], '');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^flakedeck: The boot loader offers no choice for the next boot only/);
    expect(result.stdout).toBe('');
    expect(machine.calls('systemctl')).toEqual([['--boot-loader-entry=help']]);
  }, 180_000);
});
