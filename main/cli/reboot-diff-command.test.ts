// `flakedeck reboot-diff` against a loopback sshd: what the next reboot wipes, and an unreachable host.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awkwardPrefix, makeFlakeRepo } from '../../tests/support/fixture-flake.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';
import { runCliInProcess } from '../../tests/support/run-cli.ts';
import { startTestSshd } from '../../tests/support/test-sshd.ts';
import type { TestSshd } from '../../tests/support/test-sshd.ts';

let sshd: TestSshd;
let scratch: string;
let flake: FlakeRepo;

beforeAll(async () => {
  sshd = await startTestSshd();
  scratch = mkdtempSync(join(tmpdir(), 'flakedeck-cli-reboot-'));
  flake = makeFlakeRepo('inspect-hosts', awkwardPrefix);
  flake.write('hosts/laptop/deploy.json', JSON.stringify({ targetHost: '127.0.0.1', targetPort: sshd.port }));
});
afterAll(async () => {
  await sshd.stop();
  flake.remove();
  rmSync(scratch, { recursive: true, force: true });
});

/** The command line in this process (the sshd it talks to lives in this process's event loop, too). */
const flakedeck = (args: string[]) => runCliInProcess(args, { FLAKEDECK_DATA_DIR: join(scratch, 'data') });

/** The sshd's key and host checks as `-o` options, as a user would pass them. */
const sshFlags = () => [
  '--ssh-option',
  `IdentityFile=${sshd.identityFile}`,
  '--ssh-option',
  'IdentitiesOnly=yes',
  '--ssh-option',
  'StrictHostKeyChecking=no',
  '--ssh-option',
  'UserKnownHostsFile=/dev/null',
  '--ssh-option',
  'LogLevel=ERROR',
];

describe('flakedeck reboot-diff', () => {
  it('prints what the next reboot wipes, by folder with sizes', async () => {
    const root = join(scratch, 'root');
    for (const [path, size] of [
      ['var/lib/docker/image/db', 2_000_000],
      ['var/lib/nixos/uid-map', 100],
      ['etc/adjtime', 40],
    ] as const) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), Buffer.alloc(size));
    }
    const result = await flakedeck(['reboot-diff', 'laptop', '--flake', flake.path, '--root', root, ...sshFlags()]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      [
        `laptop (127.0.0.1:${sshd.port}): the next reboot wipes 2 files, 2.0 MB`,
        '  2.0 MB  1 file      /var/lib/docker',
        '    40 B  1 file      /etc',
        '',
      ].join('\n'),
    );
    const json = await flakedeck([
      'reboot-diff',
      'laptop',
      '--flake',
      flake.path,
      '--root',
      root,
      '--json',
      ...sshFlags(),
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({ host: 'laptop', files: 2, bytes: 2_000_040, truncated: false });
  });

  it('exits 1 with the SSH error when the host cannot be reached', async () => {
    const unreachable = makeFlakeRepo('inspect-hosts');
    unreachable.write('hosts/laptop/deploy.json', JSON.stringify({ targetHost: '127.0.0.1', targetPort: 9 }));
    const result = await flakedeck(['reboot-diff', 'laptop', '--flake', unreachable.path, ...sshFlags()]);
    unreachable.remove();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^flakedeck: Could not list what a reboot wipes on laptop over SSH \(127\.0\.0\.1:9\): .*refused/,
    );
  });
});
