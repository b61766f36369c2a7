// Deploys with real nix to a real sshd on loopback, into a separate store: the path every host takes when it works.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LiveRun } from '../../common/model/runs.ts';
import { stripAnsi } from '../flake/nix-errors.ts';
import { describeDiff } from './closure-diff.ts';
import type { DeployEnvironment } from './settings.ts';
import { cleanupsAfterEach } from '../../tests/support/cleanups.ts';
import { deployHost, openDeployTestbed, runReaches, stepsOf } from '../../tests/support/deploy-services.ts';

const cleanups = cleanupsAfterEach();

const setup = (hosts?: string, env: Partial<DeployEnvironment> = {}) => openDeployTestbed(cleanups, { hosts, env });

describe('deploy', () => {
  it('runs every step, records it, and leaves the target on the new system in its own store', async () => {
    const { target, fixture, app } = await setup();
    const folder = fixture.repo.path;
    const { runs } = await app.services.deploy.deploy(folder, ['web'], 'switch', true);
    const waiting = await runReaches(app, runs[0]!.id, (r) => r.awaitingApproval);
    // Nothing is on the target before the user said yes.
    expect(target.profileTarget()).toBeNull();
    expect(waiting.diff).toMatchObject({
      before: null,
      added: expect.arrayContaining([
        { name: 'ripgrep', before: [], after: ['14.1.0'] },
        { name: 'git', before: [], after: ['2.45.1'] },
      ]),
      removed: [],
      changed: [],
      sizeBefore: 0,
    });
    app.services.deploy.approve(waiting.id);
    const run = await app.services.deploy.finished(waiting.id);

    expect(run.status, run.message ?? '').toBe('succeeded');
    expect(stepsOf(run)).toEqual([
      'build:succeeded',
      'diff:succeeded',
      'approve:succeeded',
      'copy:succeeded',
      'profile:succeeded',
      'activate:succeeded',
      'confirm:succeeded',
    ]);
    const out = run.outPath!;
    expect(out).toMatch(/^\/nix\/store\/[0-9a-z]{32}-nixos-system-web-24\.05\.fixture$/);
    // The copy really copied: the whole closure is valid in the target's own store, which is not this one.
    expect(target.storeHasClosure(out)).toBe(true);
    expect(existsSync(join(target.store, out, 'bin', 'switch-to-configuration'))).toBe(true);
    expect(target.profileTarget()).toBe(out);
    expect(target.running()).toBe(out);
    expect(target.activations('web')).toEqual([`switch ${out}`]);

    // The history has the same record: every step with its times and terminal, the diff, the log.
    const recorded = app.services.runs.get(run.id);
    expect(recorded).toMatchObject({ kind: 'deploy', host: 'web', mode: 'switch', status: 'succeeded', outPath: out });
    expect(recorded.revision).toMatch(/^[0-9a-f]{40}$/);
    expect(recorded.dirty).toBe(true); // target.nix was written after the fixture's commit
    expect(recorded.target).toBe(`root@127.0.0.1:${target.sshd.port}`);
    expect(recorded.steps.map((s) => s.name)).toEqual(run.steps.map((s) => s.name));
    for (const step of recorded.steps) {
      expect(step.endedAt).toBeGreaterThanOrEqual(step.startedAt);
      if (step.name !== 'approve') expect(step.terminalId).toBeTruthy();
    }
    expect(recorded.diff?.added.map((p) => p.name)).toContain('ripgrep');
    const log = app.services.runs.log(run.id);
    for (const text of [
      '── build ──',
      '── copy ──',
      'copying ripgrep-14.1.0',
      'activating web (switch)',
      'confirmed',
    ]) {
      expect(log).toContain(text);
    }
  });

  it('shows what changes between versions, lists generations and rolls back to one', async () => {
    const { target, fixture, app } = await setup();
    const folder = fixture.repo.path;
    const first = await deployHost(app, folder, 'web');
    expect(first.status).toBe('succeeded');

    fixture.setHosts('{ web = { packages = { ripgrep = "14.1.1"; git = "2.45.1"; htop = "3.3.0"; }; }; }');
    const second = await deployHost(app, folder, 'web');
    expect(second.status).toBe('succeeded');
    expect(second.diff).toMatchObject({
      before: first.outPath,
      after: second.outPath,
      changed: [{ name: 'ripgrep', before: ['14.1.0'], after: ['14.1.1'] }],
      added: [{ name: 'htop', before: [], after: ['3.3.0'] }],
      removed: [],
    });
    expect(second.diff!.sizeBefore).toBeGreaterThan(0);
    expect(second.diff!.sizeAfter).toBeGreaterThan(second.diff!.sizeBefore);

    const list = await app.services.deploy.generations(folder, 'web');
    expect(list.generations.map((g) => [g.number, g.current, g.path])).toEqual([
      [1, false, first.outPath],
      [2, true, second.outPath],
    ]);

    const { runs } = await app.services.deploy.rollback(folder, 'web', 1, false);
    const rollback = await app.services.deploy.finished(runs[0]!.id);
    expect(rollback.status).toBe('succeeded');
    expect(rollback.kind).toBe('rollback');
    expect(stepsOf(rollback)).toEqual([
      'build:skipped',
      'diff:succeeded',
      'approve:skipped',
      'copy:skipped',
      'profile:succeeded',
      'activate:succeeded',
      'confirm:succeeded',
    ]);
    expect(rollback.diff).toMatchObject({
      removed: [{ name: 'htop' }],
      changed: [{ name: 'ripgrep', after: ['14.1.0'] }],
    });
    expect(target.profileTarget()).toBe(first.outPath);
    expect(target.running()).toBe(first.outPath);
    expect(target.activations('web').at(-1)).toBe(`switch ${first.outPath}`);
    const after = await app.services.deploy.generations(folder, 'web');
    expect(after.generations.find((g) => g.current)?.number).toBe(1);

    await expect(app.services.deploy.rollback(folder, 'web', 1, false)).rejects.toThrow(/already web's current one/);
    await expect(app.services.deploy.rollback(folder, 'web', 9, false)).rejects.toThrow(/has no system generation 9/);
  });

  it("names the other host whose system the target runs in the diff, its log and the CLI's question", async () => {
    const { fixture, app } = await setup('{ web = { }; db = { }; "web-2" = { }; }');
    const folder = fixture.repo.path;
    // All hosts of the fixture share one target: after db, it runs db's system.
    expect((await deployHost(app, folder, 'db')).status).toBe('succeeded');
    const web = await deployHost(app, folder, 'web');
    expect(web.diff!.before).toMatch(/-nixos-system-db-24\.05\.fixture$/);
    expect(web.diff!.runsSystemOf).toBe('db');
    expect(describeDiff(web.diff!, 'web')[0]).toBe(
      "warning: web runs the system of db (nixos-system-db-24.05.fixture): its deploy target may be db's machine, " +
        'and deploying would turn that machine into web.',
    );
    expect(stripAnsi(app.services.runs.log(web.id))).toContain('warning: web runs the system of db');
    // Its own system is no other host's; web-2's system is web-2's, though its name starts like web's.
    expect((await deployHost(app, folder, 'web')).diff!.runsSystemOf).toBeNull();
    expect((await deployHost(app, folder, 'web-2')).diff!.runsSystemOf).toBe('web');
    expect((await deployHost(app, folder, 'web')).diff!.runsSystemOf).toBe('web-2');
  });

  it('honours the modes: test runs it without the profile, boot sets the profile only, dry-activate changes nothing', async () => {
    const { target, fixture, app } = await setup();
    const folder = fixture.repo.path;
    const base = await deployHost(app, folder, 'web');
    fixture.setHosts('{ web = { packages = { ripgrep = "15.0.0"; }; }; }');

    const test = await deployHost(app, folder, 'web', 'test');
    expect(test.status).toBe('succeeded');
    expect(stepsOf(test)).toContain('profile:skipped');
    expect(stepsOf(test)).toContain('confirm:succeeded');
    expect(target.running()).toBe(test.outPath);
    expect(target.profileTarget()).toBe(base.outPath);

    const dry = await deployHost(app, folder, 'web', 'dry-activate');
    expect(dry.status).toBe('succeeded');
    expect(stepsOf(dry)).toEqual(expect.arrayContaining(['profile:skipped', 'activate:succeeded', 'confirm:skipped']));
    expect(target.profileTarget()).toBe(base.outPath);
    expect(target.activations('web').at(-1)).toBe(`dry-activate ${dry.outPath}`);

    const boot = await deployHost(app, folder, 'web', 'boot');
    expect(boot.status).toBe('succeeded');
    expect(stepsOf(boot)).toEqual(
      expect.arrayContaining(['profile:succeeded', 'activate:succeeded', 'confirm:skipped']),
    );
    expect(target.profileTarget()).toBe(boot.outPath);
    expect(target.activations('web').at(-1)).toBe(`boot ${boot.outPath}`);
  });

  it('passes host names and attributes with shell characters as data, never as commands', async () => {
    const canary = join(tmpdir(), `flakedeck-pwned-${process.pid}`);
    const nasty = `web'; touch ${canary}; echo '$(touch ${canary})\`touch ${canary}\``;
    const { target, fixture, app } = await setup(
      `{ ${JSON.stringify(nasty).replaceAll('$', '\\$')} = { safeName = "nasty"; packages = { ripgrep = "14.1.0"; }; }; }`,
    );
    const run = await deployHost(app, fixture.repo.path, nasty);
    expect(run.status, run.message ?? '').toBe('succeeded');
    expect(run.host).toBe(nasty);
    expect(app.services.runs.list()[0]!.host).toBe(nasty);
    expect(target.activations('nasty')).toEqual([`switch ${run.outPath}`]);
    expect(existsSync(canary)).toBe(false);

    // A target that is not a host name fails the run before anything runs on it, recorded with why.
    fixture.setHosts(`{ evil = { deploy.targetHost = "-oProxyCommand=touch ${canary}"; }; }`);
    const evil = await deployHost(app, fixture.repo.path, 'evil');
    expect(evil.status).toBe('failed');
    expect(evil.message).toMatch(
      /^evil: "-oProxyCommand=touch [^"]+" is not a host name or address ssh can be given\. /,
    );
    expect(existsSync(canary)).toBe(false);
    expect(app.services.runs.list()).toHaveLength(2);
  });

  it('builds on the target when the host says so, and copies nothing', async () => {
    const { target, fixture, app } = await setup(
      `{ web = { deploy.buildOn = "remote"; packages = { remote-only = "${process.pid}.${Date.now()}"; }; }; }`,
    );
    const run = await deployHost(app, fixture.repo.path, 'web');
    expect(run.status, run.message ?? '').toBe('succeeded');
    expect(stepsOf(run)).toContain('copy:skipped');
    expect(run.steps[0]!.message).toContain(`built on root@127.0.0.1:${target.sshd.port}`);
    expect(target.storeHasClosure(run.outPath!)).toBe(true);
    // Never built here: the path exists only in the target's store.
    expect(() => execFileSync('nix', ['path-info', run.outPath!], { stdio: 'ignore' })).toThrow();
    expect(target.profileTarget()).toBe(run.outPath);
  });

  it('builds several hosts at once, never more than the bound', async () => {
    const unique = `${process.pid}-${Date.now()}`;
    const spec = `{ buildSeconds = 2; generation = "${unique}"; }`;
    const { fixture, app } = await setup(`{ a = ${spec}; b = ${spec}; c = ${spec}; }`, { parallel: 2 });
    const { runs } = await app.services.deploy.build(fixture.repo.path, ['a', 'b', 'c']);
    const built = await Promise.all(runs.map((r) => app.services.deploy.finished(r.id)));
    expect(built.map((r) => [r.host, r.status])).toEqual([
      ['a', 'succeeded'],
      ['b', 'succeeded'],
      ['c', 'succeeded'],
    ]);
    const spans = built.map((r) => r.steps[0]!).map((s) => [s.startedAt, s.endedAt!] as const);
    const overlapping = (at: number) => spans.filter(([start, end]) => start <= at && at < end).length;
    expect(Math.max(...spans.map(([start]) => overlapping(start)))).toBe(2);
    expect(built.every((r) => r.outPath?.endsWith('24.05.fixture'))).toBe(true);
  });

  it("says which machine builds what when nix's remote builders do the building", async () => {
    const { target, fixture, app } = await setup(
      `{ web = { buildSeconds = 1; generation = "remote-${process.pid}-${Date.now()}"; }; }`,
    );
    // The user's nix settings, as nix.conf would give them: a builder (the loopback target, its own store).
    const builder = `ssh://root@127.0.0.1?remote-store=${target.root}/builder-store`;
    const saved = { NIX_CONFIG: process.env.NIX_CONFIG, NIX_SSHOPTS: process.env.NIX_SSHOPTS };
    process.env.NIX_CONFIG = `${saved.NIX_CONFIG ?? ''}\nbuilders = ${builder} x86_64-linux\nmax-jobs = 0`;
    process.env.NIX_SSHOPTS = ['-p', String(target.sshd.port), ...target.env.sshOptions!].join(' ');
    cleanups.push(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });
    const machines = new Set<string>();
    app.services.events.connect((channel, payload) => {
      if (channel === 'run.progress')
        (payload as LiveRun).progress?.running.forEach((b) => machines.add(`${b.name} on ${b.machine}`));
    });
    const { runs } = await app.services.deploy.build(fixture.repo.path, ['web']);
    const run = await app.services.deploy.finished(runs[0]!.id);
    expect(run.status, run.message ?? '').toBe('succeeded');
    expect(machines).toContain(`nixos-system-web-24.05.fixture on ${builder}`);
    expect(stripAnsi(app.services.runs.log(run.id))).toContain(`building nixos-system-web-24.05.fixture on ${builder}`);
  });

  it('cancels a deploy during its build, and nothing reaches the target', async () => {
    const { target, fixture, app } = await setup(
      `{ web = { buildSeconds = 60; generation = "cancel-${process.pid}-${Date.now()}"; }; }`,
    );
    const { runs } = await app.services.deploy.deploy(fixture.repo.path, ['web'], 'switch', false);
    await runReaches(app, runs[0]!.id, (r) => (r.progress?.running.length ?? 0) > 0);
    const started = Date.now();
    // The page shows it as stopping at once, while the build winds down.
    const cancelling = runReaches(app, runs[0]!.id, (r) => r.cancelling === true && r.status === 'running');
    app.services.deploy.cancel(runs[0]!.id);
    await cancelling;
    const run = await app.services.deploy.finished(runs[0]!.id);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.status).toBe('cancelled');
    expect(stepsOf(run)).toEqual(['build:cancelled']);
    expect(target.profileTarget()).toBeNull();
    expect(existsSync(target.store)).toBe(false);
  });

  it('refuses a host the flake does not declare before anything runs', async () => {
    const { fixture, app } = await setup();
    await expect(app.services.deploy.deploy(fixture.repo.path, ['web', 'nope'], 'switch', false)).rejects.toMatchObject(
      {
        code: 'UNKNOWN_HOST',
        message: expect.stringContaining('"nope" is not a host'),
        hint: 'Its hosts: db, web.',
      },
    );
    expect(app.services.runs.list()).toEqual([]);
  });
});
