// Turns "Keep this configuration?" after a switch of this machine into a desktop notification with Keep and Revert,
// shown while the run asks and taken away when it stops asking (answered, gone back, or ended).

import type { Unsubscribe } from '../../common/api/contract.ts';
import type { LiveRun } from '../../common/model/runs.ts';
import type { EventHub } from '../events/event-hub.ts';
import type { KeepAnswer } from '../deploy/run.ts';

export interface KeepQuestion {
  runId: number;
  host: string;
  title: string;
  body: string;
  /** The buttons, in order (none where the desktop's notifications have none: a click opens the window). */
  actions: readonly KeepAnswer[];
}

export interface KeepNotificationPort {
  /** Whether the desktop's notifications carry buttons (macOS and Windows do; Linux's, through Electron, do not). */
  readonly actions: boolean;
  /** Shows the question; `onAction` gets the button pressed, `onClick` a click on the rest. Returns its removal. */
  show(question: KeepQuestion, onAction: (answer: KeepAnswer) => void, onClick: () => void): () => void;
}

export interface KeepNotifierHooks {
  /** The person's answer, as the window's Keep and Revert give it. */
  answer(runId: number, answer: KeepAnswer): void;
  /** Shows the window at the run's countdown. */
  openCountdown(run: LiveRun): void;
  now?: () => number;
}

/** The notification for a run that asks to keep its configuration until `run.keepUntil`. */
export function keepQuestion(run: LiveRun & { keepUntil: number }, actions: boolean, now = Date.now()): KeepQuestion {
  const seconds = Math.max(0, Math.round((run.keepUntil - now) / 1000));
  const answer = actions ? 'Keep it, or revert now.' : 'Click to answer in Flakedeck.';
  return {
    runId: run.id,
    host: run.host,
    title: `Keep this configuration of ${run.host}?`,
    body: `This machine switched. Without an answer it goes back to the previous generation by itself in ${seconds} s. ${answer}`,
    actions: actions ? ['keep', 'revert'] : [],
  };
}

/** Notifies each "Keep this configuration?" from now on, for as long as the run asks. */
export function notifyKeepQuestions(
  events: EventHub,
  port: KeepNotificationPort,
  hooks: KeepNotifierHooks,
): Unsubscribe {
  const shown = new Map<number, () => void>();
  const takeAway = (runId: number) => {
    shown.get(runId)?.();
    shown.delete(runId);
  };
  const stop = events.connect((channel, payload) => {
    if (channel !== 'run.progress' && channel !== 'run.finished') return;
    const run = payload as LiveRun;
    const asking = channel === 'run.progress' && run.keepUntil !== null;
    if (!asking) return takeAway(run.id);
    if (shown.has(run.id)) return;
    const question = keepQuestion({ ...run, keepUntil: run.keepUntil! }, port.actions, hooks.now?.());
    const remove = port.show(
      question,
      (answer) => {
        takeAway(run.id);
        try {
          hooks.answer(run.id, answer);
        } catch {
          // The run stopped asking meanwhile (its time ran out): the window shows how it ended.
        }
      },
      () => hooks.openCountdown(run),
    );
    shown.set(run.id, remove);
  });
  return () => {
    stop();
    for (const runId of [...shown.keys()]) takeAway(runId);
  };
}
