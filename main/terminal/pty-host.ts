// The pty host: every terminal session of the app, for the renderer (through the API) and for services.

import { randomBytes } from 'node:crypto';
import { ApiError } from '../../common/api/errors.ts';
import type { Unsubscribe } from '../../common/api/contract.ts';
import type { TerminalAttachment } from '../../common/model/terminal.ts';
import type { EventHub } from '../events/event-hub.ts';
import { defaultWatermarks } from './flow-control.ts';
import { PtySession } from './pty-session.ts';
import type { SessionOptions } from './pty-session.ts';
import type { ExitStatus, SpawnSpec, TerminalHost, TerminalInfo } from './terminal-types.ts';
import { shellSpec, userShell } from './user-shell.ts';
import type { ShellCommand } from './user-shell.ts';

export interface PtyHostOptions extends Partial<SessionOptions> {
  /** Exited sessions kept for their tabs; older ones are forgotten first. */
  keepExited?: number;
  /** The shell `openShell` runs; the user's own by default (tests use a bash without rc files). */
  shell?: ShellCommand;
}

const defaults: Required<Omit<PtyHostOptions, 'shell'>> = {
  batch: { delayMs: 5, maxChars: 65_536 },
  watermarks: defaultWatermarks,
  scrollbackChars: 1_048_576,
  stallMs: 5_000,
  exitPollMs: 25,
  keepExited: 32,
};

/** How long a closed session's program gets after SIGHUP before it is killed. */
const closeGraceMs = 3_000;

export class PtyHost implements TerminalHost {
  readonly #events: EventHub;
  readonly #options: Required<Omit<PtyHostOptions, 'shell'>>;
  readonly #shell: ShellCommand | undefined;
  readonly #sessions = new Map<string, PtySession>();
  /** Ids of exited sessions, oldest first. */
  readonly #exitOrder: string[] = [];

  constructor(events: EventHub, options: PtyHostOptions = {}) {
    this.#events = events;
    const { shell, ...sessionOptions } = options;
    this.#options = { ...defaults, ...sessionOptions };
    this.#shell = shell;
  }

  /**
   * A plain shell in `folder`: the only program the renderer can start. `env` is added to that one shell's
   * environment (the age key, when the user asked for it), and its tab says so.
   */
  openShell(folder: string, size: { cols?: number; rows?: number } = {}, env?: Record<string, string>): TerminalInfo {
    const spec = shellSpec(this.#shell ?? userShell(), folder, size);
    if (!env) return this.spawn(spec);
    return this.spawn({ ...spec, env, title: `${spec.title} · ${Object.keys(env).join(', ')}` });
  }

  /** Starts the program at once; subscribe with onRawData in the same tick to see all of its output. */
  spawn(spec: SpawnSpec): TerminalInfo {
    const id = this.#newId();
    const session = new PtySession(id, spec, this.#events, this.#options);
    this.#sessions.set(id, session);
    void session.exited.then(() => this.#exitedSession(id));
    const info = session.info;
    this.#events.emit('terminal.opened', info);
    return info;
  }

  write(id: string, data: string): void {
    this.#get(id).write(data);
  }

  resize(id: string, cols: number, rows: number): void {
    this.#get(id).resize(cols, rows);
  }

  kill(id: string, signal?: NodeJS.Signals): void {
    this.#get(id).kill(signal);
  }

  list(): TerminalInfo[] {
    return [...this.#sessions.values()].map((s) => s.info);
  }

  async exited(id: string): Promise<ExitStatus> {
    return this.#get(id).exited;
  }

  onRawData(id: string, listener: (data: string) => void): Unsubscribe {
    return this.#get(id).onRawData(listener);
  }

  attach(id: string): TerminalAttachment {
    return this.#get(id).attach();
  }

  acknowledge(id: string, chars: number, rate?: number): void {
    // Acknowledgements for a session closed meanwhile are harmless.
    this.#sessions.get(id)?.acknowledge(chars, rate);
  }

  /** Ends the session's program if it runs (SIGHUP, then SIGKILL) and forgets the session. */
  close(id: string): void {
    const session = this.#get(id);
    this.#forget(id);
    if (!session.running) return;
    session.dispose();
    const killer = setTimeout(() => session.kill('SIGKILL'), closeGraceMs);
    void session.exited.then(() => clearTimeout(killer));
  }

  /** Ends every program, when the app quits. */
  dispose(): void {
    for (const session of this.#sessions.values()) session.dispose();
    this.#sessions.clear();
  }

  #get(id: string): PtySession {
    const session = this.#sessions.get(id);
    if (!session) throw new ApiError({ code: 'NOT_FOUND', message: `There is no terminal session ${id}.` });
    return session;
  }

  #newId(): string {
    for (;;) {
      const id = randomBytes(6).toString('hex');
      if (!this.#sessions.has(id)) return id;
    }
  }

  #exitedSession(id: string): void {
    if (!this.#sessions.has(id)) return;
    this.#exitOrder.push(id);
    while (this.#exitOrder.length > this.#options.keepExited) this.#forget(this.#exitOrder[0]!);
  }

  #forget(id: string): void {
    if (!this.#sessions.delete(id)) return;
    const index = this.#exitOrder.indexOf(id);
    if (index !== -1) this.#exitOrder.splice(index, 1);
    this.#events.emit('terminal.closed', { id });
  }
}
