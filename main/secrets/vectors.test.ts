// The sops test vectors: each decrypts to the expected plaintext, MAC verified, as sops decrypts it.

import { describe, expect, it } from 'vitest';
import { Timestamp } from './tree.ts';
import { openSops, reencrypt } from './sops-file.ts';
import { storeFor } from './stores/index.ts';
import { vectorBytes, vectorIdentities, vectors } from '../../tests/support/sops-vectors.ts';
import { commentsOf, toJson } from '../../tests/support/tree-json.ts';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const keyOf = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));

describe('sops vectors', () => {
  const ageVectors = vectors.filter((v) => v.ageKeys.length > 0);

  it.each(ageVectors.map((v) => [v.file, v] as const))('%s decrypts with its age key to the expected plaintext, MAC verified', async (_name, v) => {
    const opened = await openSops(vectorBytes(v.file), v.format, { identities: vectorIdentities(v.ageKeys), file: v.file });
    expect(opened.macVerified).toBe(true);
    expect(Buffer.from(opened.dataKey).toString('hex')).toBe(v.dataKey);
    expect(opened.plaintext.map((b) => toJson(b))).toEqual(v.plaintext);
    for (const comment of v.comments ?? []) expect(opened.plaintext.flatMap((b) => commentsOf(b))).toContain(comment);
  });

  it.each(vectors.filter((v) => !v.macFails).map((v) => [v.file, v] as const))('%s decrypts with its data key, MAC verified', async (_name, v) => {
    const opened = await openSops(vectorBytes(v.file), v.format, { identities: [], dataKey: keyOf(v.dataKey) });
    expect(opened.macVerified).toBe(true);
    expect(opened.plaintext.map((b) => toJson(b))).toEqual(v.plaintext);
    for (const comment of v.comments ?? []) expect(opened.plaintext.flatMap((b) => commentsOf(b))).toContain(comment);
  });

  it.each(vectors.map((v) => [v.file, v] as const))('%s is written back byte for byte when nothing changed', (_name, v) => {
    const store = storeFor(v.format);
    const bytes = vectorBytes(v.file);
    expect(text(store.writeEncrypted(store.readEncrypted(bytes)))).toBe(text(bytes));
  });

  // sops 3.3.1 left comments in clear text; every later sops (and Flakedeck) encrypts them when it re-encrypts.
  const clearComments = (v: (typeof vectors)[number]) => v.file.endsWith('comments_unencrypted_comments.yaml');

  it.each(vectors.filter((v) => !v.macFails && !clearComments(v)).map((v) => [v.file, v] as const))(
    '%s re-encrypted unchanged at its own lastmodified is identical (the IV stash keeps every ciphertext)',
    async (_name, v) => {
      const bytes = vectorBytes(v.file);
      const opened = await openSops(bytes, v.format, { identities: [], dataKey: keyOf(v.dataKey) });
      const again = reencrypt(opened, opened.plaintext, new Date(opened.metadata.lastModified));
      expect(text(again)).toBe(text(bytes));
    },
  );

  it('refuses the vector whose MAC is missing, and opens it only when told to ignore the MAC', async () => {
    const v = vectors.find((x) => x.macFails)!;
    const options = { identities: [], dataKey: keyOf(v.dataKey), file: v.file };
    await expect(openSops(vectorBytes(v.file), v.format, options)).rejects.toMatchObject({
      code: 'MAC_MISMATCH',
      message: expect.stringContaining('failed its integrity check'),
      detail: 'The file has no MAC.',
    });
    const opened = await openSops(vectorBytes(v.file), v.format, { ...options, ignoreMac: true });
    expect(opened.macVerified).toBe(false);
    expect(opened.plaintext.map((b) => toJson(b))).toEqual(v.plaintext);
  });

  it('decrypts the sops-nix file with the host key converted by ssh-to-age, the same data key as the admin key', async () => {
    const opened = await openSops(vectorBytes('sops-nix/secrets.yaml'), 'yaml', {
      identities: ['AGE-SECRET-KEY-1D88T3T22862F5SWX0V7M7CG9Q5T9FA90CCN9NVLJRCQATZ3WGL3QMR7CN4'],
    });
    expect(Buffer.from(opened.dataKey).toString('hex')).toBe(vectors[0]!.dataKey);
  });

  it('reads typed leaves as sops does: float, bools, and multi-line strings', async () => {
    const v = vectors.find((x) => x.file.endsWith('example.yaml'))!;
    const opened = await openSops(vectorBytes(v.file), 'yaml', { identities: [], dataKey: keyOf(v.dataKey) });
    const doc = opened.plaintext[0]!;
    expect(doc.get('number')).toBe(1234568000);
    expect(doc.get('somebooleans')).toEqual([true, false]);
    expect(doc.get('number')).not.toBeInstanceOf(Timestamp);
    expect(text(opened.store.writePlain(opened.plaintext))).toContain('number: 1.234568e+09\n');
  });
});
