// Turns what nix/inspect.nix returns for a host into a HostManifest: absolute paths, defaults, store paths mapped
// back to the flake's folder, and the state that a reboot would wipe.

import type {
  DeclarationSite,
  DeploySettings,
  DeploySettingSource,
  EntryKind,
  FileSystemInfo,
  HomeManagerUser,
  HostManifest,
  PersistEntry,
  PersistentRoot,
  SecretInfo,
  ServiceInfo,
  StatePath,
  UnpersistedState,
} from '../../common/model/manifest.ts';
import { isWithin, joinPath, locatePath, mountOf, normalisePath } from '../../common/model/path-location.ts';

// ---- what nix/inspect.nix returns (see that file) ------------------------------------------------------------

interface RawEntry {
  path: string;
  user?: string | null;
  group?: string | null;
  mode?: string | null;
  storage?: string | null;
  method?: string | null;
  parentMode?: string | null;
}

interface RawEntries {
  directories: RawEntry[];
  files: RawEntry[];
}

interface RawRoot extends RawEntries {
  enable: boolean;
  storage: string;
  hideMounts: boolean;
  enableDebugging: boolean;
  users: Record<string, RawEntries & { home: string | null }>;
}

interface RawDeclaration {
  source: string;
  kind: EntryKind;
  user: string | null;
  file: string | null;
  path: string;
  /** Where an attribute-set entry's own path attribute is written. */
  line?: number | null;
  column?: number | null;
  /** For a string entry: the line of the list it is in, where nix knows it. */
  listLine?: number | null;
}

interface RawHomeUser {
  username: string;
  homeDirectory: string | null;
  stateVersion: string | null;
  packages: { name: string; version: string }[];
  programs: string[];
  services: string[];
  files: string[];
  sessionVariables: Record<string, string | null>;
  persistence: Record<string, RawEntries & { storage: string }>;
}

interface RawSecret {
  name: string;
  key: string;
  sopsFile: string | null;
  format: string | null;
  owner: string | null;
  group: string | null;
  mode: string | null;
  path: string | null;
  restartUnits: string[];
  reloadUnits: string[];
  neededForUsers: boolean;
}

export interface RawManifest {
  hostName: string | null;
  system: string | null;
  stateVersion: string | null;
  fileSystems: Record<string, Omit<FileSystemInfo, 'ephemeral' | 'bind'>>;
  tmpOnTmpfs: boolean;
  persistence: Record<string, RawRoot>;
  declarations: RawDeclaration[];
  userHomes: Record<string, string | null>;
  homeManager: Record<string, RawHomeUser>;
  secrets: Record<string, RawSecret>;
  services: { name: string; stateDirectories: string[]; dynamicUser: boolean }[];
  knownState: { service: string; path: string; kind: EntryKind; source: string }[];
  deploy: {
    source: DeploySettings['source'];
    targetHost?: string | null;
    targetUser?: string | null;
    targetPort?: number | null;
    buildOn?: string | null;
    sudo?: boolean | null;
  };
  persistJson: { supported: boolean; user: string | null; storage: string | null; enabled: boolean };
  /** The SSH public key lines each account accepts. */
  authorizedKeys?: Record<string, string[]>;
}

// ---- normalisation ----------------------------------------------------------------------------------------------

export interface ManifestContext {
  /** Maps a path nix reported (e.g. in /nix/store/…-source) to the user's copy of it. */
  localPath(path: string): string;
  /** The text of a file of the user's, to find the line of a declaration nix has no position for; undefined if unread. */
  readText?(file: string): string | undefined;
  /** The key blobs (`AAAA…`) of the flake's published demo login keys. */
  demoLoginKeys?: ReadonlySet<string>;
}

/** The accounts that accept one of the published demo login keys. */
function demoLoginsOf(raw: RawManifest, demo: ReadonlySet<string> | undefined): string[] {
  if (!demo?.size) return [];
  return Object.entries(raw.authorizedKeys ?? {})
    .filter(([, lines]) => lines.some((line) => line.split(/\s+/).some((field) => demo.has(field))))
    .map(([user]) => user)
    .sort();
}

const ephemeralTypes = new Set(['tmpfs', 'ramfs']);

function fileSystemsOf(raw: RawManifest): FileSystemInfo[] {
  const list = Object.values(raw.fileSystems).map((fs) => ({
    ...fs,
    mountPoint: normalisePath(fs.mountPoint),
    ephemeral: ephemeralTypes.has(fs.fsType ?? ''),
    bind: fs.options.includes('bind'),
  }));
  // boot.tmp.useTmpfs mounts /tmp through systemd rather than fileSystems.
  if (raw.tmpOnTmpfs && !list.some((fs) => fs.mountPoint === '/tmp')) {
    list.push({
      mountPoint: '/tmp',
      fsType: 'tmpfs',
      device: 'tmpfs',
      options: [],
      neededForBoot: false,
      ephemeral: true,
      bind: false,
    });
  }
  return list.sort((a, b) => a.mountPoint.localeCompare(b.mountPoint));
}

function homeOf(raw: RawManifest, user: string, declared?: string | null): string {
  return normalisePath(declared ?? raw.homeManager[user]?.homeDirectory ?? raw.userHomes[user] ?? `/home/${user}`);
}

type DraftEntry = Omit<PersistEntry, 'declaredIn' | 'declaredBy'> & { declaredBy: string };

function draftEntry(raw: RawEntry, kind: EntryKind, storage: string, path: string, declaredBy: string): DraftEntry {
  const mode = kind === 'file' ? (raw.parentMode ?? raw.mode) : raw.mode;
  return {
    path,
    kind,
    storage: normalisePath(raw.storage ?? storage),
    ...(raw.user && { owner: raw.user }),
    ...(raw.group && { group: raw.group }),
    ...(mode && { mode }),
    ...(raw.method && { method: raw.method }),
    declaredBy,
  };
}

function persistenceOf(raw: RawManifest, ctx: ManifestContext): { entries: PersistEntry[]; roots: PersistentRoot[] } {
  const drafts: DraftEntry[] = [];
  const roots: Omit<PersistentRoot, 'mountPoint' | 'fsType' | 'neededForBoot' | 'directories' | 'files'>[] = [];
  for (const root of Object.values(raw.persistence)) {
    if (!root.enable) continue;
    const storage = normalisePath(root.storage);
    roots.push({ storage, hideMounts: root.hideMounts, enableDebugging: root.enableDebugging, source: 'nixos' });
    const add = (entries: RawEntry[], kind: EntryKind, resolve: (p: string) => string, user?: string) => {
      for (const e of entries) {
        if (!e.path) continue;
        const path = resolve(e.path);
        drafts.push({
          ...draftEntry(e, kind, storage, path, 'environment.persistence'),
          ...(user !== undefined && { user, homePath: e.path }),
        });
      }
    };
    add(root.directories, 'directory', normalisePath);
    add(root.files, 'file', normalisePath);
    for (const [user, u] of Object.entries(root.users)) {
      const home = homeOf(raw, user, u.home);
      add(u.directories, 'directory', (p) => joinPath(home, p), user);
      add(u.files, 'file', (p) => joinPath(home, p), user);
    }
  }
  for (const [user, hm] of Object.entries(raw.homeManager)) {
    const home = homeOf(raw, user);
    for (const root of Object.values(hm.persistence)) {
      const storage = normalisePath(root.storage);
      roots.push({ storage, hideMounts: false, enableDebugging: false, source: 'home-manager' });
      for (const [list, kind] of [
        [root.directories, 'directory'],
        [root.files, 'file'],
      ] as const) {
        for (const e of list) {
          if (!e.path) continue;
          drafts.push({
            ...draftEntry(e, kind, storage, joinPath(home, e.path), 'home.persistence'),
            user,
            homePath: e.path,
          });
        }
      }
    }
  }

  const declarations = declarationsByPath(raw, ctx);
  const byKey = new Map<string, PersistEntry>();
  for (const d of drafts) {
    const key = `${d.kind}\0${d.path}\0${d.storage}`;
    const known = byKey.get(key);
    if (known) {
      if (!known.declaredBy.includes(d.declaredBy)) known.declaredBy.push(d.declaredBy);
      continue;
    }
    const declared = declarations.get(`${d.kind}\0${d.path}`);
    byKey.set(key, {
      ...d,
      declaredBy: declared?.by.length ? [...declared.by] : [d.declaredBy],
      declaredIn: declared?.sites ?? [],
    });
  }
  const entries = [...byKey.values()].sort((a, b) => a.path.localeCompare(b.path));
  const fileSystems = fileSystemsOf(raw);
  const uniqueRoots = new Map(roots.map((r) => [r.storage, r]));
  return {
    entries,
    roots: [...uniqueRoots.values()].map((r) => {
      const fs = mountOf(fileSystems, r.storage);
      const own = entries.filter((e) => e.storage === r.storage);
      return {
        ...r,
        mountPoint: fs?.mountPoint ?? null,
        fsType: fs?.fsType ?? null,
        neededForBoot: fs?.neededForBoot ?? false,
        directories: own.filter((e) => e.kind === 'directory').length,
        files: own.filter((e) => e.kind === 'file').length,
      };
    }),
  };
}

/**
 * Where each path is declared. deck.persist records where each feature declared its state; the
 * environment.persistence definitions behind it all come from the one module that forwards those lists, so they
 * count only for paths that deck.persist does not name.
 */
function declarationsByPath(
  raw: RawManifest,
  ctx: ManifestContext,
): Map<string, { by: string[]; sites: DeclarationSite[] }> {
  const found = new Map<string, { deck: boolean; by: string[]; sites: DeclarationSite[] }>();
  for (const d of raw.declarations) {
    if (!d.path) continue;
    const deck = d.source.startsWith('deck.persist');
    const homeUser = d.source === 'deck.persist.home' ? raw.persistJson.user : d.user;
    const path = homeUser
      ? joinPath(homeOf(raw, homeUser, homeDeclaredFor(raw, homeUser)), d.path)
      : normalisePath(d.path);
    const key = `${d.kind}\0${path}`;
    let slot = found.get(key);
    if (!slot || (deck && !slot.deck)) {
      slot = { deck, by: [], sites: [] };
      found.set(key, slot);
    } else if (slot.deck && !deck) continue;
    if (!slot.by.includes(d.source)) slot.by.push(d.source);
    const site = d.file ? siteOf(d, ctx.localPath(d.file), ctx) : undefined;
    if (site && !slot.sites.some((s) => s.file === site.file && s.line === site.line)) slot.sites.push(site);
  }
  return found;
}

/**
 * The line of a declaration: nix's position of an attribute set's path, else the first line from its list's (or the
 * file's start) on that has the path as a quoted string, else the list's line, else none.
 */
function siteOf(d: RawDeclaration, file: string, ctx: ManifestContext): DeclarationSite {
  if (d.line) return { file, line: d.line, column: d.column ?? null };
  const text = ctx.readText?.(file);
  const lines = text?.split('\n') ?? [];
  const quoted = JSON.stringify(d.path);
  for (let i = Math.max(0, (d.listLine ?? 1) - 1); i < lines.length; i++) {
    const at = lines[i]!.indexOf(quoted);
    if (at !== -1) return { file, line: i + 1, column: at + 1 };
  }
  return { file, line: d.listLine ?? null, column: null };
}

function homeDeclaredFor(raw: RawManifest, user: string): string | null {
  for (const root of Object.values(raw.persistence)) if (root.users[user]?.home) return root.users[user].home;
  return null;
}

function homeManagerOf(raw: RawManifest): Record<string, HomeManagerUser> {
  const users: Record<string, HomeManagerUser> = {};
  for (const [name, hm] of Object.entries(raw.homeManager)) {
    const packageVersions: Record<string, string> = {};
    for (const p of hm.packages) if (p.version) packageVersions[p.name] = p.version;
    const sessionVariables: Record<string, string> = {};
    for (const [k, v] of Object.entries(hm.sessionVariables)) if (v !== null) sessionVariables[k] = v;
    users[name] = {
      username: hm.username,
      homeDirectory: homeOf(raw, name),
      stateVersion: hm.stateVersion,
      packages: hm.packages.map((p) => p.name),
      packageVersions,
      programs: [...hm.programs].sort(),
      services: [...hm.services].sort(),
      files: [...hm.files].sort(),
      sessionVariables,
    };
  }
  return users;
}

function secretsOf(raw: RawManifest, ctx: ManifestContext): SecretInfo[] {
  return Object.values(raw.secrets)
    .map((s) => ({
      name: s.name,
      sopsFile: s.sopsFile ? ctx.localPath(s.sopsFile) : null,
      key: s.key,
      owner: s.owner,
      group: s.group,
      mode: s.mode,
      path: s.path ?? `/run/${s.neededForUsers ? 'secrets-for-users' : 'secrets'}/${s.name}`,
      format: s.format,
      restartUnits: s.restartUnits,
      reloadUnits: s.reloadUnits,
      neededForUsers: s.neededForUsers,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function servicesOf(raw: RawManifest): ServiceInfo[] {
  return raw.services.map((s) => ({
    name: s.name,
    dynamicUser: s.dynamicUser,
    // systemd keeps a DynamicUser= service's state in /var/lib/private and links /var/lib/<dir> to it at start.
    stateDirectories: s.stateDirectories.map((d) => joinPath(s.dynamicUser ? '/var/lib/private' : '/var/lib', d)),
  }));
}

function statePathsOf(raw: RawManifest, services: ServiceInfo[]): StatePath[] {
  const paths: StatePath[] = [];
  const seen = new Set<string>();
  const add = (p: StatePath) => {
    const key = `${p.service}\0${p.path}`;
    if (seen.has(key) || !p.path.startsWith('/')) return;
    seen.add(key);
    paths.push(p);
  };
  for (const s of services) {
    for (const path of s.stateDirectories) add({ service: s.name, path, kind: 'directory', source: 'StateDirectory' });
  }
  for (const k of raw.knownState) {
    add({
      service: k.service,
      path: normalisePath(k.path),
      kind: k.kind,
      source: k.source === 'known' ? 'known' : 'option',
    });
  }
  return paths;
}

/** State on a tmpfs that nothing persists; a path inside another reported one of the same service is left out. */
export function unpersistedStateOf(
  manifest: Pick<HostManifest, 'fileSystems' | 'persistence'>,
  state: readonly StatePath[],
): UnpersistedState[] {
  const wiped: UnpersistedState[] = [];
  for (const s of state) {
    const where = locatePath(manifest, s.path);
    if (where.kind === 'ephemeral') wiped.push({ ...s, mountPoint: where.mountPoint });
  }
  return wiped
    .filter(
      (s) => !wiped.some((o) => o !== s && o.service === s.service && o.path !== s.path && isWithin(s.path, o.path)),
    )
    .sort((a, b) => a.path.localeCompare(b.path) || a.service.localeCompare(b.service));
}

function deployOf(host: string, raw: RawManifest): DeploySettings {
  const d = raw.deploy;
  const from = (value: unknown, otherwise: DeploySettingSource): DeploySettingSource =>
    value !== null && value !== undefined ? d.source : otherwise;
  return {
    targetHost: d.targetHost ?? raw.hostName ?? host,
    targetUser: d.targetUser ?? null,
    targetPort: d.targetPort ?? null,
    buildOn: d.buildOn === 'remote' ? 'remote' : 'local',
    sudo: d.sudo ?? null,
    source: d.source,
    sources: {
      targetHost: from(d.targetHost, 'host name'),
      targetUser: from(d.targetUser, 'ssh config'),
      targetPort: from(d.targetPort, 'ssh config'),
      buildOn: from(d.buildOn, 'default'),
      sudo: from(d.sudo, 'default'),
    },
  };
}

export function toManifest(host: string, raw: RawManifest, ctx: ManifestContext): HostManifest {
  const fileSystems = fileSystemsOf(raw);
  const { entries, roots } = persistenceOf(raw, ctx);
  const homeManager = homeManagerOf(raw);
  const services = servicesOf(raw);
  const state = statePathsOf(raw, services);
  const homeUsers = new Set([...Object.keys(homeManager), ...entries.flatMap((e) => (e.user ? [e.user] : []))]);
  const deckUser = raw.persistJson.user;
  const root = fileSystems.find((fs) => fs.mountPoint === '/');
  return {
    host,
    hostName: raw.hostName,
    system: raw.system,
    stateVersion: raw.stateVersion,
    ephemeralRoot: root?.ephemeral ?? false,
    fileSystems,
    persistentRoots: roots,
    persistence: entries,
    homes: [...homeUsers].sort().map((user) => ({ user, home: homeOf(raw, user, homeDeclaredFor(raw, user)) })),
    homeManager,
    secrets: secretsOf(raw, ctx),
    services,
    state,
    unpersistedState: unpersistedStateOf({ fileSystems, persistence: entries }, state),
    deploy: deployOf(host, raw),
    demoLogins: demoLoginsOf(raw, ctx.demoLoginKeys),
    persistJson: {
      supported: raw.persistJson.supported,
      file: `hosts/${host}/persist.json`,
      user: deckUser,
      homeDirectory: deckUser ? homeOf(raw, deckUser, homeDeclaredFor(raw, deckUser)) : null,
      storage: raw.persistJson.storage ?? roots.find((r) => r.source === 'nixos')?.storage ?? null,
    },
  };
}
