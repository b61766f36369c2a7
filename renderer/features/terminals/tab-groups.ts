// The terminal tab strip's entries: a shell or a lone program by itself, a run's step sessions together under its name.

import type { TerminalInfo } from '../../../common/model/terminal.ts';

export interface TabEntry<T> {
  /** The group's name, or the session's id for a session alone. */
  key: string;
  label: string;
  /** In the order they started; a run's current step is the last. */
  members: T[];
}

/** Entries in the order their first session started. */
export function groupTabs<T extends { info: TerminalInfo }>(tabs: readonly T[]): TabEntry<T>[] {
  const entries: TabEntry<T>[] = [];
  const byGroup = new Map<string, TabEntry<T>>();
  for (const tab of tabs) {
    const group = tab.info.group;
    const entry = group ? byGroup.get(group) : undefined;
    if (entry) {
      entry.members.push(tab);
      continue;
    }
    const made = { key: group ?? tab.info.id, label: group ?? tab.info.title, members: [tab] };
    if (group) byGroup.set(group, made);
    entries.push(made);
  }
  return entries;
}

export type SessionStatus = 'running' | 'exited' | 'failed' | 'killed';

export function sessionStatus(info: TerminalInfo): SessionStatus {
  if (!info.exited) return 'running';
  if (info.exited.signal) return 'killed';
  return info.exited.exitCode === 0 ? 'exited' : 'failed';
}

/** What a tab's status dot says in words. */
export function describeStatus(info: TerminalInfo): string {
  const status = sessionStatus(info);
  if (status === 'killed') return `killed (signal ${info.exited!.signal})`;
  if (status === 'failed') return `failed (exit ${info.exited!.exitCode})`;
  return status;
}

/** A run runs while any of its programs does; once all ended, it ended as its last program did. */
export function entryStatus(entry: TabEntry<{ info: TerminalInfo }>): SessionStatus {
  if (entry.members.some((tab) => !tab.info.exited)) return 'running';
  return sessionStatus(entry.members.at(-1)!.info);
}
