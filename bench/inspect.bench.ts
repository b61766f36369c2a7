// Opening a four-host flake: a warm open (cache hit, nothing evaluated) against a cold evaluation, and the cold
// evaluation against the same `nix eval` run by hand.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventHub } from '../main/events/event-hub.ts';
import { ManifestService } from '../main/flake/manifest-cache.ts';
import { Nix } from '../main/flake/nix.ts';
import { openHistoryDatabase } from '../main/history/database.ts';
import { ManifestStore } from '../main/history/manifest-store.ts';
import { makeFlakeRepo } from '../tests/support/fixture-flake.ts';
import { bareInspectEval } from './bare-inspect-eval.ts';
import { median, medianMs, timedMs } from './bench.ts';
import type { Benchmark } from './bench.ts';

export const benchmark: Benchmark = {
  name: 'inspect: opening a four-host flake',
  async run() {
    const flake = makeFlakeRepo('inspect-hosts');
    const scratch = mkdtempSync(join(tmpdir(), 'flakedeck-bench-inspect-'));
    const databases: { close(): void }[] = [];
    let nixProcesses = 0;
    const fresh = () => {
      const db = openHistoryDatabase(join(mkdtempSync(join(scratch, 'db-')), 'history.sqlite'));
      databases.push(db);
      const nix = new Nix({ onSpawn: () => nixProcesses++ });
      return new ManifestService(nix, new ManifestStore(db), new EventHub());
    };
    try {
      const runs = 15;
      await fresh().inspect(flake.path); // nix's own first-use costs (the store copy of the source) stay out

      // Cold opens and the same nix eval by hand, taken in turns so that load on the machine falls on both alike.
      const services = Array.from({ length: runs }, fresh);
      const coldTimes: number[] = [];
      const byHandTimes: number[] = [];
      nixProcesses = 0;
      for (const [i, service] of services.entries()) {
        const openCold = async () => coldTimes.push(await timedMs(() => service.inspect(flake.path)));
        const evalByHand = async () => byHandTimes.push(await timedMs(() => bareInspectEval(flake.path)));
        // Alternate which goes first, so neither always runs on a machine the other just warmed.
        for (const step of i % 2 ? [evalByHand, openCold] : [openCold, evalByHand]) await step();
      }
      const processesPerColdOpen = nixProcesses / runs; // the by-hand runs do not go through onSpawn
      const cold = median(coldTimes);
      const byHand = median(byHandTimes);

      const warmService = fresh();
      await warmService.inspect(flake.path);
      nixProcesses = 0;
      const warm = await medianMs(50, () => warmService.inspect(flake.path));

      return [
        {
          name: 'warm open vs cold evaluation',
          value: cold / warm,
          unit: 'x',
          target: { atLeast: 20 },
          detail: `cold ${cold.toFixed(1)} ms, warm ${warm.toFixed(2)} ms (medians; ${nixProcesses} nix processes while warm)`,
        },
        { name: 'warm open: the four manifests', value: warm, unit: 'ms', target: { atMost: 50 } },
        {
          name: 'cold evaluation vs the same nix eval by hand',
          value: cold / byHand,
          unit: 'x',
          target: { atMost: 1.2 },
          detail: `cold open ${cold.toFixed(1)} ms, nix eval by hand ${byHand.toFixed(1)} ms (medians of ${runs})`,
        },
        {
          name: 'nix processes per cold open (all hosts)',
          value: processesPerColdOpen,
          unit: 'x',
          target: { atMost: 1 },
        },
      ];
    } finally {
      databases.forEach((db) => db.close());
      rmSync(scratch, { recursive: true, force: true });
      flake.remove();
    }
  },
};
