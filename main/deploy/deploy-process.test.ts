// Deploys across processes: the CLI, one deploy per host among several Flakedeck processes, and an app killed
// with SIGKILL in the middle of a deploy.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LiveRun, RunSummary } from '../../common/model/runs.ts';
import { runCli } from '../cli.ts';
import { awkwardPrefix, repoRoot } from '../../tests/support/fixture-flake.ts';
import { cleanupsAfterEach } from '../../tests/support/cleanups.ts';
import { deployHost, openDeployTestbed } from '../../tests/support/deploy-services.ts';
import type { DeployServices } from '../../tests/support/deploy-services.ts';

const cleanups = cleanupsAfterEach();

// In a folder whose name nix's flake references cannot hold as it is: every command must take it.
const setup = (hosts?: string) => openDeployTestbed(cleanups, { hosts, folderPrefix: awkwardPrefix });

/** The CLI in this process, with the test target's settings; --flake is the fixture (history takes none). */
async function cli(app: DeployServices, folder: string | null, args: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { out: (t: string) => void (stdout += t), err: (t: string) => void (stderr += t) };
  const config = { ...app.services.config };
  const code = await runCli(folder ? [...args, '--flake', folder] : args, io, config);
  return { code, stdout, stderr };
}

/** The CLI as a process of its own (another Flakedeck next to the test's), with the same history. */
function cliProcess(app: DeployServices, folder: string, args: string[]) {
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'tests/support/cli-with-config.ts'), app.configFile, ...args, '--flake', folder],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

async function until<T>(probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return exited;
}

describe('flakedeck build, deploy, generations, rollback, history', () => {
  it('builds and prints the out path alone on stdout; refuses an unknown host before anything runs', async () => {
    const { fixture, app } = await setup();
    const built = await cli(app, fixture.repo.path, ['build', 'web', 'db']);
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(
      /^\/nix\/store\/[0-9a-z]{32}-nixos-system-web-24\.05\.fixture\n\/nix\/store\/[0-9a-z]{32}-nixos-system-db-24\.05\.fixture\n$/,
    );
    expect(built.stderr).toContain('web | ');
    expect(app.services.runs.list().map((r) => [r.kind, r.host, r.status])).toEqual([
      ['build', 'db', 'succeeded'],
      ['build', 'web', 'succeeded'],
    ]);

    const unknown = await cli(app, fixture.repo.path, ['deploy', 'web', 'nope', '--yes']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('"nope" is not a host of');
    expect(unknown.stderr).toContain('Its hosts: db, web.');
    expect(app.services.runs.list()).toHaveLength(2);
  });

  it('deploys with --yes, exits non-zero when the host rolled back, lists generations, rolls back, shows history', async () => {
    const { target, fixture, app } = await setup();
    const folder = fixture.repo.path;
    const good = await cli(app, folder, ['deploy', 'web', '--yes']);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/^web: succeeded — web runs \/nix\/store\/\S+, confirmed\. \(run #1\)\n$/);
    expect(good.stderr).toContain('── confirm ──');
    const first = target.profileTarget();

    fixture.setHosts('{ web = { switch = "fails"; packages = { ripgrep = "14.1.0"; }; }; }');
    const bad = await cli(app, folder, ['deploy', 'web', '--yes', '--mode', 'switch']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('web: ROLLED BACK (failed) — switch-to-configuration switch failed on web');

    fixture.setHosts('{ web = { packages = { ripgrep = "14.2.0"; }; }; }');
    expect((await cli(app, folder, ['deploy', 'web', '-y'])).code).toBe(0);
    const generations = await cli(app, folder, ['generations', 'web']);
    expect(generations.stdout).toMatch(
      /^ {4}1 {2}\S+ \S+ {13}\/nix\/store\/\S+\n {4}2 {2}\S+ \S+ {2}\(current\) {2}\/nix\/store\/\S+\n$/,
    );

    // Without a generation: the one before the current.
    const rollback = await cli(app, folder, ['rollback', 'web', '--yes']);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stdout).toContain('web is back at generation 1');
    expect(target.profileTarget()).toBe(first);

    const history = await cli(app, null, ['history', '--json']);
    const runs = JSON.parse(history.stdout) as RunSummary[];
    expect(runs.map((r) => [r.kind, r.status])).toEqual([
      ['rollback', 'succeeded'],
      ['deploy', 'succeeded'],
      ['deploy', 'rolled-back'],
      ['deploy', 'succeeded'],
    ]);
    const shown = await cli(app, null, ['history', String(runs[2]!.id)]);
    expect(shown.stdout).toMatch(/rollback +succeeded/);
    expect(shown.stdout).toMatch(/confirm|activate +failed/);
    // Five activations, each a new ssh login and a switch: minutes on a loaded machine.
  }, 600_000);

  it('asks before deploying, with what changes, and a no deploys nothing', async () => {
    const { target, fixture, app } = await setup();
    const { child, done } = cliProcess(app, fixture.repo.path, ['deploy', 'web']);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('Deploy (switch) to web? [y/N]')) child.stdin.end('n\n');
    });
    const result = await done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('+ ripgrep 14.1.0');
    expect(result.stderr).toMatch(/closure: 0 B → [\d.]+ kB/);
    expect(result.stderr).toContain('web: cancelled');
    expect(target.profileTarget()).toBeNull();
  });

  it("--yes alone deploys over no other host's system; --allow-other-system does, after the refusal named it", async () => {
    const { target, fixture, app } = await setup('{ web = { }; db = { }; }');
    const folder = fixture.repo.path;
    // Both hosts share the test target: after this deploy it runs db's system.
    const db = await deployHost(app, folder, 'db');
    expect(db.status).toBe('succeeded');

    const refused = await cliProcess(app, folder, ['deploy', 'web', '--yes']).done;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "web: cancelled — web's deploy target runs the system of db (nixos-system-db-24.05.fixture), and --yes alone " +
        "does not replace another host's system: pass --allow-other-system as well to turn that machine into web.",
    );
    expect(target.running()).toBe(db.outPath);
    expect(target.activations('web')).toEqual([]);

    const allowed = await cliProcess(app, folder, ['deploy', 'web', '--yes', '--allow-other-system']).done;
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toMatch(/^web: succeeded/);
    expect(target.running()).toMatch(/-nixos-system-web-24\.05\.fixture$/);
  }, 400_000);
});

describe('deploys across processes', () => {
  it('refuses a second deploy of a host while one runs, in this process and in another', async () => {
    const { fixture, app } = await setup();
    const folder = fixture.repo.path;
    const { runs } = await app.services.deploy.deploy(folder, ['web'], 'switch', true);
    await until(() => app.services.deploy.status().find((r) => r.awaitingApproval));

    await expect(app.services.deploy.deploy(folder, ['db', 'web'], 'switch', false)).rejects.toMatchObject({
      code: 'BUSY',
      message: `web is already being deployed (run #${runs[0]!.id}, a deploy); one deploy per host runs at a time.`,
    });
    const other = await cliProcess(app, folder, ['deploy', 'web', '--yes']).done;
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('web is already being deployed');
    // Refused as a whole: db did not start either, and nothing was recorded for it.
    expect(app.services.runs.list().map((r) => r.host)).toEqual(['web']);

    app.services.deploy.cancel(runs[0]!.id);
    const cancelled = await app.services.deploy.finished(runs[0]!.id);
    expect(cancelled.status).toBe('cancelled');
    const again = await app.services.deploy.deploy(folder, ['web'], 'switch', false);
    expect((await app.services.deploy.finished(again.runs[0]!.id)).status).toBe('succeeded');
  });

  it('marks a run interrupted when the app is killed with SIGKILL mid-deploy; the target rolls back by itself', async () => {
    const { target, fixture, app } = await setup();
    const folder = fixture.repo.path;
    const good = await app.services.deploy.deploy(folder, ['web'], 'switch', false);
    const first = (await app.services.deploy.finished(good.runs[0]!.id)).outPath;

    fixture.setHosts('{ web = { switchSeconds = 2; packages = { ripgrep = "14.3.0"; }; }; }');
    const { child } = cliProcess(app, folder, ['deploy', 'web', '--yes']);
    // Killed while the target switches: nobody is left to confirm.
    const run = await until(() =>
      app.services.runs
        .list()
        .find((r) => r.status === 'running' && app.services.runs.get(r.id).steps.some((s) => s.name === 'activate')),
    );
    await kill9(child);

    expect(app.services.runs.sweepInterrupted()).toBe(1);
    const recorded = app.services.runs.get(run.id);
    expect(recorded.status).toBe('interrupted');
    expect(recorded.message).toMatch(/Flakedeck stopped while this ran/);
    expect(recorded.steps.at(-1)).toMatchObject({ name: 'activate', status: 'interrupted' });
    expect(recorded.steps.slice(0, -1).every((s) => s.status === 'succeeded' || s.status === 'skipped')).toBe(true);
    expect(app.services.runs.log(run.id)).toContain('── activate ──');

    // The switch finished without the app, was never confirmed, and went back.
    // After the target's whole confirmation window, however long the loaded machine takes.
    await until(() => (target.activations('web').length === 3 ? true : undefined), 180_000);
    expect(target.activations('web')[2]).toBe(`switch ${first}`);
    expect(target.profileTarget()).toBe(first);
    const history = await cli(app, null, ['history']);
    expect(history.stdout).toMatch(new RegExp(`#${run.id} .* deploy +web +switch +interrupted`));
  }, 400_000);
});

export type { LiveRun };
