// How long a host's build is likely to take: the median of its earlier successful builds in history.

import type { RunStore } from '../history/run-store.ts';

/** Earlier runs looked at, newest first. */
const lookedAt = 20;

/** Milliseconds, or null when the host has no successful build in history yet. */
export function expectedBuildMs(runs: RunStore, host: string, flake: string): number | null {
  const durations = runs
    .list({ host, limit: lookedAt })
    .filter((r) => r.flake === flake && r.status !== 'running')
    .flatMap((r) => runs.get(r.id).steps.filter((s) => s.name === 'build' && s.status === 'succeeded' && s.endedAt))
    .map((s) => s.endedAt! - s.startedAt)
    .sort((a, b) => a - b);
  if (durations.length === 0) return null;
  const middle = Math.floor(durations.length / 2);
  return durations.length % 2 ? durations[middle]! : Math.round((durations[middle - 1]! + durations[middle]!) / 2);
}
