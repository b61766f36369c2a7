// The sops worker thread as the app and the command line use it: one job at a time, each bounded in time; a worker
// that overruns is ended, one that dies is reported, and the next job starts a new one.

import { join } from 'node:path';
import { ApiError } from '../../common/api/errors.ts';
import type { SecretFormat } from '../../common/model/secrets.ts';
import { moduleBeside, startWorkerThread } from '../child-module.ts';
import type { ChildModule, LaunchChild } from '../child-module.ts';
import type { OpenedFile, OpenOptions } from './sops-file.ts';
import { readyMessage } from './sops-jobs.ts';
import type { SopsJobName, SopsJobs, SopsReply, SopsRequest } from './sops-jobs.ts';
import { handOver, receiveOpened } from './tree-transfer.ts';

type Args<N extends SopsJobName> = Parameters<SopsJobs[N]>;
type Result<N extends SopsJobName> = Awaited<ReturnType<SopsJobs[N]>>;

/** How messages name the work over all the secret files of a flake. */
export const secretsOf = (flake: string) => `The secret files under ${join(flake, 'secrets')}`;

/** Far above what a 64 MB value takes, even on a machine busy with other work: a file that takes longer is suspect. */
export const defaultJobSeconds = 120;

/** What each job does to its subject, a file or (`many`) all the secret files of a flake, for messages. */
const work: Record<SopsJobName, { doing: string; many?: true }> = {
  open: { doing: 'to read' },
  save: { doing: 'to encrypt' },
  encrypt: { doing: 'to encrypt' },
  updateKeys: { doing: 'to update the keys of' },
  rotate: { doing: 'to rotate' },
  rekey: { doing: 'to give new keys to' },
  list: { doing: 'to read', many: true },
  names: { doing: 'to read', many: true },
  checks: { doing: 'to check', many: true },
};

const suspect = (name: SopsJobName) => `${work[name].many ? 'one of them' : 'it'} may be hostile or too large`;

const hint =
  'Flakedeck stopped working on it and goes on. Check where the file came from; if it is yours and only large, ' +
  'split it into smaller files.';

function tooSlow(name: SopsJobName, subject: string, seconds: number): ApiError {
  return new ApiError({
    code: 'INVALID_SOPS_FILE',
    message: `${subject} took longer than ${seconds} s ${work[name].doing}; ${suspect(name)}.`,
    hint,
  });
}

function stopped(name: SopsJobName, subject: string, code: number | null, reason: string | null): ApiError {
  const why = reason ?? `exit code ${code}`;
  return new ApiError({
    code: 'INVALID_SOPS_FILE',
    message: `${subject} stopped the worker trying ${work[name].doing} ${work[name].many ? 'them' : 'it'} (${why}); ${suspect(name)}.`,
    hint,
  });
}

interface Job {
  request: SopsRequest;
  transfer: ArrayBuffer[];
  /** The file (or flake) the job works on, as messages name it. */
  subject: string;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface SopsThreadOptions {
  /** How long one job may take on the worker (its start-up does not count). */
  seconds?: number;
  /** How the worker starts: a worker thread by default (tests give one that counts, or stalls). */
  launch?: LaunchChild;
}

interface Worker {
  module: ChildModule;
  /** Loaded: the worker says so once, and jobs are sent (and timed) from then on. */
  ready: boolean;
}

export class SopsThread {
  readonly #seconds: number;
  readonly #launch: LaunchChild;
  #worker?: Worker;
  #running?: { job: Job; timer?: NodeJS.Timeout };
  readonly #queue: Job[] = [];
  #nextId = 1;

  constructor(options: SopsThreadOptions = {}) {
    this.#seconds = options.seconds ?? defaultJobSeconds;
    this.#launch = options.launch ?? startWorkerThread;
  }

  /**
   * Runs a job of sops-jobs.ts on the worker; `subject` names what it works on in errors. The buffers in `transfer`
   * are handed over, not copied (a file's bytes the caller does not need again).
   */
  run<N extends SopsJobName>(name: N, subject: string, args: Args<N>, transfer: ArrayBuffer[] = []): Promise<Result<N>> {
    return new Promise<Result<N>>((resolve, reject) => {
      const request: SopsRequest = { id: this.#nextId++, name, args };
      this.#queue.push({ request, transfer, subject, resolve: resolve as (value: unknown) => void, reject });
      this.#next();
    });
  }

  /** The subject of the job on the worker now, once it was sent there: what holds the secrets up, if anything. */
  get busyWith(): string | undefined {
    return this.#running?.timer ? this.#running.job.subject : undefined;
  }

  #start(): Worker {
    const worker: Worker = { module: this.#launch(moduleBeside(import.meta.filename, 'sops-worker')), ready: false };
    worker.module.onMessage((message) => {
      if (this.#worker !== worker) return;
      if (message === readyMessage) {
        worker.ready = true;
        this.#send();
      } else this.#settle(message as SopsReply);
    });
    worker.module.onExit((code, reason) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      const job = this.#finish();
      job?.reject(stopped(job.request.name, job.subject, code, reason));
      this.#next();
    });
    return worker;
  }

  #next(): void {
    if (this.#running) return;
    const job = this.#queue.shift();
    if (!job) {
      // Idle, the worker does not keep the command line (or a test) running.
      this.#worker?.module.keepAlive(false);
      return;
    }
    this.#worker ??= this.#start();
    this.#worker.module.keepAlive(true);
    this.#running = { job };
    this.#send();
  }

  /** Sends the running job once the worker is ready; its time starts then. */
  #send(): void {
    const running = this.#running;
    if (!running || running.timer || !this.#worker?.ready) return;
    running.timer = setTimeout(() => this.#overrun(), this.#seconds * 1000);
    this.#worker.module.send(running.job.request, running.job.transfer);
  }

  #finish(): Job | undefined {
    const running = this.#running;
    if (!running) return undefined;
    clearTimeout(running.timer);
    this.#running = undefined;
    return running.job;
  }

  #settle(reply: SopsReply): void {
    if (reply.id !== this.#running?.job.request.id) return;
    const job = this.#finish()!;
    if (reply.ok) job.resolve(reply.value);
    else job.reject(reply.api ? ApiError.fromData(reply.api) : new Error(reply.message));
    this.#next();
  }

  /** The job ran out of time: its worker is ended (a thread cannot be interrupted otherwise) and the next starts anew. */
  #overrun(): void {
    const job = this.#finish();
    if (!job) return;
    const worker = this.#worker;
    this.#worker = undefined;
    worker?.module.kill();
    job.reject(tooSlow(job.request.name, job.subject, this.#seconds));
    this.#next();
  }
}

/** The one worker the app's and the command line's secrets share. */
export const sopsThread = new SopsThread();

export interface InWorkerOptions {
  thread?: SopsThread;
  /** Hand the bytes over to the worker instead of copying them: they are empty here afterwards. */
  handOver?: boolean;
}

/** openSops on the worker thread: the file's plaintext comes back to this thread, in memory only. */
export async function openInWorker(bytes: Uint8Array, format: SecretFormat, options: OpenOptions, how: InWorkerOptions = {}): Promise<OpenedFile> {
  const thread = how.thread ?? sopsThread;
  return receiveOpened(await thread.run('open', options.file ?? 'The file', [bytes, format, options], how.handOver ? handOver(bytes) : []));
}
