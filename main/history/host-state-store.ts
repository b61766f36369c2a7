// The hosts' last live state per flake, and the boots seen, in the history database.

import type { HostLiveState, HostReading } from '../../common/model/fleet.ts';
import type { HistoryDatabase } from './database.ts';

interface StateRow {
  host: string;
  target: string;
  checked_at: number;
  reachable: number;
  error: string | null;
  reading: string | null;
  seen_at: number | null;
}

export interface Boot {
  bootedAt: number;
  system: string | null;
}

/** Two readings of one boot differ by the jitter of uptime's start; a new boot is further apart than this. */
const sameBootWithinMs = 120_000;

export class HostStateStore {
  readonly #db: HistoryDatabase;
  readonly #all;
  readonly #one;
  readonly #save;
  readonly #lastBoot;
  readonly #addBoot;
  readonly #boots;

  constructor(db: HistoryDatabase) {
    this.#db = db;
    this.#all = db.prepare<[string], StateRow>('SELECT * FROM host_states WHERE flake_path = ?');
    this.#one = db.prepare<[string, string], StateRow>('SELECT * FROM host_states WHERE flake_path = ? AND host = ?');
    this.#save = db.prepare(
      `INSERT INTO host_states (flake_path, host, target, checked_at, reachable, error, reading, seen_at)
       VALUES (@flake, @host, @target, @checkedAt, @reachable, @error, @reading, @seenAt)
       ON CONFLICT (flake_path, host) DO UPDATE SET target = excluded.target, checked_at = excluded.checked_at,
         reachable = excluded.reachable, error = excluded.error, reading = excluded.reading, seen_at = excluded.seen_at`,
    );
    this.#lastBoot = db.prepare<[string, string], { booted_at: number; system: string | null }>(
      'SELECT booted_at, system FROM host_boots WHERE flake_path = ? AND host = ? ORDER BY booted_at DESC LIMIT 1',
    );
    this.#addBoot = db.prepare<[string, string, number, string | null]>(
      'INSERT OR IGNORE INTO host_boots (flake_path, host, booted_at, system) VALUES (?, ?, ?, ?)',
    );
    this.#boots = db.prepare<[string, string], { booted_at: number; system: string | null }>(
      'SELECT booted_at, system FROM host_boots WHERE flake_path = ? AND host = ? ORDER BY booted_at',
    );
  }

  /** The last state of every host of the flake that was ever checked. */
  all(flake: string): Map<string, HostLiveState> {
    return new Map(this.#all.all(flake).map((row) => [row.host, toState(row)]));
  }

  get(flake: string, host: string): HostLiveState | undefined {
    const row = this.#one.get(flake, host);
    return row && toState(row);
  }

  /** Records a check; a host that did not answer keeps its last reading, and the time it was taken. */
  record(flake: string, state: HostLiveState): void {
    this.#db.transaction(() => {
      this.#save.run({
        flake,
        host: state.host,
        target: state.target,
        checkedAt: state.checkedAt,
        reachable: state.reachable ? 1 : 0,
        error: state.error,
        reading: state.reading ? JSON.stringify(state.reading) : null,
        seenAt: state.seenAt,
      });
      const { reading, seenAt } = state;
      if (state.reachable && reading?.uptimeSeconds != null && seenAt != null) {
        const bootedAt = seenAt - reading.uptimeSeconds * 1000;
        const last = this.#lastBoot.get(flake, state.host);
        if (!last || Math.abs(last.booted_at - bootedAt) > sameBootWithinMs) {
          this.#addBoot.run(flake, state.host, bootedAt, reading.bootedSystem);
        }
      }
    })();
  }

  boots(flake: string, host: string): Boot[] {
    return this.#boots.all(flake, host).map((b) => ({ bootedAt: b.booted_at, system: b.system }));
  }
}

function toState(row: StateRow): HostLiveState {
  return {
    host: row.host,
    target: row.target,
    checkedAt: row.checked_at,
    reachable: row.reachable === 1,
    error: row.error,
    reading: row.reading ? (JSON.parse(row.reading) as HostReading) : null,
    seenAt: row.seen_at,
  };
}
