// Domain types of the secrets checks: what the hosts declare (their manifests) against what the sops files hold
// and who the files are encrypted to.

import type { SecretRecipient } from './secrets.ts';

/** A secret a host declares (`sops.secrets.<name>`) that its sops file does not hold. */
export interface MissingSecret {
  host: string;
  /** The secret's name in the host's configuration. */
  secret: string;
  /** The sops file, relative to the flake (absolute when it is outside it). */
  file: string;
  /** The `/`-separated key path into the file. */
  key: string;
  /** `no-file`: the file does not exist; `no-key`: it exists but holds no value at the key. */
  why: 'no-file' | 'no-key';
}

/** A file a host declares secrets from (`sopsFile`) that exists but is no sops file sops-nix can read. */
export interface NotSopsFile {
  host: string;
  /** Relative to the flake (absolute when it is outside it). */
  file: string;
  /** The secrets the host declares from it. */
  secrets: string[];
  /** What is wrong with it, in one sentence. */
  problem: string;
}

/** A value in a sops file that no host declares. */
export interface UnusedValue {
  file: string;
  key: string;
}

/** A host that declares secrets from a file its age key cannot decrypt. */
export interface UnreadableFile {
  host: string;
  file: string;
  /** The secrets the host reads from the file. */
  secrets: string[];
  /** The host's age recipient (ssh-to-age of hosts/<host>/ssh_host_ed25519_key.pub), when known. */
  hostRecipient?: string;
  /** `not-a-recipient`: the file is not encrypted to the host; `no-host-key`: the flake has no key for the host. */
  why: 'not-a-recipient' | 'no-host-key';
}

/** A file whose recipients differ from what `.sops.yaml` says now: `secrets.updatekeys` fixes it. */
export interface OutdatedRecipients {
  file: string;
  /** In `.sops.yaml`'s rule but not in the file. */
  missing: SecretRecipient[];
  /** In the file but no longer in the rule. */
  extra: SecretRecipient[];
}

/** Which secrets a host reads from a file, for the recipients matrix. */
export interface SecretUse {
  host: string;
  file: string;
  secrets: string[];
}

export interface SecretChecks {
  uses: SecretUse[];
  missing: MissingSecret[];
  notSops: NotSopsFile[];
  unused: UnusedValue[];
  unreadable: UnreadableFile[];
  outdated: OutdatedRecipients[];
  /** Hosts whose manifest could not be evaluated: their secrets are not part of the checks. */
  hostErrors: { host: string; message: string }[];
  /** When the manifests were evaluated (ms since the epoch), and whether the flake changed since. */
  evaluatedAt: number;
  stale: boolean;
}
