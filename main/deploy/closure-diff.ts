// What changes between two system closures: packages added, removed and changed with versions, and the size.

import { otherSystemWarning } from '../../common/model/runs.ts';
import type { ClosureDiff, PackageChange } from '../../common/model/runs.ts';
import { formatBytes } from '../../common/model/reboot-diff.ts';

export interface ClosurePath {
  path: string;
  /** NAR size in bytes. */
  size: number;
}

/** Name and version of a store path, split the way nix's parseDrvName does: at the first "-" not before a letter. */
export function parseName(path: string): { name: string; version: string } {
  const base = path.replace(/^\/nix\/store\/[0-9a-z]{32}-/, '');
  const split = /-(?![A-Za-z])/.exec(base);
  return split
    ? { name: base.slice(0, split.index), version: base.slice(split.index + 1) }
    : { name: base, version: '' };
}

function versionsByName(closure: readonly ClosurePath[]): Map<string, Set<string>> {
  const byName = new Map<string, Set<string>>();
  for (const { path } of closure) {
    if (path.endsWith('.drv')) continue;
    const { name, version } = parseName(path);
    let versions = byName.get(name);
    if (!versions) byName.set(name, (versions = new Set()));
    if (version) versions.add(version);
  }
  return byName;
}

const sorted = (versions: Set<string> | undefined) => [...(versions ?? [])].sort();
const totalSize = (closure: readonly ClosurePath[]) => closure.reduce((sum, p) => sum + p.size, 0);

/** `before` is null when the host runs no system yet (a first deploy): then everything is added. */
export function closureDiff(
  before: { root: string; closure: readonly ClosurePath[] } | null,
  after: { root: string; closure: readonly ClosurePath[] },
): ClosureDiff {
  const old = versionsByName(before?.closure ?? []);
  const now = versionsByName(after.closure);
  const added: PackageChange[] = [];
  const removed: PackageChange[] = [];
  const changed: PackageChange[] = [];
  for (const [name, versions] of now) {
    const previous = old.get(name);
    if (!previous) added.push({ name, before: [], after: sorted(versions) });
    else if (sorted(previous).join('\0') !== sorted(versions).join('\0')) {
      changed.push({ name, before: sorted(previous), after: sorted(versions) });
    }
  }
  for (const [name, versions] of old) {
    if (!now.has(name)) removed.push({ name, before: sorted(versions), after: [] });
  }
  const byName = (a: PackageChange, b: PackageChange) => a.name.localeCompare(b.name);
  const oldPaths = new Set((before?.closure ?? []).map((p) => p.path));
  const newPaths = new Set(after.closure.map((p) => p.path));
  return {
    before: before?.root ?? null,
    after: after.root,
    added: added.sort(byName),
    removed: removed.sort(byName),
    changed: changed.sort(byName),
    sizeBefore: totalSize(before?.closure ?? []),
    sizeAfter: totalSize(after.closure),
    pathsAdded: [...newPaths].filter((p) => !oldPaths.has(p)).length,
    pathsRemoved: [...oldPaths].filter((p) => !newPaths.has(p)).length,
  };
}

/** `nix path-info -r --json` output as closure paths. */
export function parsePathInfo(json: string): ClosurePath[] {
  const entries = JSON.parse(json) as { path: string; narSize?: number; valid?: boolean }[];
  return entries.filter((e) => e.valid !== false).map((e) => ({ path: e.path, size: e.narSize ?? 0 }));
}

/** The diff of a deploy of `host` as a few lines of text, for the terminal, the CLI's question and the log. */
export function describeDiff(diff: ClosureDiff, host: string): string[] {
  const versions = (v: string[]) => (v.length ? v.join(', ') : '(no version)');
  const delta = diff.sizeAfter - diff.sizeBefore;
  const lines = [
    diff.before ? `from ${diff.before}` : 'the host runs no system from this profile yet',
    `to   ${diff.after}`,
    ...diff.changed.map((c) => `  ~ ${c.name}: ${versions(c.before)} → ${versions(c.after)}`),
    ...diff.added.map((c) => `  + ${c.name} ${versions(c.after)}`),
    ...diff.removed.map((c) => `  - ${c.name} ${versions(c.before)}`),
    `closure: ${formatBytes(diff.sizeBefore)} → ${formatBytes(diff.sizeAfter)} (${delta >= 0 ? '+' : '-'}${formatBytes(Math.abs(delta))}), ` +
      `${diff.pathsAdded} paths added, ${diff.pathsRemoved} removed`,
  ];
  if (diff.changed.length + diff.added.length + diff.removed.length === 0) lines.splice(2, 0, '  no package changes');
  const warning = otherSystemWarning(host, diff);
  return warning ? [`warning: ${warning}`, ...lines] : lines;
}
