// The Deploy page's runs by batch (the runs one build or deploy of several hosts started together), newest first.

import type { DeployMode, LiveRun, RunKind, RunStatus } from './runs.ts';

export interface RunBatch {
  batch: string;
  kind: RunKind;
  mode: DeployMode | null;
  /** When its first run started (ms since the epoch). */
  startedAt: number;
  /** In the order they were started: the order the hosts were named. */
  runs: LiveRun[];
  /** Every run of it has ended. */
  finished: boolean;
}

/** The runs as batches: the batch started last first, each batch's runs in the order they were started. */
export function batchesOf(runs: readonly LiveRun[]): RunBatch[] {
  const byBatch = new Map<string, LiveRun[]>();
  for (const run of [...runs].sort((a, b) => a.id - b.id)) {
    byBatch.set(run.batch, [...(byBatch.get(run.batch) ?? []), run]);
  }
  return [...byBatch.entries()]
    .map(([batch, members]) => ({
      batch,
      kind: members[0]!.kind,
      mode: members[0]!.mode,
      startedAt: Math.min(...members.map((r) => r.startedAt)),
      runs: members,
      finished: members.every((r) => r.status !== 'running'),
    }))
    .sort((a, b) => b.runs.at(-1)!.id - a.runs.at(-1)!.id);
}

const statusOrder: RunStatus[] = ['running', 'failed', 'rolled-back', 'interrupted', 'cancelled', 'succeeded'];

/** How a batch's runs stand, in a few words: "1 failed, 2 succeeded". */
export function batchOutcome(batch: RunBatch): string {
  return statusOrder
    .map((status) => ({ status, count: batch.runs.filter((r) => r.status === status).length }))
    .filter(({ count }) => count > 0)
    .map(({ status, count }) => `${count} ${status === 'rolled-back' ? 'rolled back' : status}`)
    .join(', ');
}
