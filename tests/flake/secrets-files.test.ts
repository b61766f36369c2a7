// The repository's secrets: each file opens with exactly the keys its creation rule names, and holds its layout.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sshPrivateKeyToAge } from '../../main/keys/ssh-to-age.ts';
import { decryptFile } from '../../main/secrets/file-operations.ts';
import { decryptedBytes } from '../../main/secrets/sops-file.ts';
import { repoRoot } from '../support/fixture-flake.ts';

const hosts = ['desktop', 'laptop', 'vps', 'homelab'];
const demoKeys = join(repoRoot, 'tests', 'demo-keys');
const secretsDir = join(repoRoot, 'secrets');

/** The age identity of each reader: the admin's age key, and each host's SSH key converted as sops-nix does. */
const identities: Record<string, string> = {
  admin: readFileSync(join(demoKeys, 'admin.age-key.DEMO.txt'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('AGE-SECRET-KEY-'))!,
  ...Object.fromEntries(
    hosts.map((h) => [h, sshPrivateKeyToAge(readFileSync(join(demoKeys, `${h}.ssh_host_ed25519_key.DEMO`), 'utf8'))]),
  ),
};

/** Who must be able to read each file: the admin, and the hosts it is for. */
const intendedReaders: Record<string, string[]> = {
  'common.yaml': ['admin', ...hosts],
  ...Object.fromEntries(hosts.map((h) => [`${h}.yaml`, ['admin', h]])),
};

const layout = JSON.parse(readFileSync(join(secretsDir, 'layout.json'), 'utf8')) as Record<
  string,
  Record<string, { demo: string }>
>;

/** The file's plaintext as JSON, opened with one identity (MAC verified), or the error that refused it. */
async function decrypt(file: string, identity: string): Promise<{ json?: unknown; error?: string }> {
  try {
    const opened = await decryptFile(join(secretsDir, file), { identities: [identity] });
    return { json: JSON.parse(new TextDecoder().decode(decryptedBytes(opened, 'json'))) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function flatten(value: unknown, prefix = ''): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { [prefix]: value };
  return Object.assign(
    {},
    ...Object.entries(value).map(([k, v]) => flatten(v, prefix ? `${prefix}/${k}` : k)),
  ) as Record<string, unknown>;
}

const scratch = mkdtempSync(join(tmpdir(), 'flakedeck-secrets-check-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('secrets/*.yaml', () => {
  it('has one encrypted file per entry of layout.json, and no other', () => {
    const files = readdirSync(secretsDir).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(Object.keys(layout).sort());
    expect(files.sort()).toEqual(Object.keys(intendedReaders).sort());
  });

  describe.each(Object.keys(intendedReaders).map((f) => [f]))('%s', (file) => {
    it.each(Object.keys(identities).map((r) => [r]))(
      'is readable by %s exactly when its rule says so',
      async (reader) => {
        const result = await decrypt(file, identities[reader]!);
        if (intendedReaders[file]!.includes(reader)) {
          expect(result.error).toBeUndefined();
          const expected = Object.fromEntries(Object.entries(layout[file]!).map(([path, { demo }]) => [path, demo]));
          expect(flatten(result.json)).toEqual(expected);
        } else {
          expect(result.json).toBeUndefined();
          expect(result.error).toMatch(/key|identit|recipient/i);
        }
      },
    );

    it("names each reader's age recipient in its metadata, checked with Debian's age", () => {
      const metadata = (parse(readFileSync(join(secretsDir, file), 'utf8')) as { sops: { age: { enc: string }[] } })
        .sops;
      const dataKeys = new Set<string>();
      for (const reader of intendedReaders[file]!) {
        const identityFile = join(scratch, `${reader}.txt`);
        writeFileSync(identityFile, `${identities[reader]}\n`, { mode: 0o600 });
        // Each reader can open exactly one stanza of the data key; all of them hold the same key.
        const opened = metadata.age
          .map((stanza) => spawnSync('age', ['-d', '-i', identityFile], { input: stanza.enc }))
          .filter((r) => r.status === 0);
        expect(opened, `${reader} opens one stanza of ${file}`).toHaveLength(1);
        dataKeys.add(opened[0]!.stdout.toString('hex'));
      }
      expect(dataKeys.size).toBe(1);
      expect([...dataKeys][0]).toMatch(/^[0-9a-f]{64}$/);
      expect(metadata.age).toHaveLength(intendedReaders[file]!.length);
    });
  });

  it('hold no plaintext value of the layout', () => {
    for (const [file, keys] of Object.entries(layout)) {
      const text = readFileSync(join(secretsDir, file), 'utf8');
      for (const { demo } of Object.values(keys)) expect(text).not.toContain(demo);
    }
  });
});
