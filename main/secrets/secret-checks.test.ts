// The secrets checks against host manifests: missing, unused and unreadable secrets, recipients that differ.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostManifest, Inspection, SecretInfo } from '../../common/model/manifest.ts';
import { hostRecipients } from '../keys/host-recipients.ts';
import { listSecretFiles } from './recipients-view.ts';
import { checkSecrets } from './secret-checks.ts';
import { makeSecretsFlake } from '../../tests/support/secrets-flake.ts';
import type { SecretsFlake } from '../../tests/support/secrets-flake.ts';

const admin = 'age1qn0qp2axaxrhmayrh4gahq7075cmzyp5ug52gghh0x5qp26np90sjc2fkm';
const vps = 'age1dsp2gt9au6dswg9w9cmr469ftnhtqvtkhfd095w0mvy23z3jhvsslvjzzk';

let flake: SecretsFlake;

beforeAll(async () => {
  flake = makeSecretsFlake();
  await flake.writeSecret('vps.yaml', 'restic:\n    password: p\n    repository: r\nold_token: t\n');
  // common.yaml is encrypted to admin and vps only, while laptop reads it and .sops.yaml names every host.
  await flake.writeSecret('common.yaml', 'user:\n    alice:\n        password-hash: h\n', [admin, vps]);
});
afterAll(() => flake.remove());

function secret(name: string, file: string, extra: Partial<SecretInfo> = {}): SecretInfo {
  return {
    name,
    key: name,
    sopsFile: join(flake.path, 'secrets', file),
    owner: null,
    group: null,
    mode: null,
    path: `/run/secrets/${name}`,
    format: null,
    restartUnits: [],
    reloadUnits: [],
    neededForUsers: false,
    ...extra,
  };
}

/** Manifests as hosts.inspect gives them; the checks read only each host's secrets. */
function inspection(hosts: Record<string, SecretInfo[] | string>): Inspection {
  return {
    flake: flake.path,
    narHash: 'sha256-test',
    evaluatedAt: 1_700_000_000_000,
    stale: false,
    refreshing: false,
    hosts: Object.fromEntries(
      Object.entries(hosts).map(([host, secrets]) => [
        host,
        typeof secrets === 'string'
          ? { ok: false, error: { code: 'NIX_EVAL_ERROR', message: secrets } }
          : { ok: true, manifest: { host, secrets } as HostManifest },
      ]),
    ),
  };
}

async function run(hosts: Record<string, SecretInfo[] | string>) {
  const files = (await listSecretFiles(flake.path)).files;
  return checkSecrets({ flake: flake.path, inspection: inspection(hosts), files, hosts: await hostRecipients(flake.path) });
}

describe('secrets checks against the host manifests', () => {
  it('finds declared secrets no file holds, by key path and by file', async () => {
    const checks = await run({
      vps: [
        secret('restic/password', 'vps.yaml'),
        secret('backup', 'vps.yaml', { key: 'restic' }),
        secret('acme/token', 'vps.yaml'),
        secret('wifi', 'nowhere.yaml'),
      ],
    });
    expect(checks.missing).toEqual([
      { host: 'vps', secret: 'acme/token', file: 'secrets/vps.yaml', key: 'acme/token', why: 'no-key' },
      { host: 'vps', secret: 'wifi', file: 'secrets/nowhere.yaml', key: 'wifi', why: 'no-file' },
    ]);
  });

  it('names files hosts declare secrets from that are no sops files, with what is wrong, apart from missing ones', async () => {
    writeFileSync(join(flake.path, 'secrets', 'plain.yaml'), 'wifi:\n    psk: hunter22\n');
    mkdirSync(join(flake.path, 'secrets', 'folder.yaml'), { recursive: true });
    writeFileSync(join(flake.path, 'secrets', 'broken.yaml'), 'a: [\n');
    const checks = await run({
      laptop: [secret('wifi/psk', 'plain.yaml'), secret('wifi/other', 'plain.yaml'), secret('x', 'folder.yaml')],
      vps: [secret('y', 'broken.yaml'), secret('z', 'gone.yaml')],
    });
    expect(checks.notSops).toEqual([
      {
        host: 'laptop',
        file: 'secrets/plain.yaml',
        secrets: ['wifi/psk', 'wifi/other'],
        problem: expect.stringMatching(/^it is not encrypted with sops \(it has no sops metadata\): .*world-readable Nix store/),
      },
      { host: 'laptop', file: 'secrets/folder.yaml', secrets: ['x'], problem: 'it is a folder, not a file.' },
      {
        host: 'vps',
        file: 'secrets/broken.yaml',
        secrets: ['y'],
        problem: expect.stringMatching(/^it is not a sops file sops-nix can read: Invalid YAML at line/),
      },
    ]);
    expect(checks.missing).toEqual([{ host: 'vps', secret: 'z', file: 'secrets/gone.yaml', key: 'z', why: 'no-file' }]);
    // A plain file is no secret: it is not in the list of sops files, nor are its values "unused".
    expect(checks.unused.map((u) => u.file)).not.toContain('secrets/plain.yaml');
    for (const name of ['plain.yaml', 'folder.yaml', 'broken.yaml']) rmSync(join(flake.path, 'secrets', name), { recursive: true });
  });

  it('lists values no host reads; a declared map covers what it holds', async () => {
    const checks = await run({
      vps: [secret('restic/password', 'vps.yaml'), secret('repo', 'vps.yaml', { key: 'restic/repository' })],
    });
    expect(checks.unused).toEqual([
      { file: 'secrets/common.yaml', key: 'user/alice/password-hash' },
      { file: 'secrets/vps.yaml', key: 'old_token' },
    ]);
    const whole = await run({ vps: [secret('restic', 'vps.yaml'), secret('old_token', 'vps.yaml')] });
    expect(whole.unused.filter((u) => u.file === 'secrets/vps.yaml')).toEqual([]);
  });

  it('names hosts whose key is not a recipient of the file they read', async () => {
    const checks = await run({
      vps: [secret('alice', 'common.yaml', { key: 'user/alice/password-hash' })],
      laptop: [secret('alice', 'common.yaml', { key: 'user/alice/password-hash' })],
      ghost: [secret('restic/password', 'vps.yaml')],
    });
    expect(checks.unreadable).toEqual([
      {
        host: 'laptop',
        file: 'secrets/common.yaml',
        secrets: ['alice'],
        hostRecipient: 'age1vl6mgk472t2dardalqp8dj70mw7zv9tvjzealmh58vws3vk5gcjq6lgcwl',
        why: 'not-a-recipient',
      },
      { host: 'ghost', file: 'secrets/vps.yaml', secrets: ['restic/password'], why: 'no-host-key' },
    ]);
    expect(checks.uses).toEqual([
      { host: 'vps', file: 'secrets/common.yaml', secrets: ['alice'] },
      { host: 'laptop', file: 'secrets/common.yaml', secrets: ['alice'] },
      { host: 'ghost', file: 'secrets/vps.yaml', secrets: ['restic/password'] },
    ]);
  });

  it('says which recipients .sops.yaml adds or drops for a file, and which hosts it could not evaluate', async () => {
    const checks = await run({ desktop: 'error: attribute missing' });
    expect(checks.outdated).toHaveLength(1);
    expect(checks.outdated[0]!.file).toBe('secrets/common.yaml');
    expect(checks.outdated[0]!.missing.map((r) => r.name)).toEqual(['desktop', 'laptop', 'homelab']);
    expect(checks.outdated[0]!.extra).toEqual([]);
    expect(checks.hostErrors).toEqual([{ host: 'desktop', message: 'error: attribute missing' }]);
  });
});
