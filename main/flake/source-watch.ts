// Watches the folders holding a git flake's tracked files (inotify and its kin, through fs.watch), so that the app
// knows its source is unchanged without a stat of every tracked file: what keeps a warm open cheap in a big repository.

import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sourceRootOf } from './flake-folder.ts';
import { gitDirOf, readGitSource } from './flake-fingerprint.ts';
import type { GitSource } from './flake-fingerprint.ts';

/** Beyond this many folders the watch is not set up (it would take too much of the system's watch budget). */
const maxFolders = 20_000;

export class SourceWatch {
  readonly #watchers: FSWatcher[] = [];
  #changed = false;
  /** The tracked files as the index listed them once it was watched: they hold while nothing changed. */
  source!: GitSource;

  private constructor() {}

  /** Watches the source of the flake at `folder`; undefined where it cannot (not git, too big, out of watches). */
  static start(folder: string): SourceWatch | undefined {
    const root = sourceRootOf(folder);
    const gitDir = gitDirOf(root);
    if (!gitDir) return undefined;
    const self = new SourceWatch();
    try {
      // The index first: a change to it while the folders are read is caught, and the next check starts over.
      self.#watch(gitDir, (name) => name === 'index');
      const source = readGitSource(folder);
      if (!source) throw new Error('unreadable index');
      self.source = source;
      const folders = new Set<string>(['.']);
      // The index lists a folder's files together: its parent is walked up once, not once per file.
      let previousParent: string | undefined;
      for (const { path } of source.entries) {
        const parent = dirname(path);
        if (parent === previousParent) continue;
        previousParent = parent;
        for (let dir = parent; dir !== '.' && !folders.has(dir); dir = dirname(dir)) folders.add(dir);
      }
      if (folders.size > maxFolders) throw new Error('too many folders');
      // Made at the first event, not on the way to an evaluation: a set of every tracked path costs as much as the rest.
      let tracked: Set<string> | undefined;
      const isTracked = (path: string) => (tracked ??= new Set(source.entries.map((e) => e.path))).has(path);
      // A tracked file or folder in it changed (written, chmod, touched, removed, renamed): anything else is not nix's.
      for (const dir of folders) {
        self.#watch(join(root, dir), (name) => folders.has(join(dir, name)) || isTracked(join(dir, name)));
      }
    } catch {
      self.close();
      return undefined;
    }
    return self;
  }

  #watch(path: string, matters: (name: string) => boolean): void {
    const watcher = watch(path, { persistent: false }, (_event, name) => {
      if (name === null || matters(name.toString())) this.#changed = true;
    });
    // A watch that fails (its folder removed, say) knows nothing more: every later check says changed.
    watcher.on('error', () => (this.#changed = true));
    this.#watchers.push(watcher);
  }

  /** Starts a new interval: `unchanged()` then says whether anything tracked changed since this call. */
  reset(): void {
    this.#changed = false;
  }

  /**
   * Nothing tracked changed since `reset()`. Events the system queued before this call are taken first: two turns of
   * the event loop put one poll for I/O between the call and the answer.
   */
  async unchanged(): Promise<boolean> {
    await nextTurn();
    await nextTurn();
    return !this.#changed;
  }

  close(): void {
    this.#watchers.splice(0).forEach((w) => w.close());
    this.#changed = true;
  }
}
