// The fleet's live state on 8 loopback hosts (one sshd each): a refresh of all of them against one host's refresh
// (parallel, not serial: at most 1.3x, as far as this machine has room for 8 at once), and the Hosts page's first
// answer, the last known state from the database, against one host's check.

import { loadavg } from 'node:os';
import type { Benchmark } from './bench.ts';
import { medianMs, pairedRatio } from './bench.ts';
import { deployServices } from '../tests/support/deploy-services.ts';
import { startFleetTestbed } from '../tests/support/fleet-testbed.ts';
import { defaultFleetEnvironment } from '../main/fleet/fleet-service.ts';
import { probeHost } from '../main/fleet/host-probe.ts';
import type { ProbeEnvironment } from '../main/fleet/host-probe.ts';
import { sshControlParent } from '../main/targets/settings.ts';

const hostCount = 8;
const runs = 7;

export const benchmark: Benchmark = {
  name: 'fleet: live state of 8 hosts',
  async run() {
    const names = Array.from({ length: hostCount }, (_, i) => `host${i + 1}`);
    const bed = await startFleetTestbed(
      Object.fromEntries(names.map((name, i) => [name, { spec: `packages = { tool = "1.${i}"; };` }])),
    );
    const app = deployServices(
      bed.targets.get(names[0]!)!,
      bed.repo.path,
      // Shared ssh connections, as the app has them.
      { sshOptions: bed.sshOptions, sshControlDir: sshControlParent() },
      { fleet: bed.fleet },
    );
    const folder = bed.repo.path;
    const fleet = app.services.fleet;
    try {
      const systems = bed.build(names);
      for (const name of names) bed.setSystem(name, systems[name]!);
      // Warm: manifests and the flake's systems are evaluated, every host has answered once.
      await fleet.refreshAndWait(folder);

      // The same status checks without the service around them (one ssh each through the host's shared connection,
      // read into a state), alone and all at once. On loopback every "host" works on this machine's own CPU, so 8 at
      // once take longer than one as far as this machine's cores fall short, which no app can change; real hosts
      // work on their own. The figure is the refresh's ratio over the bare checks' ratio, each side in alternating
      // pairs with its bare check: on a machine with room for 8 at once the bare ratio is 1, and the figure is the
      // refresh of 8 against the slowest single host's.
      const probes = new Map(
        await Promise.all(
          names.map(async (name) => {
            const target = await app.services.targets.forHost(folder, name);
            const env = { ...defaultFleetEnvironment, ...bed.fleet, ...bed.fleet.hosts![name]! } as ProbeEnvironment;
            return [name, () => probeHost(target, env, [])] as const;
          }),
        ),
      );
      const allHosts = await pairedRatio(
        runs,
        () => fleet.refreshAndWait(folder),
        () => Promise.all([...probes.values()].map((probe) => probe())),
      );
      // One host at a time, each in turn: on loopback they are alike, and more pairs keep one busy moment out.
      let calls = 0;
      const hostOfPair = () => names[Math.floor(calls++ / 2) % hostCount]!;
      const oneHost = await pairedRatio(
        runs * 2,
        () => fleet.refreshAndWait(folder, [hostOfPair()]),
        () => probes.get(hostOfPair())!(),
      );
      const room = allHosts.baselineMs / oneHost.baselineMs;

      // What the page waits for before it draws the cards: the status from the database and the cached manifests.
      const fromDatabase = await medianMs(runs * 3, () => fleet.status(folder));
      return [
        {
          name: `refresh of ${hostCount} hosts / slowest single host, over this machine's room for ${hostCount} at once`,
          value: allHosts.ratio / oneHost.ratio,
          unit: 'x',
          target: { atMost: 1.3 },
          detail:
            `refresh of all ${allHosts.subjectMs.toFixed(0)} ms, of one host alone ` +
            `${oneHost.subjectMs.toFixed(0)} ms: ${(allHosts.subjectMs / oneHost.subjectMs).toFixed(2)}x; the bare ` +
            `checks: all at once ${allHosts.baselineMs.toFixed(0)} ms, one ${oneHost.baselineMs.toFixed(0)} ms: ` +
            `${room.toFixed(2)}x (medians of alternating pairs; load ${loadavg()[0]!.toFixed(1)})`,
        },
        {
          name: 'last known state from the database / one host check',
          value: fromDatabase / oneHost.subjectMs,
          unit: 'x',
          target: { atMost: 0.5 },
          detail: `database ${fromDatabase.toFixed(1)} ms, one host's check ${oneHost.subjectMs.toFixed(0)} ms`,
        },
        {
          name: 'last known state from the database',
          value: fromDatabase,
          unit: 'ms',
          target: { atMost: 100 },
        },
      ];
    } finally {
      app.close();
      await bed.close();
    }
  },
};
