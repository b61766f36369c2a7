// Whether Flakedeck may quit now: with runs in flight it asks first, once however many quit requests come (the
// window's menu, the tray, the last window closing), and says what quitting does to each run.

import type { LiveRun } from '../../common/model/runs.ts';
import { interruptionOf } from '../deploy/interruption.ts';

export interface QuitQuestion {
  message: string;
  /** One line per run in flight: what it is, where it is, what quitting does to it. */
  detail: string;
  quit: string;
  stay: string;
}

/** The runs going on, and how long an unconfirmed target waits before it rolls back (the deploy service). */
export interface RunsInFlight {
  inFlight(): LiveRun[];
  readonly confirmSeconds: number;
}

/** Asks the user; the Electron glue shows a dialog over the window, or on its own when the tray asked. */
export type AskToQuit = (question: QuitQuestion) => Promise<boolean>;

export function quitQuestion(runs: readonly LiveRun[], confirmSeconds: number): QuitQuestion {
  const lines = runs.map((run) => {
    const { during, effect } = interruptionOf(run, confirmSeconds);
    const what = run.kind === 'deploy' && run.mode ? `deploy (${run.mode})` : run.kind;
    return `• ${what} ${run.host}, during ${during}: ${effect}.`;
  });
  const count = runs.length === 1 ? 'a run is' : `${runs.length} runs are`;
  return {
    message: `Quit Flakedeck while ${count} going on?`,
    detail: [...lines, '', 'Each is recorded in the history as interrupted.'].join('\n'),
    quit: 'Quit',
    stay: 'Keep running',
  };
}

export class QuitGuard {
  readonly #runs: RunsInFlight;
  readonly #ask: AskToQuit;
  #asking: Promise<boolean> | null = null;
  #decided = false;

  constructor(runs: RunsInFlight, ask: AskToQuit) {
    this.#runs = runs;
    this.#ask = ask;
  }

  /** Quitting needs no question: nothing runs, or the user already said to quit. */
  mayQuitNow(): boolean {
    return this.#decided || this.#runs.inFlight().length === 0;
  }

  /** Resolves true when the app should quit; requests while the question is open share its answer. */
  request(): Promise<boolean> {
    if (this.mayQuitNow()) {
      this.#decided = true;
      return Promise.resolve(true);
    }
    this.#asking ??= this.#ask(quitQuestion(this.#runs.inFlight(), this.#runs.confirmSeconds))
      // A question that cannot be shown does not hold the app open: the runs are recorded as interrupted all the same.
      .then(
        (yes) => yes,
        () => true,
      )
      .then((yes) => (this.#decided = yes))
      .finally(() => (this.#asking = null));
    return this.#asking;
  }
}
