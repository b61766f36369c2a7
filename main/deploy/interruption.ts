// What Flakedeck stopping does to a run in flight, in words: the quit question and the run's record say the same.

import type { LiveRun } from '../../common/model/runs.ts';

export interface Interruption {
  /** Where the run is: "the build", "the confirmation". */
  during: string;
  /** What stopping now does to it and to its host. */
  effect: string;
}

/** `confirmSeconds`: how long an unconfirmed target waits before it rolls back by itself. */
export function interruptionOf(run: LiveRun, confirmSeconds: number, now = Date.now()): Interruption {
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
      // This machine asks "Keep this configuration?" until keepUntil: nobody can answer once Flakedeck stops.
      if (run.keepUntil !== null) {
        const left = Math.max(0, Math.ceil((run.keepUntil - now) / 1000));
        return { during, effect: `nobody can keep the new configuration, so ${host} goes back by itself in ${left} s` };
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

/** How an activation that went on after Flakedeck stopped ended on its target, as its status there says. */
export interface ActivationEnd {
  host: string;
  /** This machine (a Keep nobody gave) rather than a remote host (a confirmation nobody sent). */
  local: boolean;
  /** The activation's status on the target: rolled-back, reverted, confirmed, done, rollback-failed, … */
  status: string;
  /** The generation it went back to, or would have ("" when the profile had none). */
  previous: string;
  /** The target's window (this machine: the time to answer "Keep this configuration?"), in seconds. */
  seconds: number;
  /** Why its rollback could not run, as the target said. */
  rollbackError: string;
}

export interface SettledRun {
  status: 'succeeded' | 'failed' | 'rolled-back';
  message: string;
  step?: { name: 'rollback'; status: 'succeeded' | 'failed'; message: string };
}

/**
 * The record of an interrupted run once its activation's end is known: what the live run would have said, and that
 * Flakedeck had stopped. null while it goes on, or when the target no longer knows it (a reboot empties its state).
 */
export function settledRun(end: ActivationEnd): SettledRun | null {
  const { host, local, previous, seconds } = end;
  const back = previous ? ` to generation ${previous}` : '';
  const stopped = 'Flakedeck had stopped before the end.';
  const wentBack = (message: string): SettledRun => ({
    status: 'rolled-back',
    message: `${message} ${stopped}`,
    step: {
      name: 'rollback',
      status: 'succeeded',
      message: `${local ? 'This machine' : host} went back${back} by itself.`,
    },
  });
  switch (end.status) {
    case 'rolled-back':
      return wentBack(
        local
          ? `Reverted by timeout: nobody kept the configuration within ${seconds} s, so ${host} went back${back}.`
          : `${host} was not confirmed within ${seconds} s and rolled back${back} by itself.`,
      );
    case 'reverted':
      return wentBack(`Reverted by you: ${host} went back${back}.`);
    case 'failed-rolled-back':
      return wentBack(`The switch failed on ${host}, and it went back${back} by itself.`);
    case 'confirmed':
      return { status: 'succeeded', message: `${host} runs the new system, confirmed. ${stopped}` };
    case 'done':
      return { status: 'succeeded', message: `The activation on ${host} finished. ${stopped}` };
    case 'rollback-failed':
      return {
        status: 'failed',
        message: `${host} tried to go back${back} by itself and could not (${end.rollbackError.replace(/\.$/, '') || 'it gave no reason'}): the host needs attention. ${stopped}`,
        step: { name: 'rollback', status: 'failed', message: end.rollbackError || 'The rollback failed.' },
      };
    case 'failed':
      return { status: 'failed', message: `The activation on ${host} failed. ${stopped}` };
    default:
      return null;
  }
}
