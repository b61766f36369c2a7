// Flakedeck stopping while runs are in flight, with real nix and a real sshd: every run ends in the history as
// interrupted with why and its log up to the quit, the database closes whole, and an activation goes on by itself.

import { describe, expect, it } from 'vitest';
import { cleanupsAfterEach } from '../../tests/support/cleanups.ts';
import { openDeployTestbed, runReaches, stepRunning } from '../../tests/support/deploy-services.ts';
import { historyFile } from '../app-paths.ts';
import { stripAnsi } from '../flake/nix-errors.ts';
import { openHistoryDatabase } from '../history/database.ts';
import { RunStore } from '../history/run-store.ts';
import { quitQuestion } from '../quit/quit-guard.ts';

const cleanups = cleanupsAfterEach();

async function until(probe: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('quitting with runs in flight', () => {
  it('records a build, a deploy waiting for approval and a deploy confirming as interrupted, then closes the database', async () => {
    const unique = `quit-${process.pid}-${Date.now()}`;
    const hosts = (dbSwitch: string) => `{
      slow = { buildSeconds = 600; generation = "${unique}"; };
      web = { packages = { ripgrep = "14.1.0"; }; };
      db = { switch = "${dbSwitch}"; generation = "${unique}-${dbSwitch}"; packages = { postgresql = "16.3"; }; };
    }`;
    const { target, fixture, app } = await openDeployTestbed(cleanups, {
      hosts: hosts('ok'),
      // Long enough that the confirmation is still being tried when the app quits, however slow the machine.
      env: { confirmSeconds: 30 },
    });
    const folder = fixture.repo.path;
    const deploy = app.services.deploy;
    // The target runs a good system first: the one it goes back to.
    const good = (await deploy.deploy(folder, ['db'], 'switch', false)).runs[0]!;
    expect((await deploy.finished(good.id)).status).toBe('succeeded');
    const previous = target.running();
    fixture.setHosts(hosts('locks-out'));

    // web: a deploy that waits for the user's approval (its diff read the target before db locks ssh out).
    const web = (await deploy.deploy(folder, ['web'], 'switch', true)).runs[0]!;
    await runReaches(app, web.id, (r) => r.awaitingApproval);
    // slow: a build under way.
    const slow = (await deploy.build(folder, ['slow'])).runs[0]!;
    await runReaches(app, slow.id, (r) => (r.progress?.running.length ?? 0) > 0);
    // db: switched to a configuration that locks new connections out, so its confirmation keeps being tried.
    const db = (await deploy.deploy(folder, ['db'], 'switch', false)).runs[0]!;
    await runReaches(app, db.id, stepRunning('confirm'));

    const question = quitQuestion(deploy.inFlight(), deploy.confirmSeconds);
    expect(question.message).toBe('Quit Flakedeck while 3 runs are going on?');
    expect(question.detail).toContain('• build slow, during the build: the build stops.');
    expect(question.detail).toContain(
      '• deploy (switch) web, during the wait for approval: it ends unapproved; nothing was copied to web or changed there.',
    );
    expect(question.detail).toContain(
      '• deploy (switch) db, during the confirmation: the activation goes on on db, detached; with no confirmation, db rolls back by itself 30 s after it switched.',
    );

    app.services.close('Flakedeck quit');

    // No new run starts once Flakedeck stops.
    await expect(deploy.build(folder, ['web'])).rejects.toThrow('No new run starts: Flakedeck quit.');

    // The history, opened again as the next start would: every run ended, saying where it was and what that means.
    const db2 = openHistoryDatabase(historyFile(app.dataDir));
    cleanups.push(() => db2.close());
    expect(db2.pragma('integrity_check', { simple: true })).toBe('ok');
    const store = new RunStore(db2);
    const record = (id: number) => store.get(id);
    expect(record(slow.id)).toMatchObject({
      status: 'interrupted',
      message: 'Flakedeck quit during the build: the build stops.',
    });
    expect(record(web.id)).toMatchObject({
      status: 'interrupted',
      message:
        'Flakedeck quit during the wait for approval: it ends unapproved; nothing was copied to web or changed there.',
    });
    expect(record(db.id)).toMatchObject({
      status: 'interrupted',
      message:
        'Flakedeck quit during the confirmation: the activation goes on on db, detached; with no confirmation, db rolls back by itself 30 s after it switched.',
    });
    for (const id of [slow.id, web.id, db.id]) {
      const run = record(id);
      expect(run.endedAt).not.toBeNull();
      expect(run.steps.every((s) => s.status !== 'running' && s.endedAt !== null)).toBe(true);
    }
    expect(record(slow.id).steps.map((s) => `${s.name}:${s.status}`)).toEqual(['build:interrupted']);
    expect(record(web.id).steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'build:succeeded',
      'diff:succeeded',
      'approve:interrupted',
    ]);
    expect(record(db.id).steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'build:succeeded',
      'diff:succeeded',
      'approve:skipped',
      'copy:succeeded',
      'profile:succeeded',
      'activate:succeeded',
      'confirm:interrupted',
    ]);

    // The logs hold what the programs wrote up to the quit, and the quit itself as their last line.
    const lastLine = (id: number) => stripAnsi(store.log(id)).trim().split('\n').at(-1);
    expect(stripAnsi(store.log(slow.id))).toContain('step 0 of 600');
    expect(lastLine(slow.id)).toBe('Flakedeck quit during the build: the build stops.');
    expect(stripAnsi(store.log(web.id))).toContain('ripgrep');
    expect(stripAnsi(store.log(db.id))).toContain('activating db (switch)');
    expect(lastLine(db.id)).toMatch(/^Flakedeck quit during the confirmation: /);

    // db's activation went on without the app: unconfirmed, the target went back to what it ran before by itself.
    expect(previous).not.toBeNull();
    await until(() => target.running() === previous, 'db to roll back by itself');
  });
});
