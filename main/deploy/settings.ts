// How deploys are timed and bounded, on top of where things live on a machine (main/targets/settings.ts).

import { ApiError } from '../../common/api/errors.ts';
import { keepSecondsProblem, keepSecondsRange } from '../../common/model/runs.ts';
import { checkTargetEnvironment, defaultTargetEnvironment } from '../targets/settings.ts';
import type { TargetEnvironment } from '../targets/settings.ts';

export interface DeployEnvironment extends TargetEnvironment {
  /** How long the target waits for a confirmation before it rolls back by itself. */
  confirmSeconds: number;
  /**
   * How long the app keeps trying to confirm past the target's window when it hears nothing from the target (a
   * target that answers it is still switching or rolling back is asked for as long as that takes).
   */
  confirmGiveUpSeconds: number;
  /**
   * How long this machine asks "Keep this configuration?" before it goes back by itself, when the user set no time
   * of their own (the `keepSeconds` setting; tests give shorter times here, below the setting's bounds).
   */
  keepSeconds: number;
  /** Hosts deployed or built at the same time. */
  parallel: number;
}

export const defaultEnvironment: DeployEnvironment = {
  ...defaultTargetEnvironment,
  confirmSeconds: 30,
  confirmGiveUpSeconds: 600,
  keepSeconds: keepSecondsRange.default,
  parallel: 4,
};

export function checkEnvironment(env: DeployEnvironment): DeployEnvironment {
  checkTargetEnvironment(env);
  for (const name of ['confirmSeconds', 'confirmGiveUpSeconds', 'keepSeconds', 'parallel'] as const) {
    if (!Number.isInteger(env[name]) || env[name] < 1) throw new Error(`deploy environment: ${name} ${env[name]}`);
  }
  return env;
}

/** The user's time for "Keep this configuration?", within keepSecondsRange, or why it is not one. */
export function checkKeepSeconds(seconds: unknown): number {
  const problem = keepSecondsProblem(seconds);
  if (problem === null) return seconds as number;
  const { min, max } = keepSecondsRange;
  throw new ApiError({
    code: 'INVALID_ARGUMENTS',
    message: problem,
    hint: `Under ${min} s there is no time to look at the screen; over ${max} s a switch that broke it leaves you waiting.`,
  });
}
