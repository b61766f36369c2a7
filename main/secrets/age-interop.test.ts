// Files Flakedeck encrypts, opened with Debian's age: the data key, every value and the MAC.

import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createDecipheriv, createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { encryptPlain, openSops } from './sops-file.ts';

const hasAge = (() => {
  try {
    execFileSync('age', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

interface EncryptedExample {
  db: { user: string; port: string };
  ratio: string;
  enabled: string;
  names: string[];
  note_unencrypted: string;
  sops: { age: { enc: string }[]; mac: string; lastmodified: string };
}

/** Decrypts one sops value without Flakedeck's code: AES-256-GCM, the key path as AAD. */
function independentDecrypt(value: string, key: Buffer, aad: string): { bytes: Buffer; type: string } {
  const m = /^ENC\[AES256_GCM,data:([^,]*),iv:([^,]*),tag:([^,]*),type:([a-z]+)\]$/.exec(value);
  if (!m) throw new Error(`not an ENC value: ${value}`);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(m[2]!, 'base64'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(m[3]!, 'base64'));
  return { bytes: Buffer.concat([decipher.update(Buffer.from(m[1]!, 'base64')), decipher.final()]), type: m[4]! };
}

describe.skipIf(!hasAge)("files Flakedeck encrypts, checked with Debian's age", () => {
  it('decrypt to the data key with `age -d`, and that key opens every value and the MAC', async () => {
    const identity = await generateX25519Identity();
    const other = await generateX25519Identity();
    const plain = 'db:\n    user: admin\n    port: 5432\nratio: 0.25\nenabled: true\nnames:\n    - a\n    - b\nnote_unencrypted: visible\n';
    const encrypted = await encryptPlain(new TextEncoder().encode(plain), 'yaml', {
      plan: { groups: [[await identityToRecipient(identity), await identityToRecipient(other)]], shamirThreshold: 0 },
      rules: {},
    });
    const file = parse(new TextDecoder().decode(encrypted)) as EncryptedExample;
    const dir = mkdtempSync(join(tmpdir(), 'flakedeck-age-'));
    try {
      const keys = [identity, other].map((id, i) => {
        const keyFile = join(dir, `key-${i}.txt`);
        writeFileSync(keyFile, `${id}\n`, { mode: 0o600 });
        return execFileSync('age', ['-d', '-i', keyFile], { input: file.sops.age[i]!.enc });
      });
      expect(keys[0]).toHaveLength(32);
      expect(keys[1]!.equals(keys[0]!)).toBe(true);
      const key = keys[0]!;

      const values: [string, string, string, string][] = [
        [file.db.user, 'db:user:', 'admin', 'str'],
        [file.db.port, 'db:port:', '5432', 'int'],
        [file.ratio, 'ratio:', '0.25', 'float'],
        [file.enabled, 'enabled:', 'True', 'bool'],
        [file.names[0]!, 'names:', 'a', 'str'],
        [file.names[1]!, 'names:', 'b', 'str'],
      ];
      const mac = createHash('sha512');
      for (const [value, aad, expected, type] of values) {
        expect(independentDecrypt(value, key, aad)).toEqual({ bytes: Buffer.from(expected), type });
        mac.update(expected);
      }
      expect(file.note_unencrypted).toBe('visible');
      mac.update('visible');
      const storedMac = independentDecrypt(file.sops.mac, key, file.sops.lastmodified);
      expect(storedMac.bytes.toString()).toBe(mac.digest('hex').toUpperCase());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes new files in the layout of sops 3.13', async () => {
    const identity = await generateX25519Identity();
    const encrypted = new TextDecoder().decode(
      await encryptPlain(new TextEncoder().encode('a: b\n'), 'yaml', {
        plan: { groups: [[await identityToRecipient(identity)]], shamirThreshold: 0 },
        rules: {},
        now: new Date('2026-05-22T20:16:23.456Z'),
      }),
    );
    expect(encrypted).toMatch(
      /^a: ENC\[AES256_GCM,data:[^\n]+,type:str\]\nsops:\n {4}age:\n {8}- enc: \|\n {12}-----BEGIN AGE ENCRYPTED FILE-----\n( {12}[A-Za-z0-9+/=]{1,64}\n)+ {12}-----END AGE ENCRYPTED FILE-----\n {10}recipient: age1[a-z0-9]+\n {4}lastmodified: "2026-05-22T20:16:23Z"\n {4}mac: ENC\[AES256_GCM,[^\n]+,type:str\]\n {4}unencrypted_suffix: _unencrypted\n {4}version: 3\.13\.2\n$/,
    );
    expect((await openSops(new TextEncoder().encode(encrypted), 'yaml', { identities: [identity] })).macVerified).toBe(true);
  });
});
