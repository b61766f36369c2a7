// A deploy of a fixture host by the app (terminals, history, detached activation with its confirmation) against
// the same steps in a plain shell script, on the same loopback target, each to an empty target: at most 1.1x.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pairedRatio } from './bench.ts';
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
    try {
      // Warm: the system is built once, and both paths have run before they are timed.
      await reset();
      await viaApp();
      await reset();
      viaScript();
      const { ratio, subjectMs, baselineMs } = await pairedRatio(runs, viaApp, viaScript, reset);
      return [
        {
          name: 'app deploy / shell script',
          value: ratio,
          unit: 'x',
          target: { atMost: 1.1 },
          detail: `median of ${runs} pairs; app ${subjectMs.toFixed(0)} ms, script ${baselineMs.toFixed(0)} ms (medians)`,
        },
      ];
    } finally {
      app.close();
      fixture.repo.remove();
      await target.stop();
    }
  },
};
