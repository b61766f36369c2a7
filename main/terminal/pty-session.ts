// One program on a pty: raw output to its listeners, filtered output batched and flow-controlled to the window.

import { readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { spawn } from 'node-pty';
import type { IPty } from 'node-pty';
import type { TerminalAttachment } from '../../common/model/terminal.ts';
import type { EventHub } from '../events/event-hub.ts';
import { childEnv } from './child-env.ts';
import { FlowControl } from './flow-control.ts';
import type { Watermarks } from './flow-control.ts';
import { OutputBatcher } from './output-batcher.ts';
import type { BatchOptions } from './output-batcher.ts';
import { Scrollback } from './scrollback.ts';
import type { ExitStatus, OutputFilter, SpawnSpec, TerminalInfo } from './terminal-types.ts';

export interface SessionOptions {
  batch: BatchOptions;
  watermarks: Watermarks;
  /** Characters of output kept for a tab opened later (the renderer's xterm keeps its own, also bounded). */
  scrollbackChars: number;
  /** A paused session whose window sent no acknowledgement for this long is detached: the window is gone. */
  stallMs: number;
  /** While paused, how often to check that the program still runs (see #watchPaused). */
  exitPollMs: number;
}

export class PtySession {
  readonly exited: Promise<ExitStatus>;
  readonly #info: TerminalInfo;
  readonly #pty: IPty;
  readonly #events: EventHub;
  readonly #options: SessionOptions;
  readonly #filter: OutputFilter | undefined;
  readonly #scrollback: Scrollback;
  readonly #batcher: OutputBatcher;
  readonly #flow: FlowControl;
  readonly #raw = new Set<(data: string) => void>();
  #resolveExit!: (status: ExitStatus) => void;
  /** Whether a window consumes this session's output (and acknowledges it); otherwise only the scrollback grows. */
  #attached = false;
  /** Set once the program is gone: what is left in the pty is read without waiting for acknowledgements. */
  #draining = false;
  #pausedWatch: NodeJS.Timeout | undefined;
  /** The pty's read stream ended or closed: the program is gone or going, and the descriptor closes. */
  #ptyEnded = false;
  #lastProgress = 0;
  /** The pty gives bytes; a character cut between two reads is completed by the next (or by the tail, see #readTail). */
  readonly #decoder = new StringDecoder('utf8');

  constructor(id: string, spec: SpawnSpec, events: EventHub, options: SessionOptions) {
    this.#events = events;
    this.#options = options;
    this.#filter = spec.filter;
    this.#scrollback = new Scrollback(options.scrollbackChars);
    this.#batcher = new OutputBatcher((data) => this.#emitData(data), options.batch);
    this.exited = new Promise((resolve) => (this.#resolveExit = resolve));
    this.#pty = spawn(spec.file, [...spec.args], {
      name: 'xterm-256color',
      cols: spec.cols ?? 80,
      rows: spec.rows ?? 24,
      cwd: spec.cwd,
      env: childEnv(process.env, spec.env, spec.replaceEnv),
      encoding: null,
    });
    this.#flow = new FlowControl(
      {
        pause: () => {
          this.#pty.pause();
          // Nothing more comes until the window catches up, so what is held for the batch goes now.
          this.#batcher.flush();
          this.#lastProgress = performance.now();
          this.#pausedWatch = setInterval(() => this.#watchPaused(), options.exitPollMs);
        },
        resume: () => {
          clearInterval(this.#pausedWatch);
          this.#pty.resume();
        },
      },
      options.watermarks,
    );
    this.#info = {
      id,
      title: spec.title,
      kind: spec.kind,
      ...(spec.group && { group: spec.group }),
      pid: this.#pty.pid,
      exited: null,
    };
    // With encoding null, node-pty hands over the bytes it read (its typings say string).
    this.#pty.onData((bytes) => this.#output(this.#decoder.write(bytes as unknown as Buffer)));
    (this.#pty as UnixPty).on?.('end', () => {
      this.#ptyEnded = true;
      this.#readTail((this.#pty as UnixPty).fd);
    });
    (this.#pty as UnixPty).on?.('close', () => (this.#ptyEnded = true));
    this.#pty.onExit(({ exitCode, signal }) => this.#finish(signal ? { exitCode, signal } : { exitCode }));
  }

  get info(): TerminalInfo {
    return { ...this.#info };
  }

  get running(): boolean {
    return this.#info.exited === null;
  }

  write(data: string): void {
    // Once the pty's stream ended its descriptor is closed (or another file's): input then has nowhere to go.
    if (this.running && !this.#ptyEnded) this.#pty.write(data);
  }

  resize(cols: number, rows: number): void {
    // Once the pty's stream ended, node-pty closes its descriptor before it reports the exit: nothing left to size.
    if (this.running && !this.#ptyEnded) this.#pty.resize(cols, rows);
  }

  kill(signal: NodeJS.Signals = 'SIGHUP'): void {
    if (this.running) this.#pty.kill(signal);
  }

  onRawData(listener: (data: string) => void): () => void {
    if (!this.running) return () => {};
    this.#raw.add(listener);
    return () => void this.#raw.delete(listener);
  }

  /** A window (new, or reloaded) takes over the output: it gets the scrollback, then the live stream. */
  attach(): TerminalAttachment {
    this.#batcher.discard();
    this.#flow.reset();
    this.#attached = this.running;
    return { info: this.info, scrollback: this.#scrollback.text(), offset: this.#scrollback.end };
  }

  acknowledge(chars: number, rate?: number): void {
    this.#lastProgress = performance.now();
    // A window that was given up on is still there: the gap in offsets tells it to attach again.
    if (!this.#attached && this.running) this.#attached = true;
    this.#flow.acknowledged(chars, rate);
  }

  dispose(): void {
    clearInterval(this.#pausedWatch);
    this.#batcher.discard();
    this.#attached = false;
    this.kill('SIGHUP');
  }

  #output(chunk: string): void {
    if (chunk.length === 0) return;
    for (const listener of this.#raw) {
      try {
        listener(chunk);
      } catch (error) {
        console.error(`[terminal ${this.#info.id}] raw output listener failed`, error);
      }
    }
    this.#show(this.#filtered(() => this.#filter?.write(chunk) ?? chunk, chunk));
  }

  #filtered(run: () => string, fallback: string): string {
    try {
      return run();
    } catch (error) {
      // A broken filter must not lose the output: the program's own text is better than nothing.
      console.error(`[terminal ${this.#info.id}] output filter failed`, error);
      return fallback;
    }
  }

  #show(text: string): void {
    if (text.length === 0) return;
    this.#scrollback.append(text);
    if (!this.#attached) return;
    this.#batcher.push(text);
    if (!this.#draining) this.#flow.sent(text.length);
  }

  #emitData(data: string): void {
    // Everything shown while attached went through the batcher, so this batch ends where the scrollback ends.
    this.#events.emit('terminal.data', { id: this.#info.id, data, offset: this.#scrollback.end - data.length });
  }

  /**
   * libuv ends a pty's read stream when the terminal side hangs up just after a short read, though the pty may still
   * hold output (`seq 1 100000` lost its last KiB one run in two). When the stream ends the pty is still open: read
   * what is left, until EIO (all of it) or EAGAIN. node-pty reports the exit right after, as the stream closes.
   * (Holding the terminal side open instead avoids the hang-up, but then node-pty reports every exit 200 ms late.)
   */
  #readTail(fd: number | undefined): void {
    if (fd === undefined) return;
    const buffer = Buffer.allocUnsafe(65_536);
    for (;;) {
      let read: number;
      try {
        read = readSync(fd, buffer, 0, buffer.length, null);
      } catch {
        return;
      }
      if (read <= 0) return;
      this.#output(this.#decoder.write(buffer.subarray(0, read)));
    }
  }

  /**
   * node-pty destroys the pty's socket 200 ms after the program exits if it has not closed by then, and a paused
   * socket never closes: the program's last output would be lost. So a paused session checks that its program
   * still runs, and drains the pty once it is gone. A window that stopped acknowledging is detached.
   */
  #watchPaused(): void {
    if (!isAlive(this.#info.pid)) {
      this.#draining = true;
      this.#flow.reset();
    } else if (performance.now() - this.#lastProgress > this.#options.stallMs) {
      this.#attached = false;
      this.#batcher.discard();
      this.#flow.reset();
    }
  }

  #finish(status: ExitStatus): void {
    clearInterval(this.#pausedWatch);
    this.#output(this.#decoder.end());
    this.#show(this.#filtered(() => this.#filter?.end() ?? '', ''));
    this.#batcher.flush();
    this.#attached = false;
    this.#raw.clear();
    this.#info.exited = status;
    this.#events.emit('terminal.exit', { id: this.#info.id, ...status });
    this.#resolveExit(status);
  }
}

/** node-pty's Unix terminal beyond IPty: its read stream's events, and the pty's file descriptor. */
interface UnixPty extends IPty {
  readonly fd?: number;
  on?(event: 'end' | 'close', listener: () => void): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
