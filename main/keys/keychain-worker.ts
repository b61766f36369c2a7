// The keychain worker: keytar's calls in a process of their own (a crash in libsecret ends only this process), one
// at a time, each after checking that the keyring is not locked (keytar crashes on a locked one).

import { execFile } from 'node:child_process';
import type { KeychainReply, KeychainRequest } from './keychain-protocol.ts';

type Keytar = typeof import('keytar');

let keytar: Promise<Keytar> | undefined;

function load(): Promise<Keytar> {
  keytar ??= import('keytar').then((m) => ((m as { default?: Keytar }).default ?? m) as Keytar);
  return keytar;
}

/**
 * Whether the Secret Service's default collection is locked. Unknown (false) where there is no Secret Service or no
 * dbus-send: keytar then fails with its own message, or crashes and the parent reports it.
 */
function defaultCollectionLocked(): Promise<boolean> {
  if (process.platform !== 'linux' || !process.env.DBUS_SESSION_BUS_ADDRESS) return Promise.resolve(false);
  const args = [
    '--session',
    '--print-reply',
    '--dest=org.freedesktop.secrets',
    '/org/freedesktop/secrets/aliases/default',
    'org.freedesktop.DBus.Properties.Get',
    'string:org.freedesktop.Secret.Collection',
    'string:Locked',
  ];
  return new Promise((resolve) => {
    execFile('dbus-send', args, { timeout: 5000 }, (error, stdout) => resolve(!error && /boolean true/.test(stdout)));
  });
}

/** When the keyring was last seen unlocked: it seldom changes, and a dbus-send per call would slow every call. */
let unlockedAt = -Infinity;
const unlockedFor = 2000;

async function checkUnlocked(force: boolean): Promise<void> {
  if (!force && performance.now() - unlockedAt < unlockedFor) return;
  if (await defaultCollectionLocked()) throw Object.assign(new Error('The keyring is locked.'), { locked: true });
  unlockedAt = performance.now();
}

/** An item deleted by another program between the search and the read of its secret. */
const vanishedItem = /No such secret item/i;

/** Every item of the service; a listing that meets an item deleted under it is taken again, twice at most. */
async function listItems(k: Keytar, service: string): Promise<{ account: string; secret: string }[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await k.findCredentials(service)).map((c) => ({ account: c.account, secret: c.password }));
    } catch (error) {
      if (attempt === 3 || !vanishedItem.test(String((error as Error).message))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

async function run(request: KeychainRequest): Promise<unknown> {
  // A retry follows a crash, the usual sign of a keyring locked since the last look.
  await checkUnlocked(request.retry === true);
  const k = await load();
  switch (request.op) {
    case 'list':
      return listItems(k, request.service);
    case 'get':
      return k.getPassword(request.service, request.account);
    case 'set':
      return k.setPassword(request.service, request.account, request.secret);
    case 'delete':
      return k.deletePassword(request.service, request.account);
  }
}

/** Electron's utility process talks through parentPort; a child_process.fork child through process.send. */
const parentPort = (
  process as {
    parentPort?: { on(e: 'message', f: (m: { data: unknown }) => void): void; postMessage(m: unknown): void };
  }
).parentPort;
const reply = (message: KeychainReply) => (parentPort ? parentPort.postMessage(message) : process.send?.(message));
let queue: Promise<unknown> = Promise.resolve();

function receive(request: KeychainRequest): void {
  queue = queue.then(() =>
    run(request).then(
      (value) => reply({ id: request.id, ok: true, value }),
      (error: unknown) =>
        reply({
          id: request.id,
          ok: false,
          message: error instanceof Error ? error.message : String(error),
          locked: (error as { locked?: boolean }).locked === true,
        }),
    ),
  );
}

if (parentPort) parentPort.on('message', (event) => receive(event.data as KeychainRequest));
else {
  process.on('message', (message) => receive(message as KeychainRequest));
  // The parent is gone (it exited or crashed): nothing is left to answer.
  process.on('disconnect', () => process.exit(0));
}
