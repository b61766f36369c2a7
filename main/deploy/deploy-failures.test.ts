// Deploys that go wrong, with real nix and a real sshd: each stops where it must, and the target ends up on a
// system that works, by itself when the app cannot reach it.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LiveRun } from '../../common/model/runs.ts';
import { cleanupsAfterEach } from '../../tests/support/cleanups.ts';
import { deployHost, openDeployTestbed, stepsOf } from '../../tests/support/deploy-services.ts';
import type { DeployServices } from '../../tests/support/deploy-services.ts';
import { runCliInProcess } from '../../tests/support/run-cli.ts';
import { startTcpProxy } from '../../tests/support/tcp-proxy.ts';
import { stripAnsi } from '../flake/nix-errors.ts';
import { activationArgv } from '../targets/activation.ts';
import { remoteCommand } from '../targets/ssh.ts';

const cleanups = cleanupsAfterEach();

const setup = (hosts?: string) => openDeployTestbed(cleanups, { hosts });

/** Calls `then` once, when a run's step `name` starts. */
function onStep(app: DeployServices, name: string, then: (run: LiveRun) => void): void {
  const stop = app.services.events.connect((channel, payload) => {
    const run = payload as LiveRun;
    if (channel === 'run.progress' && run.steps.at(-1)?.name === name && run.steps.at(-1)?.status === 'running') {
      stop();
      then(run);
    }
  });
}

describe('deploy failures', () => {
  it("records builds that fail on evaluation, from the app and the CLI, at the user's file and line", async () => {
    const { fixture, app } = await setup(
      `{\n  web = {\n    packages = { ripgrep = "14.1.0"; git = 2 + "x"; };\n  };\n}\n`,
    );
    const hostsFile = join(fixture.repo.path, 'hosts.nix');
    const batch = await app.services.deploy.build(fixture.repo.path, ['web']);
    const run = await app.services.deploy.finished(batch.runs[0]!.id);
    expect(run.status).toBe('failed');
    expect(run.message).toBe(
      `The configuration of web does not evaluate: cannot add a string to an integer (at ${hostsFile}:3:48). ` +
        `Nothing was sent to web; it runs what it ran before. Fix it at ${hostsFile}:3:48 and build again.`,
    );
    expect(app.services.runs.get(run.id)).toMatchObject({ status: 'failed', message: run.message });
    const log = app.services.runs.log(run.id);
    expect(log).not.toMatch(/[^\r]\n/);
    expect(stripAnsi(log)).toContain(`at ${hostsFile}:3:48:`);

    // Now the host's settings do not evaluate either: nothing can start, and the CLI's build is still a run.
    fixture.setHosts(`{\n  web = {\n    safeName = 1 + "x";\n  };\n}\n`);
    const config = JSON.parse(readFileSync(app.configFile, 'utf8'));
    const cli = await runCliInProcess(['build', 'web', '--flake', fixture.repo.path], {}, config);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(
      `web: FAILED — The configuration of web does not evaluate: cannot add a string to an integer`,
    );
    expect(cli.stderr).toContain(`(at ${hostsFile}:3:`);
    const [recorded] = app.services.runs.list({ host: 'web' });
    expect(recorded).toMatchObject({ kind: 'build', status: 'failed' });
    expect(recorded!.id).not.toBe(run.id);
    expect(recorded!.message).toContain(`${hostsFile}:3:`);
    expect(app.services.runs.get(recorded!.id).steps.map((s) => `${s.name}:${s.status}`)).toEqual(['build:failed']);
  });

  it('stops a failed build before the copy and shows the failing derivation with its last log lines', async () => {
    const { target, fixture, app } = await setup(
      '{ web = { buildFails = true; packages = { ripgrep = "14.1.0"; }; }; }',
    );
    const run = await deployHost(app, fixture.repo.path);
    expect(run.status).toBe('failed');
    expect(stepsOf(run)).toEqual(['build:failed']);
    expect(run.message).toMatch(
      /^nixos-system-web-24\.05\.fixture failed to build\. Nothing was sent to web; it runs what it ran before\. /,
    );
    expect(run.message).toContain("error: option 'services.nope' does not exist");
    expect(run.progress?.failures).toEqual([
      expect.objectContaining({
        name: 'nixos-system-web-24.05.fixture',
        lastLines: [
          'building the system of web',
          'compiling the configuration',
          "error: option 'services.nope' does not exist",
        ],
      }),
    ]);
    const log = stripAnsi(app.services.runs.log(run.id));
    expect(log).toContain('✘ nixos-system-web-24.05.fixture failed; its last log lines:');
    expect(existsSync(target.store)).toBe(false); // nothing was ever copied
    expect(target.profileTarget()).toBeNull();
  });

  it('has the target roll back by itself when the activation cuts the SSH connection, and reports a failure', async () => {
    const { target, fixture, app } = await setup();
    const good = await deployHost(app, fixture.repo.path);
    expect(good.status).toBe('succeeded');

    // A configuration that restarts the network: every connection is cut and new ones fail.
    fixture.setHosts('{ web = { switch = "cuts-ssh"; generation = "2"; packages = { ripgrep = "14.1.0"; }; }; }');
    const bad = await deployHost(app, fixture.repo.path);
    expect(bad.status).toBe('rolled-back');
    expect(bad.message).toMatch(/was not confirmed within \d+ s over a new connection and rolled back to generation 1/);
    expect(stepsOf(bad)).toEqual([
      'build:succeeded',
      'diff:succeeded',
      'approve:skipped',
      'copy:succeeded',
      'profile:succeeded',
      'activate:succeeded',
      'confirm:failed',
      'rollback:succeeded',
    ]);
    expect(bad.steps.find((s) => s.name === 'activate')!.message).toMatch(/connection dropped/);
    expect(target.activations('web')).toEqual([
      `switch ${good.outPath}`,
      `switch ${bad.outPath}`,
      `switch ${good.outPath}`,
    ]);
    expect(target.profileTarget()).toBe(good.outPath);
    expect(target.running()).toBe(good.outPath);
    // The failed generation is gone, and the deploy key works again.
    const { generations } = await app.services.deploy.generations(fixture.repo.path, 'web');
    expect(generations.map((g) => [g.number, g.current])).toEqual([[1, true]]);
    expect(target.sshd.run('echo reachable')).toBe('reachable\n');
    expect(app.services.runs.get(bad.id).status).toBe('rolled-back');
  });

  it('does not count a confirmation over a connection shared with one opened before the switch', async () => {
    const { target, fixture, app } = await setup();
    expect((await deployHost(app, fixture.repo.path)).status).toBe('succeeded');
    const good = target.profileTarget();

    // A multiplexed connection, open from before the switch (ControlMaster, as a user's ssh config may have it).
    const socket = join(target.root, 'mux');
    const master = spawn('ssh', ['-M', '-S', socket, '-N', ...target.sshd.sshArgs()], { stdio: 'ignore' });
    cleanups.push(() => master.kill());
    const end = Date.now() + 60_000;
    while (spawnSync('ssh', ['-S', socket, '-O', 'check', 'x']).status !== 0 && Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // A configuration that locks new connections out but leaves open ones alone.
    fixture.setHosts('{ web = { switch = "locks-out"; generation = "2"; packages = { ripgrep = "14.1.0"; }; }; }');
    const shared: { code: number | null; output: string }[] = [];
    onStep(app, 'confirm', () => {
      const state = join(target.root, 'state');
      const id = readdirSync(state).find(
        (d) => d !== 'lock' && readFileSync(join(state, d, 'status'), 'utf8').trim() === 'switched',
      )!;
      // What a tool that reuses connections would do: confirm through the old one.
      const result = spawnSync(
        'ssh',
        ['-S', socket, ...target.sshd.sshArgs(), remoteCommand(activationArgv('confirm', [state, id]))],
        {
          encoding: 'utf8',
        },
      );
      shared.push({ code: result.status, output: result.stdout });
    });
    const bad = await deployHost(app, fixture.repo.path);

    // The target says how much of its window is left (from the end of its switch), then refuses the old connection.
    expect(shared).toEqual([
      { code: 3, output: expect.stringMatching(/^@flakedeck window-left \d+\n@flakedeck confirm stale-connection\n$/) },
    ]);
    expect(bad.status).toBe('rolled-back');
    // Each new connection was refused until the target went back; the log says so once, not once a second.
    const confirmLog = stripAnsi(app.services.runs.log(bad.id)).split('── confirm ──')[1]!;
    expect(confirmLog.match(/Permission denied/g)).toHaveLength(1);
    expect(bad.message).toMatch(
      /^web was not confirmed within \d+ s over a new connection and rolled back to generation 1: after the switch, web \(127\.0\.0\.1\) refused the SSH login of root: .* web went back to generation 1 by itself\. Check that the new configuration still lets root log in over SSH/,
    );
    expect(target.profileTarget()).toBe(good);
    expect(target.running()).toBe(good);
    // The shared connection itself was fine all along: it proved nothing about new ones.
    expect(spawnSync('ssh', ['-S', socket, '-O', 'check', 'x']).status).toBe(0);
  });

  it('fails the run when the connection drops during the copy, and a second deploy copies and succeeds', async () => {
    const { target, fixture, app } = await setup(
      '{ web = { payloadKiB = 4096; packages = { ripgrep = "14.1.0"; }; }; }',
    );
    const proxy = await startTcpProxy(target.sshd.port);
    cleanups.push(() => proxy.close());
    fixture.pointAt(proxy.port);

    // The copy's connection gets through the handshake and part of the 4 MiB, then the network drops it.
    onStep(app, 'copy', () => proxy.cutAfter(512 * 1024));
    const cut = await deployHost(app, fixture.repo.path);
    expect(proxy.cuts).toBe(1);
    expect(cut.status).toBe('failed');
    expect(stepsOf(cut)).toEqual(['build:succeeded', 'diff:succeeded', 'approve:skipped', 'copy:failed']);
    expect(cut.message).toMatch(
      /^Copying to root@127\.0\.0\.1:\d+ failed: .*\. web was not changed: it runs what it ran before\. Check the free space and the connection to 127\.0\.0\.1, then deploy again\.$/,
    );
    expect(target.storeHasClosure(cut.outPath!)).toBe(false);
    expect(target.profileTarget()).toBeNull();

    proxy.cutAfter(null);
    const retry = await deployHost(app, fixture.repo.path);
    expect(retry.status).toBe('succeeded');
    expect(target.storeHasClosure(retry.outPath!)).toBe(true);
    // Nothing half-copied was left registered as valid.
    execFileSync('nix-store', ['--store', target.store, '--verify', '--check-contents'], { stdio: 'pipe' });
    expect(target.profileTarget()).toBe(retry.outPath);
  });

  it('rolls back when switch-to-configuration fails, and says so', async () => {
    const { target, fixture, app } = await setup();
    const good = await deployHost(app, fixture.repo.path);
    fixture.setHosts('{ web = { switch = "fails"; generation = "2"; packages = { ripgrep = "14.1.0"; }; }; }');
    const bad = await deployHost(app, fixture.repo.path);
    expect(bad.status).toBe('rolled-back');
    expect(bad.message).toBe(
      'switch-to-configuration switch failed on web; the target rolled back to generation 1. ' +
        'web went back to generation 1 by itself and runs what it ran before. ' +
        "The step's terminal shows what the activation printed; fix that and deploy again.",
    );
    expect(stepsOf(bad).slice(-3)).toEqual(['profile:succeeded', 'activate:failed', 'rollback:succeeded']);
    expect(target.profileTarget()).toBe(good.outPath);
    expect(target.running()).toBe(good.outPath);
    expect(app.services.runs.log(bad.id)).toContain('the following units failed: broken.service');
  });
});
