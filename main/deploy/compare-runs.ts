// Two runs side by side, and what changes from the first one's system to the second one's.

import type { RunComparison } from '../../common/model/runs.ts';
import type { Nix } from '../flake/nix.ts';
import type { RunStore } from '../history/run-store.ts';
import { closureDiff, parsePathInfo } from './closure-diff.ts';

export async function compareRuns(store: RunStore, nix: Nix, first: number, second: number): Promise<RunComparison> {
  const a = store.get(first);
  const b = store.get(second);
  if (!a.outPath || !b.outPath) {
    const without = [a, b].filter((r) => !r.outPath).map((r) => `#${r.id}`);
    return { a, b, diff: null, diffUnavailable: `${without.join(' and ')} ended before a system was built.` };
  }
  const closure = (root: string) =>
    nix.run(['path-info', '--recursive', '--json', root]).then((r) => (r.code === 0 ? parsePathInfo(r.stdout) : null));
  const [before, after] = await Promise.all([closure(a.outPath), closure(b.outPath)]);
  if (!before || !after) {
    const gone = [before ? null : a.outPath, after ? null : b.outPath].filter(Boolean).join(' and ');
    return {
      a,
      b,
      diff: null,
      diffUnavailable: `${gone} is not in this machine's store (built on the target, or garbage-collected).`,
    };
  }
  return {
    a,
    b,
    diff: closureDiff({ root: a.outPath, closure: before }, { root: b.outPath, closure: after }),
    diffUnavailable: null,
  };
}
