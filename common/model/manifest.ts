// Domain types of a host manifest: what a host keeps across a reboot, what it wipes, its user environment, its
// secrets and how it is deployed. Built by main/flake/manifest.ts from nix/inspect.nix; schema in docs/manifest.md.

import type { ApiErrorData } from '../api/errors.ts';

export type EntryKind = 'directory' | 'file';

export interface FileSystemInfo {
  mountPoint: string;
  fsType: string | null;
  device: string | null;
  options: string[];
  neededForBoot: boolean;
  /** tmpfs or ramfs: empty after every boot. */
  ephemeral: boolean;
  /** A bind mount (impermanence makes one per persisted directory). */
  bind: boolean;
}

/** One path impermanence keeps: a directory or a file on a persistent storage root. */
export interface PersistEntry {
  /** Absolute path on the host; entries of a user's home are resolved against that home. */
  path: string;
  kind: EntryKind;
  /** The persistent storage root it lives on, e.g. "/persist". */
  storage: string;
  /** Set for entries of a user's home: the user. */
  user?: string;
  /** Set for entries of a user's home: the path relative to the home. */
  homePath?: string;
  /** impermanence's `user`, `group` and `mode` (for a file: its parent directory's mode). */
  owner?: string;
  group?: string;
  mode?: string;
  /** home-manager's impermanence module: "bindfs" or "symlink". */
  method?: string;
  /** Which module declared it: "environment.persistence", "home.persistence", "deck.persist.system", … */
  declaredBy: string[];
  /** Where it is declared, where the module system records it (absolute, in the flake's folder). */
  declaredIn: DeclarationSite[];
}

/** A place in a file that declares something: the line where nix or the file's text tells it, else the file alone. */
export interface DeclarationSite {
  file: string;
  line: number | null;
  column: number | null;
}

export interface PersistentRoot {
  storage: string;
  hideMounts: boolean;
  enableDebugging: boolean;
  /** Declared by impermanence's NixOS module, or by its home-manager module for one user. */
  source: 'nixos' | 'home-manager';
  /** The file system the root is on: the longest mount point above it. */
  mountPoint: string | null;
  fsType: string | null;
  neededForBoot: boolean;
  directories: number;
  files: number;
}

export interface HomeManagerUser {
  username: string;
  homeDirectory: string;
  stateVersion: string | null;
  /** Package names, in declaration order. */
  packages: string[];
  /** Package name to version, where the package says. */
  packageVersions: Record<string, string>;
  /** Enabled `programs.<name>` and `services.<name>`. */
  programs: string[];
  services: string[];
  /** Targets of `home.file` (xdg.configFile included), relative to the home directory. */
  files: string[];
  sessionVariables: Record<string, string>;
}

export interface SecretInfo {
  name: string;
  /** The sops file it is read from (absolute, in the flake's folder), or null when none is set. */
  sopsFile: string | null;
  key: string;
  owner: string | null;
  group: string | null;
  mode: string | null;
  /** Where the decrypted value appears on the host. */
  path: string;
  format: string | null;
  restartUnits: string[];
  reloadUnits: string[];
  neededForUsers: boolean;
}

/** An enabled systemd service with StateDirectory=, as absolute paths (/var/lib/private/… with DynamicUser=). */
export interface ServiceInfo {
  name: string;
  stateDirectories: string[];
  dynamicUser: boolean;
}

/** A place a service keeps state, found from its unit, its module's options, or what common modules are known to use. */
export interface StatePath {
  service: string;
  path: string;
  kind: EntryKind;
  source: 'StateDirectory' | 'option' | 'known';
}

/** State that sits on a tmpfs and that no persistence entry covers: the next reboot wipes it. */
export interface UnpersistedState extends StatePath {
  /** The tmpfs it is on. */
  mountPoint: string;
}

/** Where a deploy setting comes from. */
export type DeploySettingSource =
  | 'deck.deploy'
  | 'deployment'
  /** Not declared: the host's networking.hostName, else its name under nixosConfigurations. */
  | 'host name'
  /** Not declared: left to the user's ~/.ssh/config (ssh's own default where it says nothing). */
  | 'ssh config'
  | 'default';

/** How a host is reached for deploys, live state, the reboot check and a shell on it. */
export interface DeploySettings {
  targetHost: string;
  /** null: not declared; ssh's config decides (its User, else the local user name). */
  targetUser: string | null;
  /** null: not declared; ssh's config decides (its Port, else 22). */
  targetPort: number | null;
  buildOn: 'local' | 'remote';
  /** null: not declared; the activation goes through sudo when the login user is not root. */
  sudo: boolean | null;
  /** Where the settings come from as a whole: this repository's deck.deploy, colmena's deployment.*, or defaults. */
  source: 'deck.deploy' | 'deployment' | 'default';
  /** Where each setting comes from. */
  sources: Record<'targetHost' | 'targetUser' | 'targetPort' | 'buildOn' | 'sudo', DeploySettingSource>;
}

/** `user@host:port` with only what is declared: `host`, `user@host`, `host:port`, `[::1]:2222`. */
export function describeTarget(s: Pick<DeploySettings, 'targetHost' | 'targetUser' | 'targetPort'>): string {
  const host = s.targetPort !== null && s.targetHost.includes(':') ? `[${s.targetHost}]` : s.targetHost;
  return `${s.targetUser !== null ? `${s.targetUser}@` : ''}${host}${s.targetPort !== null ? `:${s.targetPort}` : ''}`;
}

/** Whether the app may add paths to this host through hosts/<host>/persist.json (flakes with deck.persist). */
export interface PersistJsonSupport {
  supported: boolean;
  /** Relative to the flake folder. */
  file: string;
  /** The user whose home the "home" section is relative to. */
  user: string | null;
  homeDirectory: string | null;
  storage: string | null;
}

export interface HostManifest {
  /** The attribute name under nixosConfigurations. */
  host: string;
  hostName: string | null;
  system: string | null;
  stateVersion: string | null;
  /** `/` is a tmpfs: everything not persisted is gone after a reboot. */
  ephemeralRoot: boolean;
  fileSystems: FileSystemInfo[];
  persistentRoots: PersistentRoot[];
  persistence: PersistEntry[];
  /** Users with a home worth showing (home-manager users and users with persisted home entries). */
  homes: { user: string; home: string }[];
  homeManager: Record<string, HomeManagerUser>;
  secrets: SecretInfo[];
  services: ServiceInfo[];
  state: StatePath[];
  unpersistedState: UnpersistedState[];
  deploy: DeploySettings;
  persistJson: PersistJsonSupport;
  /** Accounts that accept a published demo login key (its private half ships with the flake): anyone can log in. */
  demoLogins: string[];
}

export type HostInspection = { ok: true; manifest: HostManifest } | { ok: false; error: ApiErrorData };

/** The manifests of a flake's hosts, as of one evaluation. */
export interface Inspection {
  flake: string;
  narHash: string;
  /** When the manifests shown were evaluated (ms since the epoch). */
  evaluatedAt: number;
  /** The flake changed since that evaluation; `refreshing` says a new one runs in the background. */
  stale: boolean;
  refreshing: boolean;
  /** Set when the background re-evaluation failed for the whole flake (e.g. flake.nix does not parse). */
  refreshError?: ApiErrorData;
  hosts: Record<string, HostInspection>;
}

/** What adding a path to hosts/<host>/persist.json did. */
export interface PersistPathResult {
  host: string;
  /** Absolute path of the persist.json written (or that would have been). */
  file: string;
  section: 'system' | 'home';
  kind: EntryKind;
  /** The entry as written into the file: absolute for "system", relative to the home for "home". */
  entry: string;
  /** Set when nothing was written because the path is kept already: the entry that keeps it. */
  alreadyPersisted?: { path: string; storage: string };
  created: boolean;
  /** `git add` ran, so nix sees the file. */
  staged: boolean;
  hint?: string;
}
