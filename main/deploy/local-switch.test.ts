// Switching this machine: the same pipeline without ssh, sudo asking in the run's terminal, and "Keep this
// configuration?" answered Keep, Revert or not at all, with real sudo, nix and ptys. The fixture's activation acts
// on a test folder (FIXTURE_ROOT), which stands for this machine's profile, running system and activation state.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LiveRun } from '../../common/model/runs.ts';
import { cleanupsAfterEach } from '../../tests/support/cleanups.ts';
import { stepsOf } from '../../tests/support/deploy-services.ts';
import type { DeployServices } from '../../tests/support/deploy-services.ts';
import { makeSudoUser, sudoPassword, typeAtSudoPrompts } from '../../tests/support/sudo-user.ts';
import { localMachine } from '../../tests/support/this-machine.ts';

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
});
