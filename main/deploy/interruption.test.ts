// What Flakedeck stopping means for a run of this machine during its countdown, and how an interrupted run's record
// reads once its target says how the activation ended.

import { describe, expect, it } from 'vitest';
import type { LiveRun } from '../../common/model/runs.ts';
import { interruptedMessage, interruptionOf, settledRun } from './interruption.ts';
import type { ActivationEnd } from './interruption.ts';

const end = (status: string, extra: Partial<ActivationEnd> = {}): ActivationEnd => ({
  host: 'web',
  local: false,
  status,
  previous: '41',
  seconds: 30,
  rollbackError: '',
  ...extra,
});

describe('interruption', () => {
  it('says this machine goes back by itself when its question "Keep this configuration?" can no longer be answered', () => {
    const now = 1_700_000_000_000;
    const asking = {
      host: 'laptop',
      kind: 'deploy',
      mode: 'switch',
      awaitingApproval: false,
      keepUntil: now + 42_000,
      steps: [{ name: 'confirm', status: 'running', startedAt: now, endedAt: null, message: null, terminalId: null }],
    } as unknown as LiveRun;
    expect(interruptedMessage('Flakedeck quit', interruptionOf(asking, 30, now))).toBe(
      'Flakedeck quit during the confirmation: nobody can keep the new configuration, so laptop goes back by itself in 42 s.',
    );
  });

  it('completes an interrupted run with how its activation ended on the target', () => {
    expect(settledRun(end('rolled-back', { local: true, seconds: 60 }))).toEqual({
      status: 'rolled-back',
      message:
        'Reverted by timeout: nobody kept the configuration within 60 s, so web went back to generation 41. Flakedeck had stopped before the end.',
      step: { name: 'rollback', status: 'succeeded', message: 'This machine went back to generation 41 by itself.' },
    });
    expect(settledRun(end('rolled-back'))).toMatchObject({
      status: 'rolled-back',
      message:
        'web was not confirmed within 30 s and rolled back to generation 41 by itself. Flakedeck had stopped before the end.',
      step: { message: 'web went back to generation 41 by itself.' },
    });
    expect(settledRun(end('reverted', { local: true }))?.message).toMatch(
      /^Reverted by you: web went back to generation 41\./,
    );
    expect(settledRun(end('failed-rolled-back'))?.status).toBe('rolled-back');
    expect(settledRun(end('confirmed'))).toEqual({
      status: 'succeeded',
      message: 'web runs the new system, confirmed. Flakedeck had stopped before the end.',
    });
    expect(
      settledRun(end('rollback-failed', { rollbackError: 'There was no previous system to switch back to.' })),
    ).toEqual({
      status: 'failed',
      message:
        'web tried to go back to generation 41 by itself and could not (There was no previous system to switch back to): the host needs attention. Flakedeck had stopped before the end.',
      step: { name: 'rollback', status: 'failed', message: 'There was no previous system to switch back to.' },
    });
    // The target no longer knows it (a reboot emptied its state): nothing more to say.
    expect(settledRun(end('unknown'))).toBeNull();
  });
});
