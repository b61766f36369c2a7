// Security gate: with private keys in the keychain, no answer and no event of any API method ever carries one.
// Every channel must have an example call here, so a new method is checked the day it is added.

import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodChannels } from '../../common/api/contract.ts';
import type { MethodChannel, Params } from '../../common/api/contract.ts';
import type { Envelope } from '../../common/api/errors.ts';
import { createHandlers } from '../../main/api/handlers/index.ts';
import { Router } from '../../main/api/router.ts';
import { createServices } from '../../main/services.ts';
import type { Services } from '../../main/services.ts';
import { makeFlakeRepo } from '../support/fixture-flake.ts';
import type { FlakeRepo } from '../support/fixture-flake.ts';
import { MemoryKeychain } from '../support/memory-keychain.ts';
import { secretsHostsFlake } from '../support/repository-copy.ts';
import { demoAdminKeyFile } from '../support/secrets-flake.ts';

const privateKey = /AGE-SECRET-KEY-1/i;
const uuid = '00000000-0000-4000-8000-000000000000';

let repo: FlakeRepo;
const keychain = new MemoryKeychain();
let dataDir: string;
let services: Services;
let router: Router;
const traffic: unknown[] = [];
/** What the calls so far learned: a session, a terminal, a run. */
const seen = { sessionId: uuid, terminalId: 'none', runId: 1 };

/** One call of each method, with the arguments a window would send; run in this order. */
const examples: { [C in MethodChannel]: () => Params<C> } = {
  'keys.import': () => ({ path: join(dataDir, 'keys.txt'), label: 'admin' }),
  'keys.generate': () => ({ label: 'mine' }),
  'keys.status': () => ({}),
  'keys.hostRecipients': () => ({}),
  'app.info': () => ({}),
  'app.openExternal': () => ({ url: 'https://example.org/' }),
  'app.openInEditor': () => ({ file: join(repo.path, 'flake.nix'), line: 1 }),
  'app.chooseFolder': () => ({ title: 'Copy to' }),
  'reboot.options': () => ({}),
  'reboot.copyOut': () => ({ paths: ['/var/lib/example'], destination: join(dataDir, 'rescue') }),
  // A generation no boot loader lists: refused before anything reboots, whichever host is this machine.
  'reboot.now': () => ({ generation: 999_999 }),
  'flake.current': () => ({}),
  'flake.open': () => ({ path: repo.path }),
  'hosts.list': () => ({}),
  'hosts.inspect': () => ({}),
  'hosts.rebootDiff': () => ({ host: 'laptop' }),
  'persistence.add': () => ({ host: 'laptop', path: '/var/lib/example', kind: 'directory' }),
  'secrets.list': () => ({}),
  'secrets.checks': () => ({}),
  'secrets.open': () => ({ file: 'secrets/desktop.yaml' }),
  'secrets.reveal': () => ({ sessionId: seen.sessionId, path: ['nix', 'access-tokens'] }),
  'secrets.set': () => ({
    sessionId: seen.sessionId,
    path: ['nix', 'access-tokens'],
    value: { type: 'str', text: 'x' },
  }),
  'secrets.rename': () => ({ sessionId: seen.sessionId, path: ['nix', 'access-tokens'], newKey: 'tokens' }),
  'secrets.remove': () => ({ sessionId: seen.sessionId, path: ['nix', 'tokens'] }),
  'secrets.save': () => ({ sessionId: seen.sessionId }),
  'secrets.close': () => ({ sessionId: seen.sessionId }),
  'secrets.updatekeys': () => ({ file: 'secrets/vps.yaml' }),
  'secrets.rotate': () => ({ file: 'secrets/vps.yaml' }),
  'secrets.demoMaterial': () => ({}),
  'secrets.previewNewFile': () => ({ file: 'secrets/web.yaml' }),
  'secrets.createFile': () => ({ file: 'secrets/web.yaml', key: 'token', value: 'a first value' }),
  'secrets.makeYoursPlan': () => ({ identity: 'mine', useDemoKey: true }),
  'secrets.makeYoursApply': () => ({ identity: 'mine', useDemoKey: true, fingerprint: '0'.repeat(64) }),
  'terminal.open': () => ({ withAgeKey: true }),
  'terminal.list': () => ({}),
  'terminal.attach': () => ({ id: seen.terminalId }),
  'terminal.write': () => ({ id: seen.terminalId, data: 'env | grep -c SOPS_AGE_KEY\r' }),
  'terminal.ack': () => ({ id: seen.terminalId, chars: 10 }),
  'terminal.resize': () => ({ id: seen.terminalId, cols: 100, rows: 30 }),
  'terminal.kill': () => ({ id: seen.terminalId }),
  'terminal.close': () => ({ id: seen.terminalId }),
  'build.start': () => ({ hosts: ['vps'] }),
  'deploy.start': () => ({ hosts: ['vps'], mode: 'switch' }),
  'deploy.approve': () => ({ runId: seen.runId }),
  'deploy.cancel': () => ({ runId: seen.runId }),
  'deploy.keepSeconds': () => ({}),
  'deploy.setKeepSeconds': () => ({ seconds: 90 }),
  'deploy.keep': () => ({ runId: seen.runId }),
  'deploy.revert': () => ({ runId: seen.runId }),
  'deploy.status': () => ({}),
  'deploy.clear': () => ({ runIds: [seen.runId] }),
  'deploy.thisMachine': () => ({}),
  'generations.list': () => ({ host: 'vps' }),
  'generations.rollback': () => ({ host: 'vps', generation: 1 }),
  'fleet.status': () => ({}),
  'fleet.refresh': () => ({ hosts: ['vps'] }),
  'fleet.setRefreshInterval': () => ({ seconds: 0 }),
  'fleet.drift': () => ({}),
  'fleet.timeline': () => ({ host: 'vps' }),
  'fleet.openTerminal': () => ({ host: 'vps' }),
  'history.list': () => ({}),
  'history.hosts': () => ({}),
  'history.get': () => ({ runId: seen.runId }),
  'history.log': () => ({ runId: seen.runId }),
  'history.compare': () => ({ a: seen.runId, b: seen.runId }),
  'history.retention': () => ({}),
  'history.setRetention': () => ({ runDays: 365, logDays: 90, manifestDays: 30 }),
  'keys.delete': () => ({ label: 'mine', confirmPublicKey: 'age1wrong' }),
};

function learn(channel: MethodChannel, envelope: Envelope<unknown>): void {
  if (!envelope.ok) return;
  const value = envelope.value as { sessionId?: string; id?: string; runs?: { id: number }[] };
  if (channel === 'secrets.open' && value.sessionId) seen.sessionId = value.sessionId;
  if (channel === 'terminal.open' && value.id) seen.terminalId = value.id;
  if (channel === 'build.start' && value.runs?.[0]) seen.runId = value.runs[0].id;
}

beforeAll(() => {
  repo = makeFlakeRepo(secretsHostsFlake(), 'flakedeck-gate-flake-');
  dataDir = mkdtempSync(join(tmpdir(), 'flakedeck-gate-'));
  copyFileSync(demoAdminKeyFile, join(dataDir, 'keys.txt'));
  services = createServices({
    dataDir,
    defaultFlake: repo.path,
    appVersion: '0.0.0-test',
    keychain,
    // Unreachable on purpose: the calls that go to a host fail fast, and their errors are scanned too.
    deploy: { sshOptions: ['-o', 'ConnectTimeout=2'] },
    // No editor: the file goes to the (recording) default application.
    editorEnv: {},
    openFile: async () => {},
  });
  services.events.connect((channel, payload) => traffic.push({ channel, payload }));
  router = new Router(createHandlers(services), { isTrustedSender: () => true });
});

afterAll(() => {
  services.close();
  repo.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('no private key crosses the API', () => {
  it('has an example call for every method channel', () => {
    expect(Object.keys(examples).sort()).toEqual([...methodChannels].sort());
  });

  it('carries no private key in any answer or event, while the keychain holds two', async () => {
    const answered: string[] = [];
    for (const channel of Object.keys(examples) as MethodChannel[]) {
      const envelope = await router.call(channel, examples[channel](), { url: 'app://flakedeck/index.html' });
      traffic.push({ channel, envelope });
      learn(channel, envelope);
      if (envelope.ok) answered.push(channel);
    }
    // The keychain holds both keys, so the scan below is a real one.
    const stored = [...keychain.entries.values()].join('\n');
    expect(stored.match(new RegExp(privateKey, 'g'))?.length).toBe(2);
    // Enough calls succeeded to have exercised the methods that handle keys and secrets.
    expect(answered).toEqual(
      expect.arrayContaining([
        'keys.import',
        'keys.generate',
        'keys.status',
        'secrets.open',
        'secrets.reveal',
        'secrets.makeYoursPlan',
        'terminal.open',
      ]),
    );
    // The examples end by killing the shell: what it wrote until then has arrived once its exit has.
    const exited = () =>
      traffic.some(
        (t) =>
          (t as { channel?: string }).channel === 'terminal.exit' &&
          (t as { payload: { id: string } }).payload.id === seen.terminalId,
      );
    for (let waited = 0; !exited(); waited += 50) {
      if (waited > 120_000) throw new Error(`terminal ${seen.terminalId} did not exit`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const item of traffic) expect(JSON.stringify(item)).not.toMatch(privateKey);
  });
});
