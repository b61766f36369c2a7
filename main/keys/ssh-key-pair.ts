// OpenSSH ed25519 keys written as ssh-keygen writes them: the public line of a seed, and a new unencrypted key pair.

import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';

const keyType = 'ssh-ed25519';
const utf8 = new TextEncoder();

/** SSH wire encoding: each part as a 32-bit big-endian length and its bytes. */
function wire(...parts: (Uint8Array | string)[]): Uint8Array {
  const bytes = parts.map((part) => (typeof part === 'string' ? utf8.encode(part) : part));
  const out = new Uint8Array(bytes.reduce((sum, b) => sum + 4 + b.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const b of bytes) {
    view.setUint32(at, b.length);
    out.set(b, at + 4);
    at += 4 + b.length;
  }
  return out;
}

function publicBlob(publicKey: Uint8Array): Uint8Array {
  return wire(keyType, publicKey);
}

/** `ssh-ed25519 AAAA…` (no comment) of a 32-byte ed25519 seed. */
export function ed25519PublicLine(seed: Uint8Array): string {
  return `${keyType} ${Buffer.from(publicBlob(ed25519.getPublicKey(seed))).toString('base64')}`;
}

/** A new ed25519 key pair: the private key as an unencrypted OpenSSH file, and its public line with the comment. */
export function newEd25519KeyPair(comment: string): { privateKey: string; publicLine: string } {
  const seed = new Uint8Array(randomBytes(32));
  const publicKey = ed25519.getPublicKey(seed);
  const check = randomBytes(4);
  const secret = new Uint8Array(64);
  secret.set(seed);
  secret.set(publicKey, 32);
  const body = [check, check, wire(keyType, publicKey, secret, comment)];
  const unpadded = body.reduce((sum, b) => sum + b.length, 0);
  // The private section is padded with 1, 2, 3… to a multiple of the cipher's block size (8 for "none").
  const padding = Uint8Array.from({ length: (8 - (unpadded % 8)) % 8 }, (_, i) => i + 1);
  const privateSection = new Uint8Array(Buffer.concat([...body, padding]));
  const blob = Buffer.concat([
    utf8.encode('openssh-key-v1\0'),
    wire('none', 'none', new Uint8Array(0)),
    new Uint8Array([0, 0, 0, 1]),
    wire(publicBlob(publicKey), privateSection),
  ]);
  const lines = blob.toString('base64').match(/.{1,70}/g) ?? [];
  return {
    privateKey: ['-----BEGIN OPENSSH PRIVATE KEY-----', ...lines, '-----END OPENSSH PRIVATE KEY-----', ''].join('\n'),
    publicLine: `${ed25519PublicLine(seed)} ${comment}`,
  };
}
