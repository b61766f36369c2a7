// `npm run bench`: runs every bench/*.bench.ts, prints each figure against its target, exits 1 if one misses.
// A benchmark that throws is reported as failed with its cause, and the others still run.

import { readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { meets } from './bench.ts';
import type { Benchmark } from './bench.ts';

const only = process.argv.slice(2);
const files = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let missed = 0;
const failed: string[] = [];
for (const file of files) {
  try {
    const { benchmark } = (await import(join(import.meta.dirname, file))) as { benchmark: Benchmark };
    // Absolute figures (milliseconds) depend on what else the machine runs; the ratios are measured side by side.
    console.log(`\n${benchmark.name} (load ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`);
    for (const figure of await benchmark.run()) {
      const target = 'atLeast' in figure.target ? `>= ${figure.target.atLeast}` : `<= ${figure.target.atMost}`;
      const ok = meets(figure);
      if (!ok) missed++;
      console.log(
        `  ${ok ? 'ok  ' : 'MISS'} ${figure.name}: ${figure.value.toFixed(2)} ${figure.unit} (target ${target} ${figure.unit})`,
      );
      if (figure.detail) console.log(`       ${figure.detail}`);
    }
  } catch (error) {
    failed.push(file);
    console.log(`\n${file}\n  FAIL ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}
console.log(
  `\n${files.length} benchmarks, ${missed} figures missed their target, ${failed.length} failed` +
    (failed.length ? ` (${failed.join(', ')})` : ''),
);
process.exitCode = missed === 0 && failed.length === 0 ? 0 : 1;
