// The `flakedeck` command as npm ships it: `npm pack`, installed from the tarball into a prefix of its own with this
// Node, then run from a folder outside the checkout on copied fixtures, as a user with no checkout runs it.

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFlakeRepo, repoRoot } from '../support/fixture-flake.ts';
import type { FlakeRepo } from '../support/fixture-flake.ts';
import { vectorsDir } from '../support/sops-vectors.ts';

// npm runs on this Node (22), whatever node the shell found first.
const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
let scratch: string;
let flake: FlakeRepo;
let packed: { filename: string; files: { path: string }[] };
let flakedeck: string;

function run(args: string[], extraEnv: Record<string, string> = {}) {
  return spawnSync(flakedeck, args, { cwd: scratch, env: { ...env, ...extraEnv }, encoding: 'utf8' });
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'flakedeck-npm-package-'));
  flake = makeFlakeRepo('four-hosts');
  // `prepack` builds the command line's bundle first.
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], {
    cwd: repoRoot,
    env,
    encoding: 'utf8',
  });
  packed = (JSON.parse(output) as (typeof packed)[])[0]!;
  const prefix = join(scratch, 'prefix');
  execFileSync(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      join(scratch, packed.filename),
    ],
    { cwd: scratch, env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  flakedeck = join(prefix, 'bin', 'flakedeck');
}, 15 * 60_000);

afterAll(() => {
  flake?.remove();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('ships the built command line, not the TypeScript sources', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining(['bin/flakedeck.js', '.vite/cli/cli.js', 'nix/inspect.nix', 'nix/inspect-flake.nix']),
    );
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    const installed = join(dirname(dirname(flakedeck)), 'lib', 'node_modules', 'flakedeck');
    expect(existsSync(join(installed, '.vite', 'cli', 'cli.js'))).toBe(true);
    expect(existsSync(join(installed, 'main'))).toBe(false);
  });

  it('lists the hosts of a flake outside the checkout', () => {
    const result = run(['hosts', '--flake', flake.path, '--json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ flake: flake.path, hosts: ['desktop', 'homelab', 'laptop', 'vps'] });
  });

  it('decrypts a sops file copied outside the checkout', () => {
    const folder = join(scratch, 'secrets');
    cpSync(join(vectorsDir, 'sops-nix'), folder, { recursive: true });
    const result = run(['secrets', 'decrypt', join(folder, 'secrets.yaml'), '--output-type', 'json'], {
      SOPS_AGE_KEY_FILE: join(folder, 'age-keys.txt'),
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      test_key: 'test_value',
      a_list: ['e1', 'e3'],
      nested: { test: { file: 'another value' } },
    });
  });

  it('prints its version and says what to do outside a flake', () => {
    const version = run(['--version']);
    expect(version.stdout.trim()).toBe(
      (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version,
    );
    // The installed package holds no flake to fall back on, unlike a checkout.
    const hosts = run(['hosts']);
    expect(hosts.status).toBe(1);
    expect(hosts.stderr).toContain(`There is no flake.nix in ${scratch} or the folders above it.`);
    expect(hosts.stderr).toContain('--flake PATH');
  });
});
