// What the next reboot of a host with an ephemeral root will wipe: files on the root that no persistence entry covers.

export interface WipedFile {
  path: string;
  size: number;
  type: 'file' | 'symlink';
}

/** Files under one folder (e.g. /var/lib/docker, /home/alice/.cache), the folder one would persist. */
export interface WipedGroup {
  folder: string;
  files: number;
  bytes: number;
  /** Set when the folder is in a user's home. */
  user?: string;
  /** The largest files in it, largest first (at most 20). */
  largest: WipedFile[];
}

export interface RebootDiff {
  host: string;
  /** user@host:port as reached over SSH. */
  target: string;
  /** The folder scanned as the host's `/` ("/" except in tests). */
  root: string;
  ephemeralRoot: boolean;
  checkedAt: number;
  files: number;
  bytes: number;
  /** Largest first. */
  groups: WipedGroup[];
  /** The scan stopped at its limit of files; there are more. */
  truncated: boolean;
  /** The scan stopped at its time limit; there may be more. */
  timedOut: boolean;
  /** Links into the Nix store that activation recreates at every boot: not listed, not lost. */
  regenerated: number;
  /** Not scanned: paths that are always ephemeral (/tmp, /run, …), other mounts, and the persisted paths. */
  skipped: string[];
  /** What the scan could not read, as the host reported it. */
  warnings: string[];
}

/** Sizes as people read them: 512 B, 4.1 kB, 1.5 MB (powers of 1000, as du --si and file managers show). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
