// The history database: migrations, WAL with synchronous=FULL, a newer schema refused, a writer killed midway, a
// damaged or half-migrated file refused by name with what to do, and the services starting on without it.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../common/api/errors.ts';
import { repoRoot } from '../../tests/support/fixture-flake.ts';
import { createServices } from '../services.ts';
import { openHistoryDatabase, schemaVersion } from './database.ts';
import { migrations } from './migrations.ts';
import { Settings } from './settings.ts';

let dir: string;
const file = () => join(dir, 'history.sqlite');
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const fresh = () => (dir = mkdtempSync(join(tmpdir(), 'flakedeck-history-')));

describe('history database', () => {
  it('migrates an empty file to the current schema in WAL with synchronous=FULL', () => {
    fresh();
    const db = openHistoryDatabase(file());
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    const settings = new Settings(db);
    settings.set('lastFlake', '/home/alice/infra');
    db.close();

    const again = openHistoryDatabase(file());
    expect(new Settings(again).get('lastFlake')).toBe('/home/alice/infra');
    expect(new Settings(again).get('windowBounds')).toBeUndefined();
    again.close();
  });

  it('refuses a database written by a newer schema and leaves it untouched', () => {
    fresh();
    openHistoryDatabase(file()).close();
    const raw = new Database(file());
    raw.pragma(`user_version = ${migrations.length + 3}`);
    raw.close();

    let error: unknown;
    try {
      openHistoryDatabase(file());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('HISTORY_TOO_NEW');
    expect((error as ApiError).message).toMatch(
      /written by a newer Flakedeck \(schema \d+; this version knows up to \d+\)/,
    );

    const check = new Database(file(), { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(migrations.length + 3);
    check.close();
  });

  it('refuses a damaged file by name, says what to do, and leaves it as it was', () => {
    fresh();
    // What a disk error or a file copied half-way leaves: bytes that are not a SQLite database.
    const damaged = Buffer.from('SQLite format 3\0'.padEnd(4096, '\u00ff'), 'latin1');
    writeFileSync(file(), damaged);
    expect(() => openHistoryDatabase(file())).toThrow(
      expect.objectContaining({
        code: 'HISTORY_UNUSABLE',
        message: expect.stringMatching(
          new RegExp(`^The history database ${file()} cannot be used: it is damaged, or not a SQLite database \\(`),
        ),
        hint: expect.stringContaining('move that file away (say to history.sqlite.broken, beside it) and start again'),
      }),
    );
    writeFileSync(file(), 'not a database at all\n');
    expect(() => openHistoryDatabase(file())).toThrow(/cannot be used: it is damaged, or not a SQLite database/);
    expect(readFileSync(file(), 'utf8')).toBe('not a database at all\n');
  });

  it('refuses a file whose version says it is migrated but that lacks a table or a column', () => {
    fresh();
    openHistoryDatabase(file()).close();
    const raw = new Database(file());
    raw.exec('DROP TABLE run_logs');
    raw.close();
    expect(() => openHistoryDatabase(file())).toThrow(
      `The history database ${file()} cannot be used: it has no table "run_logs", though its schema version says it should.`,
    );

    const second = join(dir, 'second.sqlite');
    openHistoryDatabase(second).close();
    const other = new Database(second);
    other.exec('ALTER TABLE runs DROP COLUMN out_path');
    other.close();
    expect(() => openHistoryDatabase(second)).toThrow(/its table "runs" lacks the column out_path\./);

    // Tables there already, the version saying they are not: the next migration cannot run.
    const third = join(dir, 'third.sqlite');
    openHistoryDatabase(third).close();
    const behind = new Database(third);
    behind.pragma('user_version = 1');
    behind.close();
    expect(() => openHistoryDatabase(third)).toThrow(
      `The history database ${third} cannot be used: its schema says version 1, and bringing it to 2 failed (table runs already exists).`,
    );
  });

  it('starts the services with the history in memory when the file cannot be used, and says why', async () => {
    fresh();
    writeFileSync(file(), 'not a database at all\n');
    const services = createServices({ dataDir: dir, defaultFlake: repoRoot, appVersion: '0.0.0-test' });
    try {
      expect(services.historyProblem).toMatchObject({
        code: 'HISTORY_UNUSABLE',
        message: expect.stringContaining(file()),
      });
      // Settings and runs work for the session, in memory.
      services.settings.set('lastFlake', '/somewhere');
      expect(services.settings.get('lastFlake')).toBe('/somewhere');
      expect(services.runs.list()).toEqual([]);
    } finally {
      services.close();
    }
    expect(readFileSync(file(), 'utf8')).toBe('not a database at all\n');
  });

  it('keeps every committed transaction and stays intact when a writer is killed with SIGKILL', async () => {
    fresh();
    const child = spawn(process.execPath, [join(repoRoot, 'tests/support/history-writer.ts'), file()], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let committed = 0;
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
      child.stdout.on('data', (chunk: Buffer) => {
        committed = Number(chunk.toString().trim().split('\n').at(-1));
        // Kill it while it is inside a later transaction, after several have committed.
        if (committed >= 5) {
          child.removeAllListeners('exit');
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.once('exit', resolve));

    const db = openHistoryDatabase(file());
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = (db.prepare('SELECT count(*) AS n FROM settings').get() as { n: number }).n;
    expect(rows % 200).toBe(0); // no half transaction survived
    expect(rows).toBeGreaterThanOrEqual(committed * 200);
    db.close();
  });
});
