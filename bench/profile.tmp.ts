import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flakeFingerprint } from '../main/flake/flake-fingerprint.ts';
import { gitSourceMetadata } from '../main/flake/source-hash.ts';
import { SourceWatch } from '../main/flake/source-watch.ts';
import { makeFlakeRepo } from '../tests/support/fixture-flake.ts';
import { timedMs } from './bench.ts';
const flake = makeFlakeRepo('four-hosts');
for (let f = 0; f < 50000; f++) {
  const dir = join(flake.path, 'src', `d${Math.floor(f / 100)}`);
  if (f % 100 === 0) mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `f${f % 100}.txt`), `file ${f}\n`.repeat(1 + (f % 7)));
}
execFileSync('git', ['add', '-A'], { cwd: flake.path });
console.log('path', flake.path);
for (let i = 0; i < 3; i++) {
  console.log('fingerprint', await timedMs(() => flakeFingerprint(flake.path)));
  let w; console.log('watch', await timedMs(() => (w = SourceWatch.start(flake.path)))); w?.close();
  console.log('narhash', await timedMs(() => gitSourceMetadata(flake.path)));
  console.log('nix eval', await timedMs(() => execFileSync('nix', ['--extra-experimental-features','nix-command flakes','eval','--json', `git+file://${flake.path}#nixosConfigurations`, '--apply', 'c: builtins.attrNames c'], {stdio: 'ignore'})));
  console.log('git status', await timedMs(() => execFileSync('git', ['status', '--porcelain'], {cwd: flake.path, stdio: 'ignore'})));
  console.log('git diff-files', await timedMs(() => execFileSync('git', ['diff-files', '--name-only'], {cwd: flake.path, stdio: 'ignore'})));
}
uptime: console.log(execFileSync('uptime').toString());
