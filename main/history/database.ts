// The history database (better-sqlite3): durable settings, and the schema every later store migrates. A file that
// cannot be used (damaged, half migrated, from a newer version) is refused with which file, what is wrong and what
// to do; the services then run on a history kept in memory.

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
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
  let db: HistoryDatabase;
  try {
    db = new Database(file);
  } catch (error) {
    throw unusable(file, `it cannot be opened (${(error as Error).message})`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, file);
    checkSchema(db, file);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof ApiError) throw error;
    const code = (error as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
      throw unusable(file, `it is damaged, or not a SQLite database (${(error as Error).message})`);
    }
    throw unusable(file, (error as Error).message);
  }
}

/** An in-memory history with the current schema: the services' history while the file cannot be used. */
export function openMemoryHistory(): HistoryDatabase {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, ':memory:');
  return db;
}

function unusable(file: string, what: string): ApiError {
  return new ApiError({
    code: 'HISTORY_UNUSABLE',
    message: `The history database ${file} cannot be used: ${what}.`,
    hint: `Quit Flakedeck, move that file away (say to ${basename(file)}.broken, beside it) and start again: a new history begins, and the old file stays for you to inspect or restore.`,
  });
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
    try {
      db.transaction(() => {
        db.exec(migrations[version]!);
        db.pragma(`user_version = ${version + 1}`);
      }).immediate();
    } catch (error) {
      // A schema that does not match its version (tables made by hand, a half-restored copy) fails here.
      throw unusable(
        file,
        `its schema says version ${version}, and bringing it to ${version + 1} failed (${(error as Error).message})`,
      );
    }
  }
}

let expectedSchema: Map<string, string[]> | undefined;

/** Every table and its columns, as the migrations make them. */
function tablesOf(db: HistoryDatabase): Map<string, string[]> {
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all();
  return new Map(
    tables.map(({ name }) => [
      name,
      db
        .prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)')
        .all(name)
        .map((c) => c.name),
    ]),
  );
}

/**
 * A file whose version says every migration ran may still lack what one made (a table dropped by hand, a copy
 * taken half way): it is refused here, by name, rather than failing later in a query.
 */
function checkSchema(db: HistoryDatabase, file: string): void {
  if (!expectedSchema) {
    const model = openMemoryHistory();
    expectedSchema = tablesOf(model);
    model.close();
  }
  const actual = tablesOf(db);
  for (const [table, columns] of expectedSchema) {
    const present = actual.get(table);
    if (!present) throw unusable(file, `it has no table "${table}", though its schema version says it should`);
    const missing = columns.filter((c) => !present.includes(c));
    if (missing.length > 0) {
      throw unusable(
        file,
        `its table "${table}" lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      );
    }
  }
}
