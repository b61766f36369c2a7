// Domain types of "make this repository yours": replacing the published demo keys with the user's own key and the
// hosts' real keys in .sops.yaml, and rotating every secret file to them. A plan first, then the writes.

import type { KeyIdentity } from './keys.ts';
import type { SecretRecipient } from './secrets.ts';

/** Where the flake still uses published demo keys; empty when "make this repository yours" has nothing to do. */
export interface DemoMaterial {
  places: { file: string; line?: number; what: string }[];
}

/** What the user chose; the plan and the apply take the same choices. */
export interface MakeYoursChoices {
  /** The keychain label of the identity that becomes the user's key. */
  identity: string;
  /** The `.sops.yaml` anchors the user's key replaces; by default `admin`, or the only anchor that is no host's. */
  userAnchors?: string[];
  /** A host's real SSH host key (`ssh-ed25519 AAAA…`), by host; a host not given keeps the key in hosts/<host>/. */
  hostKeys?: Record<string, string>;
  /** Open the files with the flake's published demo admin key (tests/demo-keys/) for this run only. */
  useDemoKey?: boolean;
  /** The user's SSH public key lines: they replace the published demo login keys in the authorized_keys files. */
  loginKeys?: string[];
  /** The new login password: its hash (SHA-512 crypt) replaces every password hash in the secret files. */
  password?: string;
}

/** Login material of the flake that opens the hosts: demo login keys, and password hashes anyone can read. */
export interface LoginChanges {
  /** Files holding a published demo login key (authorized_keys files are rewritten with the user's keys). */
  keyFiles: { file: string; lines: number[]; writes: boolean }[];
  /** Password hashes in the secret files; `demo`: the file is readable with a published key, so is the hash. */
  passwordHashes: { file: string; key: string; demo: boolean; writes: boolean }[];
}

/** A published demo value in a secret file, and what replaces it. */
export interface DemoValueChange {
  file: string;
  /** The key path, `/`-separated (`restic/password`). */
  key: string;
  /** `generated`: a new random value (or key pair) of the same kind; `fill-in`: a placeholder only the user can fill. */
  action: 'generated' | 'fill-in';
  /** In words, for the plan. */
  what: string;
  /** A generated SSH key's public line, to authorize where the key logs in. */
  publicKey?: string;
}

/** One recipient anchor of `.sops.yaml`, before and after. */
export interface AnchorChange {
  anchor: string;
  /** `you`: becomes the user's key; `host`: becomes the host's key; `kept`: left as it is. */
  role: 'you' | 'host' | 'kept';
  host?: string;
  from: string[];
  to: string[];
  /** What it is after the change is a published demo key (readable by anyone). */
  demo: boolean;
}

/** A host's SSH host key: the one in hosts/<host>/ and the one it gets. */
export interface HostKeyChange {
  host: string;
  /** hosts/<host>/ssh_host_ed25519_key.pub, relative to the flake. */
  file: string;
  /** Age recipients (ssh-to-age) of the current and the new key. */
  from?: string;
  to?: string;
  /** The file is rewritten with the key the user gave. */
  writes: boolean;
  /** The key it keeps or gets is a published demo key. */
  demo: boolean;
}

/** A secret file: who can read it now, who will, and which key opens it for the rotation. */
export interface FileRotation {
  file: string;
  from: SecretRecipient[];
  to: SecretRecipient[];
  /** `keychain`: a key of the user's keychain; `demo`: the demo admin key; absent: nothing opens it (a blocker). */
  opensWith?: 'keychain' | 'demo';
}

export interface MakeYoursPlan {
  you: KeyIdentity;
  /** The `.sops.yaml` that is rewritten, relative to the flake. */
  sopsConfig: string;
  anchors: AnchorChange[];
  /** The lines of `.sops.yaml` that change; every other byte stays. */
  configLines: { line: number; before: string; after: string }[];
  hosts: HostKeyChange[];
  files: FileRotation[];
  login: LoginChanges;
  /** Every published demo value of the secret files (password hashes aside, see `login`), and what replaces it. */
  values: DemoValueChange[];
  /** The flake's published demo admin key, when it has one: offered to open files the keychain cannot. */
  demoKey?: { file: string; publicKey: string };
  /** Why it cannot be applied. Nothing is written while there is one. */
  blockers: string[];
  warnings: string[];
  /** The state of the repository and the choices the plan was made from: applying refuses when either changed. */
  fingerprint: string;
}

export interface MakeYoursReport {
  /** Files written, relative to the flake, in order: .sops.yaml, host keys, authorized_keys files, secret files. */
  written: string[];
  files: {
    file: string;
    /** Read back from disk, it opened with the user's key and passed its MAC check. */
    opensWithYourKey: boolean;
    /** The demo admin key no longer opens it (checked when the flake has that key). */
    demoKeyLockedOut?: boolean;
  }[];
  /** The demo values replaced: placeholders to fill in, and generated keys to authorize. */
  values: DemoValueChange[];
  /** The demo admin key was put into the keychain because the user asked to keep it. */
  keptDemoKey?: KeyIdentity;
}
