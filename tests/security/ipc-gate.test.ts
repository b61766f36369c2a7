// Security gate for the API: every channel refuses a foreign sender and invalid input before any service runs.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodChannels } from '../../common/api/contract.ts';
import type { Handlers } from '../../main/api/router.ts';
import { Router } from '../../main/api/router.ts';
import { originCheck } from '../../main/api/sender-check.ts';
import { createHandlers } from '../../main/api/handlers/index.ts';
import { createServices } from '../../main/services.ts';
import type { Services } from '../../main/services.ts';
import { repoRoot } from '../support/fixture-flake.ts';

const appOrigin = 'app://flakedeck';
let dataDir: string;
let services: Services;
let router: Router;
const reached: string[] = [];

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'flakedeck-gate-'));
  services = createServices({ dataDir, defaultFlake: repoRoot, appVersion: '0.0.0-test' });
  // The real handlers, each wrapped to record that it was reached: a refused call must never get there.
  const real = createHandlers(services) as Record<string, (p: unknown) => unknown>;
  const recording = Object.fromEntries(
    Object.entries(real).map(([channel, handler]) => [
      channel,
      (params: unknown) => {
        reached.push(channel);
        return handler(params);
      },
    ]),
  ) as unknown as Handlers;
  router = new Router(recording, { isTrustedSender: originCheck([appOrigin]) });
});

afterAll(() => {
  services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const foreignSenders = [
  'https://evil.example/',
  'http://127.0.0.1:8080/',
  'file:///tmp/page.html',
  'app://other-app/index.html',
  'devtools://devtools/bundled/inspector.html',
  '',
];

// Not one of these is a valid params object for any method: params are always strict objects.
const invalidInputs: unknown[] = [42, 'hosts', [], true, { __proto__: { polluted: true }, unexpectedField: 1 }];

describe.each(methodChannels.map((c) => [c]))('%s', (channel) => {
  it('refuses every foreign sender without reaching the service', async () => {
    for (const url of foreignSenders) {
      const result = await router.call(channel, {}, { url });
      expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    }
    expect(reached).not.toContain(channel);
  });

  it('refuses invalid input without reaching the service', async () => {
    for (const input of invalidInputs) {
      const result = await router.call(channel, input, { url: `${appOrigin}/index.html` });
      expect(result, `input ${JSON.stringify(input)}`).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENTS' },
      });
    }
    expect(reached).not.toContain(channel);
  });
});

describe('unknown channels', () => {
  it('are refused whatever the sender', async () => {
    for (const channel of ['__proto__', 'constructor', 'hosts.list.extra', 'shell.openExternal', '', 42]) {
      const result = await router.call(channel, {}, { url: `${appOrigin}/index.html` });
      expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    }
  });
});
