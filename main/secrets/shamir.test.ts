// Shamir key groups: shares that rebuild the data key, and sops' refusal of a threshold of 1 across groups.

import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { combineShares, splitSecret } from './shamir.ts';
import { encryptPlain, openSops } from './sops-file.ts';

describe('Shamir key groups', () => {
  it('splits a key so any threshold of shares rebuilds it and fewer do not', () => {
    const secret = new Uint8Array(randomBytes(32));
    const shares = splitSecret(secret, 3, 2);
    expect(shares.map((s) => s[32])).toEqual([1, 2, 3]);
    for (const pair of [[0, 1], [0, 2], [1, 2]]) expect(combineShares(pair.map((i) => shares[i]!))).toEqual(secret);
    expect(combineShares([shares[0]!])).not.toEqual(secret);
  });

  it('encrypts to two key groups and needs both when the threshold is 2', async () => {
    const [a, b] = [await generateX25519Identity(), await generateX25519Identity()];
    const plan = { groups: [[await identityToRecipient(a)], [await identityToRecipient(b)]], shamirThreshold: 2 };
    const bytes = await encryptPlain(new TextEncoder().encode('token: s3cret\n'), 'yaml', { plan, rules: {} });
    const text = new TextDecoder().decode(bytes);
    expect(text).toMatch(/\n {4}key_groups:\n {8}- age:\n {12}- enc: \|/);
    expect(text).toMatch(/\n {10}hc_vault: \[\]\n/);
    expect(text).toMatch(/\n {4}shamir_threshold: 2\n/);
    const both = await openSops(bytes, 'yaml', { identities: [a, b] });
    expect(both.plaintext[0]!.get('token')).toBe('s3cret');
    await expect(openSops(bytes, 'yaml', { identities: [a] })).rejects.toMatchObject({
      code: 'NO_IDENTITY',
      message: expect.stringContaining('open 1 of the 2 key groups'),
    });
  });

  it('refuses a threshold of 1 across two groups, as sops does: any share would be the key itself', async () => {
    const [a, b] = [await generateX25519Identity(), await generateX25519Identity()];
    const plan = { groups: [[await identityToRecipient(a)], [await identityToRecipient(b)]], shamirThreshold: 1 };
    await expect(encryptPlain(new TextEncoder().encode('token: s3cret\n'), 'yaml', { plan, rules: {} })).rejects.toMatchObject({
      code: 'SOPS_CONFIG',
    });
  });
});
