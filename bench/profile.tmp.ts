import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGitSource } from '../main/flake/flake-fingerprint.ts';
import { scanGitSource } from '../main/flake/source-hash.ts';
import { SourceWatch } from '../main/flake/source-watch.ts';
import { evaluateHosts } from '../main/flake/inspect.ts';
import { Nix } from '../main/flake/nix.ts';
import { makeFlakeRepo } from '../tests/support/fixture-flake.ts';
import { timedMs } from './bench.ts';
const flake = makeFlakeRepo('four-hosts');
for (let f = 0; f < 50000; f++) {
  const dir = join(flake.path, 'src', `d${Math.floor(f / 100)}`);
  if (f % 100 === 0) mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `f${f % 100}.txt`), `file ${f}\n`.repeat(1 + (f % 7)));
}
execFileSync('git', ['add', '-A'], { cwd: flake.path });
const nix = new Nix();
await evaluateHosts(nix, flake.path);
for (let i = 0; i < 3; i++) {
  console.log(execFileSync('uptime').toString().trim());
  let w: SourceWatch | undefined;
  console.log('watch', (await timedMs(() => (w = SourceWatch.start(flake.path)))).toFixed(0));
  let s; console.log('readGitSource', (await timedMs(() => (s = readGitSource(flake.path)))).toFixed(0));
  let scanMs = 0, evalMs = 0;
  const t0 = performance.now();
  const ev = evaluateHosts(nix, flake.path).then(() => (evalMs = performance.now() - t0));
  await scanGitSource(s!).then(() => (scanMs = performance.now() - t0));
  await ev;
  console.log('scan', scanMs.toFixed(0), 'eval (concurrent)', evalMs.toFixed(0));
  console.log('eval alone', (await timedMs(() => evaluateHosts(nix, flake.path))).toFixed(0));
  console.log('scan alone', (await timedMs(() => scanGitSource(readGitSource(flake.path)!))).toFixed(0));
  w?.close();
}
flake.remove();
