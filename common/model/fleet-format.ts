// How the fleet's live state reads in words, the same in the window and the CLI: ages, uptimes, sizes, verdicts.

import type { Freshness, HostStatus } from './fleet.ts';

export const freshnessLabels: Record<Freshness, string> = {
  'up-to-date': 'up to date',
  behind: 'behind',
  foreign: 'not built here',
  'not-nixos': 'not a NixOS system',
  unknown: 'unknown',
};

/** "42 s", "5 min", "3 h", "2 d": the coarsest unit that is at least 1. */
export function formatSpan(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export function percentUsed(disk: { size: number; used: number }): number {
  return disk.size > 0 ? Math.round((disk.used / disk.size) * 100) : 0;
}

/** The short facts of a host after its verdict, for one line: reachability, reboot, failed units, disks, age. */
export function statusNotes(status: HostStatus, now: number): string[] {
  const live = status.live;
  if (status.evalError) return [`does not evaluate: ${status.evalError.message.split('\n')[0]}`];
  if (!live) return ['never checked'];
  const notes: string[] = [];
  if (!live.reachable) notes.push(`unreachable: ${live.error ?? 'no answer'}`);
  const reading = live.reading;
  if (reading) {
    if (reading.generation !== null) notes.push(`generation ${reading.generation}`);
    if (reading.nixosVersion) notes.push(`NixOS ${reading.nixosVersion}`);
    if (reading.rebootNeeded) notes.push(`reboot needed (${reading.rebootReasons.join(', ')})`);
    if (reading.failedUnits?.length) {
      notes.push(
        `${reading.failedUnits.length} failed unit${reading.failedUnits.length === 1 ? '' : 's'}: ${reading.failedUnits.join(', ')}`,
      );
    }
    if (reading.uptimeSeconds !== null) notes.push(`up ${formatSpan(reading.uptimeSeconds * 1000)}`);
    if (reading.root) notes.push(`/ ${percentUsed(reading.root)}% used`);
    for (const disk of reading.persistent) notes.push(`${disk.mountPoint} ${percentUsed(disk)}% used`);
    if (status.old && live.seenAt !== null) notes.push(`seen ${formatSpan(now - live.seenAt)} ago`);
  }
  return notes;
}
