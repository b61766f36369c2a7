// The record of every build, deploy and rollback: runs, their steps, logs and diff summaries, durable per commit.

import { ApiError } from '../../common/api/errors.ts';
import type {
  ClosureDiff,
  DeployMode,
  LogPage,
  RunDetail,
  RunKind,
  RunStatus,
  RunSummary,
  StepName,
  StepRecord,
  StepStatus,
} from '../../common/model/runs.ts';
import type { HistoryDatabase } from './database.ts';
import { RunLogs } from './run-logs.ts';

/** What a run is about, known when it starts. */
export type NewRun = Pick<RunSummary, 'batch' | 'kind' | 'host' | 'flake' | 'revision' | 'dirty' | 'mode' | 'target'> &
  Partial<Pick<RunSummary, 'dirtyHash'>>;

interface RunRow {
  id: number;
  batch: string;
  kind: RunKind;
  host: string;
  flake: string;
  revision: string | null;
  dirty: number | null;
  dirty_hash: string | null;
  mode: DeployMode | null;
  target: string | null;
  out_path: string | null;
  status: RunStatus;
  message: string | null;
  started_at: number;
  ended_at: number | null;
  owner_pid: number;
}

interface StepRow {
  seq: number;
  name: StepName;
  status: StepStatus;
  started_at: number;
  ended_at: number | null;
  message: string | null;
  terminal_id: string | null;
}

/** Kinds that change a host: only one of them may run per host at a time, across every Flakedeck process. */
const exclusiveKinds: readonly RunKind[] = ['deploy', 'rollback'];
const interruptedMessage = 'Flakedeck stopped while this ran (it was killed or crashed); the run did not finish.';

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function summary(row: RunRow): RunSummary {
  return {
    id: row.id,
    batch: row.batch,
    kind: row.kind,
    host: row.host,
    flake: row.flake,
    revision: row.revision,
    dirty: row.dirty === null ? null : row.dirty === 1,
    dirtyHash: row.dirty_hash,
    mode: row.mode,
    target: row.target,
    outPath: row.out_path,
    status: row.status,
    message: row.message,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}

export class RunStore {
  readonly #db: HistoryDatabase;
  readonly #pid: number;
  readonly #isAlive: (pid: number) => boolean;
  /** Logs, committed every few hundred milliseconds and at each step's end. */
  readonly #logs: RunLogs;

  constructor(db: HistoryDatabase, options: { pid?: number; isAlive?: (pid: number) => boolean } = {}) {
    this.#db = db;
    this.#pid = options.pid ?? process.pid;
    this.#isAlive = options.isAlive ?? pidAlive;
    this.#logs = new RunLogs(db);
    this.sweepInterrupted();
  }

  /** Runs left `running` by a process that is gone (killed, crashed, power cut) become `interrupted`. */
  sweepInterrupted(): number {
    return this.#db
      .transaction(() => {
        const stale = this.#db
          .prepare<[], { id: number; owner_pid: number }>("SELECT id, owner_pid FROM runs WHERE status = 'running'")
          .all()
          .filter((r) => r.owner_pid !== this.#pid && !this.#isAlive(r.owner_pid));
        for (const { id } of stale) this.#interrupt(id);
        return stale.length;
      })
      .immediate();
  }

  /**
   * Records new runs and returns their ids, all or none. A deploy or rollback is refused while another one of the same
   * host runs in any live Flakedeck process; the check and the inserts are one write transaction, so two processes
   * cannot both pass.
   */
  begin(runs: readonly NewRun[], now = Date.now()): number[] {
    const running = this.#db.prepare<[string], { id: number; owner_pid: number; kind: RunKind }>(
      `SELECT id, owner_pid, kind FROM runs WHERE host = ? AND status = 'running' AND kind IN ('deploy', 'rollback')`,
    );
    const insert = this.#db.prepare(
      `INSERT INTO runs (batch, kind, host, flake, revision, dirty, dirty_hash, mode, target, status, started_at, owner_pid)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)`,
    );
    return this.#db
      .transaction(() =>
        runs.map((run) => {
          if (exclusiveKinds.includes(run.kind)) {
            for (const other of running.all(run.host)) {
              if (other.owner_pid !== this.#pid && !this.#isAlive(other.owner_pid)) {
                this.#interrupt(other.id);
                continue;
              }
              throw new ApiError({
                code: 'BUSY',
                message: `${run.host} is already being deployed (run #${other.id}, a ${other.kind}); one deploy per host runs at a time.`,
                hint: 'Wait for it to finish or cancel it, then start again.',
              });
            }
          }
          const result = insert.run(
            run.batch,
            run.kind,
            run.host,
            run.flake,
            run.revision,
            run.dirty === null ? null : Number(run.dirty),
            run.dirtyHash ?? null,
            run.mode,
            run.target,
            now,
            this.#pid,
          );
          return Number(result.lastInsertRowid);
        }),
      )
      .immediate();
  }

  startStep(runId: number, name: StepName, now = Date.now()): number {
    this.flushLogs(runId);
    const next = this.#db
      .prepare<[number], { seq: number }>('SELECT coalesce(max(seq), 0) + 1 AS seq FROM run_steps WHERE run_id = ?')
      .get(runId)!.seq;
    this.#db
      .prepare("INSERT INTO run_steps (run_id, seq, name, status, started_at) VALUES (?, ?, ?, 'running', ?)")
      .run(runId, next, name, now);
    return next;
  }

  setStepTerminal(runId: number, seq: number, terminalId: string): void {
    this.#db.prepare('UPDATE run_steps SET terminal_id = ? WHERE run_id = ? AND seq = ?').run(terminalId, runId, seq);
  }

  finishStep(runId: number, seq: number, status: StepStatus, message: string | null, now = Date.now()): void {
    this.flushLogs(runId);
    this.#db
      .prepare('UPDATE run_steps SET status = ?, message = ?, ended_at = ? WHERE run_id = ? AND seq = ?')
      .run(status, message, now, runId, seq);
  }

  /** A step that did not run, recorded with why. */
  skipStep(runId: number, name: StepName, message: string, now = Date.now()): void {
    const seq = this.startStep(runId, name, now);
    this.finishStep(runId, seq, 'skipped', message, now);
  }

  setOutPath(runId: number, outPath: string): void {
    this.#db.prepare('UPDATE runs SET out_path = ? WHERE id = ?').run(outPath, runId);
  }

  setDiff(runId: number, diff: ClosureDiff): void {
    this.#db
      .prepare(
        'INSERT INTO run_diffs (run_id, summary) VALUES (?, ?) ON CONFLICT (run_id) DO UPDATE SET summary = excluded.summary',
      )
      .run(runId, JSON.stringify(diff));
  }

  appendLog(runId: number, text: string): void {
    this.#logs.append(runId, text);
  }

  /** Commits pending log text, of one run or of all. */
  flushLogs(runId?: number): void {
    this.#logs.flush(runId);
  }

  finish(runId: number, status: Exclude<RunStatus, 'running'>, message: string | null, now = Date.now()): void {
    this.flushLogs(runId);
    this.#db.transaction(() => {
      // A step still open when its run ends did not finish either.
      this.#db
        .prepare("UPDATE run_steps SET status = ?, ended_at = ? WHERE run_id = ? AND status = 'running'")
        .run(status === 'cancelled' || status === 'interrupted' ? status : 'failed', now, runId);
      this.#db
        .prepare('UPDATE runs SET status = ?, message = ?, ended_at = ? WHERE id = ?')
        .run(status, message, now, runId);
    })();
  }

  /** The newest runs first, of one host and with one result where asked. */
  list(options: { limit?: number; host?: string; status?: RunStatus } = {}): RunSummary[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (options.host !== undefined) {
      where.push('host = ?');
      params.push(options.host);
    }
    if (options.status !== undefined) {
      where.push('status = ?');
      params.push(options.status);
    }
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return this.#db
      .prepare<(string | number)[], RunRow>(sql)
      .all(...params, options.limit ?? 200)
      .map(summary);
  }

  /** Every host with a recorded run, by name. */
  hosts(): string[] {
    return this.#db
      .prepare<[], { host: string }>('SELECT DISTINCT host FROM runs ORDER BY host')
      .all()
      .map((r) => r.host);
  }

  get(runId: number): RunDetail {
    const row = this.#db.prepare<[number], RunRow>('SELECT * FROM runs WHERE id = ?').get(runId);
    if (!row) throw new ApiError({ code: 'NOT_FOUND', message: `There is no run #${runId} in the history.` });
    const steps = this.#db
      .prepare<[number], StepRow>('SELECT * FROM run_steps WHERE run_id = ? ORDER BY seq')
      .all(runId)
      .map((s): StepRecord => ({
        name: s.name,
        status: s.status,
        startedAt: s.started_at,
        endedAt: s.ended_at,
        message: s.message,
        terminalId: s.terminal_id,
      }));
    const diff = this.#db
      .prepare<[number], { summary: string }>('SELECT summary FROM run_diffs WHERE run_id = ?')
      .get(runId);
    return { ...summary(row), steps, diff: diff ? (JSON.parse(diff.summary) as ClosureDiff) : null };
  }

  /** A run's whole log; for short logs (tests, notifications): readers of any log use logPage or logChunks. */
  log(runId: number): string {
    return [...this.logChunks(runId)].join('');
  }

  /** Lines `from` to `from + count` of a run's log, long lines cut; the renderer reads logs this way. */
  logPage(runId: number, from: number, count: number, maxLineChars?: number): LogPage {
    this.get(runId); // a clear error for an unknown run
    return this.#logs.page(runId, from, count, maxLineChars);
  }

  /** A run's log chunk by chunk (64 KiB at most each), for streaming it. */
  logChunks(runId: number): Generator<string> {
    this.get(runId);
    return this.#logs.chunks(runId);
  }

  /** The activation the run started on its target, for finding out how it ended should Flakedeck stop first. */
  setActivation(runId: number, activation: string): void {
    this.#db.prepare('UPDATE runs SET activation = ? WHERE id = ?').run(activation, runId);
  }

  /** Interrupted runs whose activation went on without Flakedeck: how it ended is still to be asked. */
  unsettledActivations(): (RunSummary & { activation: string })[] {
    return this.#db
      .prepare<[], RunRow & { activation: string }>(
        "SELECT * FROM runs WHERE status = 'interrupted' AND activation IS NOT NULL ORDER BY id",
      )
      .all()
      .map((row) => ({ ...summary(row), activation: row.activation }));
  }

  /**
   * Completes an interrupted run with how its activation ended on the target (`outcome`), or, with null, only
   * notes that nothing more can be learned. A step (the target's rollback, say) is added after the others.
   */
  settleActivation(
    runId: number,
    outcome: {
      status: Exclude<RunStatus, 'running'>;
      message: string;
      step?: { name: StepName; status: StepStatus; message: string };
    } | null,
    now = Date.now(),
  ): void {
    this.#db.transaction(() => {
      this.#db.prepare('UPDATE runs SET activation = NULL WHERE id = ?').run(runId);
      if (!outcome) return;
      if (outcome.step) {
        const seq = this.startStep(runId, outcome.step.name, now);
        this.finishStep(runId, seq, outcome.step.status, outcome.step.message, now);
      }
      this.#db
        .prepare('UPDATE runs SET status = ?, message = ? WHERE id = ?')
        .run(outcome.status, outcome.message, runId);
    })();
  }

  close(): void {
    this.#logs.flush();
  }

  #interrupt(runId: number): void {
    // When it stopped is not known, only when it was last heard of: its last step's start or end.
    const now = this.#db
      .prepare<[number, number], { at: number }>(
        `SELECT max(coalesce(ended_at, started_at)) AS at FROM run_steps WHERE run_id = ?
         UNION ALL SELECT started_at FROM runs WHERE id = ? ORDER BY at DESC LIMIT 1`,
      )
      .get(runId, runId)!.at;
    this.#db
      .prepare("UPDATE run_steps SET status = 'interrupted', ended_at = ? WHERE run_id = ? AND status = 'running'")
      .run(now, runId);
    this.#db
      .prepare("UPDATE runs SET status = 'interrupted', message = ?, ended_at = ? WHERE id = ?")
      .run(interruptedMessage, now, runId);
  }
}
