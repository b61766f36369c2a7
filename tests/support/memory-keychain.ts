// An in-memory stand-in for the OS keychain, for tests of code above the key service (the key service itself is
// tested against a real Secret Service).

import type { Keychain, KeychainEntry } from '../../main/keys/keychain.ts';

export class MemoryKeychain implements Keychain {
  readonly entries = new Map<string, string>();

  async list(): Promise<KeychainEntry[]> {
    return [...this.entries].map(([account, secret]) => ({ account, secret }));
  }

  async get(account: string): Promise<string | null> {
    return this.entries.get(account) ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    this.entries.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    return this.entries.delete(account);
  }
}
