// The fleet's live state on 8 loopback hosts (one sshd each): a refresh of all of them against the slowest single
// host's refresh (parallel, not serial: at most 1.3x), and the Hosts page's first answer, the last known state from
// the database, against the quickest answer any host can give (one status check of a loopback host).

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Benchmark } from './bench.ts';
import { medianMs } from './bench.ts';
import { deployServices } from '../tests/support/deploy-services.ts';
import { startFleetTestbed } from '../tests/support/fleet-testbed.ts';
import { statusScript } from '../main/fleet/status-script.ts';
import { sshControlParent } from '../main/targets/settings.ts';

const runProgram = promisify(execFile);

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

      const single = new Map<string, number>();
      for (const name of names) single.set(name, await medianMs(runs, () => fleet.refreshAndWait(folder, [name])));
      const slowest = Math.max(...single.values());
      const all = await medianMs(runs, () => fleet.refreshAndWait(folder));
      // The machine's room for work at once, for reading the ratio: the status script run here, 8 together against 1
      // (about 1 on an idle machine with 8 cores, up to 8 where the CPU is all taken).
      const script = () => runProgram('sh', ['-c', statusScript, 'flakedeck', '', '/run/current-system', '/', '/']);
      const headroom = (await medianMs(runs, () => Promise.all(names.map(script)))) / (await medianMs(runs, script));

      // What the page waits for before it draws the cards: the status from the database and the cached manifests.
      const fromDatabase = await medianMs(runs * 3, () => fleet.status(folder));
      const quickestHost = Math.min(...single.values());
      return [
        {
          name: `refresh of ${hostCount} hosts / slowest single host`,
          value: all / slowest,
          unit: 'x',
          target: { atMost: 1.3 },
          detail:
            `all ${all.toFixed(0)} ms, slowest single ${slowest.toFixed(0)} ms (medians of ${runs}); on this ` +
            `machine now, ${hostCount} status scripts at once take ${headroom.toFixed(2)}x one`,
        },
        {
          name: 'last known state from the database / quickest host check',
          value: fromDatabase / quickestHost,
          unit: 'x',
          target: { atMost: 0.5 },
          detail: `database ${fromDatabase.toFixed(1)} ms, quickest host ${quickestHost.toFixed(0)} ms`,
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
