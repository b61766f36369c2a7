// The sops test vectors (tests/fixtures/sops-vectors, see its MANIFEST.md): files, their keys and their plaintext.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SecretFormat } from '../../common/model/secrets.ts';

export const vectorsDir = resolve(import.meta.dirname, '..', 'fixtures', 'sops-vectors');

export interface Vector {
  file: string;
  format: SecretFormat;
  /** age identity files that decrypt it; empty for the PGP-only vectors. */
  ageKeys: string[];
  /** The data key from MANIFEST.md, so PGP-only vectors are tested past the key layer. */
  dataKey: string;
  /** One JSON value per document, comments left out. */
  plaintext: unknown[];
  /** Comment texts the decrypted file holds (decrypted where they were encrypted). */
  comments?: string[];
  macFails?: boolean;
}

const welcome = 'Welcome to SOPS! Edit this file as you please!';

export const vectors: Vector[] = [
  {
    file: 'sops-nix/secrets.yaml',
    format: 'yaml',
    ageKeys: ['sops-nix/age-keys.txt'],
    dataKey: 'b9152942b7105527fd1fb9e2d9a1ee9bd03a7bb8edea26d311fda1a2e85056b2',
    plaintext: [{ test_key: 'test_value', a_list: ['e1', 'e3'], nested: { test: { file: 'another value' } } }],
  },
  {
    file: 'sops-nix/secrets-user.yaml',
    format: 'yaml',
    ageKeys: ['sops-nix/age-keys.txt'],
    dataKey: 'e55e47afe1202b42bf813deefa9aad614be3c5631447b768dc6d1cf7bc98abb5',
    plaintext: [{ test_key: 'test_value_user', test_key2: 'test_value2_user', test_key3: 'test_value3_user' }],
  },
  {
    file: 'sops-nix/secrets-system.yaml',
    format: 'yaml',
    ageKeys: ['sops-nix/age-keys.txt'],
    dataKey: '5d3f383be5ca8d90c10ca9e5f84f3abad05162b02fb15b8343104ba7a203c824',
    plaintext: [{ test_key: 'test_value_system', test_key2: 'test_value2_system' }],
  },
  {
    file: 'getsops-sops-pr1031/example.yaml',
    format: 'yaml',
    ageKeys: ['getsops-sops-pr1031/keys.txt'],
    dataKey: '9ac088cf7029981341457c39dd56dde54600dfbce9b5ede23aa65c418900ab67',
    plaintext: [
      {
        myapp1: 't00m4nys3cr3tzupdated',
        app2: {
          db: { user: 'eve', password: 'c4r1b0u' },
          key: '-----BEGIN RSA PRIVATE KEY-----\nMIIBPAIBAAJBAPTMNIyHuZtpLYc7VsHQtwOkWYobkUblmHWRmbXzlAX6K8tMf3Wf\nImcbNkqAKnELzFAPSBeEMhrBN0PyOC9lYlMCAwEAAQJBALXD4sjuBn1E7Y9aGiMz\nbJEBuZJ4wbhYxomVoQKfaCu+kH80uLFZKoSz85/ySauWE8LgZcMLIBoiXNhDKfQL\nvHECIQD6tCG9NMFWor69kgbX8vK5Y+QL+kRq+9HK6yZ9a+hsLQIhAPn4Ie6HGTjw\nfHSTXWZpGSan7NwTkIu4U5q2SlLjcZh/AiEA78NYRRBwGwAYNUqzutGBqyXKUl4u\nErb0xAEyVV7e8J0CIQC8VBY8f8yg+Y7Kxbw4zDYGyb3KkXL10YorpeuZR4LuQQIg\nbKGPkMM4w5blyE1tqGN0T7sJwEx+EUOgacRNqM2ljVA=\n-----END RSA PRIVATE KEY-----\n',
        },
        number: 1234568000,
        an_array: [
          'secretuser1',
          'secretuser2',
          'somelongvalueAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
          'some other value',
        ],
        somebooleans: [true, false],
        this: { is: { a: { nested: { value: 'with something secret in it' } } } },
        somelist_unencrypted: [
          'all elements of this list',
          'remain in clear text',
          'because of the _encrypted suffix in the key',
        ],
        nested_unencrypted: { this: { is: { all: 'going to remain in clear text' } } },
      },
    ],
    comments: [
      ' private key for secret operations in app2',
      ' sops supports unencrypted fields',
      ' by adding the `_unencrypted` suffix',
      ' to any key',
    ],
  },
  {
    file: 'getsops-sops-pr1031/example.json',
    format: 'json',
    ageKeys: ['getsops-sops-pr1031/keys.txt'],
    dataKey: '82ee047aa51fbcf65882bdeb1996b6d729d457364a9eba6b41766cc742415fdb',
    plaintext: [
      {
        firstName: 'John',
        lastName: 'Smith',
        age: 25.4,
        address: { city: 'New York', postalCode: '10021-3100', state: 'NY', streetAddress: '21 2nd Street' },
        phoneNumbers: [
          { number: '212 555-1234', type: 'home' },
          { number: '646 555-4567', type: 'office' },
        ],
        anEmptyValue: '',
      },
    ],
  },
  {
    file: 'getsops-sops-pr1031/example.txt',
    format: 'binary',
    ageKeys: ['getsops-sops-pr1031/keys.txt'],
    dataKey: '34fabb4b000ca1928576c3b632904de7033bc24734eaa1f0d9ee8d32fdfecc6a',
    plaintext: [
      {
        data: "Welcome to SOPS!\n\nSOPS is a manager of encrypted files designed to help distribute secrets.\nCheck it out, it's on github: https://github.com/mozilla/sops\n\n",
      },
    ],
  },
  {
    file: 'getsops-sops-pr1031/example.ini',
    format: 'ini',
    ageKeys: ['getsops-sops-pr1031/keys.txt'],
    dataKey: 'e2c0e2d64fca33615d5856a9a98f41cba5c23f8a2300b3beaf4976065610faba',
    plaintext: [
      {
        DEFAULT: {},
        name: { firstName: 'John', lastName: 'Smith', age: '25.4' },
        address: { city: 'New York', postalCode: '10021-3100', state: 'NY', streetAddress: '21 2nd Street' },
        phoneNumbers: { home: '212 555-1234', office: '646 555-4567' },
        'not private': { notsecret_unencrypted: 'hi there!' },
      },
    ],
    comments: ['An example file for use with sops!'],
  },
  {
    file: 'sops-nix/pgp-only.secrets.json',
    format: 'json',
    ageKeys: [],
    dataKey: 'f7820264ffb2476c375f41af3f6fc4b6ed53775ee4338a73dbfd09f0c15c3b80',
    plaintext: [{ test_key: 'test_value' }],
  },
  {
    file: 'sops-nix/pgp-only.secrets.bin',
    format: 'binary',
    ageKeys: [],
    dataKey: '76b56cbf2679698e51d455d051e8a270b0ca75bbaca9fc16c5c47c17d767346a',
    plaintext: [{ data: 'binary_value\n' }],
  },
  {
    file: 'sops-nix/pgp-only.secrets.env',
    format: 'dotenv',
    ageKeys: [],
    dataKey: 'd47a66aa0fc88f3a593ea2640ff1f7608f80e134bb40ed668555c936f1dd8e19',
    plaintext: [
      { hello: welcome, example_key: 'example_value', example_multiline: 'foo\nbar\nbaz', never_gonna: 'give you up' },
    ],
    comments: [' This is an example file.'],
  },
  {
    file: 'sops-nix/pgp-only.secrets.ini',
    format: 'ini',
    ageKeys: [],
    dataKey: '0e3422dcdc60ebecac85f9257df7f890d445263372b98d959367cd64f4fb918b',
    plaintext: [
      { DEFAULT: {}, 'Welcome!': { hello: welcome, example_key: 'example_value', never_gonna: 'give you up' } },
    ],
    comments: ['This is an example file.'],
  },
  ...(
    [
      ['format.enc.yaml', 'yaml', 'af5e68dd342b72c6a0475f81a50da4fde898f4b7742c92cbcf1668211411f4e4', { foo: 'bar' }],
      ['format.enc.json', 'json', '9f6aeda6383502c38f7dae6fbbb8cb6890582adb0335effa8952fe590d7a9596', { foo: 'bar' }],
      [
        'format.enc.env',
        'dotenv',
        '322d9a97997823fb2bf42f55a6c26100cbaf0520cf88bb7ebee1cf47dd6d318d',
        { 'foo ': ' bar' },
      ],
      [
        'format.enc.ini',
        'ini',
        'ce46fd76883106d55913ff2207e160bbeac65a71d6e1cf84c510614bed6f8ccd',
        { DEFAULT: {}, foo: { bar: 'baz' } },
      ],
      [
        'format-2.enc.ini',
        'ini',
        '200b251d35608cb3451d26d95d0f6c4580575d8f61d908b6d224fc488c65263f',
        { DEFAULT: {}, foo: { bar: 'baz' } },
      ],
      [
        'comments.enc.yaml',
        'yaml',
        '61bec946f5783fd4cea3d1b1ce407fce2b6e81fc301cc539c422015e27f6d1be',
        { lorem: 'ipsum', dolor: 'sit' },
      ],
      [
        'comments_unencrypted_comments.yaml',
        'yaml',
        '70f645aec88418dff72ac2a7a5503209cf00beda80706e6e157fd94ae53885a0',
        { lorem: 'ipsum', dolor: 'sit' },
      ],
      [
        'multiple_keys.yaml',
        'yaml',
        '1e1db61c6b93c001caa9ce34a9d68448eee8a3c69336697eab36bb92327ce786',
        { message: 'hello' },
      ],
    ] as const
  ).map(([file, format, dataKey, plaintext]) => ({
    file: `getsops-sops-functional-pgp/${file}`,
    format,
    ageKeys: [],
    dataKey,
    plaintext: [plaintext],
    ...(file.startsWith('comments') && { comments: [' first comment in file', ' this-is-a-comment'] }),
  })),
  {
    file: 'getsops-sops-functional-pgp/no_mac.yaml',
    format: 'yaml',
    ageKeys: [],
    dataKey: '87f9ee7ab041cfd1946fb50e6166b29858fcb4224ae3816186a129248558461f',
    plaintext: [{ myapp1: 't00m4nys3cr3tzupdated' }],
    macFails: true,
  },
];

export function vectorBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(vectorsDir, file)));
}

/** The AGE-SECRET-KEY lines of identity files in the vectors folder. */
export function vectorIdentities(files: readonly string[]): string[] {
  return files.flatMap((f) =>
    readFileSync(join(vectorsDir, f), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('AGE-SECRET-KEY-')),
  );
}
