// A failed run's report: the cause in one sentence from what the failed step printed last, what the host runs now,
// and what to try.

import { describe, expect, it } from 'vitest';
import { explainFailure } from './failure-report.ts';
import type { FailedRun } from './failure-report.ts';

const base: FailedRun = {
  kind: 'deploy',
  host: 'web',
  target: 'deploy@web.example.org:2222',
  status: 'failed',
  step: 'diff',
  message: 'Could not reach web.example.org: ssh exited with 255',
  output: [],
  facts: {},
  confirmSeconds: 30,
};

describe('failure report', () => {
  it('names a refused SSH key from the step output, says nothing changed, and how to check the login', () => {
    const text = explainFailure({
      ...base,
      output: ['── diff ──', 'deploy@web.example.org: Permission denied (publickey).'],
      facts: { system: '/nix/store/aaaa-nixos-system-web' },
    });
    expect(text).toBe(
      'web (web.example.org) refused the SSH login of deploy: none of the keys offered is accepted there ("Permission denied"). ' +
        'Nothing changed on web: it still runs its current system (/nix/store/aaaa-nixos-system-web). ' +
        'Check that your SSH agent or ssh config offers a key deploy accepts on web.example.org (`ssh -p 2222 deploy@web.example.org` shows it).',
    );
  });

  it('turns an unresolvable default target into the advice to set the deploy target', () => {
    const text = explainFailure({
      ...base,
      target: 'root@atlas:22',
      host: 'atlas',
      output: ['ssh: Could not resolve hostname atlas: Name or service not known'],
    });
    expect(text).toMatch(/^This machine cannot find "atlas" by name, so atlas could not be reached\. /);
    expect(text).toContain("set deck.deploy.targetHost (or colmena's deployment.targetHost)");
    expect(text).toContain('atlas was not changed: it runs what it ran before.');
  });

  it('puts an evaluation error at the user file and line, and keeps the build away from the host', () => {
    const text = explainFailure({
      ...base,
      kind: 'build',
      target: null,
      step: 'build',
      message: 'cannot add a string to an integer',
      location: { file: '/home/me/flake/hosts.nix', line: 3, column: 48 },
      // The location wins over whatever nix printed around it.
      output: ['error: cannot add a string to an integer', 'Permission denied (publickey)'],
    });
    expect(text).toBe(
      'The configuration of web does not evaluate: cannot add a string to an integer (at /home/me/flake/hosts.nix:3:48). ' +
        'Nothing was sent to web; it runs what it ran before. Fix it at /home/me/flake/hosts.nix:3:48 and build again.',
    );
  });

  it('says an unconfirmed host runs the new system only until its window ends, and which generation it returns to', () => {
    const text = explainFailure({
      ...base,
      step: 'confirm',
      message: 'Could not confirm web: no new connection reached web.example.org for 600 s',
      output: ['Permission denied (publickey).'],
      facts: { activated: true, generationBefore: '41', generationNew: '42' },
    });
    expect(text).toContain('refused the SSH login of deploy');
    expect(text).toContain(
      'web runs the new system (generation 42) only until its 30 s confirmation window ends; then it goes back to generation 41 by itself.',
    );
  });

  it('says when the target could not go back by itself, and to look at it first', () => {
    const text = explainFailure({
      ...base,
      step: 'confirm',
      message: 'web was not confirmed and its rollback failed: the host needs attention.',
      facts: { activated: true, generationBefore: '7', generationNew: '8', rollbackFailed: true },
    });
    expect(text).toContain('web tried to go back to generation 7 by itself and could not: it may be half switched');
  });

  it('says a rolled-back host is back at its generation', () => {
    const text = explainFailure({
      ...base,
      status: 'rolled-back',
      step: 'activate',
      message: 'switch-to-configuration switch failed on web; the target rolled back to generation 1.',
      output: ['warning: the following units failed: broken.service'],
      facts: { activated: true, generationBefore: '1', generationNew: '2', rolledBackTo: '1' },
    });
    expect(text).toBe(
      'switch-to-configuration switch failed on web; the target rolled back to generation 1. ' +
        'web went back to generation 1 by itself and runs what it ran before. ' +
        "The step's terminal shows what the activation printed; fix that and deploy again.",
    );
  });

  it('keeps a failed derivation’s log lines under the sentences', () => {
    const text = explainFailure({
      ...base,
      kind: 'build',
      step: 'build',
      message: 'nixos-system-web failed to build:\ncompiling\nerror: boom',
      output: [],
    });
    expect(text.split('\n')).toEqual([
      'nixos-system-web failed to build. Nothing was sent to web; it runs what it ran before. Its terminal shows the whole build log; fix what it names and build again.',
      'compiling',
      'error: boom',
    ]);
  });

  it('says only that a cancelled run was cancelled', () => {
    expect(explainFailure({ ...base, status: 'cancelled', message: 'Cancelled during the build' })).toBe(
      'Cancelled during the build.',
    );
  });
});
