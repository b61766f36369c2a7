// The logs of runs in the history database: written in bounded chunks, read back in pages of lines or streamed
// chunk by chunk, so neither side ever holds a whole log.

import type { LogPage } from '../../common/model/runs.ts';
import type { HistoryDatabase } from './database.ts';

/** Characters per stored chunk at most; a flood of output becomes many chunks, not one huge row. */
export const chunkChars = 64 * 1024;
/** How often pending text is committed; step ends and readers commit it at once. */
const flushMs = 100;

const newlines = (text: string) => {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  return count;
};

/** Cuts text into pieces of at most `max` characters, after a newline where one is near, never inside a surrogate pair. */
export function splitChunks(text: string, max = chunkChars): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > max) {
    let end = text.lastIndexOf('\n', start + max - 1) + 1;
    if (end <= start + max / 2) {
      end = start + max;
      const code = text.charCodeAt(end - 1);
      if (code >= 0xd800 && code <= 0xdbff) end--;
    }
    pieces.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) pieces.push(text.slice(start));
  return pieces;
}

interface Tail {
  seq: number;
  /** Newlines written so far: the first line of the next chunk. */
  lines: number;
}

export class RunLogs {
  readonly #db: HistoryDatabase;
  /** Text not yet committed, per run. */
  readonly #pending = new Map<number, string[]>();
  /** Where each run's log ends, once known. */
  readonly #tails = new Map<number, Tail>();
  #timer: NodeJS.Timeout | undefined;
  readonly #insert;
  readonly #tail;
  readonly #covering;
  readonly #chunks;
  readonly #end;

  constructor(db: HistoryDatabase) {
    this.#db = db;
    this.#insert = db.prepare<[number, number, string, number, number]>(
      'INSERT INTO run_logs (run_id, seq, text, first_line, line_count) VALUES (?, ?, ?, ?, ?)',
    );
    this.#tail = db.prepare<[number], { seq: number; lines: number }>(
      `SELECT coalesce(max(seq), 0) AS seq, coalesce(max(first_line + line_count), 0) AS lines
       FROM run_logs WHERE run_id = ?`,
    );
    // The index holds the line numbers: finding a page reads only the chunks it returns.
    this.#covering = db.prepare<[number, number, number], { text: string; first_line: number }>(
      `SELECT text, first_line FROM run_logs WHERE run_id = ? AND first_line <= ? AND first_line + line_count >= ?
       ORDER BY seq`,
    );
    this.#chunks = db.prepare<[number, number], { seq: number; text: string }>(
      'SELECT seq, text FROM run_logs WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT 16',
    );
    this.#end = db.prepare<[number], { text: string }>(
      'SELECT substr(text, -1) AS text FROM run_logs WHERE run_id = ? ORDER BY seq DESC LIMIT 1',
    );
  }

  append(runId: number, text: string): void {
    if (!text) return;
    const pending = this.#pending.get(runId);
    if (pending) pending.push(text);
    else this.#pending.set(runId, [text]);
    this.#timer ??= setTimeout(() => this.flush(), flushMs);
  }

  /** Commits pending text, of one run or of all. */
  flush(runId?: number): void {
    const ids = runId === undefined ? [...this.#pending.keys()] : [runId];
    for (const id of ids) {
      const parts = this.#pending.get(id);
      if (!parts) continue;
      this.#pending.delete(id);
      const tail = this.#tails.get(id) ?? this.#tail.get(id)!;
      this.#db.transaction(() => {
        for (const piece of splitChunks(parts.join(''))) {
          const count = newlines(piece);
          this.#insert.run(id, ++tail.seq, piece, tail.lines, count);
          tail.lines += count;
        }
      })();
      this.#tails.set(id, tail);
    }
    if (this.#pending.size === 0 && this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Lines `from` to `from + count` (fewer at the end), without their newlines; long lines are cut at `maxLineChars`. */
  page(runId: number, from: number, count: number, maxLineChars = Infinity): LogPage {
    this.flush(runId);
    const total = this.lineCount(runId);
    const last = Math.min(from + count, total) - 1;
    if (last < from) return { from, lines: [], total };
    const rows = this.#covering.all(runId, last, from);
    if (rows.length === 0) return { from, lines: [], total };
    // A line may run across chunks: join the few that hold the page, then cut it out.
    const lines = rows
      .map((r) => r.text)
      .join('')
      .split('\n')
      .slice(from - rows[0]!.first_line, last - rows[0]!.first_line + 1)
      .map((line) =>
        line.length > maxLineChars
          ? `${line.slice(0, maxLineChars)} … (${line.length - maxLineChars} more characters)`
          : line,
      );
    return { from, lines, total };
  }

  /** Lines in the log: every newline ends one, and text after the last newline is one more. */
  lineCount(runId: number): number {
    this.flush(runId);
    const { lines } = this.#tail.get(runId)!;
    const end = this.#end.get(runId);
    return end && end.text !== '\n' ? lines + 1 : lines;
  }

  /** The log chunk by chunk, as written: what a reader streams without holding the whole. */
  *chunks(runId: number): Generator<string> {
    this.flush(runId);
    // A few chunks per query, none held open between them: the caller may use the database while it reads.
    for (let seq = 0; ;) {
      const rows = this.#chunks.all(runId, seq);
      if (rows.length === 0) return;
      for (const row of rows) yield row.text;
      seq = rows.at(-1)!.seq;
    }
  }
}
