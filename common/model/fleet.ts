// Domain types of the fleet's live state: what each host runs now against what the flake builds, whether it needs a
// reboot, its failed units and disks; how the hosts differ; and the timeline from commit to boot.

import type { ApiErrorData } from '../api/errors.ts';
import type { DeploySettings } from './manifest.ts';
import type { RunSummary } from './runs.ts';

/** Use of one mounted file system, in bytes. */
export interface DiskUse {
  mountPoint: string;
  size: number;
  used: number;
  available: number;
}

/** What a host said about itself when it answered, read by main/fleet/status-script.ts. */
export interface HostReading {
  /** The store path /run/current-system points to; null when the host has none (not NixOS, or never switched). */
  currentSystem: string | null;
  bootedSystem: string | null;
  /** The booted system's kernel, initrd or kernel modules differ from the current system's. */
  rebootNeeded: boolean;
  /** Which of kernel, initrd and kernel-modules differ. */
  rebootReasons: string[];
  /** The kernel running, as its store name says (e.g. "linux-6.6.30"): the booted system's, else the current one's. */
  kernel: string | null;
  /** The system profile's current generation and when it was made (ms since the epoch), where the profile says. */
  generation: number | null;
  generationDate: number | null;
  /** Every generation of the system profile, oldest first: when it was made (ms) and its system. */
  generations: { number: number; date: number; path: string | null }[];
  nixosVersion: string | null;
  /** nixpkgs' revision the running system was built from (nixos-version --json, else the version's suffix). */
  nixpkgsRevision: string | null;
  /** system.configurationRevision of the running system, where the flake sets it. */
  configurationRevision: string | null;
  /** Failed systemd units; null when the host has no systemctl or it could not answer. */
  failedUnits: string[] | null;
  uptimeSeconds: number | null;
  /** The root file system (the tmpfs on an ephemeral host). */
  root: DiskUse | null;
  /** The persistent volumes (impermanence's storage roots) where the host has them. */
  persistent: DiskUse[];
}

/** Where the running system stands against the flake as it is now. */
export type Freshness =
  /** It runs exactly what the flake evaluates to now. */
  | 'up-to-date'
  /** It runs an older system of this flake (known from history or its configurationRevision). */
  | 'behind'
  /** It runs a system this flake never built (as far as the history and the revision can tell). */
  | 'foreign'
  /** It answered but has no /run/current-system: it does not run NixOS. */
  | 'not-nixos'
  /** The flake's system for it is not known: the host does not evaluate, or it was not reached. */
  | 'unknown';

/** The run in history that made a system: which build or deploy, from which commit. */
export interface SystemOrigin {
  runId: number;
  kind: RunSummary['kind'];
  revision: string | null;
  dirty: boolean | null;
  at: number;
}

/** The last reading of a host, kept in the history database with when it was taken. */
export interface HostLiveState {
  host: string;
  /** When the host was last asked (ms since the epoch), and whether it answered then. */
  checkedAt: number;
  reachable: boolean;
  /** Why it could not be reached: ssh's own words. */
  error: string | null;
  /** The last answer it gave (from this check, or an older one when it did not answer now). */
  reading: HostReading | null;
  /** When `reading` was taken. */
  seenAt: number | null;
  /** The target as user@host:port. */
  target: string;
}

/** One host on the dashboard: its live state, the flake's verdict, its last deploy, how it is reached. */
export interface HostStatus {
  host: string;
  /** The last known live state; null when the host was never checked. */
  live: HostLiveState | null;
  /** A check runs now. */
  checking: boolean;
  /** The reading is older than the refresh interval (or than 10 minutes without one). */
  old: boolean;
  freshness: Freshness;
  /** In words: "runs the build of 3f2a1c0 (run #12)", "the flake builds a newer system". */
  freshnessDetail: string;
  /** The system the flake builds now for this host, when known. */
  flakeSystem: string | null;
  /** The run that made the running system, if this app built it. */
  runningOrigin: SystemOrigin | null;
  lastDeploy: RunSummary | null;
  deploy: DeploySettings | null;
  /** Set when the host does not evaluate: the error, with the user's file and line. */
  evalError: ApiErrorData | null;
}

export interface FleetStatus {
  flake: string;
  /** Seconds between automatic refreshes; 0 turns them off. */
  refreshSeconds: number;
  hosts: HostStatus[];
}

export const refreshIntervals = [0, 30, 60, 300, 900] as const;

/** Up and running what the flake builds now: what `flakedeck status` exits 0 for. */
export function isHealthy(status: HostStatus): boolean {
  return status.live?.reachable === true && status.freshness === 'up-to-date';
}

/** One row of the drift table: a property and its value on each host (null: not known). */
export interface DriftRow {
  label: string;
  values: Record<string, string | null>;
  /** The hosts do not all agree. */
  differs: boolean;
}

/** A package or service that some hosts have and others do not, or have at other versions. */
export interface DriftItem {
  name: string;
  /** Per host: the version (or "" when unversioned), null when the host does not have it. */
  values: Record<string, string | null>;
}

export interface FleetDrift {
  hosts: string[];
  /** Running systems and declarations: NixOS version, nixpkgs revision, stateVersion, kernel, home-manager. */
  rows: DriftRow[];
  packages: DriftItem[];
  services: DriftItem[];
  /** Hosts whose running system is behind the flake. */
  behind: string[];
}

/** One event on a host's timeline, oldest first: a commit built, a generation made, a boot. */
export interface TimelineEvent {
  at: number;
  kind: 'build' | 'deploy' | 'rollback' | 'generation' | 'boot';
  /** One line: "generation 42 (switch)", "booted generation 41". */
  title: string;
  revision: string | null;
  runId: number | null;
  generation: number | null;
  systemPath: string | null;
  /** For runs: succeeded, failed, … */
  status: string | null;
}

export interface HostTimeline {
  host: string;
  events: TimelineEvent[];
}
