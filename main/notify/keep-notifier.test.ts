// "Keep this configuration?" as a desktop notification: shown once while a run asks, with Keep and Revert where the
// desktop has buttons, a click that opens the countdown, and taken away once the run stops asking.

import { describe, expect, it } from 'vitest';
import type { LiveRun } from '../../common/model/runs.ts';
import { EventHub } from '../events/event-hub.ts';
import type { KeepAnswer } from '../deploy/run.ts';
import { notifyKeepQuestions } from './keep-notifier.ts';
import type { KeepNotificationPort, KeepQuestion } from './keep-notifier.ts';

const now = 1_700_000_000_000;

function run(keepUntil: number | null, id = 7): LiveRun {
  return {
    id,
    batch: 'b',
    kind: 'deploy',
    host: 'laptop',
    flake: '/flake',
    revision: null,
    dirty: null,
    dirtyHash: null,
    mode: 'switch',
    target: 'this machine',
    outPath: '/nix/store/x-nixos-system-laptop',
    status: 'running',
    message: null,
    startedAt: now - 60_000,
    endedAt: null,
    steps: [],
    diff: null,
    progress: null,
    awaitingApproval: false,
    expectedBuildMs: null,
    terminalId: null,
    keepUntil,
  };
}

/** A desktop that records what it shows and lets the test press its buttons or click it. */
function desktop(actions: boolean) {
  const shown: { question: KeepQuestion; press: (a: KeepAnswer) => void; click: () => void; open: boolean }[] = [];
  const port: KeepNotificationPort = {
    actions,
    show(question, onAction, onClick) {
      const entry = { question, press: onAction, click: onClick, open: true };
      shown.push(entry);
      return () => void (entry.open = false);
    },
  };
  return { port, shown };
}

describe('the keep notifier', () => {
  it('asks once with Keep and Revert, passes the answer on and takes the notification away', () => {
    const events = new EventHub();
    const { port, shown } = desktop(true);
    const answers: [number, KeepAnswer][] = [];
    const opened: number[] = [];
    notifyKeepQuestions(events, port, {
      answer: (runId, answer) => answers.push([runId, answer]),
      openCountdown: (r) => opened.push(r.id),
      now: () => now,
    });

    events.emit('run.progress', run(null));
    expect(shown).toHaveLength(0);
    events.emit('run.progress', run(now + 60_000));
    events.emit('run.progress', run(now + 60_000));
    expect(shown.map((s) => s.question)).toEqual([
      {
        runId: 7,
        host: 'laptop',
        title: 'Keep this configuration of laptop?',
        body: 'This machine switched. Without an answer it goes back to the previous generation by itself in 60 s. Keep it, or revert now.',
        actions: ['keep', 'revert'],
      },
    ]);

    shown[0]!.click();
    expect(opened).toEqual([7]);
    expect(shown[0]!.open).toBe(true);
    shown[0]!.press('revert');
    expect(answers).toEqual([[7, 'revert']]);
    expect(shown[0]!.open).toBe(false);
  });

  it('says to click where the desktop has no buttons, and goes when the run stops asking or ends', () => {
    const events = new EventHub();
    const { port, shown } = desktop(false);
    const stop = notifyKeepQuestions(events, port, { answer: () => {}, openCountdown: () => {}, now: () => now });

    events.emit('run.progress', run(now + 30_000, 1));
    events.emit('run.progress', run(now + 10_000, 2));
    expect(shown.map((s) => [s.question.actions, s.question.body.endsWith('Click to answer in Flakedeck.')])).toEqual([
      [[], true],
      [[], true],
    ]);
    expect(shown[0]!.question.body).toContain('by itself in 30 s');

    // Run 1 was answered in the window: it no longer asks. Run 2 ended (its time ran out).
    events.emit('run.progress', run(null, 1));
    expect(shown.map((s) => s.open)).toEqual([false, true]);
    events.emit('run.finished', { ...run(now + 10_000, 2), status: 'rolled-back' });
    expect(shown.map((s) => s.open)).toEqual([false, false]);

    // A new question after the notifier stopped is not shown; one open when it stops is taken away.
    events.emit('run.progress', run(now + 30_000, 3));
    stop();
    expect(shown.at(-1)!.open).toBe(false);
    events.emit('run.progress', run(now + 30_000, 4));
    expect(shown).toHaveLength(3);
  });

  it('ignores a button pressed after the run stopped asking', () => {
    const events = new EventHub();
    const { port, shown } = desktop(true);
    notifyKeepQuestions(events, port, {
      answer: () => {
        throw new Error('Run #7 (laptop) is not asking to keep anything.');
      },
      openCountdown: () => {},
    });
    events.emit('run.progress', run(now + 60_000));
    expect(() => shown[0]!.press('keep')).not.toThrow();
    expect(shown[0]!.open).toBe(false);
  });
});
