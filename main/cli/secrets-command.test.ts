// `flakedeck secrets`: decrypt, encrypt, updatekeys and rotate as the command line does them, and their errors.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateX25519Identity } from 'age-encryption';
import { repoRoot } from '../../tests/support/fixture-flake.ts';
import { vectorsDir } from '../../tests/support/sops-vectors.ts';
import { awkwardPrefix } from '../../tests/support/fixture-flake.ts';
import { demoAdminKeyFile, makeSecretsFlake } from '../../tests/support/secrets-flake.ts';
import type { SecretsFlake } from '../../tests/support/secrets-flake.ts';

const bin = join(repoRoot, 'bin', 'flakedeck.js');

function flakedeck(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SOPS_AGE_KEY: undefined,
    SOPS_AGE_KEY_FILE: undefined,
    ...options.env,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: options.cwd ?? repoRoot, env, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const vectorKey = join(vectorsDir, 'sops-nix/age-keys.txt');
const vector = join(vectorsDir, 'sops-nix/secrets.yaml');
let flake: SecretsFlake;
let scratch: string;

beforeAll(() => {
  flake = makeSecretsFlake(awkwardPrefix);
  scratch = mkdtempSync(join(tmpdir(), 'flakedeck-cli-'));
});
afterAll(() => {
  flake.remove();
  rmSync(scratch, { recursive: true, force: true });
});

describe('flakedeck secrets', () => {
  it('decrypts with SOPS_AGE_KEY_FILE, in the file format or as JSON', () => {
    const yaml = flakedeck(['secrets', 'decrypt', vector], { env: { SOPS_AGE_KEY_FILE: vectorKey } });
    expect(yaml).toMatchObject({
      code: 0,
      stdout: 'test_key: test_value\na_list:\n    - e1\n    - e3\nnested:\n    test:\n        file: another value\n',
    });
    const json = flakedeck(['secrets', 'decrypt', vector, '--output-type', 'json'], {
      env: { SOPS_AGE_KEY: readFileSync(vectorKey, 'utf8') },
    });
    expect(JSON.parse(json.stdout)).toEqual({
      test_key: 'test_value',
      a_list: ['e1', 'e3'],
      nested: { test: { file: 'another value' } },
    });
  });

  it('exits non-zero with a message when the MAC fails', () => {
    const tampered = join(scratch, 'tampered.yaml');
    writeFileSync(tampered, readFileSync(vector, 'utf8').replace('lastmodified: "2021', 'lastmodified: "2020'));
    const result = flakedeck(['secrets', 'decrypt', tampered], { env: { SOPS_AGE_KEY_FILE: vectorKey } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/failed its integrity check \(MAC mismatch\)/);
  });

  it('exits non-zero with a message when no key can decrypt the file', async () => {
    const result = flakedeck(['secrets', 'decrypt', vector], { env: { SOPS_AGE_KEY: await generateX25519Identity() } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/None of your age keys can decrypt/);
    expect(result.stderr).toContain('age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw');
  });

  it('exits non-zero with a message when there is no key at all', () => {
    const result = flakedeck(['secrets', 'decrypt', vector], {
      env: { DBUS_SESSION_BUS_ADDRESS: undefined, DISPLAY: undefined },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No age key: SOPS_AGE_KEY and SOPS_AGE_KEY_FILE are not set/);
  });

  it('encrypts by the creation rules of the .sops.yaml found from the current folder, to stdout or in place', () => {
    const file = join(flake.path, 'secrets', 'vps.yaml');
    writeFileSync(file, 'backup:\n    password: hunter2\n');
    const out = flakedeck(['secrets', 'encrypt', 'secrets/vps.yaml'], { cwd: flake.path });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^backup:\n {4}password: ENC\[AES256_GCM,/);
    expect(out.stdout).toContain('recipient: age1dsp2gt9au6dswg9w9cmr469ftnhtqvtkhfd095w0mvy23z3jhvsslvjzzk');
    expect(readFileSync(file, 'utf8')).toBe('backup:\n    password: hunter2\n');

    expect(flakedeck(['secrets', 'encrypt', 'secrets/vps.yaml', '--in-place'], { cwd: flake.path }).code).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toContain('hunter2');
    const back = flakedeck(['secrets', 'decrypt', 'secrets/vps.yaml'], {
      cwd: flake.path,
      env: { SOPS_AGE_KEY_FILE: demoAdminKeyFile },
    });
    expect(back).toMatchObject({ code: 0, stdout: 'backup:\n    password: hunter2\n' });
    expect(flakedeck(['secrets', 'encrypt', 'secrets/vps.yaml', '--in-place'], { cwd: flake.path }).stderr).toMatch(
      /already encrypted/,
    );
  });

  it('updatekeys and rotate files, keeping them readable', async () => {
    await flake.writeSecret('laptop.yaml', 'wifi: s3cret\n', [
      'age1qn0qp2axaxrhmayrh4gahq7075cmzyp5ug52gghh0x5qp26np90sjc2fkm',
    ]);
    const env = { SOPS_AGE_KEY_FILE: demoAdminKeyFile };
    const update = flakedeck(['secrets', 'updatekeys', 'secrets/laptop.yaml'], { cwd: flake.path, env });
    expect(update).toMatchObject({ code: 0, stdout: 'secrets/laptop.yaml: keys updated to the creation rules\n' });
    expect(readFileSync(join(flake.path, 'secrets', 'laptop.yaml'), 'utf8')).toContain(
      'age1vl6mgk472t2dardalqp8dj70mw7zv9tvjzealmh58vws3vk5gcjq6lgcwl',
    );
    expect(flakedeck(['secrets', 'updatekeys', 'secrets/laptop.yaml'], { cwd: flake.path, env }).stdout).toMatch(
      /already up to date/,
    );
    const before = readFileSync(join(flake.path, 'secrets', 'laptop.yaml'), 'utf8');
    expect(flakedeck(['secrets', 'rotate', 'secrets/laptop.yaml'], { cwd: flake.path, env }).code).toBe(0);
    const after = readFileSync(join(flake.path, 'secrets', 'laptop.yaml'), 'utf8');
    expect(/^wifi: (.*)$/m.exec(after)![1]).not.toBe(/^wifi: (.*)$/m.exec(before)![1]);
    expect(flakedeck(['secrets', 'decrypt', 'secrets/laptop.yaml'], { cwd: flake.path, env }).stdout).toBe(
      'wifi: s3cret\n',
    );
  });

  it('rejects an unknown subcommand with its usage', () => {
    const result = flakedeck(['secrets', 'explode', 'x']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Unknown subcommand "explode"/);
  });
});

describe('flakedeck keys', () => {
  it('says what to do when the keychain cannot be reached', () => {
    const result = flakedeck(['keys', 'list'], { env: { DBUS_SESSION_BUS_ADDRESS: undefined, DISPLAY: undefined } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/keychain/i);
  });
});

describe.skipIf(!process.env.DBUS_SESSION_BUS_ADDRESS)(
  'flakedeck keys and secrets with the keychain (real Secret Service)',
  () => {
    it('imports the admin key, lists and prints only public keys, and decrypts with the keychain identity', () => {
      const copy = join(scratch, 'admin-keys.txt');
      writeFileSync(copy, readFileSync(demoAdminKeyFile));
      const imported = flakedeck(['keys', 'import', copy, '--label', 'cli-admin', '--delete-file']);
      expect(imported.code).toBe(0);
      expect(imported.stdout).toMatch(/^cli-admin\tage1qn0qp2axaxrhmayrh4gahq7075cmzyp5ug52gghh0x5qp26np90sjc2fkm\n/m);
      expect(imported.stderr).toMatch(/Deleted/);
      const list = flakedeck(['keys', 'list']);
      expect(list.stdout).toContain('cli-admin\tage1qn0qp2');
      expect(list.stdout + list.stderr).not.toMatch(/AGE-SECRET-KEY/);
      expect(flakedeck(['keys', 'public', '--label', 'cli-admin']).stdout).toBe(
        'age1qn0qp2axaxrhmayrh4gahq7075cmzyp5ug52gghh0x5qp26np90sjc2fkm\n',
      );

      writeFileSync(join(flake.path, 'secrets', 'desktop.yaml'), 'restic: s3cret\n');
      expect(flakedeck(['secrets', 'encrypt', 'secrets/desktop.yaml', '--in-place'], { cwd: flake.path }).code).toBe(0);
      expect(flakedeck(['secrets', 'decrypt', 'secrets/desktop.yaml'], { cwd: flake.path }).stdout).toBe(
        'restic: s3cret\n',
      );

      expect(flakedeck(['keys', 'delete', 'cli-admin']).stderr).toMatch(/Add --yes to confirm/);
      expect(flakedeck(['keys', 'delete', 'cli-admin', '--yes']).code).toBe(0);
      expect(flakedeck(['keys', 'list']).stdout).not.toContain('cli-admin');
    });
  },
);
