// The user's age identities in the OS keychain: list, generate, import, delete; private keys stay in main.

import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { generateX25519Identity } from 'age-encryption';
import { ApiError } from '../../common/api/errors.ts';
import type { ImportedKeys, KeyIdentity, KeychainStatus } from '../../common/model/keys.ts';
import { KeytarKeychain } from './keychain.ts';
import type { Keychain } from './keychain.ts';
import { parseIdentities, recipientOf } from './age-identities.ts';

const accountPrefix = 'age-identity:';

/** Where sops looks for age keys on Linux: `$XDG_CONFIG_HOME/sops/age/keys.txt`, else under ~/.config. */
export function sopsKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'sops', 'age', 'keys.txt');
}

interface StoredIdentity extends KeyIdentity {
  identity: string;
}

function notFound(label: string): ApiError {
  return new ApiError({ code: 'NOT_FOUND', message: `There is no age key labelled "${label}" in the keychain.` });
}

export class KeyService {
  readonly #keychain: Keychain;

  constructor(keychain: Keychain = new KeytarKeychain()) {
    this.#keychain = keychain;
  }

  async #stored(): Promise<StoredIdentity[]> {
    const entries = (await this.#keychain.list()).filter((e) => e.account.startsWith(accountPrefix));
    const stored = await Promise.all(
      entries.map(async (e) => ({
        label: e.account.slice(accountPrefix.length),
        publicKey: await recipientOf(e.secret),
        identity: e.secret,
      })),
    );
    return stored.sort((a, b) => a.label.localeCompare(b.label));
  }

  /** Whether the keychain answers, and the identities in it (labels and public keys only). */
  async status(env: NodeJS.ProcessEnv = process.env): Promise<KeychainStatus> {
    const keyFile = sopsKeyFile(env);
    const offer = existsSync(keyFile) ? { sopsKeyFile: keyFile } : {};
    try {
      const identities = (await this.#stored()).map(({ label, publicKey }) => ({ label, publicKey }));
      return { reachable: true, identities, ...offer };
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'KEYCHAIN_UNAVAILABLE') throw error;
      return { reachable: false, problem: `${error.message} ${error.hint ?? ''}`.trim(), identities: [], ...offer };
    }
  }

  async list(): Promise<KeyIdentity[]> {
    return (await this.#stored()).map(({ label, publicKey }) => ({ label, publicKey }));
  }

  /** The private identities, for decrypting in the main process. Never returned through the API. */
  async identities(): Promise<string[]> {
    return (await this.#stored()).map((s) => s.identity);
  }

  /** One identity's private key, for decrypting in the main process. Never returned through the API. */
  async identity(label: string): Promise<string> {
    const entry = (await this.#stored()).find((s) => s.label === label);
    if (!entry) throw notFound(label);
    return entry.identity;
  }

  async #store(label: string, identity: string): Promise<KeyIdentity> {
    await this.#keychain.set(accountPrefix + label, identity);
    // Read it back: a keychain that silently dropped the write must not lead to deleting the only copy.
    if ((await this.#keychain.get(accountPrefix + label)) !== identity) {
      throw new ApiError({
        code: 'KEYCHAIN_UNAVAILABLE',
        message: 'The keychain did not keep the age key it was given.',
        hint: 'Check that your keyring is unlocked and writable.',
      });
    }
    return { label, publicKey: await recipientOf(identity) };
  }

  async #freeLabel(label: string, taken: Set<string>): Promise<string> {
    if (!taken.has(label)) return label;
    for (let n = 2; ; n++) if (!taken.has(`${label}-${n}`)) return `${label}-${n}`;
  }

  async generate(label: string): Promise<KeyIdentity> {
    const stored = await this.#stored();
    if (stored.some((s) => s.label === label)) {
      throw new ApiError({
        code: 'INVALID_ARGUMENTS',
        message: `An age key labelled "${label}" already exists.`,
        hint: 'Choose another label.',
      });
    }
    return this.#store(label, await generateX25519Identity());
  }

  /** Imports every identity of an age key file; deletes the file afterwards only when asked and all were stored. */
  async importFile(path: string, label: string, deleteFile: boolean): Promise<ImportedKeys> {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ApiError({ code: 'NOT_FOUND', message: `Cannot read ${path}: ${(error as Error).message}.` });
    }
    const identities = parseIdentities(text, path);
    if (identities.length === 0) throw new ApiError({ code: 'INVALID_KEY', message: `${path} holds no age identity.` });
    const stored = await this.#stored();
    const taken = new Set(stored.map((s) => s.label));
    const imported: KeyIdentity[] = [];
    for (const identity of identities) {
      const existing = stored.find((s) => s.identity === identity);
      if (existing) {
        imported.push({ label: existing.label, publicKey: existing.publicKey });
        continue;
      }
      const free = await this.#freeLabel(label, taken);
      taken.add(free);
      imported.push(await this.#store(free, identity));
    }
    if (deleteFile) unlinkSync(path);
    return { imported, deletedFile: deleteFile };
  }

  /** Deletes an identity; `confirmPublicKey` must name it, so a stray call cannot delete a key. */
  async delete(label: string, confirmPublicKey: string): Promise<void> {
    const entry = (await this.#stored()).find((s) => s.label === label);
    if (!entry) throw notFound(label);
    if (entry.publicKey !== confirmPublicKey) {
      throw new ApiError({
        code: 'INVALID_ARGUMENTS',
        message: `The confirmation does not match the public key of "${label}"; nothing was deleted.`,
      });
    }
    await this.#keychain.delete(accountPrefix + label);
  }

  async publicKey(label?: string): Promise<KeyIdentity> {
    const stored = await this.#stored();
    const entry = label === undefined ? stored[0] : stored.find((s) => s.label === label);
    if (!entry)
      throw label === undefined
        ? new ApiError({
            code: 'NOT_FOUND',
            message: 'The keychain holds no age key yet.',
            hint: 'Generate one, or import your keys.txt.',
          })
        : notFound(label);
    return { label: entry.label, publicKey: entry.publicKey };
  }

  /**
   * The environment for a terminal child that runs `sops`, given only when the user asks for it: the key goes to
   * that one child's environment, never to argv or a file.
   */
  async sopsEnvironment(labels?: readonly string[]): Promise<{ SOPS_AGE_KEY: string }> {
    const stored = (await this.#stored()).filter((s) => !labels || labels.includes(s.label));
    if (stored.length === 0)
      throw new ApiError({
        code: 'NOT_FOUND',
        message: 'There is no age key in the keychain to hand to the terminal.',
      });
    return { SOPS_AGE_KEY: stored.map((s) => s.identity).join('\n') };
  }
}
