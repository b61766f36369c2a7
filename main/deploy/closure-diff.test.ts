// The closure diff: package names and versions split as nix splits them, what is added, removed and changed.

import { describe, expect, it } from 'vitest';
import { closureDiff, describeDiff, parseName } from './closure-diff.ts';

const p = (name: string, size = 100) => ({ path: `/nix/store/${'0'.repeat(32)}-${name}`, size });

describe('closure diff', () => {
  it('splits names and versions the way nix does', () => {
    expect(parseName('/nix/store/00000000000000000000000000000000-ripgrep-14.1.0')).toEqual({
      name: 'ripgrep',
      version: '14.1.0',
    });
    expect(parseName(p('nixos-system-web-24.05.20240101').path)).toEqual({
      name: 'nixos-system-web',
      version: '24.05.20240101',
    });
    expect(parseName(p('etc-web').path)).toEqual({ name: 'etc-web', version: '' });
    expect(parseName(p('python3.11-requests-2.31.0').path)).toEqual({ name: 'python3.11-requests', version: '2.31.0' });
  });

  it('lists packages added, removed and changed with their versions, and the size difference', () => {
    const before = [
      p('system-1', 1000),
      p('openssl-3.0.13', 4000),
      p('openssl-1.1.1w', 3000),
      p('git-2.44.0', 500),
      p('old-1', 10),
    ];
    const after = [
      p('system-2', 1000),
      p('openssl-3.0.14', 4100),
      p('git-2.44.0', 500),
      p('htop-3.3.0', 200),
      p('x.drv', 1),
    ];
    const diff = closureDiff({ root: before[0]!.path, closure: before }, { root: after[0]!.path, closure: after });
    expect(diff.changed).toEqual([
      { name: 'openssl', before: ['1.1.1w', '3.0.13'], after: ['3.0.14'] },
      { name: 'system', before: ['1'], after: ['2'] },
    ]);
    expect(diff.added).toEqual([{ name: 'htop', before: [], after: ['3.3.0'] }]);
    expect(diff.removed).toEqual([{ name: 'old', before: ['1'], after: [] }]);
    expect(diff).toMatchObject({ sizeBefore: 8510, sizeAfter: 5801, pathsAdded: 4, pathsRemoved: 4 });
    expect(describeDiff(diff, 'web')).toEqual([
      `from ${before[0]!.path}`,
      `to   ${after[0]!.path}`,
      '  ~ openssl: 1.1.1w, 3.0.13 → 3.0.14',
      '  ~ system: 1 → 2',
      '  + htop 3.3.0',
      '  - old 1',
      'closure: 8.5 kB → 5.8 kB (-2.7 kB), 4 paths added, 4 removed',
    ]);
  });

  it('treats a host without a system as a first deploy where everything is added', () => {
    const diff = closureDiff(null, { root: p('system-1').path, closure: [p('system-1'), p('git-2.45.1')] });
    expect(diff).toMatchObject({
      before: null,
      sizeBefore: 0,
      pathsAdded: 2,
      pathsRemoved: 0,
      removed: [],
      changed: [],
    });
    expect(diff.added.map((a) => a.name)).toEqual(['git', 'system']);
  });
});
