// Deploys as a non-root user whose sudo asks for a password, typed into the activation's terminal; real sudo and ssh.

import { lstatSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupsAfterEach } from '../../tests/support/cleanups.ts';
import { deployHost, openDeployTestbed, stepsOf, unattendedDeploySteps } from '../../tests/support/deploy-services.ts';
import { makeSudoUser, sudoPassword, sudoUserName, typeAtSudoPrompts } from '../../tests/support/sudo-user.ts';
import type { DeployServices } from '../../tests/support/deploy-services.ts';
import { stripAnsi } from '../flake/nix-errors.ts';

const cleanups = cleanupsAfterEach();

const user = sudoUserName;
const password = sudoPassword;
const sudoUser = () => makeSudoUser(cleanups);

const typeAtPrompts = (app: DeployServices, answer: () => string) => typeAtSudoPrompts(app, cleanups, answer);

describe('deploy through sudo', () => {
  it('activates and rolls back as root after the password is typed into the terminal; a wrong one changes nothing', async () => {
    const uid = sudoUser();
    const host = (generation: string) =>
      `{ web = { deploy.targetUser = "${user}"; generation = "${generation}"; packages = { ripgrep = "14.1.0"; }; }; }`;
    const { target, fixture, app } = await openDeployTestbed(cleanups, { user, hosts: host('1') });
    let typed = password;
    const asked = typeAtPrompts(app, () => typed);

    const deploy = () => deployHost(app, fixture.repo.path);
    const run = await deploy();
    expect(run.status, run.message ?? '').toBe('succeeded');
    expect(stepsOf(run)).toEqual(unattendedDeploySteps);
    // Asked once, in the activation's terminal; the confirmation needs no sudo.
    expect(asked).toEqual(['activate web']);
    expect(app.services.runs.get(run.id).target).toBe(`${user}@127.0.0.1:${target.sshd.port}`);
    const out = run.outPath!;
    // The user copied the closure (their store), and root switched: the folder is the user's, these files are root's.
    expect(target.storeHasClosure(out)).toBe(true);
    expect(statSync(join(target.store, out)).uid).toBe(uid);
    expect(target.profileTarget()).toBe(out);
    expect(target.running()).toBe(out);
    expect(target.activations('web')).toEqual([`switch ${out}`]);
    expect(lstatSync(join(target.root, 'current-system')).uid).toBe(0);
    expect(statSync(join(target.root, 'markers', 'switch-web')).uid).toBe(0);
    expect(stripAnsi(app.services.runs.log(run.id))).toContain('confirmed over a new connection');
    // Listing the generations needs no sudo (a rollback picks from this list).
    const { generations } = await app.services.deploy.generations(fixture.repo.path, 'web');
    expect(generations.map((g) => [g.number, g.current, g.path])).toEqual([[1, true, out]]);
    expect(generations[0]!.date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    // A wrong password, each time sudo asks: the run fails saying so, and the target stays as it was.
    fixture.setHosts(host('2'));
    typed = 'not-the-password';
    asked.length = 0;
    const refused = await deploy();
    expect(refused.status).toBe('failed');
    expect(refused.outPath).not.toBe(out);
    expect(asked).toEqual(['activate web', 'activate web', 'activate web']);
    expect(refused.message).toMatch(
      /^sudo on 127\.0\.0\.1 refused [\w-]+ \("[^"]+"\): it wants a password it did not get, or the user may not use it\. Nothing changed on web: it still runs its current system \(\/nix\/store\/[^)]+\)\. /,
    );
    expect(stepsOf(refused)).toEqual([
      'build:succeeded',
      'diff:succeeded',
      'approve:skipped',
      'copy:succeeded',
      'profile:failed',
    ]);
    expect(target.profileTarget()).toBe(out);
    expect(target.running()).toBe(out);
    expect(target.activations('web')).toEqual([`switch ${out}`]);

    // With the right password again, generation 2; then a rollback to 1, which asks for it too.
    typed = password;
    asked.length = 0;
    const second = await deploy();
    expect(second.status, second.message ?? '').toBe('succeeded');
    const { runs } = await app.services.deploy.rollback(fixture.repo.path, 'web', 1, false);
    const back = await app.services.deploy.finished(runs[0]!.id);
    expect(back.status, back.message ?? '').toBe('succeeded');
    expect(asked).toEqual(['activate web', 'activate web']);
    expect(target.running()).toBe(out);
    expect(target.activations('web')).toEqual([`switch ${out}`, `switch ${second.outPath}`, `switch ${out}`]);
    const after = (await app.services.deploy.generations(fixture.repo.path, 'web')).generations;
    expect(after.map((g) => [g.number, g.current])).toEqual([
      [1, true],
      [2, false],
    ]);
  });
});
