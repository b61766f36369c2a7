// Host inspection with real nix: the manifests of the fixture hosts and of this repository, and their cache.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostManifest, Inspection } from '../../common/model/manifest.ts';
import { locatePath } from '../../common/model/path-location.ts';
import { EventHub } from '../events/event-hub.ts';
import { openHistoryDatabase } from '../history/database.ts';
import { ManifestStore } from '../history/manifest-store.ts';
import { demoLoginKeys } from '../secrets/login-material.ts';
import { makeFlakeRepo, repoRoot } from '../../tests/support/fixture-flake.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';
import { ManifestService } from './manifest-cache.ts';
import { toManifest } from './manifest.ts';
import type { RawManifest } from './manifest.ts';
import { Nix } from './nix.ts';
import { inspectFlakeRef } from './inspect-flake.ts';

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

function repo(source: Parameters<typeof makeFlakeRepo>[0]): FlakeRepo {
  const r = makeFlakeRepo(source);
  cleanups.push(r.remove);
  return r;
}

/** A manifest service on a fresh history database, counting the nix processes it starts. */
function service(options: { watchSources?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'flakedeck-inspect-'));
  const db = openHistoryDatabase(join(dir, 'history.sqlite'));
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const spawned: string[][] = [];
  const events = new EventHub();
  const received: Inspection[] = [];
  events.connect((channel, payload) => channel === 'hosts.manifests' && received.push(payload as Inspection));
  const nix = new Nix({ onSpawn: (args) => spawned.push([...args]) });
  const manifests = new ManifestService(nix, new ManifestStore(db), events, options);
  cleanups.push(() => manifests.close());
  return { manifests, spawned, received };
}

function manifestOf(inspection: Inspection, host: string): HostManifest {
  const result = inspection.hosts[host];
  if (!result?.ok) throw new Error(`${host} did not evaluate: ${JSON.stringify(result)}`);
  return result.manifest;
}

describe('inspection of the fixture hosts', async () => {
  const flake = repo('inspect-hosts');
  const { manifests, spawned } = service();
  const inspection = await manifests.inspect(flake.path);
  const laptop = manifestOf(inspection, 'laptop');
  const desktop = manifestOf(inspection, 'desktop');
  const server = manifestOf(inspection, 'server');
  const bare = manifestOf(inspection, 'bare');

  it('evaluates every host in one nix process, and no other', () => {
    expect(Object.keys(inspection.hosts)).toEqual(['bare', 'desktop', 'laptop', 'server']);
    expect(spawned).toHaveLength(1);
    expect(spawned[0]).toContain('eval');
    // The narHash is computed without `nix flake metadata`, and is the one it would give.
    const metadata = JSON.parse(execFileSync('nix', ['flake', 'metadata', '--json', flake.path], { encoding: 'utf8' }));
    expect(inspection.narHash).toBe(metadata.locked.narHash);
    expect(inspection.stale).toBe(false);
  });

  it('reads system, state version and file systems, tmpfs ones marked ephemeral', () => {
    expect(laptop).toMatchObject({ host: 'laptop', hostName: 'laptop', system: 'x86_64-linux', stateVersion: '24.05' });
    expect(laptop.ephemeralRoot).toBe(true);
    expect(laptop.fileSystems.map((fs) => [fs.mountPoint, fs.fsType, fs.ephemeral])).toEqual([
      ['/', 'tmpfs', true],
      ['/boot', 'vfat', false],
      ['/nix', 'btrfs', false],
      ['/persist', 'btrfs', false],
      ['/state', 'ext4', false],
      ['/tmp', 'tmpfs', true], // boot.tmp.useTmpfs
    ]);
    expect(server).toMatchObject({ ephemeralRoot: false, system: 'aarch64-linux', stateVersion: '23.11' });
  });

  it('normalises impermanence entries: strings and attribute sets, users, two storage roots', () => {
    const byPath = Object.fromEntries(laptop.persistence.map((e) => [e.path, e]));
    expect(byPath['/var/log']).toMatchObject({ kind: 'directory', storage: '/persist' });
    expect(byPath['/var/lib/colord']).toMatchObject({
      kind: 'directory',
      storage: '/persist',
      owner: 'colord',
      group: 'colord',
      mode: 'u=rwx,g=rx,o=',
    });
    expect(byPath['/etc/ssh/ssh_host_ed25519_key']).toMatchObject({ kind: 'file', mode: '0755' });
    expect(byPath['/home/alice/.ssh']).toMatchObject({ user: 'alice', homePath: '.ssh', mode: '0700' });
    expect(byPath['/home/alice/.bash_history']).toMatchObject({ kind: 'file', user: 'alice' });
    // bob's home is not under /home: impermanence's users.<name>.home says where.
    expect(byPath['/srv/bob/projects']).toMatchObject({ user: 'bob', homePath: 'projects', storage: '/persist' });
    expect(byPath['/var/lib/postgresql']).toMatchObject({ storage: '/state', owner: 'postgres', mode: '0750' });
    expect(byPath['/home/alice/.local/share/Steam']).toMatchObject({ storage: '/state', user: 'alice' });
    expect(laptop.persistentRoots).toEqual([
      expect.objectContaining({ storage: '/persist', hideMounts: true, mountPoint: '/persist', fsType: 'btrfs' }),
      expect.objectContaining({ storage: '/state', hideMounts: false, enableDebugging: true, neededForBoot: true }),
    ]);
    expect(laptop.homes).toEqual([
      { user: 'alice', home: '/home/alice' },
      { user: 'bob', home: '/srv/bob' },
    ]);
  });

  it('names the file and line that declared each entry, in the flake folder', () => {
    const byPath = Object.fromEntries(laptop.persistence.map((e) => [e.path, e]));
    const at = (file: string, line: number, column: number) => ({ file: join(flake.path, file), line, column });
    // An attribute set: nix's own position of its `directory`.
    expect(byPath['/var/lib/colord']!.declaredIn).toEqual([at('hosts/laptop/persist.nix', 9, 9)]);
    // A string: the line in its list that has it.
    expect(byPath['/var/log']!.declaredIn).toEqual([at('hosts/laptop/persist.nix', 6, 7)]);
    expect(byPath['/home/alice/Documents']!.declaredIn).toEqual([at('hosts/laptop/persist.nix', 24, 9)]);
    expect(byPath['/home/alice/.local/share/Steam']!.declaredIn).toEqual([at('hosts/laptop/persist.nix', 47, 33)]);
    // Forwarded through deck.persist: the feature file that declared it, not the module that forwards it.
    expect(byPath['/var/lib/jellyfin']).toMatchObject({
      declaredIn: [at('hosts/laptop/services.nix', 32, 7)],
      declaredBy: ['deck.persist.system'],
    });
    expect(byPath['/home/alice/src']!.declaredIn).toEqual([at('hosts/laptop/services.nix', 37, 37)]);
  });

  it('reads home-manager users: packages with versions, programs, services, files, session variables', () => {
    expect(laptop.homeManager.alice).toEqual({
      username: 'alice',
      homeDirectory: '/home/alice',
      stateVersion: '24.05',
      packages: ['ripgrep', 'git', 'firefox'],
      packageVersions: { ripgrep: '14.1.0', git: '2.45.1', firefox: '126.0' },
      programs: ['direnv', 'git', 'zsh'],
      services: ['syncthing'],
      files: ['.config/git/ignore', 'bin/hello'],
      sessionVariables: { EDITOR: 'nvim', HISTSIZE: '10000', PAGER: 'less -R' },
    });
    expect(desktop.homeManager.alice!.packageVersions.ripgrep).toBe('13.0.0');
    // home-manager's own impermanence module
    expect(desktop.persistence.find((e) => e.path === '/home/alice/Games')).toMatchObject({
      storage: '/persist/home/alice',
      user: 'alice',
      declaredBy: ['home.persistence'],
    });
    expect(desktop.persistentRoots.map((r) => [r.storage, r.source])).toEqual([
      ['/persist', 'nixos'],
      ['/persist/home/alice', 'home-manager'],
    ]);
  });

  it('reads sops secrets with their file, key, owner, path and units', () => {
    expect(laptop.secrets).toEqual([
      expect.objectContaining({
        name: 'alice/password',
        key: 'users/alice',
        neededForUsers: true,
        sopsFile: join(flake.path, 'secrets/common.yaml'),
        path: '/run/secrets-for-users/alice/password',
      }),
      expect.objectContaining({ name: 'backup-key', owner: 'restic', mode: '0440', path: '/run/keys/backup' }),
      expect.objectContaining({
        name: 'wifi/psk',
        key: 'wifi/psk',
        sopsFile: join(flake.path, 'secrets/laptop.yaml'),
        restartUnits: ['wpa_supplicant.service'],
        path: '/run/secrets/wifi/psk',
      }),
    ]);
    expect(server.secrets.map((s) => [s.name, s.restartUnits])).toEqual([
      ['acme/token', ['acme-example.org.service', 'nginx.service']],
    ]);
  });

  it('lists enabled services with state, and warns about state on tmpfs that nothing persists', () => {
    expect(laptop.services).toEqual([
      { name: 'colord', dynamicUser: false, stateDirectories: ['/var/lib/colord'] },
      { name: 'jellyfin', dynamicUser: false, stateDirectories: ['/var/lib/jellyfin'] },
      {
        name: 'ollama',
        dynamicUser: true,
        stateDirectories: ['/var/lib/private/ollama', '/var/lib/private/ollama/models'],
      },
      { name: 'syncthing', dynamicUser: false, stateDirectories: ['/var/lib/syncthing'] },
    ]);
    expect(laptop.unpersistedState.map((s) => [s.service, s.path, s.source])).toEqual([
      ['sshd', '/etc/ssh/ssh_host_rsa_key', 'known'],
      ['bluetooth', '/var/lib/bluetooth', 'known'],
      ['ollama', '/var/lib/private/ollama', 'StateDirectory'],
      ['syncthing', '/var/lib/syncthing', 'StateDirectory'],
      ['nixos', '/var/lib/systemd', 'known'],
    ]);
    // Persisted: colord and jellyfin; postgresql's dataDir is under /state's /var/lib/postgresql.
    expect(laptop.state.find((s) => s.service === 'postgresql')).toMatchObject({ path: '/var/lib/postgresql/16' });
    expect(desktop.unpersistedState.map((s) => s.path)).toEqual(['/var/lib/docker', '/var/lib/systemd']);
    expect(server.unpersistedState).toEqual([]); // a disk root keeps everything
  });

  it('reads only the deploy settings a flake declares, from deck.deploy or colmena, and where each comes from', () => {
    // laptop declares its address only: user and port are left to ~/.ssh/config.
    expect(laptop.deploy).toEqual({
      targetHost: 'laptop.lan',
      targetUser: null,
      targetPort: null,
      buildOn: 'local',
      sudo: null,
      source: 'deck.deploy',
      sources: {
        targetHost: 'deck.deploy',
        targetUser: 'ssh config',
        targetPort: 'ssh config',
        buildOn: 'default',
        sudo: 'default',
      },
    });
    expect(desktop.deploy).toMatchObject({
      targetHost: 'desktop.lan',
      targetUser: 'alice',
      targetPort: 2222,
      buildOn: 'remote',
      sudo: true,
    });
    expect(server.deploy).toMatchObject({
      targetHost: '203.0.113.7',
      targetUser: 'deploy',
      targetPort: null,
      buildOn: 'remote',
      sudo: null,
      source: 'deployment',
      sources: { targetHost: 'deployment', targetUser: 'deployment', targetPort: 'ssh config' },
    });
    expect(bare.deploy).toMatchObject({
      targetHost: 'bare',
      targetUser: null,
      targetPort: null,
      source: 'default',
      sources: { targetHost: 'host name' },
    });
  });

  it('gives empty fields, not errors, to hosts without impermanence, home-manager or sops-nix', () => {
    expect(bare).toMatchObject({
      hostName: null,
      ephemeralRoot: false,
      persistence: [],
      persistentRoots: [],
      homeManager: {},
      secrets: [],
      services: [],
      unpersistedState: [],
      persistJson: { supported: false },
    });
    expect(server.homeManager).toEqual({});
  });

  it('says which hosts take paths through persist.json', () => {
    expect(laptop.persistJson).toEqual({
      supported: true,
      file: 'hosts/laptop/persist.json',
      user: 'alice',
      homeDirectory: '/home/alice',
      storage: '/persist',
    });
    expect(server.persistJson.supported).toBe(false);
  });

  it('locates paths: wiped at boot, on a persistent root, on another mount', () => {
    expect(locatePath(laptop, '/var/lib/syncthing/index')).toEqual({ kind: 'ephemeral', mountPoint: '/' });
    expect(locatePath(laptop, '/var/lib/postgresql/16/base')).toMatchObject({ kind: 'persistent', storage: '/state' });
    expect(locatePath(laptop, '/nix/store/abc-foo')).toEqual({ kind: 'store', mountPoint: '/nix' });
    expect(locatePath(laptop, '/boot/EFI')).toEqual({ kind: 'mount', mountPoint: '/boot', fsType: 'vfat' });
    expect(locatePath(laptop, '/proc/1')).toEqual({ kind: 'runtime' });
    expect(locatePath(laptop, '/tmp/x')).toEqual({ kind: 'ephemeral', mountPoint: '/tmp' });
    expect(locatePath(server, '/var/lib/forgejo')).toEqual({ kind: 'mount', mountPoint: '/', fsType: 'ext4' });
  });
});

describe('inspection of other flakes', () => {
  it('reads the four-host fixture, whose hosts are plain attribute sets without options', async () => {
    const { manifests } = service();
    const inspection = await manifests.inspect(repo('four-hosts').path);
    const laptop = manifestOf(inspection, 'laptop');
    expect(laptop.ephemeralRoot).toBe(true);
    expect(laptop.persistence.map((e) => e.path)).toContain('/home/alice/.gnupg');
    expect(laptop.persistence.every((e) => e.declaredIn.length === 0)).toBe(true);
    expect(manifestOf(inspection, 'desktop').homeManager.alice!.packages).toEqual(['ripgrep', 'git', 'firefox']);
    expect(manifestOf(inspection, 'vps').secrets.map((s) => s.name)).toEqual(['acme/token']);
  });

  it('shows the good hosts and the error of the broken one, with its file and line', async () => {
    const flake = repo('inspect-hosts');
    flake.write('hosts/broken/default.nix', '{\n  modules = [ ./config.nix ];\n}\n');
    flake.write('hosts/broken/config.nix', '{\n  fileSystems."/".fsType = "ext" + 4;\n}\n');
    const { manifests, spawned } = service();
    const inspection = await manifests.inspect(flake.path);
    expect(Object.keys(inspection.hosts)).toEqual(['bare', 'broken', 'desktop', 'laptop', 'server']);
    expect(manifestOf(inspection, 'laptop').ephemeralRoot).toBe(true);
    const broken = inspection.hosts.broken!;
    expect(broken.ok).toBe(false);
    if (broken.ok) return;
    expect(broken.error).toMatchObject({
      code: 'NIX_EVAL_ERROR',
      message: expect.stringMatching(/cannot (add|coerce)/),
      location: { file: join(flake.path, 'hosts/broken/config.nix'), line: 2 },
    });
    // One try for all hosts, one to list them, then halves: [bare broken desktop] [laptop server], [bare broken]
    // [desktop], [bare] [broken].
    expect(spawned.filter((a) => a.includes('eval'))).toHaveLength(2 + 6);

    // The broken host's error is cached with the good manifests: the next open runs nothing.
    spawned.length = 0;
    const again = await manifests.inspect(flake.path);
    expect(spawned).toEqual([]);
    expect(again.hosts.broken).toEqual(broken);
  });

  it('shows every host from the flake itself when nix cannot take the flake as an input', async () => {
    const flake = repo('inspect-hosts');
    // The copy of nix/inspect-flake.nix, failing as nix fails on a flake it cannot follow from another one.
    const wrapper = join(inspectFlakeRef().slice('path:'.length), 'flake.nix');
    const text = readFileSync(wrapper, 'utf8');
    writeFileSync(wrapper, '{ inputs.flake = { }; outputs = { self, flake }: throw "cannot take it as an input"; }\n');
    try {
      const { manifests, spawned } = service();
      const inspection = await manifests.inspect(flake.path);
      expect(Object.keys(inspection.hosts)).toEqual(['bare', 'desktop', 'laptop', 'server']);
      expect(manifestOf(inspection, 'laptop').ephemeralRoot).toBe(true);
      const metadata = JSON.parse(
        execFileSync('nix', ['flake', 'metadata', '--json', flake.path], { encoding: 'utf8' }),
      );
      expect(inspection.narHash).toBe(metadata.locked.narHash);
      expect(spawned.some((a) => a.includes('metadata'))).toBe(true);
    } finally {
      writeFileSync(wrapper, text);
    }
  });

  it('finds one broken host among 32 in O(log N) evaluations, and shows the 31 others', async () => {
    const flake = repo('inspect-hosts');
    const bare = readFileSync(join(flake.path, 'hosts/bare/config.nix'), 'utf8');
    for (let i = 0; i < 27; i++) {
      flake.write(`hosts/many-${String(i).padStart(2, '0')}/default.nix`, '{ modules = [ ./config.nix ]; }\n');
      flake.write(`hosts/many-${String(i).padStart(2, '0')}/config.nix`, bare);
    }
    flake.write('hosts/many-13/config.nix', '{\n  fileSystems."/".fsType = 4 + "ext";\n}\n');
    const { manifests, spawned } = service();
    const inspection = await manifests.inspect(flake.path);
    const names = Object.keys(inspection.hosts);
    expect(names).toHaveLength(31);
    expect(names.filter((h) => !inspection.hosts[h]!.ok)).toEqual(['many-13']);
    expect(inspection.hosts['many-13']).toMatchObject({
      ok: false,
      error: { code: 'NIX_EVAL_ERROR', location: { file: join(flake.path, 'hosts/many-13/config.nix'), line: 2 } },
    });
    expect(manifestOf(inspection, 'many-12').fileSystems[0]).toMatchObject({ mountPoint: '/', fsType: 'xfs' });
    expect(manifestOf(inspection, 'laptop').ephemeralRoot).toBe(true);
    // All, the list, then two halves per level down to the broken host: 2 + 2·log2(32), not 2 + 31.
    expect(spawned.filter((a) => a.includes('eval')).length).toBeLessThanOrEqual(2 + 2 * 5);
  });

  it('throws the flake error, with its file and line, when no host can be listed', async () => {
    const flake = repo({
      'flake.nix': '{\n  outputs = { self }: {\n    nixosConfigurations = { a = 1;; };\n  };\n}\n',
    });
    const { manifests } = service();
    await expect(manifests.inspect(flake.path)).rejects.toMatchObject({
      code: 'NIX_EVAL_ERROR',
      location: { file: join(flake.path, 'flake.nix'), line: 3 },
    });
  });

  it('gives no hosts for a flake without nixosConfigurations', async () => {
    const { manifests } = service();
    const inspection = await manifests.inspect(repo({ 'flake.nix': '{ outputs = { self }: { }; }\n' }).path);
    expect(inspection.hosts).toEqual({});
  });

  it('refuses a host the flake does not declare, naming the ones it does', async () => {
    const { manifests } = service();
    await expect(manifests.inspect(repo('four-hosts').path, { hosts: ['nope'] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      hint: 'Its hosts are: desktop, homelab, laptop, vps.',
    });
  });
});

// Both ways the cache learns that a flake is unchanged: a stat of every tracked file (the CLI), a watch (the app).
describe.each([
  ['stat of every file', false],
  ['watch of the source', true],
])('the manifest cache, by %s', (_, watchSources) => {
  it('opens an unchanged flake without running nix, and a changed one stale, re-evaluated in the background', async () => {
    const flake = repo('inspect-hosts');
    const { manifests, spawned, received } = service({ watchSources });
    const first = await manifests.inspect(flake.path);
    expect(spawned.length).toBe(1);

    spawned.length = 0;
    const second = await manifests.inspect(flake.path);
    expect(spawned).toEqual([]); // no nix process at all
    expect(second).toEqual(first);

    // An untracked file is invisible to nix, so the flake is unchanged.
    writeFileSync(join(flake.path, 'notes.txt'), 'not tracked');
    spawned.length = 0;
    await manifests.inspect(flake.path);
    expect(spawned).toEqual([]);
    rmSync(join(flake.path, 'notes.txt'));
    const original = readFileSync(join(flake.path, 'hosts/bare/config.nix'), 'utf8');

    // A change: the last manifests come back at once, marked stale; the new ones follow as an event.
    flake.write('hosts/bare/config.nix', '{\n  fileSystems."/" = { device = "none"; fsType = "tmpfs"; };\n}\n');
    spawned.length = 0;
    const stale = await manifests.inspect(flake.path);
    expect(stale).toMatchObject({ stale: true, refreshing: true, narHash: first.narHash });
    expect(manifestOf(stale, 'bare').ephemeralRoot).toBe(false);
    await expect.poll(() => received.length, { timeout: 60_000 }).toBe(1);
    expect(received[0]).toMatchObject({ stale: false, refreshing: false });
    expect(received[0]!.narHash).not.toBe(first.narHash);
    expect(manifestOf(received[0]!, 'bare').ephemeralRoot).toBe(true);
    expect(spawned.filter((a) => a.includes('eval'))).toHaveLength(1);

    // Then it is the cached state; undoing the change finds the first evaluation again, without nix.
    spawned.length = 0;
    expect(manifestOf(await manifests.inspect(flake.path), 'bare').ephemeralRoot).toBe(true);
    flake.write('hosts/bare/config.nix', original);
    const undone = await manifests.inspect(flake.path);
    expect(undone.narHash).toBe(first.narHash);
    expect(spawned).toEqual([]);
  });

  it('never serves the manifests of content that changed in place with its mtime put back', async () => {
    const flake = repo('inspect-hosts');
    const { manifests, spawned } = service({ watchSources });
    const file = join(flake.path, 'hosts/bare/config.nix');
    await manifests.inspect(flake.path);
    // As `cp -p`, `rsync -t --inplace` or `tar x` leave it: same size, same inode, the old mtime.
    const before = statSync(file, { bigint: true });
    const edited = readFileSync(file, 'utf8').replace('"xfs"', '"zfs"');
    expect(BigInt(edited.length)).toBe(before.size);
    writeFileSync(file, edited);
    const ns = before.mtimeNs % 1_000_000_000n;
    execFileSync('touch', ['-m', '-d', `@${before.mtimeNs / 1_000_000_000n}.${String(ns).padStart(9, '0')}`, file]);
    expect(statSync(file, { bigint: true })).toMatchObject({
      size: before.size,
      ino: before.ino,
      mtimeNs: before.mtimeNs,
    });
    spawned.length = 0;
    const after = await manifests.inspect(flake.path, { freshness: 'fresh' });
    expect(spawned.filter((a) => a.includes('eval'))).toHaveLength(1);
    expect(manifestOf(after, 'bare').fileSystems[0]).toMatchObject({ mountPoint: '/', fsType: 'zfs' });
  });

  it('lists the hosts from the cache while the flake is unchanged, and from nix once it changed', async () => {
    const flake = repo('inspect-hosts');
    const { manifests, spawned } = service({ watchSources });
    await manifests.inspect(flake.path);
    spawned.length = 0;
    expect(await manifests.hosts(flake.path)).toEqual(
      ['bare', 'desktop', 'laptop', 'server'].map((name) => ({ name })),
    );
    expect(spawned).toEqual([]);
    flake.write('hosts/extra/default.nix', '{ modules = [ ../bare/config.nix ]; }\n');
    expect((await manifests.hosts(flake.path)).map((h) => h.name)).toContain('extra');
    expect(spawned).toHaveLength(1);
  });

  it('waits for the new manifests when asked for fresh ones', async () => {
    const flake = repo('inspect-hosts');
    const { manifests, received } = service({ watchSources });
    await manifests.inspect(flake.path);
    flake.write('hosts/bare/config.nix', '{ fileSystems."/" = { fsType = "tmpfs"; }; }\n');
    const fresh = await manifests.inspect(flake.path, { freshness: 'fresh' });
    expect(fresh.stale).toBe(false);
    expect(manifestOf(fresh, 'bare').ephemeralRoot).toBe(true);
    expect(received).toEqual([]);
  });

  it('reports a failed background re-evaluation with the last manifests', async () => {
    const flake = repo('inspect-hosts');
    const { manifests, received } = service({ watchSources });
    await manifests.inspect(flake.path);
    flake.write('flake.nix', '{\n  outputs = { self }: {\n    nixosConfigurations = import ./lib.nix {;\n  };\n}\n');
    const stale = await manifests.inspect(flake.path);
    expect(stale.stale).toBe(true);
    await expect.poll(() => received.length, { timeout: 60_000 }).toBe(1);
    expect(received[0]).toMatchObject({
      stale: true,
      refreshing: false,
      refreshError: { code: 'NIX_EVAL_ERROR', location: { file: join(flake.path, 'flake.nix'), line: 3 } },
    });
    expect(manifestOf(received[0]!, 'laptop').ephemeralRoot).toBe(true);
  });

  it('keeps a flake outside git working, through its narHash', async () => {
    const source = repo('four-hosts');
    rmSync(join(source.path, '.git'), { recursive: true, force: true });
    const { manifests, spawned } = service({ watchSources });
    await manifests.inspect(source.path);
    spawned.length = 0;
    const again = await manifests.inspect(source.path);
    expect(spawned.map((a) => a.find((x) => x === 'metadata' || x === 'eval'))).toEqual(['metadata']);
    expect(manifestOf(again, 'laptop').ephemeralRoot).toBe(true);
  });
});

describe("this repository's own hosts", () => {
  it('read through inspect.nix, evaluated with the real modules the flake tests use', () => {
    // nixpkgs cannot be fetched here: tests/flake/eval-hosts.nix evaluates the hosts with the real module system,
    // home-manager, impermanence and sops-nix, nixpkgs' option tree and packages stood in, and applies inspect.nix.
    const args = ['--eval', '--strict', '--json', 'tests/flake/eval-hosts.nix', '-A', 'manifests'];
    const sources = ['--argstr', 'sources', join(repoRoot, '..', 'shared', 'nix-sources')];
    const raw = JSON.parse(
      execFileSync('nix-instantiate', [...args, ...sources], {
        cwd: repoRoot,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as Record<string, RawManifest>;
    // The published demo login key (tests/demo-keys/alice.ssh_ed25519.DEMO), as the app reads it from the flake.
    const demoKeys = new Set(demoLoginKeys(repoRoot).map((line) => line.split(' ')[1]!));
    const hosts = Object.fromEntries(
      Object.entries(raw).map(([name, r]) => [
        name,
        toManifest(name, r, { localPath: (p) => p, demoLoginKeys: demoKeys }),
      ]),
    );
    expect(Object.keys(hosts)).toEqual(['desktop', 'homelab', 'laptop', 'vps']);
    // Until the repository is made yours, every host lets in whoever has the published demo key, as alice and root.
    for (const host of Object.values(hosts)) expect(host.demoLogins).toEqual(['alice', 'root']);
    expect(toManifest('vps', raw['vps']!, { localPath: (p) => p }).demoLogins).toEqual([]);
    for (const name of ['desktop', 'laptop', 'vps']) {
      const host = hosts[name]!;
      expect(host.ephemeralRoot, name).toBe(true);
      expect(host.persistJson, name).toMatchObject({ supported: true, user: 'alice', storage: '/persist' });
      expect(
        host.persistence.map((e) => e.path),
        name,
      ).toEqual(expect.arrayContaining(['/var/lib/nixos', '/var/log', '/etc/machine-id']));
    }
    expect(hosts.homelab!.ephemeralRoot).toBe(false);
    for (const host of Object.values(hosts)) {
      expect(host.deploy.source).toBe('deck.deploy');
      expect(host.persistence.every((e) => e.path.startsWith('/') && e.storage.startsWith('/'))).toBe(true);
      expect(host.homeManager.alice?.homeDirectory).toBe('/home/alice');
      expect(host.homeManager.alice?.programs.length).toBeGreaterThan(0);
    }
    expect(hosts.desktop!.persistence.find((e) => e.path === '/home/alice/.ssh')).toMatchObject({
      user: 'alice',
      homePath: '.ssh',
      mode: '0700',
    });
  }, 240_000);
});
