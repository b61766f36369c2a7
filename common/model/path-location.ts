// Where a path lives on a host, from its manifest: wiped at boot (tmpfs), kept on a persistent root, or on another mount.

import type { FileSystemInfo, HostManifest, PersistEntry } from './manifest.ts';

export type PathLocation =
  | { kind: 'persistent'; storage: string; entry: PersistEntry }
  | { kind: 'ephemeral'; mountPoint: string }
  | { kind: 'store'; mountPoint: string }
  | { kind: 'mount'; mountPoint: string; fsType: string | null }
  /** /proc, /sys, /dev, /run: made by the kernel and systemd at every boot, never persisted. */
  | { kind: 'runtime' }
  | { kind: 'unknown' };

export const runtimePaths = ['/proc', '/sys', '/dev', '/run'] as const;

/** `/a/b/` and `/a//b` as `/a/b`; `.` and `..` segments are resolved. Relative input stays relative. */
export function normalisePath(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return (absolute ? '/' : '') + parts.join('/');
}

export function joinPath(base: string, relative: string): string {
  return normalisePath(`${base}/${relative}`);
}

/** `path` is `dir` or inside it. */
export function isWithin(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}

/** The persistence entry that keeps `path`: a directory at or above it, or the file itself; the deepest wins. */
export function coveringEntry(entries: readonly PersistEntry[], path: string): PersistEntry | undefined {
  let best: PersistEntry | undefined;
  for (const entry of entries) {
    const covers = entry.kind === 'directory' ? isWithin(path, entry.path) : path === entry.path;
    if (covers && (!best || entry.path.length > best.path.length)) best = entry;
  }
  return best;
}

/** The file system `path` is on: the longest mount point above it, bind mounts left out. */
export function mountOf(fileSystems: readonly FileSystemInfo[], path: string): FileSystemInfo | undefined {
  let best: FileSystemInfo | undefined;
  for (const fs of fileSystems) {
    if (fs.bind || !isWithin(path, fs.mountPoint)) continue;
    if (!best || fs.mountPoint.length > best.mountPoint.length) best = fs;
  }
  return best;
}

/** The tmpfs the Nix store is on, when it is on one: then the system the host boots is gone after every boot. */
export function storeOnTmpfs(fileSystems: readonly FileSystemInfo[]): FileSystemInfo | undefined {
  const store = mountOf(fileSystems, '/nix/store');
  return store?.ephemeral ? store : undefined;
}

type Locatable = Pick<HostManifest, 'fileSystems' | 'persistence'>;

export function locatePath(manifest: Locatable, path: string): PathLocation {
  const entry = coveringEntry(manifest.persistence, path);
  if (entry) return { kind: 'persistent', storage: entry.storage, entry };
  const fs = mountOf(manifest.fileSystems, path);
  if (fs && fs.mountPoint !== '/' && fs.ephemeral) return { kind: 'ephemeral', mountPoint: fs.mountPoint };
  if (runtimePaths.some((r) => isWithin(path, r)) && !(fs && fs.mountPoint !== '/')) return { kind: 'runtime' };
  if (!fs) return { kind: 'unknown' };
  if (fs.ephemeral) return { kind: 'ephemeral', mountPoint: fs.mountPoint };
  if (isWithin(path, '/nix/store') || (fs.mountPoint === '/nix' && isWithin(path, '/nix'))) {
    return { kind: 'store', mountPoint: fs.mountPoint };
  }
  return { kind: 'mount', mountPoint: fs.mountPoint, fsType: fs.fsType };
}
