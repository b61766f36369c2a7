// A changed sops file is refused: tampered or moved values, a tampered MAC, lastmodified or order.

import { describe, expect, it } from 'vitest';
import { openSops } from './sops-file.ts';
import type { Branch } from './tree.ts';
import { vectorBytes, vectors } from '../../tests/support/sops-vectors.ts';

const example = vectors.find((v) => v.file.endsWith('example.yaml'))!;
const key = new Uint8Array(Buffer.from(example.dataKey, 'hex'));
const source = new TextDecoder().decode(vectorBytes(example.file));
const open = (text: string) => openSops(new TextEncoder().encode(text), 'yaml', { identities: [], dataKey: key, file: 'example.yaml' });

/** Replaces exactly one occurrence, so each test changes what it says it changes. */
function replaceOnce(text: string, from: string, to: string): string {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, to);
}

describe('a changed file is refused', () => {
  it('opens the untouched file', async () => {
    expect((await open(source)).macVerified).toBe(true);
  });

  it('refuses a tampered encrypted value, naming its key and line in the words of the user', async () => {
    const tampered = replaceOnce(source, 'data:/cSI,', 'data:/cSJ,');
    await expect(open(tampered)).rejects.toMatchObject({
      code: 'MAC_MISMATCH',
      message:
        "The value of app2/db/user in example.yaml was changed outside sops, or damaged: it no longer decrypts with the file's key.",
      hint: 'Restore the file from version control (git checkout -- example.yaml). The other values can still be read: open the file read-only.',
      location: { file: 'example.yaml', line: 4 },
    });
  });

  it('refuses a value whose base64 has a character added or lost, as sops would', async () => {
    for (const damaged of ['data:/c*SI,', 'data:/c SI,', 'data:/c=SI,', 'data:/cS,']) {
      await expect(open(replaceOnce(source, 'data:/cSI,', damaged))).rejects.toMatchObject({
        code: 'MAC_MISMATCH',
        location: { file: 'example.yaml', line: 4 },
      });
    }
  });

  it('opens the rest of a file with a tampered value read-only, and names the value left out', async () => {
    const tampered = replaceOnce(source, 'data:/cSI,', 'data:/cSJ,');
    const opened = await openSops(new TextEncoder().encode(tampered), 'yaml', {
      identities: [],
      dataKey: key,
      file: 'example.yaml',
      ignoreMac: true,
    });
    expect(opened.macVerified).toBe(false);
    expect(opened.damaged).toEqual([{ key: 'app2/db/user', line: 4 }]);
    const db = (opened.plaintext[0]!.get('app2') as Branch).get('db') as Branch;
    expect(db.entries().map((e) => e.key)).toEqual(['password']);
    expect(opened.plaintext[0]!.get('myapp1')).toBeDefined();
  });

  it('refuses an encrypted value moved to another key (its key path is its additional data)', async () => {
    const user = /user: (ENC\[[^\]]+\])/.exec(source)![1]!;
    const password = /password: (ENC\[[^\]]+\])/.exec(source)![1]!;
    const swapped = source.replace(user, '@@').replace(password, user).replace('@@', password);
    await expect(open(swapped)).rejects.toMatchObject({ code: 'MAC_MISMATCH', message: expect.stringMatching(/^The value of app2\/db\/user in example\.yaml was changed outside sops, or damaged: it no longer decrypts with the file's key, and 1 more \(app2\/db\/password \(line \d+\)\)\.$/) });
  });

  it('refuses a tampered clear-text value: the MAC covers it', async () => {
    const tampered = replaceOnce(source, 'all: going to remain in clear text', 'all: going to remain in clear text!');
    await expect(open(tampered)).rejects.toMatchObject({ code: 'MAC_MISMATCH', message: expect.stringContaining('MAC mismatch') });
  });

  it('refuses a tampered MAC', async () => {
    const mac = /mac: ENC\[AES256_GCM,data:(.)/.exec(source)!;
    const flipped = mac[1] === 'A' ? 'B' : 'A';
    await expect(open(replaceOnce(source, mac[0], mac[0].slice(0, -1) + flipped))).rejects.toMatchObject({ code: 'MAC_MISMATCH' });
  });

  it('refuses a changed lastmodified: the MAC is bound to it', async () => {
    await expect(open(replaceOnce(source, '2022-03-15T22:11:15Z', '2022-03-15T22:11:16Z'))).rejects.toMatchObject({ code: 'MAC_MISMATCH' });
  });

  it('refuses a reordered file: the MAC is over the values in order', async () => {
    const list = /an_array:\n((?: {4}- .*\n)+)/.exec(source)!;
    const items = list[1]!.trimEnd().split('\n');
    const reordered = replaceOnce(source, list[1]!, `${[items[1], items[0], ...items.slice(2)].join('\n')}\n`);
    await expect(open(reordered)).rejects.toMatchObject({ code: 'MAC_MISMATCH' });
  });

  it('refuses a removed value', async () => {
    const line = /\n {4}- ENC\[[^\n]+\n/.exec(source.slice(source.indexOf('somebooleans:')))![0];
    await expect(open(replaceOnce(source, line, '\n'))).rejects.toMatchObject({ code: 'MAC_MISMATCH' });
  });

  it('opens a file whose MAC fails only when asked, and says so', async () => {
    const tampered = replaceOnce(source, 'all: going to remain in clear text', 'all: changed');
    const opened = await openSops(new TextEncoder().encode(tampered), 'yaml', { identities: [], dataKey: key, ignoreMac: true });
    expect(opened.macVerified).toBe(false);
  });
});

describe('a cut-off file says where it ends, and opens read-only when what is left decrypts', () => {
  const lines = source.split('\n');
  const sopsLine = lines.indexOf('sops:') + 1;
  const lastModified = lines.findIndex((l) => l.includes('lastmodified:')) + 1;
  /** The first `n` lines, and half of the next when asked. */
  const cut = (n: number, half = false) =>
    lines.slice(0, n).join('\n') + '\n' + (half ? lines[n]!.slice(0, Math.floor(lines[n]!.length / 2)) : '');

  it('before its sops section: nothing can be read', async () => {
    await expect(open(cut(sopsLine - 2, true))).rejects.toMatchObject({
      code: 'INVALID_SOPS_FILE',
      message: `example.yaml ends early, at line ${sopsLine - 1}: it is cut off before its sops section, which holds the keys that decrypt it, so nothing in it can be read.`,
      hint: 'Restore it from version control (git checkout -- example.yaml).',
      location: { file: 'example.yaml', line: sopsLine - 1 },
    });
  });

  it('before its integrity check, even in the middle of a line: what is left opens read-only', async () => {
    for (const text of [cut(lastModified - 1), cut(lastModified - 1, true), cut(lastModified, true)]) {
      const end = text.replace(/\n+$/, '').split('\n').length;
      await expect(open(text)).rejects.toMatchObject({
        code: 'MAC_MISMATCH',
        message: `example.yaml ends early, at line ${end}: the end of its sops section, with its integrity check, is missing.`,
        hint: 'Restore it from version control (git checkout -- example.yaml). Its values still decrypt: open it read-only to read what is left.',
      });
      const opened = await openSops(new TextEncoder().encode(text), 'yaml', { identities: [], dataKey: key, ignoreMac: true });
      expect(opened.macVerified).toBe(false);
      expect(opened.plaintext[0]!.get('app2')).toBeDefined();
    }
  });
});
