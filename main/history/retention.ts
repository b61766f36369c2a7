// Deletes what the history has kept long enough: old runs, the logs of older runs, manifests cached long ago. It
// works in small transactions with the event loop free between them, so nothing waits on it.

import type { RetentionPolicy } from '../../common/model/runs.ts';
import type { HistoryDatabase } from './database.ts';
import type { Settings } from './settings.ts';

const day = 24 * 60 * 60 * 1000;

/** What a person would keep: a year of runs, three months of their logs, a month of cached manifests. */
export const defaultRetention: RetentionPolicy = { runDays: 365, logDays: 90, manifestDays: 30 };

/** Rows per transaction: a reader or writer beside it waits for one batch at most. */
const batchRows = 200;

export interface RetentionReport {
  runs: number;
  logChunks: number;
  inspections: number;
  manifests: number;
}

/** Never a running run, and never a host's newest one: the tray and the deploy view show it. */
const removable = (run: string) =>
  `${run}.status <> 'running' AND ${run}.id NOT IN (SELECT max(id) FROM runs GROUP BY flake, host)`;

const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Retention {
  readonly #db: HistoryDatabase;
  readonly #settings: Settings;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<RetentionReport> | undefined;

  constructor(db: HistoryDatabase, settings: Settings) {
    this.#db = db;
    this.#settings = settings;
  }

  policy(): RetentionPolicy {
    return { ...defaultRetention, ...this.#settings.get('retention') };
  }

  setPolicy(policy: RetentionPolicy): RetentionPolicy {
    this.#settings.set('retention', policy);
    void this.apply();
    return this.policy();
  }

  /** Applies the policy soon after start, then once a day; the timers never keep the process alive. */
  schedule(firstAfterMs = 60_000): void {
    const run = (delay: number) => {
      this.#timer = setTimeout(() => {
        this.apply()
          .catch((error: unknown) => console.error('Applying the history retention failed:', error))
          .finally(() => run(day));
      }, delay);
      this.#timer.unref();
    };
    run(firstAfterMs);
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }

  /** Deletes what the policy no longer keeps; one pass at a time. */
  apply(now = Date.now()): Promise<RetentionReport> {
    this.#running ??= this.#apply(now).finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #apply(now: number): Promise<RetentionReport> {
    const { runDays, logDays, manifestDays } = this.policy();
    const logChunks = await this.#inBatches(
      `DELETE FROM run_logs WHERE rowid IN (
         SELECT l.rowid FROM run_logs AS l JOIN runs AS r ON r.id = l.run_id
         WHERE r.started_at < ? AND ${removable('r')} LIMIT ${batchRows})`,
      now - Math.min(logDays, runDays) * day,
    );
    const runs = await this.#inBatches(
      `DELETE FROM runs WHERE id IN (
         SELECT r.id FROM runs AS r WHERE r.started_at < ? AND ${removable('r')} LIMIT ${batchRows})`,
      now - runDays * day,
    );
    // Each flake's newest inspection stays: it is what a changed flake shows while it is evaluated again.
    const inspections = await this.#inBatches(
      `DELETE FROM flake_inspections WHERE rowid IN (
         SELECT rowid FROM flake_inspections AS i WHERE evaluated_at < ? AND evaluated_at <
           (SELECT max(evaluated_at) FROM flake_inspections WHERE flake_path = i.flake_path) LIMIT ${batchRows})`,
      now - manifestDays * day,
    );
    const manifests = await this.#inBatches(
      `DELETE FROM host_manifests WHERE rowid IN (
         SELECT rowid FROM host_manifests AS m WHERE NOT EXISTS (
           SELECT 1 FROM flake_inspections AS i WHERE i.nar_hash = m.nar_hash AND i.inspect_hash = m.inspect_hash)
         LIMIT ${batchRows})`,
    );
    return { runs, logChunks, inspections, manifests };
  }

  async #inBatches(sql: string, ...params: number[]): Promise<number> {
    const statement = this.#db.prepare(sql);
    let deleted = 0;
    for (;;) {
      const { changes } = statement.run(...params);
      deleted += changes;
      if (changes < batchRows) return deleted;
      await pause();
    }
  }
}
