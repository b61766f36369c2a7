// A deploy on a busy machine, with real nix and a real sshd: a target whose switch takes far longer than the app's
// usual timings, with the connection that started it dropped half-way, is still confirmed; one that then locks SSH
// out goes back by itself and the run says so; "needs attention" only when the rollback could not run, and why.

import { chmodSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { cleanupsAfterEach } from '../../tests/support/cleanups.ts';
import {
  deployHost,
  openDeployTestbed,
  runReaches,
  stepRunning,
  stepsOf,
  unattendedDeploySteps,
} from '../../tests/support/deploy-services.ts';
import { startTcpProxy } from '../../tests/support/tcp-proxy.ts';

const cleanups = cleanupsAfterEach();

/**
 * The target's window is the test target's 20 s; the app gives up after hearing nothing for that window and 20 s
 * more. The slow switches below sleep 45 s and 30 s: past both, counted from when the app began to confirm.
 */
const giveUpSeconds = 20;

async function slowTarget() {
  const bed = await openDeployTestbed(cleanups, { env: { confirmGiveUpSeconds: giveUpSeconds } });
  // Every connection goes through a relay the test can cut, as a network that drops for a moment.
  const proxy = await startTcpProxy(bed.target.sshd.port);
  cleanups.push(() => proxy.close());
  bed.fixture.pointAt(proxy.port);
  return { ...bed, proxy };
}

const host = (spec: string) => `{ web = { ${spec} packages = { ripgrep = "14.1.0"; }; }; }`;

describe('a deploy on a busy machine', () => {
  it('confirms a switch that takes longer than every timing of the app, after the connection that started it dropped', async () => {
    const { target, fixture, app, proxy } = await slowTarget();
    fixture.setHosts(host(`switchSeconds = 45; generation = "slow-${process.pid}-${Date.now()}";`));
    const { runs } = await app.services.deploy.deploy(fixture.repo.path, ['web'], 'switch', false);
    await runReaches(app, runs[0]!.id, stepRunning('activate'));
    // The target is switching: the connection that started it drops, and the app goes on to confirm meanwhile.
    proxy.cutOpen();
    const run = await app.services.deploy.finished(runs[0]!.id);

    expect(run.status, run.message ?? '').toBe('succeeded');
    expect(stepsOf(run)).toEqual(unattendedDeploySteps);
    expect(run.steps.find((s) => s.name === 'activate')!.message).toMatch(/connection dropped/);
    // The app kept asking while the target said it was still switching, well past its own give-up time.
    const confirm = run.steps.find((s) => s.name === 'confirm')!;
    expect(confirm.endedAt! - confirm.startedAt).toBeGreaterThan(giveUpSeconds * 1000);
    expect(app.services.runs.log(run.id)).toContain('confirmation: switching');
    expect(target.running()).toBe(run.outPath);
    expect(target.profileTarget()).toBe(run.outPath);
    expect(target.activations('web')).toEqual([`switch ${run.outPath}`]);
  }, 400_000);

  it('has a slow switch that locks SSH out roll back by itself, and the run says so', async () => {
    const { target, fixture, app, proxy } = await slowTarget();
    const good = await deployHost(app, fixture.repo.path);
    expect(good.status, good.message ?? '').toBe('succeeded');

    // Slow, and at its end new SSH logins fail (like a changed port or firewall): nobody can confirm it.
    fixture.setHosts(host(`switch = "locks-out"; switchSeconds = 30; generation = "2";`));
    const { runs } = await app.services.deploy.deploy(fixture.repo.path, ['web'], 'switch', false);
    await runReaches(app, runs[0]!.id, stepRunning('activate'));
    proxy.cutOpen();
    const bad = await app.services.deploy.finished(runs[0]!.id);

    expect(bad.status, bad.message ?? '').toBe('rolled-back');
    expect(bad.message).toMatch(
      /^web was not confirmed within 20 s over a new connection and rolled back to generation 1: after the switch, web \(127\.0\.0\.1\) refused the SSH login of root: .* web went back to generation 1 by itself\./,
    );
    expect(stepsOf(bad).slice(-3)).toEqual(['activate:succeeded', 'confirm:failed', 'rollback:succeeded']);
    expect(target.running()).toBe(good.outPath);
    expect(target.profileTarget()).toBe(good.outPath);
    expect(target.activations('web')).toEqual([
      `switch ${good.outPath}`,
      `switch ${bad.outPath}`,
      `switch ${good.outPath}`,
    ]);
    expect(target.sshd.run('echo reachable')).toBe('reachable\n');
    expect(app.services.runs.get(bad.id)).toMatchObject({ status: 'rolled-back', message: bad.message });
  }, 400_000);

  it('says the host needs attention only when its rollback could not run, and why', async () => {
    const { target, fixture, app, proxy } = await slowTarget();
    const good = await deployHost(app, fixture.repo.path);
    expect(good.status, good.message ?? '').toBe('succeeded');

    fixture.setHosts(host('generation = "2";'));
    const { runs } = await app.services.deploy.deploy(fixture.repo.path, ['web'], 'switch', false);
    await runReaches(app, runs[0]!.id, stepRunning('confirm'));
    // The network drops every new connection, so no confirmation arrives; meanwhile the system the target would go
    // back to vanishes from its store. Once the target has tried, the network is back.
    proxy.cutAfter(0);
    const previous = join(target.store, good.outPath!);
    chmodSync(previous, 0o755);
    rmSync(previous, { recursive: true, force: true });
    await vi.waitFor(() => expect(activationStatuses(target.root)).toContain('rollback-failed'), {
      timeout: 120_000,
      interval: 200,
    });
    proxy.cutAfter(null);
    const bad = await app.services.deploy.finished(runs[0]!.id);

    expect(bad.status).toBe('failed');
    expect(bad.message).toMatch(
      /^web was not confirmed and its rollback could not run \(There was no previous system to switch back to\): the host needs attention\. web tried to go back to generation 1 by itself and could not/,
    );
    expect(stepsOf(bad).slice(-2)).toEqual(['confirm:failed', 'rollback:failed']);
    expect(bad.steps.at(-1)!.message).toBe('The rollback failed: There was no previous system to switch back to.');
  }, 400_000);
});

/** The status of every activation on the test target. */
function activationStatuses(root: string): string[] {
  const state = join(root, 'state');
  return readdirSync(state)
    .filter((d) => d !== 'lock' && existsSync(join(state, d, 'status')))
    .map((d) => readFileSync(join(state, d, 'status'), 'utf8').trim());
}
