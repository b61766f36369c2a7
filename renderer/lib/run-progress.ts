// How far a build, deploy or rollback has got, as a fraction for a bar and a line of words: the same on the Deploy
// page's run cards and on the hosts' cards.

import type { LiveRun, RunStatus } from '../../common/model/runs.ts';

export const runStatusText: Record<RunStatus, string> = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  'rolled-back': 'rolled back — failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
};

/** Asked to stop and still winding down: it looks cancelled already, not running. */
export function isCancelling(run: LiveRun): boolean {
  return run.status === 'running' && run.cancelling === true;
}

export function runProgress(run: LiveRun): { fraction: number; label: string } {
  // The steps a run of this kind goes through, for the bar when nix reports nothing to count.
  const plannedSteps = run.kind === 'build' ? 1 : 7;
  const current = run.steps.findLast((s) => s.status === 'running');
  const progress = run.progress;
  if (run.status !== 'running') return { fraction: 1, label: runStatusText[run.status] };
  if (isCancelling(run)) return { fraction: 1, label: 'Cancelling…' };
  if (run.awaitingApproval) return { fraction: 2 / plannedSteps, label: 'Waiting for your approval' };
  if (current?.name === 'build' && progress && progress.builds.expected > 0) {
    const { done, expected, running } = progress.builds;
    return { fraction: done / expected, label: `Building: ${done} of ${expected} derivations, ${running} running` };
  }
  if (current?.name === 'copy' && progress && progress.copies.expected > 0) {
    const { done, expected } = progress.copies;
    return { fraction: done / expected, label: `Copying: ${done} of ${expected} store paths` };
  }
  const finished = run.steps.filter((s) => s.status !== 'running').length;
  return {
    fraction: Math.min(finished / plannedSteps, 0.95),
    label: current ? `${current.name[0]!.toUpperCase()}${current.name.slice(1)}…` : 'Starting…',
  };
}
