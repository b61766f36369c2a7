// Run logs in bounded chunks: paged back whole, streamed back whole, and logs written before pages existed.

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openHistoryDatabase } from './database.ts';
import type { HistoryDatabase } from './database.ts';
import { migrations } from './migrations.ts';
import { chunkChars, splitChunks } from './run-logs.ts';
import { RunStore } from './run-store.ts';

let dir: string;
const dbs: HistoryDatabase[] = [];
afterEach(() => {
  dbs.splice(0).forEach((db) => db.close());
  rmSync(dir, { recursive: true, force: true });
});

function store(): { runs: RunStore; db: HistoryDatabase } {
  dir = mkdtempSync(join(tmpdir(), 'flakedeck-logs-'));
  const db = openHistoryDatabase(join(dir, 'history.sqlite'));
  dbs.push(db);
  return { runs: new RunStore(db), db };
}

const build = {
  batch: 'b',
  kind: 'build',
  host: 'web',
  flake: '/flake',
  revision: null,
  dirty: null,
  mode: null,
  target: null,
} as const;

/** Build-log-like text: colours, CRLF and bare CR progress, empty lines, non-ASCII, and one line of 200 KiB. */
function sampleLog(): string {
  const parts: string[] = [];
  for (let i = 0; i < 30_000; i++) {
    if (i % 1000 === 7) parts.push('');
    else if (i === 12_345) parts.push(`{"blob":"${'x'.repeat(200 * 1024)}"}`);
    else if (i % 3 === 0) parts.push(`\x1b[1;32mbuilding\x1b[0m '/nix/store/${i}-pkg.drv' — ✓ 𝄞\r`);
    else parts.push(`copying ${i} [${'#'.repeat(i % 40)}]\r[${'='.repeat(i % 40)}]`);
  }
  return parts.join('\n');
}

/** Written the way a run writes: many appends, some flushed by a step's end, some by the timer. */
function write(runs: RunStore, id: number, text: string): void {
  for (let at = 0, n = 0; at < text.length; n++) {
    const size = [1, 17, 4096, 300_000][n % 4]!;
    runs.appendLog(id, text.slice(at, at + size));
    at += size;
    if (n % 7 === 0) runs.flushLogs(id);
  }
}

describe('run logs', () => {
  it('are paged back whole, line by line, and streamed back whole, in chunks of bounded size', () => {
    const { runs, db } = store();
    const [id] = runs.begin([build]);
    const text = sampleLog();
    write(runs, id!, text);

    const lines = text.split('\n');
    const first = runs.logPage(id!, 0, 500);
    expect(first.total).toBe(lines.length);
    const paged: string[] = [];
    for (let from = 0; from < first.total; from += 500) {
      const page = runs.logPage(id!, from, 500);
      expect(page.from).toBe(from);
      paged.push(...page.lines);
    }
    expect(paged).toHaveLength(lines.length);
    expect(paged.join('\n')).toBe(text);

    // Any window, including one that starts inside the long line's chunks.
    expect(runs.logPage(id!, 12_344, 3).lines).toEqual(lines.slice(12_344, 12_347));
    expect(runs.logPage(id!, 29_998, 10).lines).toEqual(lines.slice(29_998));
    expect(runs.logPage(id!, 40_000, 10)).toEqual({ from: 40_000, lines: [], total: lines.length });
    expect(runs.logPage(id!, 12_345, 1, 100).lines[0]).toMatch(/^\{"blob":"x{91} … \(204\d{3} more characters\)$/);

    const chunks = [...runs.logChunks(id!)];
    expect(chunks.join('')).toBe(text);
    expect(chunks.length).toBeGreaterThan(text.length / chunkChars);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(chunkChars);
    const longest = db.prepare('SELECT max(length(text)) AS n FROM run_logs').get() as { n: number };
    expect(longest.n).toBeLessThanOrEqual(chunkChars);
  });

  it('counts a last line without a newline, and none after a final newline', () => {
    const { runs } = store();
    const [a, b, c] = runs.begin([build, build, build]);
    runs.appendLog(a!, 'one\ntwo');
    runs.appendLog(b!, 'one\ntwo\n');
    expect(runs.logPage(a!, 0, 10)).toEqual({ from: 0, lines: ['one', 'two'], total: 2 });
    expect(runs.logPage(b!, 0, 10)).toEqual({ from: 0, lines: ['one', 'two'], total: 2 });
    expect(runs.logPage(c!, 0, 10)).toEqual({ from: 0, lines: [], total: 0 });
    runs.appendLog(a!, ' more\nthree');
    expect(runs.logPage(a!, 1, 10).lines).toEqual(['two more', 'three']);
  });

  it('cuts after a newline where one is near, and never inside a surrogate pair', () => {
    expect(splitChunks('aaaa\nbbbbbbb', 8)).toEqual(['aaaa\n', 'bbbbbbb']);
    const pieces = splitChunks('𝄞'.repeat(10), 5);
    expect(pieces.join('')).toBe('𝄞'.repeat(10));
    expect(pieces.every((p) => !/[\ud800-\udbff]$/.test(p))).toBe(true);
  });

  it('pages logs written before pages existed, once the database is migrated', () => {
    dir = mkdtempSync(join(tmpdir(), 'flakedeck-logs-'));
    const file = join(dir, 'history.sqlite');
    const before = migrations.findIndex((m) => m.includes('ADD COLUMN first_line'));
    const old = new Database(file);
    for (const m of migrations.slice(0, before)) old.exec(m);
    old.pragma(`user_version = ${before}`);
    old.exec(`INSERT INTO runs (batch, kind, host, flake, status, started_at, owner_pid)
              VALUES ('b', 'build', 'web', '/flake', 'succeeded', 1, 1)`);
    const insert = old.prepare('INSERT INTO run_logs (run_id, seq, text) VALUES (1, ?, ?)');
    ['a\nb', 'c\n\nd\n', 'e'].forEach((text, i) => insert.run(i + 1, text));
    old.close();

    const db = openHistoryDatabase(file);
    dbs.push(db);
    const runs = new RunStore(db);
    expect(runs.logPage(1, 0, 100)).toEqual({ from: 0, lines: ['a', 'bc', '', 'd', 'e'], total: 5 });
    expect(runs.logPage(1, 3, 1).lines).toEqual(['d']);
    runs.appendLog(1, 'f\ng');
    expect(runs.logPage(1, 4, 100).lines).toEqual(['ef', 'g']);
  });
});
