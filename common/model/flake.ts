// Domain types for an opened flake and its hosts.

import type { ApiErrorData } from '../api/errors.ts';

/** Why this flake is the one shown: the repository's own, the last one opened, or chosen now. */
export type FlakeSource = 'default' | 'last-opened' | 'opened';

export interface FlakeState {
  /** Absolute path of the folder holding flake.nix. */
  path: string;
  source: FlakeSource;
}

export interface HostSummary {
  name: string;
}

export interface HostList {
  flake: string;
  hosts: HostSummary[];
}

export interface AppInfo {
  name: string;
  version: string;
  nixVersion: string | null;
  platform: string;
  /** Why the history file cannot be used; the history is then kept in memory until the app quits. */
  historyProblem: ApiErrorData | null;
}
