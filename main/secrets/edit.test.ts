// A one-value edit of a sops file changes only that value, the MAC and lastmodified, in the style of the file.

import { describe, expect, it } from 'vitest';
import { openSops, reencrypt } from './sops-file.ts';
import { setValue } from './tree-edit.ts';
import { cloneValue } from './tree.ts';
import type { SecretPath } from '../../common/model/secrets.ts';
import { vectorBytes, vectors } from '../../tests/support/sops-vectors.ts';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Indices of the lines that differ; the files must have the same number of lines. */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return b.filter((line, i) => line !== a[i]);
}

const cases: [string, SecretPath, string, RegExp[]][] = [
  ['getsops-sops-pr1031/example.yaml', ['app2', 'db', 'user'], 'mallory', [/^ {8}user: ENC\[/, /^ {4}lastmodified: "/, /^ {4}mac: ENC\[/]],
  ['sops-nix/secrets.yaml', ['nested', 'test', 'file'], 'changed', [/^ {8}file: ENC\[/, /^ {4}lastmodified: "/, /^ {4}mac: ENC\[/]],
  ['getsops-sops-pr1031/example.json', ['address', 'city'], 'Boston', [/^\t\t"city": "ENC\[/, /^\t\t"lastmodified": "/, /^\t\t"mac": "ENC\[/]],
  ['getsops-sops-pr1031/example.ini', ['address', 'city'], 'Boston', [/^city {10}= ENC\[/, /^lastmodified {15}= /, /^mac {24}= ENC\[/]],
  ['sops-nix/pgp-only.secrets.env', ['never_gonna'], 'let you down', [/^never_gonna=ENC\[/, /^sops_lastmodified=/, /^sops_mac=ENC\[/]],
  ['getsops-sops-pr1031/example.txt', ['data'], 'new contents\n', [/^\t"data": "ENC\[/, /^\t\t"lastmodified": "/, /^\t\t"mac": "ENC\[/]],
];

describe('a one-value edit', () => {
  it.each(cases)('of %s at %j changes only that line, the MAC and lastmodified', async (file, path, value, expected) => {
    const v = vectors.find((x) => x.file === file)!;
    const before = vectorBytes(file);
    const opened = await openSops(before, v.format, { identities: [], dataKey: new Uint8Array(Buffer.from(v.dataKey, 'hex')) });
    const edited = opened.plaintext.map((b) => cloneValue(b));
    setValue(edited[0]!, path, value);
    const after = reencrypt(opened, edited, new Date('2030-01-02T03:04:05Z'));
    const changed = changedLines(text(before), text(after));
    expect(changed).toHaveLength(expected.length);
    // sops before 3.8 wrote dotenv and INI metadata in a random order, so match each line wherever it is.
    for (const pattern of expected) expect(changed.filter((line) => pattern.test(line))).toHaveLength(1);
    expect(text(after)).toContain('2030-01-02T03:04:05Z');

    const reopened = await openSops(after, v.format, { identities: [], dataKey: opened.dataKey });
    expect(reopened.macVerified).toBe(true);
    expect(reopened.plaintext[0]!.get(path[0] as string)).toEqual(edited[0]!.get(path[0] as string));
  });

  it('keeps a sops 3.6 (yaml.v2) file in its own style when one value changes', async () => {
    const v = vectors.find((x) => x.file.endsWith('comments.enc.yaml'))!;
    const before = vectorBytes(v.file);
    const opened = await openSops(before, 'yaml', { identities: [], dataKey: new Uint8Array(Buffer.from(v.dataKey, 'hex')) });
    const edited = opened.plaintext.map((b) => cloneValue(b));
    setValue(edited[0]!, ['dolor'], 'amet');
    const changed = changedLines(text(before), text(reencrypt(opened, edited)));
    expect(changed.map((l) => l.split(':')[0]!.trim())).toEqual(['dolor', 'lastmodified', 'mac']);
    expect(changed[1]).toMatch(/^ {4}lastmodified: '\d{4}-/);
  });
});
