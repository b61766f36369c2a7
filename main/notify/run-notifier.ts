// Turns the end of a build, deploy or rollback into a desktop notification; clicking it opens the run's log.

import type { LiveRun } from '../../common/model/runs.ts';
import type { Unsubscribe } from '../../common/api/contract.ts';
import type { EventHub } from '../events/event-hub.ts';

export interface RunNotification {
  title: string;
  body: string;
  runId: number;
  failed: boolean;
}

/** The Electron glue shows notifications; tests record them. */
export interface NotificationPort {
  show(notification: RunNotification, onClick: () => void): void;
}

const outcome: Partial<Record<LiveRun['status'], string>> = {
  succeeded: 'succeeded',
  failed: 'failed',
  'rolled-back': 'was rolled back',
};

export function runNotification(run: LiveRun): RunNotification | undefined {
  const what = outcome[run.status];
  // A cancelled run ended because the user asked: telling them again is noise.
  if (!what) return undefined;
  const failed = run.status !== 'succeeded';
  const step = failed ? run.steps.find((s) => s.status === 'failed' || s.status === 'interrupted') : undefined;
  const kind = run.kind === 'deploy' && run.mode ? `Deploy (${run.mode})` : run.kind === 'build' ? 'Build' : 'Rollback';
  return {
    title: `${run.host}: ${kind} ${what}${step ? ` at ${step.name}` : ''}`,
    body: run.message ?? '',
    runId: run.id,
    failed,
  };
}

/** Notifies every run that ends from now on; `openRun` shows the run's log in the window. */
export function notifyRunEnds(events: EventHub, port: NotificationPort, openRun: (runId: number) => void): Unsubscribe {
  return events.connect((channel, payload) => {
    if (channel !== 'run.finished') return;
    const notification = runNotification(payload as LiveRun);
    if (notification) port.show(notification, () => openRun(notification.runId));
  });
}
