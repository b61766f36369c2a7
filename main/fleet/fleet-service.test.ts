// The fleet's live state against real hosts: loopback sshds running the deploy fixture's systems, checked by the
// services and by `flakedeck status`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetStatus, HostStatus } from '../../common/model/fleet.ts';
import { deployServices } from '../../tests/support/deploy-services.ts';
import type { DeployServices } from '../../tests/support/deploy-services.ts';
import { setUpScenario, startScenarioTestbed } from '../../tests/support/fleet-testbed.ts';
import type { FleetTestbed } from '../../tests/support/fleet-testbed.ts';
import { runCliInProcess } from '../../tests/support/run-cli.ts';

let bed: FleetTestbed;
let app: DeployServices;
let folder: string;

beforeAll(async () => {
  bed = await startScenarioTestbed();
  folder = bed.repo.path;
  app = deployServices(bed.targets.get('current')!, folder, { sshOptions: bed.sshOptions }, { fleet: bed.fleet });
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
