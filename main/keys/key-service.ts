// The user's age identities in the OS keychain: list, generate, import, delete; private keys stay in main.

import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateX25519Identity } from 'age-encryption';
import { ApiError } from '../../common/api/errors.ts';
import type { ImportedKeys, KeyIdentity, KeychainStatus } from '../../common/model/keys.ts';
import { KeytarKeychain } from './keychain.ts';
import type { Keychain } from './keychain.ts';
import { parseIdentities, recipientOf } from './age-identities.ts';
import { withLock } from '../file-lock.ts';

const accountPrefix = 'age-identity:';

/** Where sops looks for age keys on Linux: `$XDG_CONFIG_HOME/sops/age/keys.txt`, else under ~/.config. */
export function sopsKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'sops', 'age', 'keys.txt');
}

interface StoredIdentity extends KeyIdentity {
  identity: string;
}

/** Where adding keys takes turns: one lock per user, in the runtime folder when there is one. */
function keychainLockPath(): string {
  return join(process.env.XDG_RUNTIME_DIR || tmpdir(), `flakedeck-keychain-${process.getuid?.() ?? 'user'}.lock`);
}

function labelTaken(label: string): ApiError {
  return new ApiError({
    code: 'INVALID_ARGUMENTS',
    message: `An age key labelled "${label}" already exists, holding another key; nothing was overwritten.`,
    hint: 'Choose another label.',
  });
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

  /** Stores under a label that must be free or hold this same identity: another key is never overwritten. */
  async #store(label: string, identity: string): Promise<KeyIdentity> {
    const current = await this.#keychain.get(accountPrefix + label);
    if (current !== null && current !== identity) throw labelTaken(label);
    if (current === null) await this.#keychain.set(accountPrefix + label, identity);
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

  /**
   * Adding keys takes turns across processes (the app and the CLI): a label checked free stays free until the key
   * is stored and read back.
   */
  #adding<T>(work: () => Promise<T>): Promise<T> {
    return withLock(keychainLockPath(), { lockPath: keychainLockPath(), what: 'The keychain' }, work);
  }

  generate(label: string): Promise<KeyIdentity> {
    return this.#adding(async () => {
      if ((await this.#stored()).some((s) => s.label === label)) throw labelTaken(label);
      return this.#store(label, await generateX25519Identity());
    });
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
    const imported = await this.#adding(async () => {
      const stored = await this.#stored();
      const taken = new Set(stored.map((s) => s.label));
      const added: KeyIdentity[] = [];
      if (taken.has(label) && identities.some((i) => !stored.some((s) => s.identity === i))) throw labelTaken(label);
      let next = label;
      for (const identity of identities) {
        const existing = stored.find((s) => s.identity === identity);
        if (existing) {
          added.push({ label: existing.label, publicKey: existing.publicKey });
          continue;
        }
        // The label asked for must be free (checked above); further keys of the same file get "-2", "-3", …
        for (let n = 2; taken.has(next); n++) next = `${label}-${n}`;
        taken.add(next);
        added.push(await this.#store(next, identity));
      }
      return added;
    });
    if (deleteFile) {
      // Read back right before deleting: the file goes only when every key in it is in the keychain.
      const kept = new Set((await this.#keychain.list()).map((e) => e.secret));
      if (!identities.every((i) => kept.has(i))) {
        throw new ApiError({
          code: 'KEYCHAIN_UNAVAILABLE',
          message: `Not every key of ${path} is in the keychain after the import, so the file was kept.`,
          hint: 'Run the import again; delete the file yourself only once `flakedeck keys list` shows its keys.',
        });
      }
      unlinkSync(path);
    }
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
