// A deploy of a fixture host by the app (terminals, history, detached activation with its confirmation) against
// the same steps in a plain shell script, on the same loopback target, each to an empty target: at most 1.1x.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark } from './bench.ts';
import { deployFixture, startDeployTarget } from '../tests/support/deploy-target.ts';
import { deployServices } from '../tests/support/deploy-services.ts';

const runs = 11;

export const benchmark: Benchmark = {
  name: 'deploy: the app against a shell script doing the same steps',
  async run() {
    const target = await startDeployTarget();
    const fixture = deployFixture(target);
    const app = deployServices(target, fixture.repo.path);
    const folder = fixture.repo.path;
    const env = target.env;
    // Each deploy starts from an empty target: nothing copied, no profile, nothing running.
    const reset = async () => {
      // The last activation's worker lets go of its lock a moment after the confirmation.
      while (existsSync(join(target.root, 'state', 'lock'))) await new Promise((resolve) => setTimeout(resolve, 20));
      execFileSync('chmod', ['-R', 'u+w', target.root]);
      for (const name of ['store', 'profiles', 'state', 'current-system', 'markers']) {
        rmSync(join(target.root, name), { recursive: true, force: true });
      }
      mkdirSync(join(target.root, 'profiles'));
    };
    const viaApp = async () => {
      const { runs: started } = await app.services.deploy.deploy(folder, ['web'], 'switch', false);
      const run = await app.services.deploy.finished(started[0]!.id);
      if (run.status !== 'succeeded') throw new Error(`the app's deploy ${run.status}: ${run.message}`);
    };
    const viaScript = () =>
      execFileSync(
        'bash',
        [
          join(import.meta.dirname, 'deploy-baseline.sh'),
          folder,
          'web',
          join(app.dataDir, 'baseline-result'),
          env.store!,
          env.profile!,
          env.currentSystem!,
          String(target.sshd.port),
          ...env.sshOptions!,
        ],
        { stdio: 'ignore', env: { ...process.env, FIXTURE_ROOT: target.root } },
      );
    const timed = async (work: () => unknown) => {
      await reset();
      const start = performance.now();
      await work();
      return performance.now() - start;
    };
    try {
      // Warm: the system is built once, and both paths have run before they are timed.
      await timed(viaApp);
      await timed(viaScript);
      // Pairs run back to back, in alternating order, so both sides of a pair see the same load on the machine;
      // the figure is the median of the pairs' ratios.
      const pairs: { app: number; script: number }[] = [];
      for (let i = 0; i < runs; i++) {
        if (i % 2 === 0) pairs.push({ app: await timed(viaApp), script: await timed(viaScript) });
        else {
          const script = await timed(viaScript);
          pairs.push({ app: await timed(viaApp), script });
        }
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      const ratio = median(pairs.map((p) => p.app / p.script));
      return [
        {
          name: 'app deploy / shell script',
          value: ratio,
          unit: 'x',
          target: { atMost: 1.1 },
          detail:
            `median of ${runs} pairs; app ${median(pairs.map((p) => p.app)).toFixed(0)} ms, ` +
            `script ${median(pairs.map((p) => p.script)).toFixed(0)} ms (medians)`,
        },
      ];
    } finally {
      app.close();
      fixture.repo.remove();
      await target.stop();
    }
  },
};
