// The window's calls while a large secrets file is decrypted: the router goes on answering them, one after another,
// because the decryption runs on the sops worker thread.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices } from '../../services.ts';
import type { Services } from '../../services.ts';
import { createHandlers } from './index.ts';
import { Router } from '../router.ts';
import type { MethodChannel, Params, Result } from '../../../common/api/contract.ts';
import { MemoryKeychain } from '../../../tests/support/memory-keychain.ts';
import { demoAdminKeyFile, makeSecretsFlake } from '../../../tests/support/secrets-flake.ts';
import type { SecretsFlake } from '../../../tests/support/secrets-flake.ts';
import { sopsThread } from '../../secrets/sops-thread.ts';

let flake: SecretsFlake;
let dataDir: string;
let services: Services;
let router: Router;

async function call<C extends MethodChannel>(
  channel: C,
  params: Params<C> | Record<string, unknown> = {},
): Promise<Result<C>> {
  const envelope = await router.call(channel, params, { url: 'app://flakedeck/index.html' });
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
  return envelope.value as Result<C>;
}

/** Lets other messages in, as the window's next call arrives as a message of its own. */
const nextMessage = () => new Promise((resolve) => setImmediate(resolve));

beforeAll(async () => {
  flake = makeSecretsFlake();
  dataDir = mkdtempSync(join(tmpdir(), 'flakedeck-data-'));
  services = createServices({ dataDir, defaultFlake: flake.path, appVersion: '0.0.0', keychain: new MemoryKeychain() });
  router = new Router(createHandlers(services), { isTrustedSender: () => true });
  const keyFile = join(dataDir, 'keys.txt');
  copyFileSync(demoAdminKeyFile, keyFile);
  await call('keys.import', { path: keyFile, label: 'admin' });
  await flake.writeSecret('vps.yaml', `small: value\nbig: ${'x'.repeat(64 * 2 ** 20)}\n`);
}, 300_000);
afterAll(() => {
  services.close();
  flake.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the router while a 64 MB secret is decrypted', () => {
  it('answers other calls, one after another, before the file is open', { timeout: 300_000 }, async () => {
    let open = false;
    const opening = call('secrets.open', { file: 'secrets/vps.yaml', allowMacFailure: false }).finally(
      () => (open = true),
    );
    const file = join(flake.path, 'secrets', 'vps.yaml');
    let answeredDuringDecryption = 0;
    while (!open) {
      const asked = sopsThread.busyWith === file;
      expect(await call('keys.status')).toMatchObject({ identities: [{ label: 'admin' }] });
      if (asked && sopsThread.busyWith === file) answeredDuringDecryption++;
      await nextMessage();
    }
    const session = await opening;
    expect(session.documents[0]).toMatchObject([
      { key: 'small', type: 'str', set: true },
      { key: 'big', type: 'str', set: true },
    ]);
    expect(session.readOnly).toBe(false);
    // Asked and answered while the worker read the file: on the thread that answers, the file's parsing and
    // decryption would hold every other call until it is open.
    expect(answeredDuringDecryption).toBeGreaterThanOrEqual(10);
    await call('secrets.close', { sessionId: session.sessionId });
  });
});
