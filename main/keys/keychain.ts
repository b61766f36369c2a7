// The OS keychain through keytar (service "flakedeck"): the one place that loads the native module.

import { ApiError } from '../../common/api/errors.ts';

export const keychainService = 'flakedeck';

export interface KeychainEntry {
  account: string;
  secret: string;
}

/** What the key service needs from a keychain; the real one is keytar's Secret Service / Keychain / Vault. */
export interface Keychain {
  list(): Promise<KeychainEntry[]>;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

type Keytar = typeof import('keytar');

/** Turns keytar's low-level failures into what a person can act on; never falls back to a file. */
export function keychainUnavailable(error: unknown): ApiError {
  const detail = error instanceof Error ? error.message : String(error);
  let message = 'The system keychain cannot be reached, so Flakedeck cannot read or store age keys.';
  let hint = 'Start your desktop keyring (GNOME Keyring, KWallet or another Secret Service), unlock it, and try again.';
  if (/autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|dbus/i.test(detail) && /X11|DISPLAY|autolaunch/i.test(detail)) {
    message = 'There is no D-Bus session, so the system keychain cannot be reached.';
    hint = 'Run Flakedeck inside your desktop session (or start one with dbus-run-session), with a keyring running.';
  } else if (/org\.freedesktop\.secrets|was not provided by any \.service files/i.test(detail)) {
    message = 'No Secret Service (keyring) is running, so Flakedeck cannot store age keys.';
    hint = 'Install and start a keyring such as gnome-keyring or KWallet, then try again.';
  } else if (/locked|prompt|collection\/login|Object does not exist/i.test(detail)) {
    message = 'The system keychain is locked.';
    hint = 'Unlock your login keyring (for example by logging in again, or in Passwords and Keys), then try again.';
  }
  return new ApiError({ code: 'KEYCHAIN_UNAVAILABLE', message, hint, detail });
}

/**
 * keytar's calls, one at a time in this process, whichever keychain makes them: on Linux its findCredentials reads
 * the secret of every item it found without checking it is still there, and an item deleted or replaced meanwhile
 * (by a call running beside it on libuv's threads) crashes the whole process.
 */
let keytarQueue: Promise<unknown> = Promise.resolve();

export class KeytarKeychain implements Keychain {
  #keytar?: Promise<Keytar>;
  /** The keychain service the entries live under; tests that share one Secret Service give each its own. */
  readonly #service: string;

  constructor(service = keychainService) {
    this.#service = service;
  }

  /** Loaded on first use, so a machine without libsecret still runs every command that needs no key. */
  async #load(): Promise<Keytar> {
    this.#keytar ??= import('keytar').then((m) => ((m as { default?: Keytar }).default ?? m) as Keytar);
    try {
      return await this.#keytar;
    } catch (error) {
      this.#keytar = undefined;
      throw keychainUnavailable(error);
    }
  }

  async #call<T>(work: (keytar: Keytar) => Promise<T>): Promise<T> {
    const keytar = await this.#load();
    const turn = keytarQueue.then(() => work(keytar));
    keytarQueue = turn.catch(() => undefined);
    try {
      return await turn;
    } catch (error) {
      throw keychainUnavailable(error);
    }
  }

  list(): Promise<KeychainEntry[]> {
    return this.#call(async (k) =>
      (await k.findCredentials(this.#service)).map((c) => ({ account: c.account, secret: c.password })),
    );
  }

  get(account: string): Promise<string | null> {
    return this.#call((k) => k.getPassword(this.#service, account));
  }

  set(account: string, secret: string): Promise<void> {
    return this.#call((k) => k.setPassword(this.#service, account, secret));
  }

  delete(account: string): Promise<boolean> {
    return this.#call((k) => k.deletePassword(this.#service, account));
  }
}
