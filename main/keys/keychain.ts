// The OS keychain through keytar (service "flakedeck"), run in a worker process that may crash without harm.

import { ApiError } from '../../common/api/errors.ts';
import { forkWithNode, moduleBeside } from '../child-module.ts';
import type { ChildModule, LaunchChild } from '../child-module.ts';
import type { KeychainReply, KeychainRequest } from './keychain-protocol.ts';

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

/** What to do about a locked keyring: the one answer for every call that meets one. */
export function keychainLocked(): ApiError {
  return new ApiError({
    code: 'KEYCHAIN_UNAVAILABLE',
    message: 'Your keyring is locked, so Flakedeck cannot read or store age keys: unlock your keyring.',
    hint: 'Unlock it in your desktop (log in again, or open Passwords and Keys and unlock "Login"), then try again.',
  });
}

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
  } else if (/No such secret item/i.test(detail)) {
    message = "Another program changed Flakedeck's keys in the keychain while they were being read.";
    hint =
      'Try again. If it keeps happening, another Flakedeck (the app or its command line) is changing the same keys.';
  } else if (/locked|prompt|collection\/login|Object does not exist/i.test(detail)) {
    return keychainLocked();
  }
  return new ApiError({ code: 'KEYCHAIN_UNAVAILABLE', message, hint, detail });
}

const described: Record<KeychainRequest['op'], string> = {
  list: 'listing the age keys',
  get: 'reading an age key',
  set: 'storing an age key',
  delete: 'deleting an age key',
};

function crashed(op: KeychainRequest['op'], code: number | null, signal: string | null): ApiError {
  return new ApiError({
    code: 'KEYCHAIN_UNAVAILABLE',
    message: `The system keychain crashed (${signal ?? `exit code ${code}`}) while ${described[op]}, twice; Flakedeck restarted it and is still running.`,
    hint: 'If your keyring is locked, unlock it. Otherwise another program may be changing the same keys: try again.',
  });
}

type Pending = {
  request: KeychainRequest;
  retried: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
};

/**
 * keytar in a worker process: libsecret crashes the process it runs in (a locked keyring, an item deleted by another
 * process while it is read), so it runs where a crash costs only a restart. A call in flight when the worker dies
 * is sent once more to a new worker, then reported.
 */
class KeychainProcess {
  readonly #launch: LaunchChild;
  #child?: ChildModule;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(launch: LaunchChild) {
    this.#launch = launch;
  }

  #start(): ChildModule {
    const child = this.#launch(moduleBeside(import.meta.filename, 'keychain-worker'));
    child.onMessage((message) => this.#settle(message as KeychainReply));
    child.onExit((code, signal) => {
      if (this.#child === child) this.#child = undefined;
      const lost = [...this.#pending.values()];
      this.#pending.clear();
      for (const p of lost) {
        if (p.retried) p.reject(crashed(p.request.op, code, signal));
        else this.#send(p, true);
      }
    });
    return child;
  }

  #settle(reply: KeychainReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#child?.keepAlive(false);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(reply.locked ? keychainLocked() : keychainUnavailable(new Error(reply.message)));
  }

  #send(pending: Omit<Pending, 'retried'>, retried: boolean): void {
    this.#child ??= this.#start();
    const request = { ...pending.request, id: this.#nextId++, retry: retried };
    this.#pending.set(request.id, { ...pending, request, retried });
    this.#child.keepAlive(true);
    this.#child.send(request);
  }

  call(request: KeychainRequest): Promise<unknown> {
    return new Promise((resolve, reject) => this.#send({ request, resolve, reject }, false));
  }
}

/** One worker per way of launching it, shared by every keychain of the process: keytar's calls take turns there. */
const processes = new Map<LaunchChild, KeychainProcess>();

export interface KeytarKeychainOptions {
  /** How the worker process is started: child_process.fork by default, Electron's utility process in the app. */
  launch?: LaunchChild;
}

export class KeytarKeychain implements Keychain {
  readonly #process: KeychainProcess;
  /** The keychain service the entries live under; tests that share one Secret Service give each its own. */
  readonly #service: string;

  constructor(service = keychainService, options: KeytarKeychainOptions = {}) {
    this.#service = service;
    const launch = options.launch ?? forkWithNode;
    let worker = processes.get(launch);
    if (!worker) processes.set(launch, (worker = new KeychainProcess(launch)));
    this.#process = worker;
  }

  async list(): Promise<KeychainEntry[]> {
    return (await this.#process.call({ id: 0, service: this.#service, op: 'list' })) as KeychainEntry[];
  }

  async get(account: string): Promise<string | null> {
    return (await this.#process.call({ id: 0, service: this.#service, op: 'get', account })) as string | null;
  }

  async set(account: string, secret: string): Promise<void> {
    await this.#process.call({ id: 0, service: this.#service, op: 'set', account, secret });
  }

  async delete(account: string): Promise<boolean> {
    return (await this.#process.call({ id: 0, service: this.#service, op: 'delete', account })) as boolean;
  }
}
