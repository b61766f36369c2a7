// Domain types for sops-encrypted secret files, as the editor and the recipients view see them.

export type SecretFormat = 'yaml' | 'json' | 'dotenv' | 'ini' | 'binary';

/** The type of a value in the editor; `map` and `list` hold children, the rest are leaves. */
export type SecretValueType = 'str' | 'int' | 'float' | 'bool' | 'time' | 'null' | 'bytes' | 'map' | 'list';

/** A key path: map keys as strings, list positions as numbers. */
export type SecretPath = (string | number)[];

/** One node of a file's tree with its value masked: the renderer sees shape and type, never plaintext. */
export interface MaskedNode {
  /** The map key, or the list position. */
  key: string | number;
  type: SecretValueType;
  /** Leaves: whether the value is non-empty (an empty string or null is "not set"). */
  set: boolean;
  /** Whether sops encrypts this value (false for keys the rules leave in clear text, e.g. `*_unencrypted`). */
  encrypted: boolean;
  children?: MaskedNode[];
}

/** A value the user types in the editor; `text` is parsed by `type`. */
export interface TypedValue {
  type: Exclude<SecretValueType, 'map' | 'list'>;
  text: string;
}

/** A value to set: a leaf, or an empty map or list to fill in later. */
export type NewValue = TypedValue | { type: 'map' } | { type: 'list' };

export interface RevealedValue {
  path: SecretPath;
  type: SecretValueType;
  /** The plaintext, as the user would type it (floats and times in sops' canonical spelling). */
  text: string;
}

export interface EditorSession {
  sessionId: string;
  file: string;
  format: SecretFormat;
  /** One root per YAML document (other formats have one). */
  documents: MaskedNode[][];
  dirty: boolean;
  /** Opened despite a failed MAC check: it cannot be saved. */
  readOnly: boolean;
  /** Opened read-only: the values that do not decrypt (changed outside sops, or damaged), left out of `documents`. */
  damaged: { key: string; line?: number }[];
  recipients: SecretRecipient[];
}

/** Who can read a file: one age recipient, with a name when the flake's .sops.yaml or host keys give one. */
export interface SecretRecipient {
  recipient: string;
  /** The `.sops.yaml` anchor (`&admin`) or host (`host:vps`) that names this key. */
  name?: string;
  /** Index of its key group (files with Shamir key groups have several). */
  group: number;
  /** A published demo key (the flake's tests/demo-keys/): anyone with the repository can decrypt for it. */
  demo?: boolean;
}

export interface SecretFileSummary {
  /** Path relative to the flake folder, e.g. `secrets/vps.yaml`. */
  file: string;
  format: SecretFormat;
  recipients: SecretRecipient[];
  /** What the matching creation rule of `.sops.yaml` says now; undefined when no rule matches. */
  expected?: SecretRecipient[];
  /** True when `recipients` and `expected` differ: run updatekeys. */
  differs: boolean;
  /** Why the file could not be read, if it could not (it is still listed). */
  problem?: string;
}

/** A secrets file about to be created: the creation rule of `.sops.yaml` that matches its path, and who can read it. */
export interface NewSecretFilePreview {
  /** Relative to the flake. */
  file: string;
  format: SecretFormat;
  /** The rule's position in `creation_rules` (1-based) and its path_regex (absent: it matches any file). */
  rule: { index: number; pathRegex?: string };
  recipients: SecretRecipient[];
}

export interface SecretFileList {
  flake: string;
  files: SecretFileSummary[];
}

/** An age key shortened for display: its start and end identify it. */
export function shortKey(recipient: string): string {
  return recipient.length > 20 ? `${recipient.slice(0, 10)}…${recipient.slice(-6)}` : recipient;
}

/** A recipient's name (`admin`, a host) or its shortened key. */
export function recipientLabel(r: { recipient: string; name?: string }): string {
  if (!r.name) return shortKey(r.recipient);
  return r.name.startsWith('host:') ? r.name.slice('host:'.length) : r.name;
}
