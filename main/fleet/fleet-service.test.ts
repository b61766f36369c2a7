// The fleet's live state against real hosts: loopback sshds running the deploy fixture's systems, checked by the
// services and by `flakedeck status`.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetStatus, HostStatus } from '../../common/model/fleet.ts';
import { deployServices } from '../../tests/support/deploy-services.ts';
import type { DeployServices } from '../../tests/support/deploy-services.ts';
import { setUpScenario, startScenarioTestbed } from '../../tests/support/fleet-testbed.ts';
import type { FleetTestbed } from '../../tests/support/fleet-testbed.ts';
import { runCliInProcess } from '../../tests/support/run-cli.ts';
import { sshControlParent } from '../targets/settings.ts';

let bed: FleetTestbed;
let app: DeployServices;
let folder: string;

beforeAll(async () => {
  bed = await startScenarioTestbed();
  folder = bed.repo.path;
  // Shared ssh connections, as the app has them.
  app = deployServices(
    bed.targets.get('current')!,
    folder,
    { sshOptions: bed.sshOptions, sshControlDir: sshControlParent() },
    { fleet: bed.fleet },
  );
  await setUpScenario(bed, app.services);
}, 180_000);

afterAll(async () => {
  app?.close();
  await bed?.close();
});

function byHost(status: FleetStatus): Record<string, HostStatus> {
  return Object.fromEntries(status.hosts.map((h) => [h.host, h]));
}

describe('the live state of a fleet', () => {
  it('tells up to date, behind, unreachable, reboot needed and failed units apart', async () => {
    const status = byHost(await app.services.fleet.refreshAndWait(folder));
    expect(status.current).toMatchObject({ freshness: 'up-to-date', old: false, live: { reachable: true } });
    expect(status.current!.live!.reading).toMatchObject({
      rebootNeeded: false,
      failedUnits: [],
      generation: 1,
      nixosVersion: '24.05.fixture',
      kernel: 'linux-6.6.1',
    });
    expect(status.behind).toMatchObject({ freshness: 'behind', runningOrigin: { kind: 'build' } });
    expect(status.behind!.freshnessDetail).toMatch(/^Runs the build of [0-9a-f]{7} \(run #\d+\)/);
    expect(status.gone).toMatchObject({ freshness: 'unknown', live: { reachable: false, reading: null } });
    expect(status.gone!.live!.error).toMatch(/refused/i);
    expect(status.reboot).toMatchObject({ freshness: 'up-to-date' });
    expect(status.reboot!.live!.reading).toMatchObject({
      rebootNeeded: true,
      rebootReasons: ['kernel', 'initrd', 'kernel-modules'],
      generation: 2,
    });
    expect(status.failing!.live!.reading!.failedUnits).toEqual(['broken.service']);
  }, 120_000);

  it('answers from the database at once, before any host is asked again', async () => {
    const status = byHost(await app.services.fleet.status(folder));
    expect(status.current).toMatchObject({ freshness: 'up-to-date', checking: false, live: { reachable: true } });
    expect(status.gone!.live!.reachable).toBe(false);
  });

  it('`flakedeck status` prints the same as JSON and exits 1 unless every host is up and up to date', async () => {
    const all = await runCliInProcess(['status', '--flake', folder, '--json'], {}, app.services.config);
    expect(all.code).toBe(1);
    const printed = JSON.parse(all.stdout) as FleetStatus;
    expect(byHost(printed).behind!.freshness).toBe('behind');
    const good = await runCliInProcess(['status', 'current', 'reboot', '--flake', folder], {}, app.services.config);
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/current\s+up to date/);
    expect(good.stdout).toMatch(/reboot\s+up to date.*reboot needed/);
  }, 120_000);

  it('keeps the last reading of a host that went away, marked old', async () => {
    const before = byHost(await app.services.fleet.status(folder)).failing!;
    await bed.targets.get('failing')!.sshd.stop();
    const after = byHost(await app.services.fleet.refreshAndWait(folder, ['failing'])).failing!;
    expect(after.live).toMatchObject({ reachable: false, seenAt: before.live!.seenAt });
    expect(after.live!.checkedAt).toBeGreaterThan(before.live!.checkedAt);
    expect(after.live!.reading!.failedUnits).toEqual(['broken.service']);
    expect(after.old).toBe(true);
  }, 60_000);
});

/** The pid of the ssh master behind a control socket (asked through the socket itself). */
function masterPid(socket: string): number {
  const answer = spawnSync('ssh', ['-o', `ControlPath=${socket}`, '-O', 'check', '--', 'flakedeck'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  const pid = /pid=(\d+)/.exec(answer.stderr)?.[1];
  if (!pid) throw new Error(`no master behind ${socket}: ${answer.stderr}`);
  return Number(pid);
}

/** Running, or stopped: not gone and not a zombie (an ended master waits for whoever adopted it to reap it). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('a host checked for the first time', () => {
  it('is sent as being checked with nothing known, never as unreachable, until it answers', async () => {
    // A history of its own: nothing was ever known about the hosts.
    const fresh = deployServices(
      bed.targets.get('current')!,
      folder,
      { sshOptions: bed.sshOptions },
      { fleet: bed.fleet },
    );
    const sent: HostStatus[] = [];
    fresh.services.events.connect((channel, payload) => {
      const { status } = payload as { status: HostStatus };
      if (channel === 'fleet.host' && status.host === 'current') sent.push(structuredClone(status));
    });
    try {
      await fresh.services.fleet.refreshAndWait(folder, ['current']);
      expect(sent[0]).toMatchObject({ checking: true, live: null, freshness: 'unknown' });
      expect(sent.at(-1)).toMatchObject({ checking: false, live: { reachable: true }, freshness: 'up-to-date' });
      expect(sent.filter((s) => s.live && !s.live.reachable)).toEqual([]);
    } finally {
      fresh.close();
    }
  }, 120_000);
});

describe('shared ssh connections', () => {
  it('check a host over one connection; a master that stops answering holds a check up only until its timeout', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'flakedeck-control-'));
    const quick = deployServices(
      bed.targets.get('current')!,
      folder,
      { sshOptions: bed.sshOptions, sshControlDir: parent },
      { fleet: { ...bed.fleet, timeoutSeconds: 10 } },
    );
    const stopped: number[] = [];
    try {
      const check = async () => byHost(await quick.services.fleet.refreshAndWait(folder, ['current'])).current!.live!;
      expect(await check()).toMatchObject({ reachable: true });
      const connections = quick.services.targets.connections!;
      const privateFolder = connections.folder!;
      // Only this user may reach the connections.
      expect(statSync(privateFolder).mode & 0o777).toBe(0o700);
      const [name] = readdirSync(privateFolder);
      const socket = join(privateFolder, name!);
      const first = masterPid(socket);
      expect(await check()).toMatchObject({ reachable: true });
      expect(masterPid(socket)).toBe(first);

      // A master that hangs: the check gives up at its timeout, and the next one makes a new connection.
      process.kill(first, 'SIGSTOP');
      stopped.push(first);
      const started = Date.now();
      expect(await check()).toMatchObject({ reachable: false, error: 'No answer within 10 s.' });
      expect(Date.now() - started).toBeLessThan(40_000);
      expect(await check()).toMatchObject({ reachable: true });
      const second = masterPid(socket);
      expect(second).not.toBe(first);

      // A master that died leaves its socket behind: the next check starts a new one over it.
      process.kill(second, 'SIGKILL');
      await expect.poll(() => alive(second)).toBe(false);
      expect(existsSync(socket)).toBe(true);
      expect(await check()).toMatchObject({ reachable: true });
      const third = masterPid(socket);

      // Quitting ends the connections and removes their folder.
      quick.close();
      await expect.poll(() => alive(third), { timeout: 20_000 }).toBe(false);
      await expect.poll(() => existsSync(privateFolder), { timeout: 20_000 }).toBe(false);
    } finally {
      quick.close();
      for (const pid of stopped) if (alive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(parent, { recursive: true, force: true });
    }
  }, 180_000);

  it('are never used by a deploy confirmation: it must prove that a new connection works', async () => {
    const target = await app.services.targets.forHost(folder, 'current');
    const confirm = target.command(['true'], { fresh: true, batch: true });
    expect(confirm.args).toEqual(expect.arrayContaining(['ControlMaster=no', 'ControlPath=none']));
    expect(confirm.args.join(' ')).not.toMatch(/ControlMaster=auto/);
  });
});
