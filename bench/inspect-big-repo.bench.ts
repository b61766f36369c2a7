// Opening a four-host flake inside a 50,000-file repository: a warm open in the app (its source watched) against the
// 50 ms target, a warm open that stats every tracked file (the CLI) and a cold open against the `nix eval` a person
// would run by hand, the cold open in alternating pairs.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

const files = 50_000;
const perFolder = 100;
const pairs = 5;

export const benchmark: Benchmark = {
  name: `inspect: a four-host flake in a ${files.toLocaleString('en')}-file repository`,
  async run() {
    const flake = makeFlakeRepo('four-hosts');
    for (let f = 0; f < files; f++) {
      const dir = join(flake.path, 'src', `d${Math.floor(f / perFolder)}`);
      if (f % perFolder === 0) mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `f${f % perFolder}.txt`), `file ${f}\n`.repeat(1 + (f % 7)));
    }
    // Staged, not committed: nix copies the working tree, as it does for the repository a person is editing.
    execFileSync('git', ['add', '-A'], { cwd: flake.path });
    const scratch = mkdtempSync(join(tmpdir(), 'flakedeck-bench-big-'));
    const databases: { close(): void }[] = [];
    const services: ManifestService[] = [];
    const fresh = (watchSources: boolean) => {
      const db = openHistoryDatabase(join(mkdtempSync(join(scratch, 'db-')), 'history.sqlite'));
      databases.push(db);
      const nix = new Nix();
      const service = new ManifestService(nix, new ManifestStore(db), new EventHub(), { watchSources });
      services.push(service);
      return service;
    };
    try {
      const first = fresh(true);
      await first.inspect(flake.path); // nix's first copy of the source into the store stays out
      const byHand = () => bareInspectEval(flake.path);

      const coldTimes: number[] = [];
      const byHandTimes: number[] = [];
      for (let i = 0; i < pairs; i++) {
        const service = fresh(true);
        const openCold = async () => coldTimes.push(await timedMs(() => service.inspect(flake.path)));
        const evalByHand = async () => byHandTimes.push(await timedMs(byHand));
        for (const step of i % 2 ? [evalByHand, openCold] : [openCold, evalByHand]) await step();
      }

      const warm = await medianMs(30, () => first.inspect(flake.path));
      const statAll = fresh(false);
      await statAll.inspect(flake.path);
      const warmStat = await medianMs(5, () => statAll.inspect(flake.path));
      const ratios = coldTimes.map((c, i) => c / byHandTimes[i]!);
      const byHandMedian = median(byHandTimes);
      return [
        {
          name: 'warm open in the app (source watched)',
          value: warm,
          unit: 'ms',
          target: { atMost: 50 },
          detail: 'median of 30',
        },
        {
          name: 'warm open that stats every tracked file (the CLI) vs the nix eval by hand',
          value: warmStat / byHandMedian,
          unit: 'x',
          target: { atMost: 1 },
          detail: `${warmStat.toFixed(0)} ms (median of 5), nix eval by hand ${byHandMedian.toFixed(0)} ms (median of ${pairs})`,
        },
        {
          name: 'cold open vs the same nix eval by hand',
          value: median(ratios),
          unit: 'x',
          target: { atMost: 1.2 },
          detail: `median of ${pairs} alternating pairs ${JSON.stringify(ratios.map((r) => +r.toFixed(2)))}: cold ${JSON.stringify(coldTimes.map(Math.round))} ms, by hand ${JSON.stringify(byHandTimes.map(Math.round))} ms`,
        },
      ];
    } finally {
      services.forEach((s) => s.close());
      databases.forEach((db) => db.close());
      rmSync(scratch, { recursive: true, force: true });
      flake.remove();
    }
  },
};
