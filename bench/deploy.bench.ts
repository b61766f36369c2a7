// A deploy of a fixture host by the app (terminals, history, detached activation with its confirmation) against
// the same steps in a plain shell script, on the same loopback target, each to an empty target: at most 1.1x.

import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark } from './bench.ts';
import { deployFixture, startDeployTarget } from '../tests/support/deploy-target.ts';
import { deployServices } from '../tests/support/deploy-services.ts';

const runs = 7;

export const benchmark: Benchmark = {
  name: 'deploy: the app against a shell script doing the same steps',
  async run() {
    const target = await startDeployTarget();
    const fixture = deployFixture(target);
    const app = deployServices(target, fixture.repo.path);
    const folder = fixture.repo.path;
    const env = target.env;
    // Each deploy starts from an empty target: nothing copied, no profile, nothing running.
    const reset = () => {
      for (const name of ['store', 'profiles', 'state', 'current-system', 'markers']) {
        execFileSync('chmod', ['-R', 'u+w', target.root]);
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
      reset();
      const start = performance.now();
      await work();
      return performance.now() - start;
    };
    try {
      // Warm: the system is built once, and both paths have run before they are timed.
      await timed(viaApp);
      await timed(viaScript);
      const appTimes: number[] = [];
      const scriptTimes: number[] = [];
      for (let i = 0; i < runs; i++) {
        appTimes.push(await timed(viaApp));
        scriptTimes.push(await timed(viaScript));
      }
      const median = (t: number[]) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
      const ours = median(appTimes);
      const theirs = median(scriptTimes);
      return [
        {
          name: 'app deploy / shell script',
          value: ours / theirs,
          unit: 'x',
          target: { atMost: 1.1 },
          detail: `app ${ours.toFixed(0)} ms, script ${theirs.toFixed(0)} ms (medians of ${runs}, alternating)`,
        },
      ];
    } finally {
      app.close();
      fixture.repo.remove();
      await target.stop();
    }
  },
};
