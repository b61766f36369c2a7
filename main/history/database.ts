// The history database (better-sqlite3): durable settings, and the schema every later store migrates.

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ApiError } from '../../common/api/errors.ts';
import { migrations } from './migrations.ts';

export type HistoryDatabase = Database.Database;

/**
 * Opens (creating if needed) the database and brings its schema up to date.
 * WAL lets the CLI read while the app writes; synchronous=FULL keeps the last commits across a power cut,
 * which matters for the record of what was deployed.
 */
export function openHistoryDatabase(file: string): HistoryDatabase {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function schemaVersion(db: HistoryDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: HistoryDatabase, file: string): void {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new ApiError({
      code: 'HISTORY_TOO_NEW',
      message: `The history database ${file} was written by a newer Flakedeck (schema ${current}; this version knows up to ${migrations.length}).`,
      hint: 'Update Flakedeck, or move that file away to start a new history.',
    });
  }
  for (let version = current; version < migrations.length; version++) {
    // Each step and its version number commit together, so a crash never leaves a half-migrated schema.
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
