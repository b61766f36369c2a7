// Encrypting new files in every format, laid out as sops 3.13 writes them, and decrypted back.

import { describe, expect, it } from 'vitest';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import type { SecretFormat } from '../../common/model/secrets.ts';
import { decryptedBytes, encryptPlain, openSops } from './sops-file.ts';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytesOf = (s: string) => new TextEncoder().encode(s);

async function encrypt(plain: string, format: SecretFormat, rules = {}) {
  const identity = await generateX25519Identity();
  const plan = { groups: [[await identityToRecipient(identity)]], shamirThreshold: 0 };
  const now = new Date('2026-05-22T20:16:23Z');
  return { identity, bytes: await encryptPlain(bytesOf(plain), format, { plan, rules, now }) };
}

describe('encrypting new files in every format (sops 3.13 layout)', () => {
  const cases: [SecretFormat, string, RegExp][] = [
    ['json', '{\n\t"a": "b",\n\t"n": 1.5\n}\n', /\n\t"sops": \{\n\t\t"age": \[\n\t\t\t\{\n\t\t\t\t"enc": "-----BEGIN AGE ENCRYPTED FILE-----\\n[^"]+",\n\t\t\t\t"recipient": "age1[^"]+"\n\t\t\t\}\n\t\t\],\n\t\t"lastmodified": "2026-05-22T20:16:23Z",\n\t\t"mac": "ENC\[[^"]+",\n\t\t"unencrypted_suffix": "_unencrypted",\n\t\t"version": "3\.13\.2"\n\t\}\n\}\n$/],
    ['dotenv', '# note\nA=1\nB=two\\nlines\n', /\nsops_age__list_0__map_enc=-----BEGIN AGE ENCRYPTED FILE-----\\n.+\nsops_age__list_0__map_recipient=age1.+\nsops_lastmodified=2026-05-22T20:16:23Z\nsops_mac=ENC\[.+\]\nsops_unencrypted_suffix=_unencrypted\nsops_version=3\.13\.2\n$/],
    ['ini', '; note\n[db]\nuser = admin\n', /\n\n\[sops\]\nage__list_0__map_enc {7}= -----BEGIN AGE ENCRYPTED FILE-----\\n.+\nage__list_0__map_recipient = age1.+\nlastmodified {15}= 2026-05-22T20:16:23Z\nmac {24}= ENC\[.+\]\nunencrypted_suffix {9}= _unencrypted\nversion {20}= 3\.13\.2\n$/],
    ['binary', 'raw \u0000 bytes\n', /^\{\n\t"data": "ENC\[AES256_GCM,[^"]+,type:str\]",\n\t"sops": \{\n(?![\s\S]*unencrypted_suffix)[\s\S]+"version": "3\.13\.2"\n\t\}\n\}\n$/],
  ];

  it.each(cases)('%s: writes the metadata as sops 3.13 does and decrypts back to the same plaintext', async (format, plain, layout) => {
    const { identity, bytes } = await encrypt(plain, format);
    expect(text(bytes)).toMatch(layout);
    expect(text(bytes)).not.toMatch(/admin|two|1\.5|raw/);
    const opened = await openSops(bytes, format, { identities: [identity] });
    expect(opened.macVerified).toBe(true);
    expect(text(decryptedBytes(opened))).toBe(plain);
  });

  it('applies encrypted_regex: only matching keys are encrypted, the rest is still covered by the MAC', async () => {
    const plain = 'apiVersion: v1\nkind: Secret\ndata:\n    password: aHVudGVyMg==\n';
    const { identity, bytes } = await encrypt(plain, 'yaml', { encryptedRegex: '^(data|stringData)$' });
    expect(text(bytes)).toMatch(/^apiVersion: v1\nkind: Secret\ndata:\n {4}password: ENC\[/);
    expect(text(bytes)).toMatch(/\n {4}encrypted_regex: \^\(data\|stringData\)\$\n/);
    const tampered = bytesOf(text(bytes).replace('kind: Secret', 'kind: ConfigMap'));
    await expect(openSops(tampered, 'yaml', { identities: [identity] })).rejects.toMatchObject({ code: 'MAC_MISMATCH' });
  });

  it('refuses an empty file and one that is already encrypted', async () => {
    await expect(encrypt('', 'yaml')).rejects.toMatchObject({ message: expect.stringContaining('empty') });
    const { bytes } = await encrypt('a: b\n', 'yaml');
    await expect(encrypt(text(bytes), 'yaml')).rejects.toMatchObject({ message: expect.stringContaining('already encrypted') });
  });
});
