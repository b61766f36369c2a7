// Start-up of the `flakedeck` command as it ships (the bundle `npm run build` makes) against a bare `node -e 0`:
// `flakedeck --help` at most 3x.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pairedRatio } from './bench.ts';
import type { Benchmark } from './bench.ts';

const root = join(import.meta.dirname, '..');
const pairs = 21;

export const benchmark: Benchmark = {
  name: 'cli: start-up of the built command line against bare Node',
  async run() {
    execFileSync(process.execPath, [join(root, 'scripts', 'build-bundles.ts'), 'cli'], { cwd: root, stdio: 'ignore' });
    const node = (args: string[]) => () => execFileSync(process.execPath, args, { stdio: 'ignore' });
    const help = node([join(root, '.vite', 'cli', 'cli.js'), '--help']);
    const bare = node(['-e', '0']);
    // Warm: the files are in the page cache before anything is timed.
    help();
    bare();
    const { ratio, subjectMs, baselineMs } = await pairedRatio(pairs, help, bare);
    return [
      {
        name: 'flakedeck --help / node -e 0',
        value: ratio,
        unit: 'x',
        target: { atMost: 3 },
        detail: `median of ${pairs} pairs; --help ${subjectMs.toFixed(0)} ms, node -e 0 ${baselineMs.toFixed(0)} ms (medians)`,
      },
    ];
  },
};
