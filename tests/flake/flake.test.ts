// The NixOS flake, checked without nixpkgs (which cannot be fetched here): every .nix file parses; the four hosts
// evaluate with the real module system and the real home-manager, impermanence and sops-nix modules
// (../shared/nix-sources), nixpkgs' option tree and packages stood in (tests/flake/stand-in), and declare the state
// and secrets they should; a misspelt option or a wrong type in the real modules fails; and .sops.yaml encrypts
// each file to exactly the right keys, recomputed from the hosts' SSH public keys.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML, { isAlias, isMap, isScalar, isSeq } from 'yaml';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const evalHosts = join(repoRoot, 'tests', 'flake', 'eval-hosts.nix');
const nixSources = resolve(repoRoot, '..', 'shared', 'nix-sources');
const hostNames = ['desktop', 'laptop', 'vps', 'homelab'] as const;
type HostName = (typeof hostNames)[number];

// ---------------------------------------------------------------------------------------------------------------
// 1. Every .nix file parses (nix-instantiate --parse also reports undefined variables outside `with`).

function nixFiles(dir: string): string[] {
  const skip = new Set(['node_modules', '.git', join('tests', 'fixtures')]);
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip.has(relative(repoRoot, path))) continue;
    if (entry.isDirectory()) found.push(...nixFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.nix')) found.push(path);
  }
  return found;
}

describe('every .nix file', () => {
  const files = nixFiles(repoRoot).map((file) => relative(repoRoot, file));

  it('includes the flake, the builder and every host', () => {
    expect(files).toContain('flake.nix');
    expect(files).toContain(join('nix', 'lib', 'mk-host.nix'));
    for (const host of hostNames) {
      expect(files).toContain(join('hosts', host, 'default.nix'));
      expect(files).toContain(join('hosts', host, 'hardware-configuration.nix'));
    }
  });

  it.each(files)('%s parses', (file) => {
    const result = spawnSync('nix-instantiate', ['--parse', file], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 2. The hosts, evaluated with the real module system and modules (tests/flake/eval-hosts.nix).

type Entry = string | { directory?: string; file?: string; [attribute: string]: unknown };
interface Lists {
  directories: Entry[];
  files: Entry[];
}
interface Secret {
  file: string;
  key: string;
  path: string;
  neededForUsers: boolean;
  owner: string | null;
  restartUnits: string[];
}
interface Host {
  user: string;
  persist: { enable: boolean; path: string; tmpfsSize: string; system: Lists; home: Lists };
  deploy: { targetHost: string; targetUser: string; targetPort: number; buildOn: string; sudo: boolean };
  features: Record<string, boolean>;
  roles: Record<string, boolean>;
  fileSystems: Record<string, { fsType: string; device: string | null; neededForBoot: boolean; options: string[] }>;
  hostKeys: { path: string; type: string }[];
  sopsKeyPaths: string[];
  defaultSopsFile: string;
  secrets: Record<string, Secret>;
  mutableUsers: boolean;
  rootHashedPassword: string | null;
  sshSettings: Record<string, unknown>;
  knownHosts: Record<string, { hostNames: string[]; publicKey: string | null; publicKeyFile: string | null }>;
  firewallTCP: number[];
  homeManagerUsers: string[];
  homeManager: { useGlobalPkgs: boolean; useUserPackages: boolean };
  flakedeckAutostart: string | null;
  luksDevices: Record<string, string>;
  allowTrash: Record<string, boolean>;
  zram: boolean;
  grafanaAddress: string | null;
  backup: {
    paths: string[];
    exclude: string[];
    extraOptions: string[];
    backupPrepareCommand: string | null;
    backupCleanupCommand: string | null;
    repositoryFile: string;
    passwordFile: string;
    sqlite: string[];
  } | null;
  failedAssertions: string[];
  warnings: string[];
}
/** Impermanence's own normalised entry, as nix/inspect.nix hands it to the app. */
interface PersistedEntry {
  path: string;
  user: string | null;
  group: string | null;
  mode: string | null;
  storage: string | null;
}
/** The part of nix/inspect.nix's manifest these tests read (docs/manifest.md has all of it). */
interface RawManifest {
  fileSystems: Record<string, { fsType: string | null; device: string | null }>;
  persistence: Record<
    string,
    {
      hideMounts: boolean;
      directories: PersistedEntry[];
      files: PersistedEntry[];
      users: Record<string, { home: string | null; directories: PersistedEntry[]; files: PersistedEntry[] }>;
    }
  >;
  declarations: {
    source: string;
    kind: string;
    path: string;
    file: string | null;
    user: string | null;
    line: number | null;
    listLine: number | null;
  }[];
  homeManager: Record<
    string,
    {
      homeDirectory: string | null;
      packages: { name: string; version: string }[];
      programs: string[];
      services: string[];
      files: string[];
      sessionVariables: Record<string, string | null>;
    }
  >;
  secrets: Record<
    string,
    { sopsFile: string | null; path: string | null; owner: string | null; neededForUsers: boolean }
  >;
}
interface Evaluation {
  hostNames: string[];
  checkSystems: string[];
  formatterSystems: string[];
  hosts: Record<string, Host>;
  manifests: Record<string, RawManifest>;
}

/** Evaluates the hosts of `repo` with the real modules; returns the parsed JSON, or the error text if nix failed. */
function evaluate(repo: string): Evaluation | { error: string } {
  const args = ['--eval', '--strict', '--json', evalHosts, '--argstr', 'repo', repo, '--argstr', 'sources', nixSources];
  const result = spawnSync('nix-instantiate', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) return { error: result.stderr };
  return JSON.parse(result.stdout) as Evaluation;
}

function evaluated(repo: string): Evaluation {
  const result = evaluate(repo);
  if ('error' in result) throw new Error(`evaluation failed:\n${result.error}`);
  return result;
}

/** A copy of the flake's Nix files in a temporary folder, to plant changes in. */
function flakeCopy(prefix: string): string {
  const copy = mkdtempSync(join(tmpdir(), prefix));
  for (const part of ['flake.nix', 'nix', 'hosts', 'secrets'])
    cpSync(join(repoRoot, part), join(copy, part), { recursive: true });
  return copy;
}

function hostOf(evaluation: Evaluation, name: string): Host {
  const host = evaluation.hosts[name];
  if (!host) throw new Error(`no host ${name} in the evaluation`);
  return host;
}

const pathOf = (entry: Entry): string => (typeof entry === 'string' ? entry : (entry.directory ?? entry.file ?? ''));
const paths = (lists: Lists): string[] => [...lists.directories, ...lists.files].map(pathOf);

describe('hosts (real module system, home-manager, impermanence and sops-nix; nixpkgs stood in)', () => {
  let evaluation: Evaluation;
  const host = (name: HostName): Host => hostOf(evaluation, name);
  const manifest = (name: HostName): RawManifest => evaluation.manifests[name]!;

  beforeAll(() => {
    evaluation = evaluated(repoRoot);
  }, 240_000);

  it('are the four machines, with a build check per system and a formatter', () => {
    expect(evaluation.hostNames).toEqual(['desktop', 'homelab', 'laptop', 'vps']);
    expect(evaluation.checkSystems).toEqual(['x86_64-linux']);
    expect(evaluation.formatterSystems).toEqual(['x86_64-linux']);
  });

  it('pass every assertion and warn about nothing', () => {
    for (const name of hostNames) {
      expect(host(name).failedAssertions, name).toEqual([]);
      expect(host(name).warnings, name).toEqual([]);
    }
  });

  it('give every feature in nix/features an enable option', () => {
    const features = readdirSync(join(repoRoot, 'nix', 'features'))
      .filter((file) => file.endsWith('.nix') && file !== 'default.nix')
      .map((file) => file.replace(/\.nix$/, ''))
      .sort();
    for (const name of hostNames) expect(Object.keys(host(name).features).sort(), name).toEqual(features);
  });

  it('carry one home-manager user, alice, with global pkgs and user packages', () => {
    for (const name of hostNames) {
      expect(host(name).user).toBe('alice');
      expect(host(name).homeManagerUsers).toEqual(['alice']);
      expect(host(name).homeManager).toEqual({ useGlobalPkgs: true, useUserPackages: true });
    }
  });

  describe('persistence', () => {
    const ephemeral: HostName[] = ['desktop', 'laptop', 'vps'];

    it('gives the workstations and the vps a tmpfs root and a /persist volume needed for boot', () => {
      for (const name of ephemeral) {
        const { persist, fileSystems } = host(name);
        expect(persist.enable, name).toBe(true);
        expect(persist.path).toBe('/persist');
        expect(fileSystems['/']?.fsType, name).toBe('tmpfs');
        expect(fileSystems['/']?.options, name).toContain(`size=${persist.tmpfsSize}`);
        expect(fileSystems['/persist']?.neededForBoot, name).toBe(true);
      }
      expect(host('vps').persist.tmpfsSize).toBe('512M');
    });

    it('keeps the homelab root on disk', () => {
      expect(host('homelab').persist.enable).toBe(false);
      expect(host('homelab').fileSystems['/']?.fsType).toBe('ext4');
      expect(manifest('homelab').persistence).toEqual({});
    });

    it('hands the deck.persist lists to impermanence, which takes them as its own entries', () => {
      for (const name of ephemeral) {
        const { persist, user } = host(name);
        const { persistence } = manifest(name);
        expect(Object.keys(persistence), name).toEqual(['/persist']);
        const root = persistence['/persist']!;
        const entryPaths = (entries: PersistedEntry[]) => entries.map((entry) => entry.path).sort();
        expect(root.hideMounts).toBe(true);
        expect(entryPaths(root.directories)).toEqual(persist.system.directories.map(pathOf).sort());
        expect(entryPaths(root.files)).toEqual(persist.system.files.map(pathOf).sort());
        expect(entryPaths(root.users[user]!.directories)).toEqual(persist.home.directories.map(pathOf).sort());
        expect(entryPaths(root.users[user]!.files)).toEqual(persist.home.files.map(pathOf).sort());
        // impermanence's own defaults fill what an entry leaves out: the user owns her home entries.
        for (const entry of root.users[user]!.directories) expect(entry).toMatchObject({ user, storage: '/persist' });
        expect(root.users[user]!.directories.find((entry) => entry.path === '.ssh')?.mode).toBe('0700');
      }
    });

    it('never puts a /home path in a system list, and keeps home entries relative', () => {
      for (const name of hostNames) {
        const { persist } = host(name);
        for (const path of paths(persist.system)) expect(path, name).not.toMatch(/^\/home(\/|$)/);
        for (const path of paths(persist.system)) expect(path, name).toMatch(/^\//);
        for (const path of paths(persist.home)) expect(path, name).not.toMatch(/^\//);
      }
    });

    it('persists the baseline every host owns', () => {
      for (const name of hostNames) {
        const system = paths(host(name).persist.system);
        expect(system).toEqual(expect.arrayContaining(['/var/lib/nixos', '/var/lib/systemd', '/var/log']));
        expect(system).toContain('/etc/machine-id');
      }
    });

    it('persists what each feature owns, declared by the feature', () => {
      const system = (name: HostName) => paths(host(name).persist.system);
      const home = (name: HostName) => paths(host(name).persist.home);

      expect(system('laptop')).toContain('/etc/NetworkManager/system-connections');
      expect(system('laptop')).toContain('/var/lib/NetworkManager');
      expect(system('laptop')).toContain('/var/lib/power-profiles-daemon');
      expect(system('laptop')).toContain('/var/lib/bluetooth');
      expect(system('desktop')).not.toContain('/var/lib/power-profiles-daemon');

      expect(system('vps')).toContain('/var/lib/acme');
      expect(system('vps')).toContain('/var/lib/forgejo');
      expect(system('vps')).not.toContain('/var/lib/NetworkManager');

      expect(system('homelab')).toEqual(
        expect.arrayContaining([
          '/var/lib/jellyfin',
          '/var/lib/vaultwarden',
          '/var/lib/grafana',
          '/var/lib/prometheus2',
        ]),
      );

      // home-manager modules (nix/home) declare theirs on the home-manager side; they reach every host's list.
      for (const name of hostNames) {
        expect(home(name)).toEqual(expect.arrayContaining(['.ssh', '.local/share/zsh', '.local/share/direnv']));
      }
      expect(home('desktop')).toContain('.config/dconf');
      expect(home('desktop')).toContain('.local/state/wireplumber');
      expect(home('vps')).not.toContain('.config/dconf');
    });

    it('keeps the workstation state people notice, and lets GNOME trash files in persisted folders', () => {
      for (const name of ['desktop', 'laptop'] as const) {
        const system = paths(host(name).persist.system);
        expect(system).toEqual(expect.arrayContaining(['/var/lib/fwupd', '/var/lib/colord', '/var/db/sudo/lectured']));
        const home = paths(host(name).persist.home);
        expect(home).toEqual(expect.arrayContaining(['.config/monitors.xml', '.config/goa-1.0', '.config/gtk-3.0']));
        expect(host(name).allowTrash).toEqual({ '/persist': true });
      }
    });

    it('keeps owner and mode where a feature sets them', () => {
      const acme = host('vps').persist.system.directories.find((entry) => pathOf(entry) === '/var/lib/acme');
      expect(acme).toEqual({ directory: '/var/lib/acme', user: 'acme', group: 'acme', mode: '0755' });
    });

    it('addresses the SSH host key, read by sops before impermanence mounts, at its /persist path', () => {
      for (const name of hostNames) {
        const { persist, hostKeys, sopsKeyPaths } = host(name);
        const expected = `${persist.enable ? '/persist' : ''}/etc/ssh/ssh_host_ed25519_key`;
        expect(hostKeys, name).toEqual([{ path: expected, type: 'ed25519' }]);
        expect(sopsKeyPaths, name).toEqual([expected]);
      }
    });
  });

  describe('persist.json (hosts/<name>/persist.json, written by the app)', () => {
    let copy: string;

    beforeAll(() => {
      copy = flakeCopy('flakedeck-persist-json-');
    });
    afterAll(() => rmSync(copy, { recursive: true, force: true }));

    const withPersistJson = (json: unknown): Evaluation | { error: string } => {
      writeFileSync(join(copy, 'hosts', 'laptop', 'persist.json'), JSON.stringify(json));
      return evaluate(copy);
    };

    it('merges a sample file into the laptop lists and nowhere else', () => {
      const sample = {
        system: {
          directories: ['/var/lib/libvirt', { directory: '/var/lib/private/ollama', user: 'ollama', mode: '0700' }],
          files: ['/etc/foo.conf'],
        },
        home: { directories: ['Games'], files: ['.config/foo/settings.json'] },
      };
      const result = withPersistJson(sample);
      if ('error' in result) throw new Error(result.error);
      const laptop = hostOf(result, 'laptop');
      const before = host('laptop');

      // Added to what the features declare (in module order, which is not specified), nothing lost.
      const system = laptop.persist.system;
      expect(system.directories).toHaveLength(before.persist.system.directories.length + 2);
      expect(system.directories).toEqual(
        expect.arrayContaining([...before.persist.system.directories, ...sample.system.directories]),
      );
      expect(system.files).toEqual(expect.arrayContaining([...before.persist.system.files, ...sample.system.files]));
      expect(paths(laptop.persist.home)).toEqual(expect.arrayContaining(['Games', '.config/foo/settings.json']));
      const persisted = result.manifests['laptop']!.persistence['/persist']!;
      expect(persisted.directories).toContainEqual(
        expect.objectContaining({ path: '/var/lib/private/ollama', user: 'ollama', mode: '0700' }),
      );
      expect(persisted.users['alice']?.directories.map((entry) => entry.path)).toContain('Games');
      expect(laptop.failedAssertions).toEqual([]);
      expect(hostOf(result, 'desktop').persist).toEqual(host('desktop').persist);
    });

    it('accepts a file with only some keys', () => {
      const result = withPersistJson({ home: { files: ['.config/only-this'] } });
      if ('error' in result) throw new Error(result.error);
      expect(paths(hostOf(result, 'laptop').persist.home)).toContain('.config/only-this');
      expect(hostOf(result, 'laptop').persist.system).toEqual(host('laptop').persist.system);
    });

    it('rejects a /home path in the system list', () => {
      const result = withPersistJson({ system: { directories: ['/home/alice/Games'] } });
      if ('error' in result) throw new Error(result.error);
      expect(hostOf(result, 'laptop').failedAssertions).toEqual([expect.stringContaining('/home/alice/Games')]);
    });

    it('rejects unknown keys, naming persist.json', () => {
      const nested = withPersistJson({ system: { dirs: ['/var/lib/foo'] } });
      expect('error' in nested && nested.error).toMatch(/deck\.persist\.system\.dirs' does not exist/);
      expect('error' in nested && nested.error).toMatch(/hosts\/laptop\/persist\.json/);

      const topLevel = withPersistJson({ sytem: {} });
      if ('error' in topLevel) throw new Error(topLevel.error);
      expect(hostOf(topLevel, 'laptop').failedAssertions).toEqual([
        expect.stringMatching(/hosts\/laptop\/persist\.json: unknown top-level keys \["sytem"\]/),
      ]);
    });
  });

  describe('deploy settings (config.deck.deploy)', () => {
    it('default to root on port 22, built locally, the host name as address', () => {
      expect(host('vps').deploy).toEqual({
        targetHost: 'vps.example.org',
        targetUser: 'root',
        targetPort: 22,
        buildOn: 'local',
        sudo: false,
      });
    });

    it('use sudo when the target user is not root', () => {
      for (const name of ['desktop', 'laptop'] as const) {
        expect(host(name).deploy).toEqual({
          targetHost: name,
          targetUser: 'alice',
          targetPort: 22,
          buildOn: 'local',
          sudo: true,
        });
      }
    });

    it('build on the homelab itself', () => {
      expect(host('homelab').deploy).toMatchObject({ targetHost: 'homelab.lan', buildOn: 'remote', sudo: false });
    });
  });

  describe('machines', () => {
    const enabled = (name: HostName) =>
      Object.entries(host(name).features)
        .filter(([, on]) => on)
        .map(([feature]) => feature);

    it('give both workstations a graphical session, audio and networking; the laptop power and wifi', () => {
      for (const name of ['desktop', 'laptop'] as const) {
        expect(enabled(name)).toEqual(expect.arrayContaining(['gnome', 'pipewire', 'networkmanager']));
      }
      expect(enabled('laptop')).toEqual(expect.arrayContaining(['power', 'wifi']));
      expect(enabled('desktop')).not.toContain('power');
    });

    it('serve a public site and a forge from the vps, behind nginx with ACME', () => {
      expect(enabled('vps')).toEqual(expect.arrayContaining(['website', 'forgejo', 'nginx', 'acme']));
      expect(host('vps').firewallTCP.sort()).toEqual([443, 80].sort());
    });

    it('run at least three services on the homelab, each opening its own ports; Grafana only behind TLS', () => {
      expect(enabled('homelab')).toEqual(expect.arrayContaining(['jellyfin', 'vaultwarden', 'monitoring']));
      expect(host('homelab').firewallTCP).toEqual(expect.arrayContaining([80, 443]));
      expect(host('homelab').firewallTCP).not.toContain(3000);
      expect(host('homelab').grafanaAddress).toBe('127.0.0.1');
    });

    it('give the small vps compressed swap in RAM', () => {
      expect(host('vps').zram).toBe(true);
      expect(host('homelab').zram).toBe(false);
    });

    it('harden sshd everywhere: keys only, root without a password', () => {
      for (const name of hostNames) {
        expect(host(name).sshSettings).toMatchObject({
          PasswordAuthentication: false,
          KbdInteractiveAuthentication: false,
          PermitRootLogin: 'prohibit-password',
        });
        expect(host(name).rootHashedPassword).toBe('!');
      }
    });

    it('trust every host key of the flake in known_hosts, under the names the hosts are reached by', () => {
      for (const name of hostNames) {
        const known = host(name).knownHosts;
        expect(Object.keys(known).sort()).toEqual([...hostNames, 'restic-backup.example.org'].sort());
        expect(known['vps']?.publicKeyFile).toMatch(/hosts\/vps\/ssh_host_ed25519_key\.pub$/);
        expect(known['vps']?.hostNames).toEqual(['vps', 'vps.example.org']);
        expect(known['homelab']?.hostNames).toEqual(['homelab', 'homelab.lan']);
        expect(known['desktop']?.hostNames).toEqual(['desktop']);
      }
    });
  });

  describe('secrets', () => {
    type Layout = Record<string, Record<string, { description: string; demo: string }>>;
    let layout: Layout;
    beforeAll(() => {
      layout = JSON.parse(readFileSync(join(repoRoot, 'secrets', 'layout.json'), 'utf8')) as Layout;
    });

    it('read each host file by default, and common.yaml where named', () => {
      for (const name of hostNames) expect(host(name).defaultSopsFile).toBe(`${name}.yaml`);
      expect(Object.keys(layout).sort()).toEqual(['common.yaml', ...hostNames.map((name) => `${name}.yaml`)].sort());
    });

    it('are all specified in secrets/layout.json under the file they are read from', () => {
      for (const name of hostNames) {
        for (const [secretName, secret] of Object.entries(host(name).secrets)) {
          expect(secret.key).toBe(secretName);
          expect([`${name}.yaml`, 'common.yaml'], `${name}: ${secretName}`).toContain(secret.file);
          expect(layout[secret.file]?.[secret.key], `${name}: ${secret.file} ${secret.key}`).toBeDefined();
        }
      }
    });

    it('specify nothing in layout.json that no host reads', () => {
      const read = new Set(
        hostNames.flatMap((name) => Object.values(host(name).secrets).map((secret) => `${secret.file} ${secret.key}`)),
      );
      for (const [file, keys] of Object.entries(layout)) {
        for (const key of Object.keys(keys)) expect(read, `${file} ${key}`).toContain(`${file} ${key}`);
      }
    });

    it('give alice a password hash decrypted before the users, with immutable users', () => {
      for (const name of hostNames) {
        expect(host(name).secrets['user/alice/password-hash']).toMatchObject({
          file: 'common.yaml',
          neededForUsers: true,
        });
        expect(host(name).mutableUsers).toBe(false);
      }
      const demoHash = layout['common.yaml']?.['user/alice/password-hash']?.demo ?? '';
      const [, , salt] = demoHash.split('$');
      const rehash = execFileSync('openssl', ['passwd', '-6', '-salt', salt ?? '', 'demo'], { encoding: 'utf8' });
      expect(rehash.trim()).toBe(demoHash);
    });

    it('give the GitHub token only to the workstations, from their own files', () => {
      for (const name of ['desktop', 'laptop'] as const) {
        expect(host(name).secrets['nix/access-tokens']?.file).toBe(`${name}.yaml`);
      }
      for (const name of ['vps', 'homelab'] as const) expect(host(name).secrets['nix/access-tokens']).toBeUndefined();
      expect(layout['common.yaml']?.['nix/access-tokens']).toBeUndefined();
    });

    it('restart the services that read them', () => {
      expect(host('homelab').secrets['grafana/admin-password']).toMatchObject({
        owner: 'grafana',
        restartUnits: ['grafana.service'],
      });
      expect(host('homelab').secrets['vaultwarden/admin-token']?.restartUnits).toEqual(['vaultwarden.service']);
      expect(host('laptop').secrets['wifi/home-psk']?.restartUnits).toEqual(['NetworkManager-ensure-profiles.service']);
    });
  });

  describe('manifests (nix/inspect.nix on the hosts so evaluated)', () => {
    it("show impermanence's entries with the file of the feature that declared each", () => {
      const declared = (name: HostName, path: string) =>
        manifest(name)
          .declarations.filter((d) => d.path === path)
          .map((d) => relative(repoRoot, d.file ?? ''));
      expect(declared('vps', '/var/lib/acme')).toContain(join('nix', 'features', 'acme.nix'));
      expect(declared('laptop', '/var/lib/bluetooth')).toContain(join('nix', 'features', 'bluetooth.nix'));
      // An attribute-set entry comes with its line, from the real module system's definitions.
      const acmeFile = join(repoRoot, 'nix', 'features', 'acme.nix');
      const acmeLine =
        readFileSync(acmeFile, 'utf8').split('\n').indexOf('            directory = "/var/lib/acme";') + 1;
      expect(acmeLine).toBeGreaterThan(0);
      expect(
        manifest('vps').declarations.find((d) => d.path === '/var/lib/acme' && d.source === 'deck.persist.system'),
      ).toMatchObject({ file: acmeFile, line: acmeLine });
      const acme = manifest('vps').persistence['/persist']!.directories.find((entry) => entry.path === '/var/lib/acme');
      expect(acme).toMatchObject({ user: 'acme', group: 'acme', mode: '0755', storage: '/persist' });
    });

    it("show home-manager's real files, packages and programs", () => {
      for (const name of hostNames) {
        const alice = manifest(name).homeManager['alice']!;
        expect(alice.homeDirectory).toBe('/home/alice');
        // Written by home-manager's own git, zsh and direnv modules from nix/home.
        expect(alice.files).toEqual(expect.arrayContaining(['.config/git/config', '.config/git/ignore']));
        expect(alice.files.some((file) => file.endsWith('.zshrc'))).toBe(true);
        const packages = alice.packages.map((p) => p.name);
        expect(packages).toEqual(expect.arrayContaining(['git', 'neovim', 'zsh', 'ripgrep', 'fd', 'dnsutils']));
        expect(alice.programs).toEqual(expect.arrayContaining(['git', 'neovim', 'zsh', 'starship', 'direnv']));
        expect(alice.sessionVariables['EDITOR']).toBe('nvim');
        // home-manager's alias of a renamed module (programs.exa → programs.eza) is not a program of its own.
        expect(alice.programs).not.toContain('exa');
      }
    });

    it("show sops-nix's secrets with the paths it decrypts them to", () => {
      for (const name of hostNames) {
        const secrets = manifest(name).secrets;
        expect(secrets['user/alice/password-hash']).toMatchObject({
          path: '/run/secrets-for-users/user/alice/password-hash',
          neededForUsers: true,
        });
        expect(secrets['user/alice/password-hash']?.sopsFile).toMatch(/secrets\/common\.yaml$/);
      }
      expect(manifest('homelab').secrets['grafana/admin-password']).toMatchObject({
        path: '/run/secrets/grafana/admin-password',
        owner: 'grafana',
      });
    });
  });

  describe("backups (the restic job handed to nixpkgs' restic module)", () => {
    type Layout = Record<string, Record<string, { demo: string }>>;
    const layout = JSON.parse(readFileSync(join(repoRoot, 'secrets', 'layout.json'), 'utf8')) as Layout;

    it("reach the sftp repository with the host's own key from sops and only the declared server key", () => {
      for (const name of hostNames) {
        const { backup, secrets, knownHosts } = host(name);
        expect(backup, name).not.toBeNull();
        const key = secrets['restic/ssh-key'];
        // Decrypted by sops-nix to a root-only file under /run (never /root, which is wiped at boot).
        expect(key).toMatchObject({ file: `${name}.yaml`, owner: null, path: '/run/secrets/restic/ssh-key' });
        expect(backup!.extraOptions).toHaveLength(1);
        const command = /^sftp\.command='(.*)'$/.exec(backup!.extraOptions[0]!)?.[1] ?? '';
        const argv = command.split(' ');
        expect(argv[0]).toBe('ssh');
        expect(argv.slice(argv.indexOf('-i'), argv.indexOf('-i') + 2)).toEqual(['-i', key!.path]);
        expect(command).toContain('-o IdentitiesOnly=yes');
        expect(command).toContain('-o StrictHostKeyChecking=yes');
        expect(command).toContain('-o UserKnownHostsFile=/etc/ssh/ssh_known_hosts');
        expect(command).toMatch(/ restic@backup\.example\.org -s sftp$/);
        // The server's key is in the system known_hosts that the command names, under the name it connects to.
        expect(knownHosts['restic-backup.example.org']).toMatchObject({ hostNames: ['backup.example.org'] });
        expect(knownHosts['restic-backup.example.org']?.publicKey).toMatch(/^ssh-ed25519 AAAA/);
        // The repository URL (a secret) points at the same server; the demo key in the file is a private key.
        expect(layout[`${name}.yaml`]?.['restic/repository']?.demo).toMatch(/^sftp:restic@backup\.example\.org:\//);
        expect(layout[`${name}.yaml`]?.['restic/ssh-key']?.demo).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
        expect(backup!.repositoryFile).toBe(secrets['restic/repository']!.path);
        expect(backup!.passwordFile).toBe(secrets['restic/password']!.path);
      }
    });

    it('copy live SQLite databases consistently before restic runs, and leave the live files out', () => {
      const databases: Record<string, string[]> = {
        vps: ['/var/lib/forgejo/data/forgejo.db'],
        homelab: ['/var/lib/vaultwarden/db.sqlite3', '/var/lib/grafana/data/grafana.db'],
      };
      for (const [name, expected] of Object.entries(databases)) {
        const backup = host(name as HostName).backup!;
        const prefix = name === 'vps' ? '/persist' : '';
        expect(backup.sqlite.sort()).toEqual([...expected].sort());
        for (const database of expected) {
          expect(backup.backupPrepareCommand).toMatch(
            new RegExp(`/bin/sqlite3 ${database} "\\.backup '${prefix}/var/backup/sqlite/[^']+'"`),
          );
          expect(backup.exclude).toEqual(
            expect.arrayContaining([`${prefix}${database}`, `${prefix}${database}-wal`, `${prefix}${database}-shm`]),
          );
        }
        expect(backup.backupCleanupCommand).toContain(`${prefix}/var/backup/sqlite/`);
      }
      // The copies are inside what is backed up: /persist on the vps, the dump folder itself on the homelab.
      expect(host('vps').backup!.paths).toEqual(['/persist']);
      expect(host('homelab').backup!.paths).toContain('/var/backup/sqlite');
      expect(host('desktop').backup!.backupPrepareCommand).toBeNull();
    });

    it("leave core dumps, the journal and restic's own cache out", () => {
      for (const name of hostNames) {
        const prefix = host(name).persist.enable ? '/persist' : '';
        expect(host(name).backup!.exclude).toEqual(
          expect.arrayContaining([
            `${prefix}/var/lib/systemd/coredump`,
            `${prefix}/var/log/journal`,
            `${prefix}/var/cache/restic-backups-persist`,
          ]),
        );
      }
    });
  });

  describe('disks (hosts/<name>/disko.nix, through the disko stand-in)', () => {
    it("derive the workstations' file systems from LUKS + btrfs with nix and persist subvolumes", () => {
      for (const name of ['desktop', 'laptop'] as const) {
        const { fileSystems, luksDevices } = host(name);
        expect(luksDevices).toEqual({ cryptroot: '/dev/disk/by-partlabel/disk-main-cryptroot' });
        for (const subvolume of ['nix', 'persist']) {
          expect(fileSystems[`/${subvolume}`]).toMatchObject({ device: '/dev/mapper/cryptroot', fsType: 'btrfs' });
          expect(fileSystems[`/${subvolume}`]?.options).toContain(`subvol=${subvolume}`);
        }
        expect(fileSystems['/boot']).toMatchObject({ device: '/dev/disk/by-partlabel/disk-main-ESP', fsType: 'vfat' });
      }
    });

    it('keep hardware-configuration.nix free of the file systems the layouts declare', () => {
      for (const name of hostNames) {
        const text = readFileSync(join(repoRoot, 'hosts', name, 'hardware-configuration.nix'), 'utf8');
        for (const mount of Object.keys(host(name).fileSystems).filter((m) => m !== '/srv/media')) {
          expect(text, `${name} ${mount}`).not.toContain(`fileSystems."${mount}"`);
        }
      }
      expect(host('homelab').fileSystems['/']).toMatchObject({
        fsType: 'ext4',
        device: '/dev/disk/by-partlabel/disk-main-root',
      });
      expect(host('vps').fileSystems['/persist']).toMatchObject({ device: '/dev/disk/by-partlabel/disk-main-root' });
    });
  });

  describe('Flakedeck on the workstations (nix/home/flakedeck.nix, enabled by the workstation role)', () => {
    /** The keys of a desktop entry's [Desktop Entry] group. */
    const desktopEntry = (text: string) =>
      Object.fromEntries(
        text
          .split('\n')
          .filter((line) => line.includes('='))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );

    it('starts the app hidden in the tray at login, on this flake, from an XDG autostart entry', () => {
      for (const name of ['desktop', 'laptop'] as const) {
        const text = host(name).flakedeckAutostart;
        expect(text, name).not.toBeNull();
        expect(text!.split('\n')[0]).toBe('[Desktop Entry]');
        const entry = desktopEntry(text!);
        expect(entry).toMatchObject({ Type: 'Application', Name: 'Flakedeck', 'X-GNOME-Autostart-enabled': 'true' });
        const [program, ...args] = entry['Exec']!.split(' ');
        expect(program).toMatch(/^\/nix\/store\/[^/]+-flakedeck\/bin\/flakedeck$/);
        expect(args).toEqual(['--hidden', '--flake=/home/alice/src/flakedeck']);
        expect(manifest(name).homeManager['alice']!.files).toContain('.config/autostart/flakedeck.desktop');
        expect(manifest(name).homeManager['alice']!.packages.map((p) => p.name)).toContain('flakedeck');
        expect(paths(host(name).persist.home)).toContain('.config/Flakedeck');
      }
    });

    it('quotes a flake folder with a space as the Desktop Entry Specification asks', () => {
      const copy = flakeCopy('flakedeck-autostart-');
      try {
        const hostFile = join(copy, 'hosts', 'desktop', 'default.nix');
        const text = readFileSync(hostFile, 'utf8');
        const line = '  home-manager.users.alice.programs.flakedeck.flake = "/home/alice/my flakes/100%";';
        writeFileSync(hostFile, text.replace(/\n}\s*$/, `\n${line}\n}\n`));
        const result = evaluated(copy);
        const exec = desktopEntry(hostOf(result, 'desktop').flakedeckAutostart!)['Exec']!;
        expect(exec).toMatch(/\/bin\/flakedeck --hidden "--flake=\/home\/alice\/my flakes\/100%%"$/);
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    });

    it('is neither installed nor started on the servers', () => {
      for (const name of ['vps', 'homelab'] as const) {
        expect(host(name).flakedeckAutostart, name).toBeNull();
        const alice = manifest(name).homeManager['alice']!;
        expect(alice.files.filter((file) => file.includes('autostart'))).toEqual([]);
        expect(alice.packages.map((p) => p.name)).not.toContain('flakedeck');
      }
    });
  });

  describe('planted errors (the real modules catch them)', () => {
    let copy: string;
    let hostFile: string;
    let original: string;
    beforeAll(() => {
      copy = flakeCopy('flakedeck-planted-');
      hostFile = join(copy, 'hosts', 'laptop', 'default.nix');
      original = readFileSync(hostFile, 'utf8');
    });
    afterAll(() => rmSync(copy, { recursive: true, force: true }));

    /** Evaluates the copy with `lines` added to the laptop's default.nix. */
    const withLaptopLines = (lines: string): Evaluation | { error: string } => {
      writeFileSync(hostFile, original.replace(/\n}\s*$/, `\n${lines}\n}\n`));
      return evaluate(copy);
    };

    it('evaluates the unchanged copy', () => {
      expect(withLaptopLines('')).not.toHaveProperty('error');
    });

    it('fails on a misspelt impermanence option, naming it', () => {
      const result = withLaptopLines('  environment.persistence."/persist".hideMount = true;');
      expect('error' in result && result.error).toMatch(
        /environment\.persistence\."\/persist"\.hideMount' does not exist/,
      );
    });

    it('fails on a sops-nix option given the wrong type, naming the host', () => {
      const result = withLaptopLines('  sops.secrets."wifi/home-psk".restartUnits = "NetworkManager.service";');
      const error = 'error' in result ? result.error : '';
      expect(error).toMatch(/sops\.secrets\."wifi\/home-psk"\.restartUnits' is not of type `list of string'/);
      expect(error).toMatch(/hosts\/laptop/);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 3. .sops.yaml: recipients recomputed from hosts/<host>/ssh_host_ed25519_key.pub (ssh-to-age), rules per file.

const P = 2n ** 255n - 19n;

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

const fromLittleEndian = (bytes: Uint8Array): bigint =>
  bytes.reduceRight((value, byte) => (value << 8n) | BigInt(byte), 0n);

function toLittleEndian(value: bigint, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0, v = value; i < length; i++, v >>= 8n) bytes[i] = Number(v & 0xffn);
  return bytes;
}

// Bech32 (BIP 173) as age uses it: no length limit.
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function bech32(hrp: string, data: Uint8Array): string {
  const words: number[] = [];
  let accumulator = 0;
  let bits = 0;
  for (const byte of data) {
    accumulator = (accumulator << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      words.push((accumulator >> bits) & 31);
    }
  }
  if (bits > 0) words.push((accumulator << (5 - bits)) & 31);
  const expanded = [...hrp]
    .map((c) => c.charCodeAt(0) >> 5)
    .concat(
      [0],
      [...hrp].map((c) => c.charCodeAt(0) & 31),
    );
  let checksum = 1;
  for (const value of [...expanded, ...words, 0, 0, 0, 0, 0, 0]) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    GENERATOR.forEach((g, i) => {
      if ((top >>> i) & 1) checksum ^= g;
    });
  }
  checksum ^= 1;
  const check = [0, 1, 2, 3, 4, 5].map((i) => (checksum >>> (5 * (5 - i))) & 31);
  return `${hrp}1${[...words, ...check].map((w) => CHARSET[w]).join('')}`;
}

/** Reads one SSH wire-format string (uint32 length, bytes) at `offset`. */
function sshString(buffer: Buffer, offset: number): [Buffer, number] {
  const length = buffer.readUInt32BE(offset);
  return [buffer.subarray(offset + 4, offset + 4 + length), offset + 4 + length];
}

/** ssh-to-age: the Ed25519 point's y coordinate to the X25519 u = (1 + y) / (1 − y) mod 2^255 − 19. */
function sshToAge(publicKeyLine: string): string {
  const [type, base64] = publicKeyLine.trim().split(/\s+/);
  if (type !== 'ssh-ed25519' || !base64) throw new Error(`not an ssh-ed25519 key: ${publicKeyLine}`);
  const blob = Buffer.from(base64, 'base64');
  const [wireType, offset] = sshString(blob, 0);
  expect(wireType.toString()).toBe('ssh-ed25519');
  const [point] = sshString(blob, offset);
  expect(point.length).toBe(32);
  const y = fromLittleEndian(point) & ((1n << 255n) - 1n);
  const u = ((1n + y) * modPow(1n - y, P - 2n, P)) % P;
  return bech32('age', toLittleEndian(u, 32));
}

/** ssh-to-age -private-key: sha512 of the 32-byte Ed25519 seed, first 32 bytes, as an AGE-SECRET-KEY-1… line. */
function sshPrivateKeyToAge(pem: string): string {
  const body = pem
    .split('\n')
    .filter((line) => line && !line.startsWith('-----'))
    .join('');
  const blob = Buffer.from(body, 'base64');
  const magic = 'openssh-key-v1\0';
  expect(blob.subarray(0, magic.length).toString('latin1')).toBe(magic);
  const [cipher, afterCipher] = sshString(blob, magic.length);
  expect(cipher.toString()).toBe('none'); // an unencrypted key, as ssh-keygen -N '' writes it
  let offset = afterCipher;
  [, offset] = sshString(blob, offset); // kdf name
  [, offset] = sshString(blob, offset); // kdf options
  const keyCount = blob.readUInt32BE(offset);
  offset += 4;
  for (let i = 0; i < keyCount; i++) [, offset] = sshString(blob, offset);
  const [privateSection] = sshString(blob, offset);
  let inner = 8; // two check integers
  [, inner] = sshString(privateSection, inner); // key type
  [, inner] = sshString(privateSection, inner); // public key
  const [secret] = sshString(privateSection, inner); // seed ‖ public key
  const scalar = createHash('sha512').update(secret.subarray(0, 32)).digest().subarray(0, 32);
  return bech32('age-secret-key-', scalar).toUpperCase();
}

function ageKeygenPublic(identity: string): string | null {
  const result = spawnSync('age-keygen', ['-y'], { input: identity, encoding: 'utf8' });
  if (result.error) return null; // age not installed
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.trim();
}

describe('.sops.yaml', () => {
  const text = readFileSync(join(repoRoot, '.sops.yaml'), 'utf8');
  const document = YAML.parseDocument(text);
  const config = document.toJS() as {
    keys: string[];
    creation_rules: { path_regex: string; key_groups: Record<string, string[]>[] }[];
  };
  const hostRecipient = (name: HostName) =>
    sshToAge(readFileSync(join(repoRoot, 'hosts', name, 'ssh_host_ed25519_key.pub'), 'utf8'));

  /** The anchor name of each recipient in `keys:`. */
  const anchors = (): Record<string, string> => {
    const keys = document.get('keys');
    if (!isSeq(keys)) throw new Error('keys: is not a list');
    return Object.fromEntries(
      keys.items.map((item) => {
        if (!isScalar(item) || !item.anchor) throw new Error('every recipient in keys: needs an anchor');
        return [item.anchor, String(item.value)];
      }),
    );
  };

  it('parses as YAML without errors', () => {
    expect(document.errors).toEqual([]);
  });

  it('declares the admin key and one key per host, each once, as anchors', () => {
    expect(Object.keys(anchors()).sort()).toEqual(['admin', ...hostNames].sort());
    expect(new Set(config.keys).size).toBe(config.keys.length);
  });

  it.each(hostNames)('anchors &%s at the ssh-to-age conversion of its host key', (name) => {
    expect(anchors()[name]).toBe(hostRecipient(name));
  });

  it('converts the sops-nix test key as ssh-to-age does (reference vector)', () => {
    // Mic92/sops-nix pkgs/sops-install-secrets/test-assets/ssh-ed25519-key.pub and its recipient in secrets.yaml.
    const sopsNixTestKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBI1+Q+ntzANebtnicCiAY29uqLGWOaOGLEa8bUqOVmS';
    expect(sshToAge(sopsNixTestKey)).toBe('age1a8pk4akrdamj7nvqy3zywgtny8dxz7t5xzu7u8v9mhrayp9freqsqatyrs');
    expect(hostRecipient('vps')).toMatch(/^age1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}$/);
  });

  it.each(hostNames)('matches the %s demo private key converted the way sops-nix does (age-keygen -y)', (name) => {
    const identity = sshPrivateKeyToAge(
      readFileSync(join(repoRoot, 'tests', 'demo-keys', `${name}.ssh_host_ed25519_key.DEMO`), 'utf8'),
    );
    expect(identity).toMatch(/^AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}$/);
    const derived = ageKeygenPublic(identity);
    if (derived === null) return; // without age the public conversion above still stands
    expect(derived).toBe(hostRecipient(name));
  });

  it('anchors &admin at the public half of the demo admin age key', () => {
    const keyFile = readFileSync(join(repoRoot, 'tests', 'demo-keys', 'admin.age-key.DEMO.txt'), 'utf8');
    const comment = /^# public key: (age1\S+)$/m.exec(keyFile)?.[1];
    expect(anchors()['admin']).toBe(comment);
    const derived = ageKeygenPublic(keyFile);
    if (derived !== null) expect(anchors()['admin']).toBe(derived);
  });

  it('agrees with tests/demo-keys/recipients.json', () => {
    const recipients = JSON.parse(readFileSync(join(repoRoot, 'tests', 'demo-keys', 'recipients.json'), 'utf8'));
    expect(recipients).toEqual(anchors());
  });

  describe('creation rules', () => {
    const files = ['common', ...hostNames];
    const expected: Record<string, string[]> = {
      common: ['admin', ...hostNames],
      ...Object.fromEntries(hostNames.map((name) => [name, ['admin', name]])),
    };

    /** The first rule matching the path, as sops picks it (paths relative to the .sops.yaml folder). */
    const ruleFor = (path: string) => {
      const index = config.creation_rules.findIndex((rule) => new RegExp(rule.path_regex).test(path));
      return index < 0 ? undefined : { index, rule: config.creation_rules[index]! };
    };

    /** The alias names (not only the values) in the rule's single age group. */
    const aliasesOf = (index: number): string[] => {
      const rules = document.get('creation_rules');
      const rule = isSeq(rules) ? rules.items[index] : undefined;
      const groups = isMap(rule) ? rule.get('key_groups') : undefined;
      const group = isSeq(groups) ? groups.items[0] : undefined;
      const age = isMap(group) ? group.get('age') : undefined;
      if (!isSeq(age)) throw new Error(`rule ${index} has no key_groups[0].age list`);
      return age.items.map((item) => (isAlias(item) ? item.source : `literal ${String(item)}`));
    };

    it('has one rule per file', () => {
      expect(config.creation_rules).toHaveLength(files.length);
      for (const file of files) {
        const matching = config.creation_rules.filter((rule) =>
          new RegExp(rule.path_regex).test(`secrets/${file}.yaml`),
        );
        expect(matching, file).toHaveLength(1);
      }
    });

    it.each(files)('encrypts secrets/%s.yaml to exactly its recipients, by anchor', (file) => {
      const found = ruleFor(`secrets/${file}.yaml`);
      expect(found).toBeDefined();
      const { index, rule } = found!;
      expect(rule.key_groups).toHaveLength(1);
      expect(Object.keys(rule.key_groups[0]!)).toEqual(['age']);
      expect(aliasesOf(index).sort()).toEqual([...expected[file]!].sort());
      const keyOf = anchors();
      expect([...rule.key_groups[0]!['age']!].sort()).toEqual(expected[file]!.map((name) => keyOf[name]).sort());
    });

    it('gives no host another host’s file', () => {
      for (const name of hostNames) {
        const others = hostNames.filter((other) => other !== name);
        for (const other of others) expect(aliasesOf(ruleFor(`secrets/${other}.yaml`)!.index)).not.toContain(name);
      }
    });
  });
});
