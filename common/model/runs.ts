// Domain types of builds, deploys and rollbacks: runs, their steps, progress, closure diffs, generations, durations.

import type { SystemOrigin } from './fleet.ts';
import { storeName } from './system-name.ts';

export const deployModes = ['switch', 'boot', 'test', 'dry-activate'] as const;
export type DeployMode = (typeof deployModes)[number];

export type RunKind = 'build' | 'deploy' | 'rollback';

/**
 * How long a switch of this machine asks "Keep this configuration?" before it goes back by itself, in seconds: long
 * enough to look at the screen and answer, short enough that a broken display is not a long wait.
 */
export const keepSecondsRange = { min: 10, max: 600, default: 60 } as const;

/** Why `seconds` is not a time for "Keep this configuration?", or null when it is one (the window checks as it types). */
export function keepSecondsProblem(seconds: unknown): string | null {
  const { min, max } = keepSecondsRange;
  if (typeof seconds === 'number' && Number.isInteger(seconds) && seconds >= min && seconds <= max) return null;
  const given = typeof seconds === 'number' && Number.isNaN(seconds) ? 'nothing' : JSON.stringify(seconds);
  return `The time to answer "Keep this configuration?" is a whole number of seconds from ${min} to ${max}, not ${given}.`;
}

/** `rolled-back` is a failure: the target refused or lost the new configuration and returned to the previous one. */
export const runStatuses = ['running', 'succeeded', 'failed', 'rolled-back', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof runStatuses)[number];

export type StepName = 'build' | 'diff' | 'approve' | 'copy' | 'profile' | 'activate' | 'confirm' | 'rollback';

export type StepStatus = 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'interrupted';

export interface StepRecord {
  name: StepName;
  status: StepStatus;
  /** Milliseconds since the epoch. */
  startedAt: number;
  endedAt: number | null;
  /** What happened, in a sentence: an exit code, a generation, why it was skipped. */
  message: string | null;
  /** The terminal session the step ran in, while the app that ran it is alive. */
  terminalId: string | null;
}

export interface Counts {
  done: number;
  expected: number;
  running: number;
  failed: number;
}

/** A derivation being built now, and where: nix names the machine of a remote builder ("" is this one). */
export interface RunningBuild {
  name: string;
  drvPath: string;
  machine: string;
  phase: string | null;
  /** When it started (milliseconds since the epoch), for its elapsed time. */
  startedAt: number;
  /** The last line of its log so far. */
  lastLine: string | null;
}

export interface BuildFailure {
  name: string;
  drvPath: string;
  /** The builder's last log lines, oldest first. */
  lastLines: string[];
}

export interface BuildProgress {
  builds: Counts;
  /** Derivations waiting for their inputs or a build slot. */
  queued: number;
  /** Store paths copied: downloaded from a cache, or sent to the target. */
  copies: Counts;
  /** Bytes of those copies (NAR size): done, and expected as far as nix knows yet. */
  bytes: { done: number; expected: number };
  running: RunningBuild[];
  failures: BuildFailure[];
}

export interface PackageChange {
  name: string;
  /** Versions before and after; several when the closure holds several (empty: unversioned). */
  before: string[];
  after: string[];
}

/** What a deploy changes on a host: between the system it runs now and the new one. */
export interface ClosureDiff {
  /** The host's current system; null when it has none yet (a first deploy). */
  before: string | null;
  after: string;
  added: PackageChange[];
  removed: PackageChange[];
  changed: PackageChange[];
  /** Closure sizes in bytes (NAR size of every path in the closure). */
  sizeBefore: number;
  sizeAfter: number;
  pathsAdded: number;
  pathsRemoved: number;
  /**
   * Another host of the flake whose system the target runs now (the current system's name is that host's): the
   * target may be that host's machine. null or absent when the target runs its own system, or none.
   */
  runsSystemOf?: string | null;
}

/** Lines of a run's log as its terminals wrote them (colours included), without their newlines. */
export interface LogPage {
  /** The index of the first line given. */
  from: number;
  lines: string[];
  /** Lines in the whole log now; it grows while the run runs. */
  total: number;
}

/** How long the history keeps things, in days. */
export interface RetentionPolicy {
  /** Finished runs, with their steps and diffs; each host's newest run stays whatever its age. */
  runDays: number;
  /** The logs of finished runs (the run itself stays, until runDays). */
  logDays: number;
  /** Cached host manifests; each flake's newest evaluation stays. */
  manifestDays: number;
}

export interface RunSummary {
  id: number;
  /** Runs started by one action (a build or deploy of several hosts) share a batch. */
  batch: string;
  kind: RunKind;
  host: string;
  flake: string;
  revision: string | null;
  /** Whether the flake's tree had uncommitted changes; null when it is not a git repository. */
  dirty: boolean | null;
  /** A short hash of those changes (two dirty trees on one commit differ in it); null when clean or not recorded. */
  dirtyHash: string | null;
  mode: DeployMode | null;
  /** user@host:port, for deploys and rollbacks. */
  target: string | null;
  outPath: string | null;
  status: RunStatus;
  message: string | null;
  startedAt: number;
  endedAt: number | null;
}

export interface RunDetail extends RunSummary {
  steps: StepRecord[];
  diff: ClosureDiff | null;
}

/** A run as it goes: what the deploy view draws, sent with every change as `run.progress`. */
export interface LiveRun extends RunDetail {
  progress: BuildProgress | null;
  /** Waiting for the user to approve the diff before anything is copied. */
  awaitingApproval: boolean;
  /** The person asked to stop it: it ends, cancelled, once its program has stopped. */
  cancelling?: boolean;
  /** The terminal of the step running now, or of the last one. */
  terminalId: string | null;
  /**
   * A switch of this machine asks "Keep this configuration?" until this time (ms since the epoch); the machine goes
   * back by itself then. null when nothing is asked.
   */
  keepUntil: number | null;
  /** How long this host's build took in its earlier runs (the median, in milliseconds); null with no history. */
  expectedBuildMs?: number | null;
}

export interface RunComparison {
  a: RunDetail;
  b: RunDetail;
  /** What changes from a's system to b's; null when either has no out path or its closure is not in this store. */
  diff: ClosureDiff | null;
  diffUnavailable: string | null;
}

export interface Generation {
  number: number;
  /** As nix-env prints it, in the target's local time: "2026-11-25 22:50:31". */
  date: string;
  current: boolean;
  /** The system store path of the generation, when the target could resolve it. */
  path: string | null;
  /** NixOS version, as the system's name says. */
  nixosVersion?: string | null;
  /** The generation the host booted (its /run/booted-system, at the last status check). */
  booted?: boolean;
  /** The run of this app that built or deployed it, and from which commit. */
  origin?: SystemOrigin | null;
}

export interface GenerationList {
  host: string;
  target: string;
  generations: Generation[];
}

/** What a deploy of `host` would replace when its target runs another host's system, in a sentence; else null. */
export function otherSystemWarning(host: string, diff: ClosureDiff): string | null {
  if (!diff.runsSystemOf || diff.runsSystemOf === host) return null;
  const other = diff.runsSystemOf;
  const name = diff.before ? storeName(diff.before) : null;
  return (
    `${host} runs the system of ${other}${name ? ` (${name})` : ''}: its deploy target may be ${other}'s machine, ` +
    `and deploying would turn that machine into ${host}.`
  );
}

/**
 * The revision a run was made from, short: the commit, and for a dirty tree a hash of its changes ("3f2a9c1b7d0e
 * +dirty-5be01c7a9f12"); null when the flake is not a git repository.
 */
export function describeRevision(run: Pick<RunSummary, 'revision' | 'dirty' | 'dirtyHash'>): string | null {
  const dirty = run.dirty ? `dirty${run.dirtyHash ? `-${run.dirtyHash}` : ''}` : '';
  if (run.revision === null) return run.dirty === null ? null : dirty || 'no commit';
  return run.revision.slice(0, 12) + (dirty && `+${dirty}`);
}

/** How long a run or a step took, from its start to its end (milliseconds since the epoch): "3.2 s". */
export function formatDuration(startedAt: number, endedAt: number): string {
  return `${((endedAt - startedAt) / 1000).toFixed(1)} s`;
}

export interface BatchStarted {
  batch: string;
  runs: LiveRun[];
}
