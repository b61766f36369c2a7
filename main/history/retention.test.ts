// Retention deletes old runs, old logs and manifests cached long ago, and nothing else.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openHistoryDatabase } from './database.ts';
import type { HistoryDatabase } from './database.ts';
import { ManifestStore } from './manifest-store.ts';
import { defaultRetention, Retention } from './retention.ts';
import type { NewRun } from './run-store.ts';
import { RunStore } from './run-store.ts';
import { Settings } from './settings.ts';

let dir: string;
let db: HistoryDatabase;
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const day = 24 * 60 * 60 * 1000;
const now = Date.UTC(2026, 5, 1);

function open() {
  dir = mkdtempSync(join(tmpdir(), 'flakedeck-retention-'));
  db = openHistoryDatabase(join(dir, 'history.sqlite'));
  const settings = new Settings(db);
  return { runs: new RunStore(db), manifests: new ManifestStore(db), retention: new Retention(db, settings), settings };
}

const run = (host: string): NewRun => ({
  batch: 'b',
  kind: 'build',
  host,
  flake: '/flake',
  revision: null,
  dirty: null,
  mode: null,
  target: null,
});

/** A finished run of `host` started `age` days ago, with a log of `chunks` chunks. */
function finished(runs: RunStore, host: string, age: number, chunks = 3): number {
  const [id] = runs.begin([run(host)], now - age * day);
  for (let i = 0; i < chunks; i++) runs.appendLog(id!, `${'x'.repeat(70_000)}\n`);
  runs.finish(id!, 'succeeded', null, now - age * day + 1000);
  return id!;
}

const exists = (runs: RunStore, id: number) => runs.list({ limit: 1000 }).some((r) => r.id === id);

describe('history retention', () => {
  it('deletes old runs and the logs of older ones, but never a running run or a host’s newest', async () => {
    const { runs, retention, settings } = open();
    expect(retention.policy()).toEqual(defaultRetention);
    settings.set('retention', { runDays: 100, logDays: 10, manifestDays: 30 });

    const ancient = finished(runs, 'web', 400);
    const oldLog = finished(runs, 'web', 50);
    const recent = finished(runs, 'web', 2);
    const lastOfDb = finished(runs, 'db', 500); // db's newest run: it stays, log and all
    const [stillRunning] = runs.begin([run('cache')], now - 300 * day);
    runs.appendLog(stillRunning!, 'building…\n');
    // Enough chunks that the deletion takes several batches.
    const big = finished(runs, 'web', 200, 450);
    const newestWeb = finished(runs, 'web', 1);

    const chunks = (ids: number[]) =>
      (db.prepare(`SELECT count(*) AS n FROM run_logs WHERE run_id IN (${ids.join(',')})`).get() as { n: number }).n;
    const due = chunks([ancient, oldLog, big]);
    expect(due).toBeGreaterThan(450);
    const report = await retention.apply(now);

    expect(exists(runs, ancient)).toBe(false);
    expect(exists(runs, big)).toBe(false);
    expect(exists(runs, oldLog)).toBe(true);
    expect(runs.logPage(oldLog, 0, 10).total).toBe(0); // the run stays, its log is gone
    expect(runs.logPage(recent, 0, 10).total).toBe(3);
    expect(runs.logPage(newestWeb, 0, 10).total).toBe(3);
    expect(runs.logPage(lastOfDb, 0, 10).total).toBe(3);
    expect(runs.logPage(stillRunning!, 0, 10).lines).toEqual(['building…']);
    expect(report).toMatchObject({ runs: 2, logChunks: due });
    expect(chunks([ancient, oldLog, big])).toBe(0);

    // Once applied, nothing more is due.
    expect(await retention.apply(now)).toEqual({ runs: 0, logChunks: 0, inspections: 0, manifests: 0 });
  });

  it('deletes manifests cached long ago, keeping each flake’s newest and what it refers to', async () => {
    const { manifests, retention } = open();
    const save = (flakePath: string, narHash: string, age: number) =>
      manifests.save(
        {
          flakePath,
          fingerprint: `fp-${narHash}`,
          inspectHash: 'i',
          narHash,
          storePath: '/nix/store/x-source',
          hosts: ['web'],
          evaluatedAt: now - age * day,
        },
        [{ host: 'web', raw: { narHash } }],
      );
    save('/a', 'old-a', 90);
    save('/a', 'new-a', 40); // old, but /a's newest
    save('/b', 'old-b', 60);
    save('/b', 'recent-b', 5);
    save('/c', 'shared', 60);
    save('/c', 'new-c', 3);
    save('/d', 'shared', 1); // /c's old inspection goes; the manifest /d still refers to stays

    expect(await retention.apply(now)).toMatchObject({ inspections: 3, manifests: 2 });
    expect(manifests.latest('/a', 'i')?.narHash).toBe('new-a');
    expect(manifests.findByFingerprint('/a', 'fp-old-a', 'i')).toBeUndefined();
    expect(manifests.findByFingerprint('/b', 'fp-old-b', 'i')).toBeUndefined();
    expect(manifests.hosts('old-a', 'i').size).toBe(0);
    expect(manifests.hosts('old-b', 'i').size).toBe(0);
    expect(manifests.hosts('new-a', 'i').size).toBe(1);
    expect(manifests.hosts('recent-b', 'i').size).toBe(1);
    expect(manifests.hosts('shared', 'i').size).toBe(1);
    expect(manifests.findByFingerprint('/c', 'fp-shared', 'i')).toBeUndefined();
  });
});
