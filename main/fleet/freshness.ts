// Where a host's running system stands against the flake: up to date, behind, or a system this flake never built.

import type { Freshness, HostReading, SystemOrigin } from '../../common/model/fleet.ts';
import type { RunSummary } from '../../common/model/runs.ts';

const short = (revision: string) => revision.slice(0, 7);

/** The newest run of this host that produced `system` (runs come newest first). */
export function originOf(system: string | null, runs: readonly RunSummary[]): SystemOrigin | null {
  if (!system) return null;
  const run = runs.find((r) => r.outPath === system && r.status !== 'failed');
  return run
    ? { runId: run.id, kind: run.kind, revision: run.revision, dirty: run.dirty, at: run.endedAt ?? run.startedAt }
    : null;
}

export function describeOrigin(origin: SystemOrigin): string {
  const from = origin.revision
    ? `${short(origin.revision)}${origin.dirty ? ' (uncommitted changes)' : ''}`
    : 'a folder outside git';
  return `the ${origin.kind === 'build' ? 'build' : origin.kind} of ${from} (run #${origin.runId})`;
}

export function freshnessOf(
  reading: HostReading | null,
  flakeSystem: string | null,
  origin: SystemOrigin | null,
): { freshness: Freshness; detail: string } {
  if (!reading) return { freshness: 'unknown', detail: 'Not checked yet.' };
  const running = reading.currentSystem;
  if (!running)
    return {
      freshness: 'not-nixos',
      detail: 'It answered, but has no /run/current-system: it does not run NixOS, so there is nothing to compare.',
    };
  if (!flakeSystem) {
    return {
      freshness: 'unknown',
      detail: 'What the flake builds for it is not known (it does not evaluate, or not yet).',
    };
  }
  if (running === flakeSystem) {
    return {
      freshness: 'up-to-date',
      detail: `Runs what the flake builds now${origin ? `: ${describeOrigin(origin)}` : ''}.`,
    };
  }
  if (origin)
    return { freshness: 'behind', detail: `Runs ${describeOrigin(origin)}; the flake builds a newer system.` };
  if (reading.configurationRevision) {
    return {
      freshness: 'behind',
      detail: `Runs a system built from revision ${short(reading.configurationRevision)}; the flake builds another one now.`,
    };
  }
  return {
    freshness: 'foreign',
    detail: 'Runs a system this flake never built here (not in the history, no configurationRevision).',
  };
}
