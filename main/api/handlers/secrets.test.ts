// The keys and secrets methods called through the router as the page calls them, on a copy of a secrets flake.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices } from '../../services.ts';
import type { Services } from '../../services.ts';
import { createHandlers } from './index.ts';
import { Router } from '../router.ts';
import { methodChannels } from '../../../common/api/contract.ts';
import type { MethodChannel, Params, Result } from '../../../common/api/contract.ts';
import { MemoryKeychain } from '../../../tests/support/memory-keychain.ts';
import { demoAdminKeyFile, makeSecretsFlake } from '../../../tests/support/secrets-flake.ts';
import type { SecretsFlake } from '../../../tests/support/secrets-flake.ts';

const admin = 'age1qn0qp2axaxrhmayrh4gahq7075cmzyp5ug52gghh0x5qp26np90sjc2fkm';
const vps = 'age1dsp2gt9au6dswg9w9cmr469ftnhtqvtkhfd095w0mvy23z3jhvsslvjzzk';

let flake: SecretsFlake;
let dataDir: string;
let services: Services;
let router: Router;
const results: unknown[] = [];
const saved: string[] = [];

/** Calls through the router as the renderer would, and keeps every answer to check none holds a private key. */
async function call<C extends MethodChannel>(
  channel: C,
  params: Params<C> | Record<string, unknown> = {},
): Promise<Result<C>> {
  const envelope = await router.call(channel, params, { url: 'app://flakedeck/index.html' });
  results.push(envelope);
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
  return envelope.value as Result<C>;
}

beforeAll(async () => {
  flake = makeSecretsFlake();
  dataDir = mkdtempSync(join(tmpdir(), 'flakedeck-data-'));
  services = createServices({ dataDir, defaultFlake: flake.path, appVersion: '0.0.0', keychain: new MemoryKeychain() });
  router = new Router(createHandlers(services), { isTrustedSender: () => true });
  services.events.connect(
    (channel, payload) => channel === 'secrets.saved' && saved.push((payload as { file: string }).file),
  );
  await flake.writeSecret('vps.yaml', 'backup:\n    password: hunter2\n    repository: s3:backups/vps\n');
  await flake.writeSecret('common.yaml', 'nix:\n    github_token: ghp_demo\n', [admin]);
});
afterAll(() => {
  services.close();
  flake.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('keys.* and secrets.* through the router', () => {
  it('imports the admin key from a file, deleting the file when asked', async () => {
    const copy = join(dataDir, 'keys.txt');
    copyFileSync(demoAdminKeyFile, copy);
    expect(await call('keys.status')).toMatchObject({ reachable: true, identities: [] });
    expect(await call('keys.import', { path: copy, label: 'admin', deleteFile: true })).toEqual({
      imported: [{ label: 'admin', publicKey: admin }],
      deletedFile: true,
    });
    expect(existsSync(copy)).toBe(false);
  });

  it('lists the secret files with their recipients named after .sops.yaml, and which ones differ from the rules', async () => {
    const list = await call('secrets.list');
    expect(list.files.map((f: { file: string }) => f.file)).toEqual(['secrets/common.yaml', 'secrets/vps.yaml']);
    const [common, vpsFile] = [list.files[0]!, list.files[1]!];
    expect(vpsFile).toMatchObject({
      format: 'yaml',
      recipients: [
        { recipient: admin, name: 'admin', group: 0 },
        { recipient: vps, name: 'vps', group: 0 },
      ],
      differs: false,
    });
    expect(common.differs).toBe(true);
    expect(common.expected).toHaveLength(5);
  });

  it('updatekeys re-wraps a file to what the rules say now', async () => {
    const summary = await call('secrets.updatekeys', { file: 'secrets/common.yaml' });
    expect(summary.differs).toBe(false);
    expect(summary.recipients.map((r) => r.name)).toEqual(['admin', 'desktop', 'laptop', 'vps', 'homelab']);
    expect(saved).toContain('secrets/common.yaml');
  });

  it('edits a file: masked tree, reveal on request, set, save', async () => {
    const session = await call('secrets.open', { file: 'secrets/vps.yaml' });
    expect(JSON.stringify(session)).not.toContain('hunter2');
    expect(session.documents[0]![0]).toMatchObject({ key: 'backup', type: 'map' });
    expect(await call('secrets.reveal', { sessionId: session.sessionId, path: ['backup', 'password'] })).toMatchObject({
      text: 'hunter2',
    });
    const edited = await call('secrets.set', {
      sessionId: session.sessionId,
      path: ['backup', 'password'],
      value: { type: 'str', text: 'correct horse' },
    });
    expect(edited.dirty).toBe(true);
    expect((await call('secrets.save', { sessionId: session.sessionId })).dirty).toBe(false);
    expect(saved).toContain('secrets/vps.yaml');
    await call('secrets.close', { sessionId: session.sessionId });
    const again = await call('secrets.open', { file: 'secrets/vps.yaml' });
    expect((await call('secrets.reveal', { sessionId: again.sessionId, path: ['backup', 'password'] })).text).toBe(
      'correct horse',
    );
  });

  it('rotates a file to a new data key that still opens', async () => {
    expect((await call('secrets.rotate', { file: 'secrets/vps.yaml' })).differs).toBe(false);
    const session = await call('secrets.open', { file: 'secrets/vps.yaml' });
    expect((await call('secrets.reveal', { sessionId: session.sessionId, path: ['backup', 'repository'] })).text).toBe(
      's3:backups/vps',
    );
  });

  it('shows each host recipient from hosts/<name>/', async () => {
    const hosts = await call('keys.hostRecipients', {});
    expect(hosts.find((h: { host: string }) => h.host === 'vps')).toEqual({
      host: 'vps',
      fromFile: vps,
      differs: false,
    });
  });

  it('refuses files outside the flake', async () => {
    await expect(call('secrets.open', { file: '../../etc/passwd' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENTS',
    });
    await expect(call('secrets.updatekeys', { file: '/etc/passwd' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENTS',
    });
  });

  it('never returns a private key, from any method', () => {
    expect(methodChannels.filter((c) => /private|secretkey|export/i.test(c))).toEqual([]);
    expect(results.length).toBeGreaterThan(10);
    for (const result of results) expect(JSON.stringify(result)).not.toMatch(/AGE-SECRET-KEY/i);
  });
});
