// Switching this machine: the same pipeline without ssh, sudo asking in the run's terminal, and "Keep this
// configuration?" answered Keep, Revert or not at all, with real sudo, nix and ptys. The fixture's activation acts
// on a test folder (FIXTURE_ROOT), which stands for this machine's profile, running system and activation state.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { LiveRun } from '../../common/model/runs.ts';
import { cleanupsAfterEach } from '../../tests/support/cleanups.ts';
import { cliInTerminal } from '../../tests/support/cli-in-terminal.ts';
import { stepsOf } from '../../tests/support/deploy-services.ts';
import type { DeployServices } from '../../tests/support/deploy-services.ts';
import { makeSudoUser, sudoPassword, sudoUserName, typeAtSudoPrompts } from '../../tests/support/sudo-user.ts';
import { localMachine } from '../../tests/support/this-machine.ts';
import { createServices } from '../services.ts';

const cleanups = cleanupsAfterEach();

/** Switches this machine and answers "Keep this configuration?" with `answer` (or lets the time run out). */
async function switchAndAnswer(
  app: DeployServices,
  folder: string,
  answer: 'keep' | 'revert' | null,
): Promise<LiveRun> {
  const asked: number[] = [];
  const stop = app.services.events.connect((channel, payload) => {
    const run = payload as LiveRun;
    if (channel !== 'run.progress' || run.keepUntil === null || asked.includes(run.id)) return;
    asked.push(run.id);
    if (answer) app.services.deploy.answerKeep(run.id, answer);
  });
  try {
    const { runs } = await app.services.deploy.switchThisMachine(folder, 'switch', false);
    const run = await app.services.deploy.finished(runs[0]!.id);
    expect(asked, 'the run asked to keep the configuration').toEqual([run.id]);
    return run;
  } finally {
    stop();
  }
}

describe('switching this machine', () => {
  it('switches through sudo in the terminal, and keeps, reverts or times out as the person answers', async () => {
    makeSudoUser(cleanups);
    const machine = localMachine(cleanups, 4);
    const { app, repo } = machine;
    let typed = sudoPassword;
    const asked = typeAtSudoPrompts(app, cleanups, () => typed);

    expect(await app.services.targets.thisMachine(repo.path)).toBe('web');
    const kept = await switchAndAnswer(app, repo.path, 'keep');
    expect(kept.status, kept.message ?? '').toBe('succeeded');
    expect(stepsOf(kept)).toEqual([
      'build:succeeded',
      'diff:succeeded',
      'approve:skipped',
      'copy:skipped',
      'profile:succeeded',
      'activate:succeeded',
      'confirm:succeeded',
    ]);
    expect(kept.target).toBe('this machine');
    expect(asked).toEqual(['activate web']);
    const first = kept.outPath!;
    expect(machine.running()).toBe(first);
    expect(machine.profile()).toBe(first);
    expect(app.services.runs.get(kept.id).steps.at(-1)!.message).toBe('Kept by you.');

    // Revert: back to the first at once, recorded as the person's choice.
    machine.setHosts('2');
    const reverted = await switchAndAnswer(app, repo.path, 'revert');
    expect(reverted.status).toBe('rolled-back');
    expect(reverted.message).toMatch(/^Reverted by you: web went back to generation 1\./);
    expect(machine.running()).toBe(first);
    expect(machine.profile()).toBe(first);

    // No answer: the machine goes back by itself when its own timer ends.
    machine.setHosts('3');
    const timedOut = await switchAndAnswer(app, repo.path, null);
    expect(timedOut.status).toBe('rolled-back');
    expect(timedOut.message).toMatch(/^Reverted by timeout: nobody kept the configuration within 4 s/);
    expect(machine.running()).toBe(first);
    const [, second, , third] = machine.activations();
    expect(machine.activations()).toEqual([`switch ${first}`, second, `switch ${first}`, third, `switch ${first}`]);

    // A wrong password three times: the run says nothing changed, and nothing did.
    typed = 'not-the-password';
    asked.length = 0;
    machine.setHosts('4');
    const { runs } = await app.services.deploy.switchThisMachine(repo.path, 'switch', false);
    const refused = await app.services.deploy.finished(runs[0]!.id);
    expect(refused.status).toBe('failed');
    expect(refused.message).toMatch(
      /^sudo on this machine refused your user \("3 incorrect password attempts"\): .* Nothing changed on web: it still runs its current system/,
    );
    expect(asked).toEqual(['activate web', 'activate web', 'activate web']);
    expect(machine.running()).toBe(first);
    expect(machine.activations()).toHaveLength(5);
  }, 300_000);

  it('refuses to switch this machine to a system built for another host name unless the rename is confirmed', async () => {
    const machine = localMachine(cleanups, 30);
    // db is deployed to localhost: this machine, yet its system is db's.
    machine.repo.write('hosts.nix', '{ db = { deploy = { targetHost = "localhost"; }; }; }');
    await expect(machine.app.services.deploy.deploy(machine.repo.path, ['db'], 'switch', false)).rejects.toMatchObject({
      code: 'HOST_MISMATCH',
      message: expect.stringContaining('built for the host name "db", and this machine is "web"'),
    });
    expect(existsSync(join(machine.root, 'markers'))).toBe(false);
  });

  it('records a switch whose activation fails, with its cause, and leaves this machine on its previous generation', async () => {
    makeSudoUser(cleanups);
    const machine = localMachine(cleanups, 30);
    const { app, repo } = machine;
    typeAtSudoPrompts(app, cleanups, () => sudoPassword);
    const first = (await switchAndAnswer(app, repo.path, 'keep')).outPath!;

    // The new configuration has a unit that fails to start: switch-to-configuration exits 4 after switching.
    machine.setHosts('2', 'switch = "fails";');
    const asked: number[] = [];
    app.services.events.connect((channel, payload) => {
      if (channel === 'run.progress' && (payload as LiveRun).keepUntil !== null) asked.push((payload as LiveRun).id);
    });
    const { runs } = await app.services.deploy.switchThisMachine(repo.path, 'switch', false);
    const failed = await app.services.deploy.finished(runs[0]!.id);
    expect(failed.status).toBe('rolled-back');
    expect(failed.message).toBe(
      'switch-to-configuration switch failed on web; this machine went back to generation 1. ' +
        'web went back to generation 1 by itself and runs what it ran before. ' +
        "The step's terminal shows what the activation printed; fix that and deploy again.",
    );
    expect(asked, 'a failed switch asks nothing to keep').toEqual([]);
    expect(stepsOf(failed).slice(-3)).toEqual(['profile:succeeded', 'activate:failed', 'rollback:succeeded']);
    expect(machine.running()).toBe(first);
    expect(machine.profile()).toBe(first);
    expect(app.services.runs.get(failed.id)).toMatchObject({ status: 'rolled-back', message: failed.message });
    expect(app.services.runs.log(failed.id)).toContain('the following units failed: broken.service');
  }, 300_000);

  it('goes back by itself when the app is killed during the countdown; the next start records "reverted by timeout"', async () => {
    makeSudoUser(cleanups);
    const machine = localMachine(cleanups, 30);
    const { app, repo } = machine;
    typeAtSudoPrompts(app, cleanups, () => sudoPassword);
    const first = (await switchAndAnswer(app, repo.path, 'keep')).outPath!;

    // Another Flakedeck process switches (the command line, with a time of its own), and is killed while it asks.
    machine.setHosts('2');
    let passwordTyped = false;
    let killed = false;
    const cli = cliInTerminal(
      cleanups,
      app.configFile,
      ['switch', '--yes', '--keep-seconds', '10', '--flake', repo.path],
      (shown) => {
        if (!passwordTyped && shown.includes(`[sudo] password for ${sudoUserName}`)) {
          passwordTyped = true;
          return `${sudoPassword}\r`;
        }
        if (!killed && shown.includes('Keep this configuration? [y/N] (reverting in')) {
          killed = true;
          process.kill(cli.pid, 'SIGKILL');
        }
        return null;
      },
    );
    const { screen } = await cli.exited;
    expect(killed, screen).toBe(true);
    const [run] = app.services.runs.list({ limit: 1 });
    expect(run).toMatchObject({ host: 'web', status: 'running' });

    // The machine's own timer ends the question: it goes back, and its activation's record says why.
    await vi.waitFor(() => expect(machine.running()).toBe(first), { timeout: 120_000, interval: 200 });
    const [, second, back] = machine.activations();
    expect(second).not.toBe(`switch ${first}`);
    expect(back).toBe(`switch ${first}`);
    expect(machine.profile()).toBe(first);
    const state = join(machine.root, 'state');
    const activation = readdirSync(state).find(
      (d) => d !== 'lock' && readFileSync(join(state, d, 'log'), 'utf8').includes('confirm-timeout'),
    );
    expect(activation, 'an activation whose log shows the timeout').toBeDefined();
    await vi.waitFor(() => expect(readFileSync(join(state, activation!, 'status'), 'utf8').trim()).toBe('rolled-back'));

    // Flakedeck starts again: the run it left behind ends as the machine ended it.
    const config = JSON.parse(readFileSync(app.configFile, 'utf8'));
    const restarted = createServices(config);
    cleanups.push(() => restarted.close());
    expect(restarted.runs.get(run!.id).status).toBe('interrupted');
    expect(await restarted.deploy.reconcile()).toBe(1);
    const recorded = restarted.runs.get(run!.id);
    expect(recorded.status).toBe('rolled-back');
    expect(recorded.message).toBe(
      'Reverted by timeout: nobody kept the configuration within 10 s, so web went back to generation 1. ' +
        'Flakedeck had stopped before the end.',
    );
    expect(recorded.steps.map((s) => `${s.name}:${s.status}`).slice(-2)).toEqual([
      'confirm:interrupted',
      'rollback:succeeded',
    ]);
    expect(recorded.steps.at(-1)!.message).toBe('This machine went back to generation 1 by itself.');
    // Once known, the end is not asked again.
    expect(await restarted.deploy.reconcile()).toBe(0);
  }, 300_000);
});
