// The Deploy page's runs by batch: newest batch first, each batch's hosts in the order they were started.

import { describe, expect, it } from 'vitest';
import { batchOutcome, batchesOf } from './run-batches.ts';
import type { LiveRun, RunStatus } from './runs.ts';

const run = (id: number, batch: string, host: string, status: RunStatus = 'running') =>
  ({ id, batch, host, status, kind: 'deploy', mode: 'switch', startedAt: 1_000 * id }) as LiveRun;

describe('run batches', () => {
  it('groups runs by batch, the batch started last first, its runs in the order started', () => {
    const batches = batchesOf([
      run(5, 'b', 'web', 'cancelled'),
      run(7, 'c', 'web'),
      run(4, 'b', 'db', 'succeeded'),
      run(1, 'a', 'web', 'failed'),
      run(6, 'b', 'cache', 'succeeded'),
    ]);
    expect(batches.map((b) => [b.batch, b.runs.map((r) => r.host), b.finished, b.startedAt])).toEqual([
      ['c', ['web'], false, 7_000],
      ['b', ['db', 'web', 'cache'], true, 4_000],
      ['a', ['web'], true, 1_000],
    ]);
    expect(batches[0]).toMatchObject({ kind: 'deploy', mode: 'switch' });
  });

  it('says how a batch stands in a few words, what needs a look first', () => {
    const [batch] = batchesOf([
      run(1, 'a', 'web', 'succeeded'),
      run(2, 'a', 'db', 'rolled-back'),
      run(3, 'a', 'cache', 'cancelled'),
      run(4, 'a', 'mail', 'succeeded'),
    ]);
    expect(batchOutcome(batch!)).toBe('1 rolled back, 1 cancelled, 2 succeeded');
  });
});
