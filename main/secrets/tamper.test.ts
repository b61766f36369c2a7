// A changed sops file is refused: tampered or moved values, a tampered MAC, lastmodified or order.

import { describe, expect, it } from 'vitest';
import { openSops } from './sops-file.ts';
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

  it('refuses a tampered encrypted value: it no longer authenticates', async () => {
    const tampered = replaceOnce(source, 'data:/cSI,', 'data:/cSJ,');
    await expect(open(tampered)).rejects.toMatchObject({ code: 'INVALID_SOPS_FILE', message: expect.stringMatching(/app2:db:user:.*does not authenticate/) });
  });

  it('refuses an encrypted value moved to another key (its key path is its additional data)', async () => {
    const user = /user: (ENC\[[^\]]+\])/.exec(source)![1]!;
    const password = /password: (ENC\[[^\]]+\])/.exec(source)![1]!;
    const swapped = source.replace(user, '@@').replace(password, user).replace('@@', password);
    await expect(open(swapped)).rejects.toMatchObject({ code: 'INVALID_SOPS_FILE' });
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
