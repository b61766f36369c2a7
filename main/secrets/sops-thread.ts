// The sops worker thread as the app and the command line use it: one job at a time, each bounded in time and
// memory; a worker that overruns is ended, one that dies is reported, and the next job starts a new one.

import { ApiError } from '../../common/api/errors.ts';
import type { SecretFormat } from '../../common/model/secrets.ts';
import { moduleBeside, workerThread } from '../child-module.ts';
import type { ChildModule, LaunchChild } from '../child-module.ts';
import type { OpenedFile, OpenOptions } from './sops-file.ts';
import type { SopsJobName, SopsJobs, SopsReply, SopsRequest } from './sops-jobs.ts';
import { receiveOpened } from './tree-transfer.ts';

type Args<N extends SopsJobName> = Parameters<SopsJobs[N]>;
type Result<N extends SopsJobName> = Awaited<ReturnType<SopsJobs[N]>>;

/** Far above what a 64 MB value takes on a busy machine, far below "hangs". */
export const defaultJobSeconds = 60;

/** A worker's heap: a 64 MB value needs a fraction of it; a file asking for more ends the worker, not the app. */
const heapMegabytes = 2048;

/** What each job does to its subject, a file or (`many`) all the secret files of a flake, for messages. */
const work: Record<SopsJobName, { doing: string; many?: true }> = {
  open: { doing: 'to read' },
  save: { doing: 'to encrypt' },
  encrypt: { doing: 'to encrypt' },
  updateKeys: { doing: 'to update the keys of' },
  rotate: { doing: 'to rotate' },
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
  const why = reason === 'ERR_WORKER_OUT_OF_MEMORY' ? `needed more than ${heapMegabytes} MB` : (reason ?? `exit code ${code}`);
  return new ApiError({
    code: 'INVALID_SOPS_FILE',
    message: `${subject} stopped the worker trying ${work[name].doing} ${work[name].many ? 'them' : 'it'} (${why}); ${suspect(name)}.`,
    hint,
  });
}

interface Job {
  request: SopsRequest;
  /** The file (or flake) the job works on, as messages name it. */
  subject: string;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface SopsThreadOptions {
  /** How long one job may take. */
  seconds?: number;
  /** How the worker starts: a worker thread by default (tests give one that counts or fails). */
  launch?: LaunchChild;
}

export class SopsThread {
  readonly #seconds: number;
  readonly #launch: LaunchChild;
  #child?: ChildModule;
  #running?: { job: Job; timer: NodeJS.Timeout };
  readonly #queue: Job[] = [];
  #nextId = 1;

  constructor(options: SopsThreadOptions = {}) {
    this.#seconds = options.seconds ?? defaultJobSeconds;
    this.#launch = options.launch ?? workerThread({ maxOldGenerationSizeMb: heapMegabytes });
  }

  /** Runs a job of sops-jobs.ts on the worker; `subject` names what it works on in errors. */
  run<N extends SopsJobName>(name: N, subject: string, ...args: Args<N>): Promise<Result<N>> {
    return new Promise<Result<N>>((resolve, reject) => {
      const request: SopsRequest = { id: this.#nextId++, name, args };
      this.#queue.push({ request, subject, resolve: resolve as (value: unknown) => void, reject });
      this.#next();
    });
  }

  #start(): ChildModule {
    const child = this.#launch(moduleBeside(import.meta.filename, 'sops-worker'));
    child.onMessage((message) => {
      if (this.#child === child) this.#settle(message as SopsReply);
    });
    child.onExit((code, reason) => {
      if (this.#child !== child) return;
      this.#child = undefined;
      const job = this.#finish();
      job?.reject(stopped(job.request.name, job.subject, code, reason));
      this.#next();
    });
    return child;
  }

  #next(): void {
    if (this.#running) return;
    const job = this.#queue.shift();
    if (!job) {
      // Idle, the worker does not keep the command line (or a test) running.
      this.#child?.keepAlive(false);
      return;
    }
    const child = (this.#child ??= this.#start());
    child.keepAlive(true);
    this.#running = { job, timer: setTimeout(() => this.#overrun(), this.#seconds * 1000) };
    child.send(job.request);
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
    const child = this.#child;
    this.#child = undefined;
    child?.kill();
    job.reject(tooSlow(job.request.name, job.subject, this.#seconds));
    this.#next();
  }
}

/** The one worker the app's and the command line's secrets share. */
export const sopsThread = new SopsThread();

/** openSops on the worker thread: the file's plaintext comes back to this thread, in memory only. */
export async function openInWorker(bytes: Uint8Array, format: SecretFormat, options: OpenOptions, thread = sopsThread): Promise<OpenedFile> {
  return receiveOpened(await thread.run('open', options.file ?? 'The file', bytes, format, options));
}
