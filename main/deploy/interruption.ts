// What Flakedeck stopping does to a run in flight, in words: the quit question and the run's record say the same.

import type { LiveRun } from '../../common/model/runs.ts';

export interface Interruption {
  /** Where the run is: "the build", "the confirmation". */
  during: string;
  /** What stopping now does to it and to its host. */
  effect: string;
}

/** `confirmSeconds`: how long an unconfirmed target waits before it rolls back by itself. */
export function interruptionOf(run: LiveRun, confirmSeconds: number): Interruption {
  const { host } = run;
  const untouched = `nothing was copied to ${host} or changed there`;
  const step = run.steps.findLast((s) => s.status === 'running')?.name;
  if (run.awaitingApproval) return { during: 'the wait for approval', effect: `it ends unapproved; ${untouched}` };
  switch (step) {
    case 'build':
      return {
        during: 'the build',
        effect: run.kind === 'build' ? 'the build stops' : `the build stops; ${untouched}`,
      };
    case 'copy':
      return { during: 'the copy', effect: `the copy stops; nothing changed on ${host}` };
    case 'profile':
    case 'activate':
    case 'confirm': {
      const during = step === 'confirm' ? 'the confirmation' : 'the activation';
      // Only switch and test wait for a confirmation; boot and dry-activate end on the target by themselves.
      if (run.mode === 'boot' || run.mode === 'dry-activate') {
        return { during, effect: `the activation goes on on ${host}, detached, and ends there by itself` };
      }
      return {
        during,
        effect: `the activation goes on on ${host}, detached; with no confirmation, ${host} rolls back by itself ${confirmSeconds} s after it switched`,
      };
    }
    case 'rollback':
      return { during: 'the rollback', effect: `the rollback goes on on ${host}, detached` };
    default:
      return { during: step ? `the ${step}` : 'its start', effect: untouched };
  }
}

/** The run's record: "Flakedeck quit during the copy: the copy stops; nothing changed on web." */
export function interruptedMessage(reason: string, interruption: Interruption): string {
  return `${reason} during ${interruption.during}: ${interruption.effect}.`;
}
