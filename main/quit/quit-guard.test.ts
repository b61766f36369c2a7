// The quit decision the Electron glue follows (its dialog cannot run here): ask only with runs in flight, once for
// every quit request that comes while the question is open, and say what quitting does to each run.

import { describe, expect, it } from 'vitest';
import type { LiveRun, StepName } from '../../common/model/runs.ts';
import { QuitGuard, quitQuestion } from './quit-guard.ts';
import type { QuitQuestion } from './quit-guard.ts';

function run(id: number, host: string, kind: LiveRun['kind'], step: StepName | null, extra: Partial<LiveRun> = {}) {
  const live: LiveRun = {
    id,
    batch: 'b',
    kind,
    host,
    flake: '/flake',
    revision: null,
    dirty: null,
    dirtyHash: null,
    mode: kind === 'build' ? null : 'switch',
    target: null,
    outPath: null,
    status: 'running',
    message: null,
    startedAt: 0,
    endedAt: null,
    steps: step
      ? [{ name: step, status: 'running', startedAt: 0, endedAt: null, message: null, terminalId: null }]
      : [],
    diff: null,
    progress: null,
    awaitingApproval: false,
    terminalId: null,
    keepUntil: null,
    ...extra,
  };
  return live;
}

/** The deploy service's view of the runs in flight, and a dialog that answers when the test says. */
function guardWith(runs: LiveRun[]) {
  const asked: QuitQuestion[] = [];
  let answer: (yes: boolean) => void = () => {};
  let fail: (error: Error) => void = () => {};
  const guard = new QuitGuard({ inFlight: () => runs, confirmSeconds: 30 }, (question) => {
    asked.push(question);
    return new Promise<boolean>((resolve, reject) => {
      answer = resolve;
      fail = reject;
    });
  });
  return { guard, asked, answer: (yes: boolean) => answer(yes), fail: (e: Error) => fail(e) };
}

describe('quit guard', () => {
  it('quits at once when nothing runs', async () => {
    const { guard, asked } = guardWith([]);
    expect(guard.mayQuitNow()).toBe(true);
    expect(await guard.request()).toBe(true);
    expect(asked).toEqual([]);
  });

  it('asks once however many quit requests come while the question is open, and quits on yes', async () => {
    const { guard, asked, answer } = guardWith([run(1, 'web', 'deploy', 'copy')]);
    expect(guard.mayQuitNow()).toBe(false);
    const fromMenu = guard.request();
    const fromTray = guard.request();
    answer(true);
    expect(await Promise.all([fromMenu, fromTray])).toEqual([true, true]);
    expect(asked).toHaveLength(1);
    // Electron's quit comes back through before-quit: now it goes through without a second question.
    expect(guard.mayQuitNow()).toBe(true);
  });

  it('keeps running on no, and asks again at the next quit', async () => {
    const { guard, asked, answer } = guardWith([run(1, 'web', 'deploy', 'build')]);
    const first = guard.request();
    answer(false);
    expect(await first).toBe(false);
    expect(guard.mayQuitNow()).toBe(false);
    const second = guard.request();
    answer(true);
    expect(await second).toBe(true);
    expect(asked).toHaveLength(2);
  });

  it('quits when the question cannot be shown: the runs are recorded as interrupted all the same', async () => {
    const { guard, fail } = guardWith([run(1, 'web', 'deploy', 'activate')]);
    const request = guard.request();
    fail(new Error('no display'));
    expect(await request).toBe(true);
  });

  it('names each run, where it is and what quitting does to it and its host', () => {
    const question = quitQuestion(
      [
        run(1, 'desktop', 'build', 'build'),
        run(2, 'web', 'deploy', 'approve', { awaitingApproval: true }),
        run(3, 'vps', 'deploy', 'copy'),
        run(4, 'db', 'deploy', 'activate'),
        run(5, 'nas', 'deploy', 'confirm', { mode: 'boot' }),
        run(6, 'pi', 'rollback', 'rollback'),
      ],
      30,
    );
    expect(question.message).toBe('Quit Flakedeck while 6 runs are going on?');
    expect(question.detail.split('\n')).toEqual([
      '• build desktop, during the build: the build stops.',
      '• deploy (switch) web, during the wait for approval: it ends unapproved; nothing was copied to web or changed there.',
      '• deploy (switch) vps, during the copy: the copy stops; nothing changed on vps.',
      '• deploy (switch) db, during the activation: the activation goes on on db, detached; with no confirmation, db rolls back by itself 30 s after it switched.',
      '• deploy (boot) nas, during the confirmation: the activation goes on on nas, detached, and ends there by itself.',
      '• rollback pi, during the rollback: the rollback goes on on pi, detached.',
      '',
      'Each is recorded in the history as interrupted.',
    ]);
    expect(quitQuestion([run(1, 'web', 'build', 'build')], 30).message).toBe('Quit Flakedeck while a run is going on?');
  });
});
