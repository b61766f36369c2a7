// One host's build, deploy or rollback as it goes: its steps recorded as they start and end, its output logged,
// its programs run in terminals, its live state sent to the window, cancellation and approval.

import { ApiError } from '../../common/api/errors.ts';
import type { SourceLocation } from '../../common/api/errors.ts';
import type {
  BuildProgress,
  LiveRun,
  RunStatus,
  RunSummary,
  StepName,
  StepRecord,
  StepStatus,
} from '../../common/model/runs.ts';
import type { RunStore } from '../history/run-store.ts';
import type { ExitStatus, OutputFilter, TerminalHost } from '../terminal/terminal-types.ts';
import { stripAnsi } from '../flake/nix-errors.ts';
import type { FailedRun, TargetFacts } from './failure-report.ts';
import { LineSplitter } from './nix-log.ts';

/** Ends a run early with this status; thrown from a step. */
export class RunFailure extends Error {
  readonly status: Exclude<RunStatus, 'running' | 'succeeded' | 'interrupted'>;
  /** Where in the user's files the cause is (an evaluation error). */
  readonly location?: SourceLocation;

  constructor(status: RunFailure['status'], message: string, location?: SourceLocation) {
    super(message);
    this.status = status;
    this.location = location;
  }
}

/** What the person at this machine said to "Keep this configuration?". */
export type KeepAnswer = 'keep' | 'revert';
/** Lines of a step's output kept to explain its failure. */
const keptOutputLines = 40;

export interface StepCommand {
  file: string;
  args: readonly string[];
  env?: Record<string, string>;
  cwd?: string;
  /** The terminal tab's title. */
  title: string;
  /** What each line of output shows as (null: nothing); it may also collect what the pipeline needs. */
  read: (line: string) => string | null;
}

export interface RunHooks {
  /** The run's state changed; `final` once it ended. */
  changed(live: LiveRun, final: boolean): void;
  /** What the run's terminals show, as text (the CLI prints it; the history keeps it). */
  output(run: LiveRun, text: string): void;
}

const progressIntervalMs = 100;

export class Run {
  readonly live: LiveRun;
  readonly #store: RunStore;
  readonly #terminals: TerminalHost;
  readonly #hooks: RunHooks;
  readonly #seqs = new Map<StepRecord, number>();
  #cancelRequested = false;
  /** The program running now, whether stopping it is safe (a build or a copy is; an activation is not), its lines. */
  #running: { terminalId: string; interruptible: boolean; splitter: LineSplitter } | null = null;
  /** Why the run was ended early from outside (Flakedeck stopping); nothing more is recorded after that. */
  #interrupted: string | null = null;
  #ended = false;
  #pastPointOfNoReturn = false;
  #approval: { resolve: () => void; reject: (e: Error) => void } | null = null;
  #keepAnswer: ((answer: KeepAnswer) => void) | null = null;
  #progressTimer: NodeJS.Timeout | undefined;
  /** The last lines each step showed, without colours: what a failure report reads. */
  readonly #outputs = new Map<StepRecord, string[]>();
  #partialLine = '';
  /** What the run learned about the host's system; the pipeline fills it in as it goes. */
  readonly facts: TargetFacts = {};

  constructor(summary: RunSummary, store: RunStore, terminals: TerminalHost, hooks: RunHooks) {
    this.live = {
      ...summary,
      steps: [],
      diff: null,
      progress: null,
      awaitingApproval: false,
      cancelling: false,
      terminalId: null,
      keepUntil: null,
      expectedBuildMs: null,
    };
    this.#store = store;
    this.#terminals = terminals;
    this.#hooks = hooks;
  }

  get id(): number {
    return this.live.id;
  }

  get cancelRequested(): boolean {
    return this.#cancelRequested;
  }

  /** Opens a step; the returned record is closed with endStep. It may share the terminal of a running program. */
  beginStep(name: StepName, terminalId: string | null = null): StepRecord {
    const record: StepRecord = {
      name,
      status: 'running',
      startedAt: Date.now(),
      endedAt: null,
      message: null,
      terminalId,
    };
    // After the run's end (an interruption), what its pipeline still does is not part of it.
    if (this.#ended) return record;
    // The heading goes first: starting the step commits the log so far with it.
    this.log(`\r\n\x1b[1;34m── ${name} ──\x1b[0m\r\n`);
    const seq = this.#store.startStep(this.id, name, record.startedAt);
    this.#seqs.set(record, seq);
    if (terminalId) this.#store.setStepTerminal(this.id, seq, terminalId);
    this.live.steps.push(record);
    this.#changed();
    return record;
  }

  endStep(record: StepRecord, status: StepStatus, message: string | null): void {
    if (record.status !== 'running' || this.#ended) return;
    record.status = status;
    record.message = message;
    record.endedAt = Date.now();
    this.#store.finishStep(this.id, this.#seqs.get(record)!, status, message, record.endedAt);
    this.#changed();
  }

  skip(name: StepName, why: string): void {
    const record = this.beginStep(name);
    this.log(`\x1b[2m${why}\x1b[0m\r\n`);
    this.endStep(record, 'skipped', why);
  }

  /** Runs `work` as one step: it succeeds with the message work returns, or fails with the error it throws. */
  async step<T>(name: StepName, work: (record: StepRecord) => Promise<{ value: T; message: string }>): Promise<T> {
    this.throwIfCancelled();
    const record = this.beginStep(name);
    try {
      const { value, message } = await work(record);
      this.endStep(record, 'succeeded', message);
      return value;
    } catch (error) {
      const status = error instanceof RunFailure && error.status === 'cancelled' ? 'cancelled' : 'failed';
      this.endStep(record, status, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  /**
   * Runs a program in a terminal of its own (under the run's tab), as part of the open step `record`. Its exit code,
   * or 128 + the signal that ended it (as a shell's `$?` says), once the terminal has shown all of its output.
   */
  async exec(record: StepRecord, command: StepCommand, interruptible: boolean): Promise<ExitStatus> {
    this.throwIfCancelled();
    const splitter = new LineSplitter(command.read);
    const filter: OutputFilter = {
      write: (chunk) => this.#shown(splitter.write(chunk)),
      end: () => this.#shown(splitter.end()),
    };
    const info = this.#terminals.spawn({
      file: command.file,
      args: command.args,
      env: command.env,
      cwd: command.cwd,
      title: command.title,
      kind: 'run',
      group: `${this.live.kind} ${this.live.host} #${this.id}`,
      cols: 120,
      rows: 30,
      filter,
    });
    record.terminalId = info.id;
    this.live.terminalId = info.id;
    if (!this.#ended) this.#store.setStepTerminal(this.id, this.#seqs.get(record)!, info.id);
    this.#running = { terminalId: info.id, interruptible, splitter };
    this.#changed();
    try {
      const status = await this.#terminals.exited(info.id);
      return status.signal ? { exitCode: 128 + status.signal, signal: status.signal } : status;
    } finally {
      this.#running = null;
    }
  }

  /** From here on the target is changing: cancelling could leave it half done, so it is refused. */
  pointOfNoReturn(): void {
    this.throwIfCancelled();
    this.#pastPointOfNoReturn = true;
  }

  log(text: string): void {
    this.#shown(text);
  }

  setProgress(progress: BuildProgress | null): void {
    if (this.#ended) return;
    this.live.progress = progress;
    this.#progressTimer ??= setTimeout(() => {
      this.#progressTimer = undefined;
      this.#hooks.changed(this.live, false);
    }, progressIntervalMs);
  }

  setOutPath(path: string): void {
    if (this.#ended) return;
    this.live.outPath = path;
    this.#store.setOutPath(this.id, path);
    this.#changed();
  }

  /** The activation started on the target (its id there), recorded before it starts. */
  setActivation(id: string): void {
    if (!this.#ended) this.#store.setActivation(this.id, id);
  }

  setDiff(diff: NonNullable<LiveRun['diff']>): void {
    if (this.#ended) return;
    this.live.diff = diff;
    this.#store.setDiff(this.id, diff);
    this.#changed();
  }

  /** Waits until the user approves the diff (or cancels). */
  waitForApproval(): Promise<void> {
    this.throwIfCancelled();
    const approved = new Promise<void>((resolve, reject) => (this.#approval = { resolve, reject })).finally(() => {
      this.#approval = null;
      this.live.awaitingApproval = false;
    });
    // Listeners may approve at once, from inside this event.
    this.live.awaitingApproval = true;
    this.#changed();
    return approved;
  }

  approve(): void {
    if (!this.#approval) {
      throw new ApiError({ code: 'BUSY', message: `Run #${this.id} (${this.live.host}) is not waiting for approval.` });
    }
    this.#approval.resolve();
  }

  /** Asks "Keep this configuration?" until `until`; resolves with the answer (none comes when time runs out). */
  askToKeep(until: number): Promise<KeepAnswer> {
    const answered = new Promise<KeepAnswer>((resolve) => (this.#keepAnswer = resolve));
    this.live.keepUntil = until;
    this.#changed();
    return answered;
  }

  /** The question is over (answered, or the machine decided by itself). */
  stopAskingToKeep(): void {
    this.#keepAnswer = null;
    this.live.keepUntil = null;
    this.#changed();
  }

  answerKeep(answer: KeepAnswer): void {
    if (!this.#keepAnswer) {
      throw new ApiError({
        code: 'BUSY',
        message: `Run #${this.id} (${this.live.host}) is not asking to keep anything.`,
      });
    }
    this.#keepAnswer(answer);
  }

  /** Asks the run to stop: a build or copy is interrupted, a wait ends; once the target switches, it is too late. */
  cancel(reason = 'Cancelled before anything was copied.'): void {
    if (this.#pastPointOfNoReturn) {
      throw new ApiError({
        code: 'BUSY',
        message: `${this.live.host} is already activating; stopping now could leave it half switched.`,
        hint: 'It confirms the new configuration or rolls back by itself within the confirmation timeout.',
      });
    }
    this.#cancelRequested = true;
    this.live.cancelling = true;
    this.#changed();
    this.#approval?.reject(new RunFailure('cancelled', reason));
    // Ctrl-C through the terminal: the program and whatever it started in the foreground get SIGINT, as in a shell.
    if (this.#running?.interruptible) this.#terminals.write(this.#running.terminalId, '\x03');
  }

  throwIfCancelled(): void {
    if (this.#interrupted !== null) throw new RunFailure('failed', this.#interrupted);
    if (this.#cancelRequested) throw new RunFailure('cancelled', 'Cancelled.');
  }

  /**
   * Ends the run's record now as interrupted, with why (Flakedeck stops while it runs), and its log up to here with
   * the line its program was writing. A build or copy gets Ctrl-C; an activation goes on, detached on the target.
   * What the pipeline does after this is not recorded: the record is closed before the database is.
   */
  interrupt(message: string): void {
    if (this.#ended) return;
    this.#interrupted = message;
    if (this.#running) this.#shown(this.#running.splitter.end());
    this.log(`\r\n\x1b[1;33m${message}\x1b[0m\r\n`);
    this.#approval?.reject(new RunFailure('failed', message));
    if (this.#running?.interruptible) this.#terminals.write(this.#running.terminalId, '\x03');
    this.finish('interrupted', message);
  }

  finish(status: Exclude<RunStatus, 'running'>, message: string | null): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#progressTimer);
    this.#progressTimer = undefined;
    this.live.status = status;
    this.live.message = message;
    this.live.endedAt = Date.now();
    this.live.awaitingApproval = false;
    this.live.keepUntil = null;
    this.#store.finish(this.id, status, message, this.live.endedAt);
    for (const step of this.live.steps) {
      if (step.status === 'running') {
        step.status = status === 'cancelled' || status === 'interrupted' ? status : 'failed';
        step.endedAt = this.live.endedAt;
      }
    }
    this.#hooks.changed(this.live, true);
  }

  /** What a failure report needs of this run, once `error` ended it. */
  failure(error: RunFailure): Omit<FailedRun, 'confirmSeconds'> {
    const step = this.live.steps.findLast((s) => s.status === 'failed' || s.status === 'cancelled') ?? null;
    return {
      kind: this.live.kind,
      host: this.live.host,
      target: this.live.target,
      status: error.status,
      step: step?.name ?? null,
      message: error.message,
      output: step ? (this.#outputs.get(step) ?? []) : [],
      ...(error.location && { location: error.location }),
      facts: this.facts,
    };
  }

  #shown(text: string): string {
    if (text) {
      if (!this.#ended) this.#store.appendLog(this.id, text);
      this.#hooks.output(this.live, text);
      this.#keepOutput(text);
    }
    return text;
  }

  #keepOutput(text: string): void {
    const step = this.live.steps.findLast((s) => s.status === 'running');
    if (!step) return;
    const lines = (this.#partialLine + stripAnsi(text)).split(/\r?\n/);
    this.#partialLine = lines.pop()!.slice(-4096);
    const kept = this.#outputs.get(step) ?? [];
    for (const line of lines) {
      const clean = line.replace(/^.*\r(?!$)/, '').trim();
      if (clean) kept.push(clean);
    }
    this.#outputs.set(step, kept.slice(-keptOutputLines));
  }

  #changed(): void {
    clearTimeout(this.#progressTimer);
    this.#progressTimer = undefined;
    this.#hooks.changed(this.live, false);
  }
}
