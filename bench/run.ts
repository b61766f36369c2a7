// `npm run bench`: runs every bench/*.bench.ts, prints each figure against its target, exits 1 if one misses.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { meets } from './bench.ts';
import type { Benchmark } from './bench.ts';

const only = process.argv.slice(2);
const files = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let missed = 0;
for (const file of files) {
  const { benchmark } = (await import(join(import.meta.dirname, file))) as { benchmark: Benchmark };
  console.log(`\n${benchmark.name}`);
  for (const figure of await benchmark.run()) {
    const target = 'atLeast' in figure.target ? `>= ${figure.target.atLeast}` : `<= ${figure.target.atMost}`;
    const ok = meets(figure);
    if (!ok) missed++;
    console.log(
      `  ${ok ? 'ok  ' : 'MISS'} ${figure.name}: ${figure.value.toFixed(2)} ${figure.unit} (target ${target} ${figure.unit})`,
    );
    if (figure.detail) console.log(`       ${figure.detail}`);
  }
}
console.log(`\n${files.length} benchmarks, ${missed} figures missed their target`);
process.exitCode = missed === 0 ? 0 : 1;
