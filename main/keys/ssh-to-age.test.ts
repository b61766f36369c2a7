// ssh-to-age: ed25519 SSH keys converted to age recipients and identities, and keys it refuses.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { identityToRecipient } from 'age-encryption';
import { sshPrivateKeyToAge, sshPublicKeyToAge } from './ssh-to-age.ts';
import { vectorsDir } from '../../tests/support/sops-vectors.ts';

const vector = (f: string) => readFileSync(join(vectorsDir, f), 'utf8');

describe('ssh-to-age', () => {
  it('converts the sops-nix host key to the recipient its secrets.yaml is encrypted to', () => {
    expect(sshPublicKeyToAge(vector('sops-nix/ssh-ed25519-key.pub'))).toBe(
      'age1a8pk4akrdamj7nvqy3zywgtny8dxz7t5xzu7u8v9mhrayp9freqsqatyrs',
    );
    expect(vector('sops-nix/secrets.yaml')).toContain('age1a8pk4akrdamj7nvqy3zywgtny8dxz7t5xzu7u8v9mhrayp9freqsqatyrs');
  });

  it('converts the private key to the identity of that recipient', async () => {
    const identity = sshPrivateKeyToAge(vector('sops-nix/ssh-ed25519-key'));
    expect(identity).toBe('AGE-SECRET-KEY-1D88T3T22862F5SWX0V7M7CG9Q5T9FA90CCN9NVLJRCQATZ3WGL3QMR7CN4');
    expect(await identityToRecipient(identity)).toBe(sshPublicKeyToAge(vector('sops-nix/ssh-ed25519-key.pub')));
  });

  it('reads ssh-keyscan and known_hosts lines', () => {
    const [, blob] = vector('sops-nix/ssh-ed25519-key.pub').split(' ');
    expect(sshPublicKeyToAge(`myhost ssh-ed25519 ${blob}`)).toBe(
      'age1a8pk4akrdamj7nvqy3zywgtny8dxz7t5xzu7u8v9mhrayp9freqsqatyrs',
    );
    expect(sshPublicKeyToAge(`[10.0.0.1]:2222 ssh-ed25519 ${blob}\n`)).toBe(
      'age1a8pk4akrdamj7nvqy3zywgtny8dxz7t5xzu7u8v9mhrayp9freqsqatyrs',
    );
  });

  it('refuses RSA keys and things that are not keys, saying why', () => {
    expect(() => sshPublicKeyToAge('ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host')).toThrow(
      /ssh-rsa key cannot be converted to age/,
    );
    expect(() => sshPublicKeyToAge('hello world')).toThrow(/not an SSH public key/);
    expect(() => sshPrivateKeyToAge('-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----')).toThrow(
      /not an OpenSSH private key/,
    );
  });

  it('converts the sops unit-test SSH identity consistently with its public key', async () => {
    const identity = sshPrivateKeyToAge(vector('getsops-sops-age-unit/ssh-ed25519-identity'));
    expect(await identityToRecipient(identity)).toBe(
      sshPublicKeyToAge(vector('getsops-sops-age-unit/ssh-ed25519-recipient.pub')),
    );
  });
});
