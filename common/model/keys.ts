// Domain types for the age identities in the OS keychain and the hosts' age recipients.

/** An age identity in the keychain, as the UI may see it: never the private key. */
export interface KeyIdentity {
  label: string;
  /** The age recipient (`age1…`) of the identity. */
  publicKey: string;
  /** A published demo key of the opened flake (tests/demo-keys/): anyone with the repository has it. */
  demo?: boolean;
}

export interface KeychainStatus {
  /** False when the keychain cannot be reached or is locked; `problem` says what to do. */
  reachable: boolean;
  problem?: string;
  identities: KeyIdentity[];
  /** sops' default age key file (`~/.config/sops/age/keys.txt`), when it exists: offered for import. */
  sopsKeyFile?: string;
}

export interface ImportedKeys {
  imported: KeyIdentity[];
  /** Whether the key file was deleted after the import, as asked. */
  deletedFile: boolean;
}

/** A host's age recipient, derived from its SSH ed25519 host key (as ssh-to-age does). */
export interface HostRecipient {
  host: string;
  /** From `hosts/<host>/ssh_host_ed25519_key.pub` in the flake, when that file exists. */
  fromFile?: string;
  /** From `ssh-keyscan` of the host, when asked for and it answered. */
  fromScan?: string;
  /** The `ssh-ed25519 AAAA…` key the scan found, to put into hosts/<host>/ when it is the right one. */
  scannedKey?: string;
  /** Both are known and they are not the same key: the flake's copy is out of date, or the host was replaced. */
  differs: boolean;
  problem?: string;
}
