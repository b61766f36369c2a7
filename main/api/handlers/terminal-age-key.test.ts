// terminal.open with the age key: the keychain key reaches only the shell that asked for it, as SOPS_AGE_KEY.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices } from '../../services.ts';
import type { Services } from '../../services.ts';
import { createHandlers } from './index.ts';
import { Router } from '../router.ts';
import type { MethodChannel, Params, Result } from '../../../common/api/contract.ts';
import { MemoryKeychain } from '../../../tests/support/memory-keychain.ts';

let dataDir: string;
let services: Services;
let router: Router;
const answers: unknown[] = [];
const events: unknown[] = [];

async function call<C extends MethodChannel>(channel: C, params: Params<C>): Promise<Result<C>> {
  const envelope = await router.call(channel, params, { url: 'app://flakedeck/index.html' });
  answers.push(envelope);
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
  return envelope.value as Result<C>;
}

/** Runs a command in the session and resolves with its output up to the marker it prints last. */
function run(id: string, command: string): Promise<string> {
  return new Promise((resolve) => {
    let output = '';
    const stop = services.terminals.onRawData(id, (data) => {
      output += data;
      const end = output.indexOf('__done__\r\n');
      if (end !== -1) {
        stop();
        resolve(output.slice(0, end));
      }
    });
    services.terminals.write(id, `${command}; echo __do""ne__\n`);
  });
}

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'flakedeck-data-'));
  services = createServices({
    dataDir,
    defaultFlake: dataDir,
    appVersion: '0.0.0',
    keychain: new MemoryKeychain(),
    terminal: { shell: { file: 'bash', args: ['--norc', '--noprofile'] } },
  });
  router = new Router(createHandlers(services), { isTrustedSender: () => true });
  services.events.connect((_channel, payload) => events.push(payload));
});
afterAll(() => {
  services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a shell with the age key, only when asked', () => {
  it('hands the keychain key to that one shell as SOPS_AGE_KEY, and to no other', async () => {
    const { publicKey } = await call('keys.generate', { label: 'me' });
    process.env.SOPS_AGE_KEY = 'AGE-SECRET-KEY-1THEAPPSOWNENVIRONMENTISNEVERINHERITED';
    try {
      const plain = await call('terminal.open', {});
      const keyed = await call('terminal.open', { withAgeKey: true });
      expect(keyed.title).toMatch(/· SOPS_AGE_KEY$/);
      expect(plain.title).not.toContain('SOPS_AGE_KEY');
      expect(await run(plain.id, 'echo "[${SOPS_AGE_KEY:-none}]"')).toContain('[none]');
      // sops' own tool chain reads it: age-keygen -y turns the identity into its public key.
      expect(await run(keyed.id, 'printf "%s\\n" "$SOPS_AGE_KEY" | age-keygen -y')).toContain(publicKey);
    } finally {
      delete process.env.SOPS_AGE_KEY;
    }
    // What went to the renderer (answers and events) never holds the private key.
    const identity = (await services.keys.identities())[0]!;
    expect(JSON.stringify([answers, events])).not.toContain(identity);
  });

  it('says what to do when the keychain holds no key, and opens nothing', async () => {
    await call('keys.delete', { label: 'me', confirmPublicKey: (await services.keys.publicKey('me')).publicKey });
    const before = services.terminals.list().length;
    await expect(call('terminal.open', { withAgeKey: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(services.terminals.list()).toHaveLength(before);
  });
});
