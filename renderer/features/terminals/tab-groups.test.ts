// The tab strip's grouping: a run's steps under one tab, shells alone, and the status a tab shows.

import { describe, expect, it } from 'vitest';
import type { ExitStatus, TerminalInfo } from '../../../common/model/terminal.ts';
import { describeStatus, entryStatus, groupTabs } from './tab-groups.ts';

let pid = 100;
const tab = (id: string, title: string, group?: string, exited: ExitStatus | null = null) => ({
  info: { id, title, kind: group ? 'run' : 'shell', pid: pid++, exited, ...(group && { group }) } as TerminalInfo,
});

describe('terminal tab groups', () => {
  it("puts a run's step sessions under one entry named for the run, in the order they started", () => {
    const tabs = [
      tab('a', 'bash'),
      tab('b', 'build web', 'deploy web #1'),
      tab('c', 'build db', 'deploy db #2'),
      tab('d', 'diff web', 'deploy web #1'),
      tab('e', 'bash'),
    ];
    const entries = groupTabs(tabs);
    expect(entries.map((e) => [e.label, e.members.map((m) => m.info.id)])).toEqual([
      ['bash', ['a']],
      ['deploy web #1', ['b', 'd']],
      ['deploy db #2', ['c']],
      ['bash', ['e']],
    ]);
    expect(new Set(entries.map((e) => e.key)).size).toBe(entries.length);
  });

  it('shows a run as running while any step runs, then as its last step ended', () => {
    const ok = { exitCode: 0 };
    const running = groupTabs([tab('a', 'build', 'r', ok), tab('b', 'copy', 'r')])[0]!;
    expect(entryStatus(running)).toBe('running');
    const failed = groupTabs([tab('a', 'build', 'r', ok), tab('b', 'copy', 'r', { exitCode: 1 })])[0]!;
    expect(entryStatus(failed)).toBe('failed');
    // A probe that exits non-zero on the way does not make a run that went on to succeed look failed.
    const recovered = groupTabs([tab('a', 'diff', 'r', { exitCode: 1 }), tab('b', 'activate', 'r', ok)])[0]!;
    expect(entryStatus(recovered)).toBe('exited');
  });

  it('says how a session ended', () => {
    expect(describeStatus(tab('a', 'x').info)).toBe('running');
    expect(describeStatus(tab('a', 'x', undefined, { exitCode: 0 }).info)).toBe('exited');
    expect(describeStatus(tab('a', 'x', undefined, { exitCode: 2 }).info)).toBe('failed (exit 2)');
    expect(describeStatus(tab('a', 'x', undefined, { exitCode: 0, signal: 9 }).info)).toBe('killed (signal 9)');
  });
});
