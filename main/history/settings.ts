// Key-value settings in the history database, stored as JSON.

import type { RetentionPolicy } from '../../common/model/runs.ts';
import type { HistoryDatabase } from './database.ts';

export interface SettingsShape {
  lastFlake: string;
  windowBounds: { x: number; y: number; width: number; height: number; maximized: boolean };
  retention: RetentionPolicy;
  /** Seconds between automatic checks of the hosts' live state; 0: only when asked. */
  fleetRefreshSeconds: number;
  /** How long a switch of this machine asks "Keep this configuration?" (keepSecondsRange). */
  keepSeconds: number;
}

export class Settings {
  readonly #get;
  readonly #set;

  constructor(db: HistoryDatabase) {
    this.#get = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.#set = db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  get<K extends keyof SettingsShape>(key: K): SettingsShape[K] | undefined {
    const row = this.#get.get(key);
    return row ? (JSON.parse(row.value) as SettingsShape[K]) : undefined;
  }

  set<K extends keyof SettingsShape>(key: K, value: SettingsShape[K]): void {
    this.#set.run(key, JSON.stringify(value));
  }
}
