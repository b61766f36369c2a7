// Files as an adversary or a newer sops writes them: YAML tags and merge keys, aliases and age stanzas that ask
// for too much work, duplicate keys, relabelled types, hostile patterns, and a value of 64 MB.

import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ApiError } from '../../common/api/errors.ts';
import type { SecretFormat } from '../../common/model/secrets.ts';
import { Branch } from './tree.ts';
import { decryptedBytes, encryptPlain, openSops, reencrypt } from './sops-file.ts';
import type { EncryptionRules } from './encryption-rules.ts';
import { readFullYaml } from './stores/yaml-read.ts';
import { readSubsetYaml } from './stores/yaml-subset-read.ts';

const dataKey = new Uint8Array(randomBytes(32));
const recipient = 'age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw';
const utf8 = new TextEncoder();
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function encrypt(plain: string, format: SecretFormat = 'yaml', rules: EncryptionRules = {}): Promise<Uint8Array> {
  return encryptPlain(utf8.encode(plain), format, { plan: { groups: [[recipient]], shamirThreshold: 0 }, rules, dataKey });
}

const open = (bytes: Uint8Array | string, format: SecretFormat = 'yaml') =>
  openSops(typeof bytes === 'string' ? utf8.encode(bytes) : bytes, format, { identities: [], dataKey, file: 'f' });

describe('YAML tags and merge keys, as sops 3.10+ reads and writes them (yaml.v3)', () => {
  const plain = [
    'base: &base',
    '    user: admin',
    '    port: 5432',
    'db:',
    '    !!merge <<: *base',
    '    password: !!str 12345',
    '    blob: !!binary aGVsbG8=',
    '    count: !!int "7"',
    '    custom: !vault secret-ref',
    '    plain: !<tag:yaml.org,2002:str> x',
    '',
  ].join('\n');

  it('reads tags as yaml.v3 resolves them and `<<` as an ordinary key holding the expanded alias', async () => {
    const opened = await open(await encrypt(plain));
    const db = opened.plaintext[0]!.get('db') as Branch;
    expect(db.entries().map((e) => e.key)).toEqual(['<<', 'password', 'blob', 'count', 'custom', 'plain']);
    expect((db.get('<<') as Branch).entries()).toEqual([
      { key: 'user', value: 'admin' },
      { key: 'port', value: 5432n },
    ]);
    expect(db.entries().slice(1).map((e) => e.value)).toEqual(['12345', 'hello', 7n, 'secret-ref', 'x']);
  });

  it('writes them back as sops does: `!!merge <<:` with the alias expanded, other tags resolved away', async () => {
    const bytes = await encrypt(plain);
    expect(text(bytes)).toMatch(/^db:\n {4}!!merge <<:\n {8}user: ENC\[AES256_GCM,data:[^\n]+type:str\]\n {8}port: ENC\[[^\n]+type:int\]\n/m);
    expect(text(decryptedBytes(await open(bytes)))).toBe(
      [
        'base:',
        '    user: admin',
        '    port: 5432',
        'db:',
        '    !!merge <<:',
        '        user: admin',
        '        port: 5432',
        '    password: "12345"',
        '    blob: hello',
        '    count: 7',
        '    custom: secret-ref',
        '    plain: x',
        '',
      ].join('\n'),
    );
  });

  it('round-trips such a file byte for byte, with the MAC over `db:<<:user:` and the rest', async () => {
    const bytes = await encrypt(plain);
    const opened = await open(bytes);
    expect(opened.macVerified).toBe(true);
    expect(text(reencrypt(opened, opened.plaintext, new Date(opened.metadata.lastModified)))).toBe(text(bytes));
  });

  it('reads the file the same through the fast reader of sops’ own YAML and the full one', async () => {
    const written = text(await encrypt(plain));
    expect(readSubsetYaml(written)).toEqual(readFullYaml(written));
  });
});

describe('work a file can ask for is bounded, and refused fast with a clear message', () => {
  it('refuses aliases that expand to many megabytes (few values, long strings)', () => {
    const long = 'x'.repeat(100_000);
    const refs = Array.from({ length: 200 }, (_, i) => `r${i}: *big`).join('\n');
    expect(() => readFullYaml(`big: &big ${long}\n${refs}\n`)).toThrow(/aliases expand to more than .* MiB/);
  });

  it('refuses metadata with more age keys than any team has', async () => {
    const bytes = text(await encrypt('a: b\n'));
    const many = Array.from({ length: 1001 }, () => `        - recipient: ${recipient}\n          enc: x`).join('\n');
    const tooMany = bytes.replace(/ {4}age:\n(?: {8}- [^\n]*\n(?: {10}[^\n]*\n)*)+/, `    age:\n${many}\n`);
    await expect(open(tooMany)).rejects.toMatchObject({ message: expect.stringMatching(/1001 age keys/) });
  });
});

describe('duplicate keys, which the MAC cannot tell apart when one is empty', () => {
  it.each([
    ['json', '{"a": "secret", "b": "x"}', (s: string) => s.replace('"b":', '"a": "",\n\t"b":')],
    ['binary', 'secret data', (s: string) => s.replace('"sops":', '"data": "",\n\t"sops":')],
    ['dotenv', 'A=secret\nB=x\n', (s: string) => s.replace('B=', 'A=\nB=')],
  ] as const)('refuses an added empty duplicate in %s', async (format, plain, addDuplicate) => {
    const bytes = text(await encrypt(plain, format));
    expect((await open(bytes, format)).macVerified).toBe(true);
    const tampered = addDuplicate(bytes);
    expect(tampered).not.toBe(bytes);
    await expect(open(tampered, format)).rejects.toMatchObject({ message: expect.stringMatching(/appears twice/) });
  });
});

describe('no error message ever contains a decrypted value', () => {
  const marker = 'MARKER-7f3a9c-SECRET';
  const others = 'OTHER-2b8d-SECRET';
  const plain = `first: ${marker}\nsecond: ${others}\nnum: 42\nlist:\n    - ${marker}\nflag: true\n`;

  /** Each way a file can be damaged so that opening it fails after (or while) values were decrypted. */
  const damages: [string, (file: string) => string][] = [
    ['a str relabelled int', (f) => f.replace(/(first: ENC\[[^\]]*)type:str\]/, '$1type:int]')],
    ['a str relabelled float', (f) => f.replace(/(first: ENC\[[^\]]*)type:str\]/, '$1type:float]')],
    ['a str relabelled bool', (f) => f.replace(/(first: ENC\[[^\]]*)type:str\]/, '$1type:bool]')],
    ['a str relabelled comment', (f) => f.replace(/(second: ENC\[[^\]]*)type:str\]/, '$1type:comment]')],
    ['a str relabelled unknown', (f) => f.replace(/(first: ENC\[[^\]]*)type:str\]/, '$1type:nope]')],
    ['a list item relabelled', (f) => f.replace(/(- ENC\[[^\]]*)type:str\]/, '$1type:int]')],
    ['two values swapped', (f) => f.replace(/first: (ENC\[[^\]]*\])\nsecond: (ENC\[[^\]]*\])/, 'first: $2\nsecond: $1')],
    ['the MAC changed', (f) => f.replace(/mac: ENC\[AES256_GCM,data:./, 'mac: ENC[AES256_GCM,data:A')],
    ['lastmodified changed', (f) => f.replace(/lastmodified: "(\d{4})/, 'lastmodified: "1999')],
    ['a value removed', (f) => f.replace(/num: [^\n]*\n/, '')],
    ['a plaintext value added', (f) => f.replace('flag:', `extra_unencrypted: x\nflag:`)],
    ['a duplicate key', (f) => f.replace('flag:', 'first: ""\nflag:')],
  ];

  it.each(damages)('when %s', async (_name, damage) => {
    const file = text(await encrypt(plain));
    const damaged = damage(file);
    expect(damaged).not.toBe(file);
    const error = await open(damaged).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    const { message, hint, detail } = error as ApiError;
    const said = `${message}\n${hint ?? ''}\n${detail ?? ''}`;
    expect(said).not.toContain(marker);
    expect(said).not.toContain(others);
  });
});

describe('hostile regular expressions from the metadata or .sops.yaml', () => {
  it('answers a catastrophic-backtracking encrypted_regex on long keys at once (RE2 is linear)', async () => {
    const rules = { encryptedRegex: '^(a+)+$' };
    const keys = Array.from({ length: 20 }, (_, i) => `${'a'.repeat(50 + i)}b: v${i}`).join('\n');
    const bytes = await encrypt(`${keys}\naaaa: secret\n`, 'yaml', rules);
    // With V8's backtracking engine each key took 2^50 steps; here the whole file opens.
    const opened = await open(bytes);
    expect(opened.plaintext[0]!.get('aaaa')).toBe('secret');
    expect(text(bytes)).toContain(`${'a'.repeat(50)}b: v0`);
  });

  it('refuses look-around and back-references, which Go’s RE2 does not have', async () => {
    await expect(encrypt('a: b\n', 'yaml', { encryptedRegex: '(?=a)' })).rejects.toMatchObject({ code: 'INVALID_SOPS_FILE' });
  });
});

describe('a value of 64 MB', () => {
  it.each(['yaml', 'json', 'binary'] as const)('encrypts and decrypts in %s', { timeout: 600_000 }, async (format) => {
    const value = 'v'.repeat(64 * 1024 * 1024);
    const plain = format === 'yaml' ? `big: ${value}\n` : format === 'json' ? `{"big": "${value}"}` : value;
    const opened = await open(await encrypt(plain, format), format);
    expect(opened.macVerified).toBe(true);
    const back = opened.plaintext[0]!.get(format === 'binary' ? 'data' : 'big') as string | Uint8Array;
    expect(back.length).toBe(value.length);
  });
});
