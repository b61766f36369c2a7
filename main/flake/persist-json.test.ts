// Persisting a path through a host's persist.json, and what a re-evaluation with real nix shows afterwards.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostManifest } from '../../common/model/manifest.ts';
import { EventHub } from '../events/event-hub.ts';
import { openHistoryDatabase } from '../history/database.ts';
import { ManifestStore } from '../history/manifest-store.ts';
import { makeFlakeRepo } from '../../tests/support/fixture-flake.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';
import { ManifestService } from './manifest-cache.ts';
import { Nix } from './nix.ts';
import { addPersistPath } from './persist-json.ts';

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

function setup(): { flake: FlakeRepo; manifests: ManifestService; file: string } {
  const flake = makeFlakeRepo('inspect-hosts');
  const dir = mkdtempSync(join(tmpdir(), 'flakedeck-persist-'));
  const db = openHistoryDatabase(join(dir, 'history.sqlite'));
  cleanups.push(() => {
    db.close();
    flake.remove();
    rmSync(dir, { recursive: true, force: true });
  });
  const manifests = new ManifestService(new Nix(), new ManifestStore(db), new EventHub());
  return { flake, manifests, file: join(flake.path, 'hosts/laptop/persist.json') };
}

const staged = (flake: FlakeRepo) =>
  execFileSync('git', ['diff', '--cached', '--name-only'], { cwd: flake.path, encoding: 'utf8' });

async function laptop(manifests: ManifestService, folder: string): Promise<HostManifest> {
  const inspection = await manifests.inspect(folder, { freshness: 'fresh' });
  const result = inspection.hosts.laptop!;
  if (!result.ok) throw new Error(result.error.message);
  return result.manifest;
}

describe('persist this path', () => {
  it('writes hosts/<host>/persist.json, stages it, and a re-evaluation shows the path persisted', async () => {
    const { flake, manifests, file } = setup();
    const before = await laptop(manifests, flake.path);
    expect(before.unpersistedState.map((s) => s.path)).toContain('/var/lib/syncthing');

    const result = await addPersistPath(manifests, flake.path, {
      host: 'laptop',
      path: '/var/lib/syncthing/',
      kind: 'directory',
    });
    expect(result).toEqual({
      host: 'laptop',
      file,
      section: 'system',
      kind: 'directory',
      entry: '/var/lib/syncthing',
      created: true,
      staged: true,
    });
    expect(readFileSync(file, 'utf8')).toBe(
      '{\n  "system": {\n    "directories": [\n      "/var/lib/syncthing"\n    ]\n  }\n}\n',
    );
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(staged(flake)).toContain('hosts/laptop/persist.json');

    const after = await laptop(manifests, flake.path);
    expect(after.persistence.find((e) => e.path === '/var/lib/syncthing')).toMatchObject({
      kind: 'directory',
      storage: '/persist',
      declaredBy: ['deck.persist.system'],
      // JSON has no positions in nix: the line is found in the file's text.
      declaredIn: [{ file, line: 4, column: 7 }],
    });
    expect(after.unpersistedState.map((s) => s.path)).not.toContain('/var/lib/syncthing');
  });

  it('puts a path in the primary user’s home under "home", relative, and merges with what is there', async () => {
    const { flake, manifests, file } = setup();
    flake.write(
      'hosts/laptop/persist.json',
      JSON.stringify({
        home: { directories: [{ directory: '.gnupg', mode: '0700' }] },
        system: { files: ['/etc/adjtime'] },
      }),
    );
    const result = await addPersistPath(manifests, flake.path, {
      host: 'laptop',
      path: '/home/alice/.config/Code',
      kind: 'directory',
    });
    expect(result).toMatchObject({ section: 'home', entry: '.config/Code', created: false, staged: true });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      home: { directories: [{ directory: '.gnupg', mode: '0700' }, '.config/Code'] },
      system: { files: ['/etc/adjtime'] },
    });
    await addPersistPath(manifests, flake.path, { host: 'laptop', path: '/etc/machine-info', kind: 'file' });
    const manifest = await laptop(manifests, flake.path);
    const paths = manifest.persistence.map((e) => [e.path, e.kind, e.user ?? null]);
    expect(paths).toContainEqual(['/home/alice/.config/Code', 'directory', 'alice']);
    expect(paths).toContainEqual(['/home/alice/.gnupg', 'directory', 'alice']);
    expect(paths).toContainEqual(['/etc/machine-info', 'file', null]);
  });

  it('writes nothing for a path that is kept already, and says by what', async () => {
    const { flake, manifests, file } = setup();
    const result = await addPersistPath(manifests, flake.path, {
      host: 'laptop',
      path: '/var/lib/postgresql/16',
      kind: 'directory',
    });
    expect(result).toMatchObject({
      alreadyPersisted: { path: '/var/lib/postgresql', storage: '/state' },
      staged: false,
    });
    expect(existsSync(file)).toBe(false);
  });

  it('says clearly when the host does not read a persist.json, and leaves the flake alone', async () => {
    const { flake, manifests } = setup();
    await expect(
      addPersistPath(manifests, flake.path, { host: 'server', path: '/var/lib/forgejo', kind: 'directory' }),
    ).rejects.toMatchObject({
      code: 'PERSIST_UNSUPPORTED',
      message: 'server does not read hosts/server/persist.json, so Flakedeck cannot add paths to it.',
      hint: expect.stringMatching(/never edits \.nix files/),
    });
    expect(existsSync(join(flake.path, 'hosts/server/persist.json'))).toBe(false);
  });

  it('refuses paths it cannot keep: another user’s home, runtime folders, the persistent root', async () => {
    const { flake, manifests } = setup();
    const add = (path: string) => addPersistPath(manifests, flake.path, { host: 'laptop', path, kind: 'directory' });
    await expect(add('/srv/bob/.cache')).rejects.toMatchObject({ code: 'PERSIST_UNSUPPORTED', message: /bob's home/ });
    await expect(add('/proc/1')).rejects.toMatchObject({ code: 'PERSIST_UNSUPPORTED' });
    await expect(add('/persist/var/x')).rejects.toMatchObject({ code: 'PERSIST_UNSUPPORTED' });
    await expect(add('/home/alice')).rejects.toMatchObject({ message: /whole home/ });
    await expect(add('relative/path')).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });
  });

  it('leaves a persist.json it cannot read untouched', async () => {
    const { flake, manifests, file } = setup();
    writeFileSync(file, '{ "system": [ broken');
    await expect(
      addPersistPath(manifests, flake.path, { host: 'laptop', path: '/var/lib/x', kind: 'directory' }),
    ).rejects.toMatchObject({ code: 'PERSIST_UNSUPPORTED', message: /is not valid JSON/ });
    expect(readFileSync(file, 'utf8')).toBe('{ "system": [ broken');
  });
});
