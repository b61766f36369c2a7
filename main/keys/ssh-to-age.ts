// ssh-to-age (SPEC §12): an SSH ed25519 public key to its age recipient, and the private key to its age identity.

import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bech32 } from '@scure/base';
import { ApiError } from '../../common/api/errors.ts';

function keyError(message: string, hint = 'Use an OpenSSH ed25519 key (ssh-keygen -t ed25519).'): ApiError {
  return new ApiError({ code: 'INVALID_KEY', message, hint });
}

/** Reads SSH wire-format strings (uint32 length, then bytes). */
class WireReader {
  readonly #bytes: Uint8Array;
  #pos = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  uint32(): number {
    if (this.#pos + 4 > this.#bytes.length) throw keyError('The SSH key is truncated.');
    const view = new DataView(this.#bytes.buffer, this.#bytes.byteOffset + this.#pos, 4);
    this.#pos += 4;
    return view.getUint32(0);
  }

  bytes(): Uint8Array {
    const length = this.uint32();
    if (this.#pos + length > this.#bytes.length) throw keyError('The SSH key is truncated.');
    const out = this.#bytes.subarray(this.#pos, this.#pos + length);
    this.#pos += length;
    return out;
  }

  text(): string {
    return new TextDecoder().decode(this.bytes());
  }
}

function ed25519PublicFromBlob(blob: Uint8Array): Uint8Array {
  const reader = new WireReader(blob);
  const type = reader.text();
  if (type !== 'ssh-ed25519') throw keyError(`An ${type} key cannot be converted to age; only ssh-ed25519 keys can.`);
  const key = reader.bytes();
  if (key.length !== 32) throw keyError('The ssh-ed25519 public key is not 32 bytes long.');
  return key;
}

/**
 * The age recipient (`age1…`) of an SSH ed25519 public key. Takes a `.pub` line, an authorized_keys line, or an
 * `ssh-keyscan` / known_hosts line (`host ssh-ed25519 AAAA…`).
 */
export function sshPublicKeyToAge(line: string): string {
  const fields = line.trim().split(/\s+/);
  const at = fields.indexOf('ssh-ed25519');
  if (at === -1 || !fields[at + 1]) {
    const type = fields.find((f) => f.startsWith('ssh-') || f.startsWith('ecdsa-'));
    throw keyError(
      type
        ? `A ${type} key cannot be converted to age; only ssh-ed25519 keys can.`
        : 'This is not an SSH public key line.',
    );
  }
  const blob = Buffer.from(fields[at + 1]!, 'base64');
  const montgomery = ed25519.utils.toMontgomery(ed25519PublicFromBlob(new Uint8Array(blob)));
  return bech32.encode('age', bech32.toWords(montgomery));
}

const pemPattern = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]+?)-----END OPENSSH PRIVATE KEY-----/;
const magic = 'openssh-key-v1\0';

/** The 32-byte seed of an unencrypted OpenSSH ed25519 private key. */
export function ed25519SeedFromOpenSsh(pem: string): Uint8Array {
  const m = pemPattern.exec(pem);
  if (!m) throw keyError('This is not an OpenSSH private key.');
  const blob = new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
  if (new TextDecoder().decode(blob.subarray(0, magic.length)) !== magic)
    throw keyError('This is not an OpenSSH private key.');
  const reader = new WireReader(blob.subarray(magic.length));
  const cipher = reader.text();
  reader.text(); // kdf name
  reader.bytes(); // kdf options
  if (cipher !== 'none') {
    throw keyError(
      'The SSH key is protected by a passphrase.',
      'Convert a copy without one (ssh-keygen -p -N "" -f COPY), then delete the copy.',
    );
  }
  if (reader.uint32() !== 1) throw keyError('The SSH key file holds more than one key.');
  reader.bytes(); // public key
  const secret = new WireReader(reader.bytes());
  if (secret.uint32() !== secret.uint32()) throw keyError('The SSH private key is damaged (its check words differ).');
  if (secret.text() !== 'ssh-ed25519') throw keyError('Only ssh-ed25519 private keys can be converted to age.');
  secret.bytes(); // public key
  const privateKey = secret.bytes();
  if (privateKey.length !== 64) throw keyError('The ssh-ed25519 private key has the wrong length.');
  return privateKey.slice(0, 32);
}

/** The age identity (`AGE-SECRET-KEY-1…`) of an OpenSSH ed25519 private key: sha512(seed)[0:32], unclamped. */
export function sshPrivateKeyToAge(pem: string): string {
  const scalar = sha512(ed25519SeedFromOpenSsh(pem)).slice(0, 32);
  return bech32.encode('age-secret-key-', bech32.toWords(scalar)).toUpperCase();
}
