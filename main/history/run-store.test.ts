// The run store: steps, logs and diffs of runs, one deploy per host across processes, interrupted runs.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewRun } from './run-store.ts';
import { RunStore } from './run-store.ts';
import { openHistoryDatabase } from './database.ts';
import type { HistoryDatabase } from './database.ts';

let dir: string;
const dbs: HistoryDatabase[] = [];
afterEach(() => {
  dbs.splice(0).forEach((db) => db.close());
  rmSync(dir, { recursive: true, force: true });
});

/** A store as one process (pid) sees the shared database; `alive` says which pids run. */
function storeOf(pid: number, alive: Set<number>): RunStore {
  const db = openHistoryDatabase(join(dir, 'history.sqlite'));
  dbs.push(db);
  return new RunStore(db, { pid, isAlive: (p) => alive.has(p) });
}

const deploy = (host: string, kind: NewRun['kind'] = 'deploy'): NewRun => ({
  batch: 'b',
  kind,
  host,
  flake: '/flake',
  revision: 'abc',
  dirty: false,
  mode: kind === 'build' ? null : 'switch',
  target: 'root@h:22',
});

describe('run store', () => {
  it('records steps, log and diff of a run, and lists runs newest first', () => {
    dir = mkdtempSync(join(tmpdir(), 'flakedeck-runs-'));
    const store = storeOf(100, new Set([100]));
    const [id] = store.begin([deploy('web')], 1000);
    const build = store.startStep(id!, 'build', 1000);
    store.appendLog(id!, 'building…\r\n');
    store.finishStep(id!, build, 'succeeded', '/nix/store/x', 1500);
    store.skipStep(id!, 'approve', 'approved in advance', 1600);
    store.setOutPath(id!, '/nix/store/x');
    store.appendLog(id!, 'done\r\n');
    store.finish(id!, 'succeeded', 'web runs x', 2000);
    const [other] = store.begin([deploy('db', 'build')], 3000);

    expect(store.list().map((r) => r.id)).toEqual([other, id]);
    expect(store.get(id!)).toMatchObject({
      host: 'web',
      status: 'succeeded',
      outPath: '/nix/store/x',
      dirty: false,
      startedAt: 1000,
      endedAt: 2000,
      steps: [
        { name: 'build', status: 'succeeded', startedAt: 1000, endedAt: 1500, message: '/nix/store/x' },
        { name: 'approve', status: 'skipped', startedAt: 1600, endedAt: 1600 },
      ],
    });
    expect(store.log(id!)).toBe('building…\r\ndone\r\n');
    expect(() => store.get(999)).toThrow(/no run #999/);
  });

  it('lists the runs of one host, or with one result, newest first, and names every host it has runs of', () => {
    dir = mkdtempSync(join(tmpdir(), 'flakedeck-runs-'));
    const store = storeOf(100, new Set([100]));
    const ids = store.begin([deploy('web'), deploy('db'), deploy('web', 'build'), deploy('mail', 'build')], 1000);
    store.finish(ids[0]!, 'failed', 'web could not be reached', 1100);
    store.finish(ids[1]!, 'succeeded', null, 1200);
    store.finish(ids[2]!, 'succeeded', null, 1300);

    expect(store.list({ host: 'web' }).map((r) => r.id)).toEqual([ids[2], ids[0]]);
    expect(store.list({ status: 'succeeded' }).map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect(store.list({ host: 'web', status: 'failed' }).map((r) => r.id)).toEqual([ids[0]]);
    expect(store.list({ status: 'running' }).map((r) => r.host)).toEqual(['mail']);
    expect(store.list({ host: 'db', status: 'failed' })).toEqual([]);
    expect(store.hosts()).toEqual(['db', 'mail', 'web']);
  });

  it('keeps the hash of a dirty tree with its run', () => {
    dir = mkdtempSync(join(tmpdir(), 'flakedeck-runs-'));
    const store = storeOf(100, new Set([100]));
    const [dirty, clean] = store.begin([{ ...deploy('web'), dirty: true, dirtyHash: '5be01c7a9f12' }, deploy('db')]);
    expect(store.get(dirty!)).toMatchObject({ dirty: true, dirtyHash: '5be01c7a9f12' });
    expect(store.get(clean!)).toMatchObject({ dirty: false, dirtyHash: null });
  });

  it('allows one deploy per host across processes, and takes over from a process that died', () => {
    dir = mkdtempSync(join(tmpdir(), 'flakedeck-runs-'));
    const alive = new Set([1, 2]);
    const app = storeOf(1, alive);
    const cli = storeOf(2, alive);
    const [first] = app.begin([deploy('web')]);
    expect(() => cli.begin([deploy('db'), deploy('web')])).toThrow(
      /web is already being deployed \(run #1, a deploy\)/,
    );
    expect(cli.list().map((r) => r.host)).toEqual(['web']); // all or nothing: db was not recorded
    // Builds of a host do not wait for its deploy.
    expect(cli.begin([deploy('web', 'build')])).toHaveLength(1);

    app.startStep(first!, 'copy', Date.now());
    alive.delete(1); // the app is killed
    const [second] = cli.begin([deploy('web', 'rollback')]);
    expect(cli.get(first!)).toMatchObject({
      status: 'interrupted',
      steps: [{ name: 'copy', status: 'interrupted' }],
    });
    expect(second).toBeGreaterThan(first!);
  });

  it('marks the runs of a process that is gone as interrupted when a store opens, and leaves live ones alone', () => {
    dir = mkdtempSync(join(tmpdir(), 'flakedeck-runs-'));
    const alive = new Set([1, 2]);
    const [gone] = storeOf(1, alive).begin([deploy('web')], 1000);
    const [live] = storeOf(2, alive).begin([deploy('db')], 1000);
    storeOf(1, alive).startStep(gone!, 'build', 5000);
    alive.delete(1);
    const later = storeOf(3, alive);
    expect(later.get(gone!)).toMatchObject({ status: 'interrupted', endedAt: 5000 });
    expect(later.get(gone!).message).toMatch(/killed or crashed/);
    expect(later.get(live!).status).toBe('running');
  });
});
