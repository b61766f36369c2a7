// Questions on the terminal, one at a time, answered yes or no on stdin (a closed stdin answers no).

import { createInterface } from 'node:readline';
import type { Output } from './context.ts';

/** One question at a time on stdin; a closed stdin answers no. */
export class Questions {
  readonly #io: Output;
  #queue: Promise<unknown> = Promise.resolve();
  #lines: ReturnType<typeof createInterface> | undefined;
  #pending: ((line: string | null) => void) | null = null;
  asking = false;

  constructor(io: Output) {
    this.#io = io;
  }

  /**
   * Asks on stderr; resolves with yes or no, or null when stdin closed or `until` passed unanswered. A `prompt`
   * function is drawn again every second on a terminal (a countdown).
   */
  ask(question: string, prompt?: () => string, until?: number): Promise<boolean | null> {
    const answer = this.#queue.then(
      () =>
        new Promise<boolean | null>((resolve) => {
          this.asking = true;
          this.#io.err(question + (prompt?.() ?? ''));
          const redraw =
            prompt && process.stderr.isTTY ? setInterval(() => this.#io.err(`\r\x1b[2K${prompt()}`), 1000) : undefined;
          const expiry = until ? setTimeout(() => done(null), Math.max(0, until - Date.now())) : undefined;
          const done = (result: boolean | null) => {
            clearInterval(redraw);
            clearTimeout(expiry);
            this.asking = false;
            this.#pending = null;
            if (result === null && until) this.#io.err('\n');
            resolve(result);
          };
          this.#pending = (line) => done(line === null ? null : /^y(es)?$/i.test(line.trim()));
          this.#lines ??= this.#open();
        }),
    );
    this.#queue = answer;
    return answer;
  }

  #open() {
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => this.#pending?.(line));
    lines.on('close', () => this.#pending?.(null));
    return lines;
  }

  close(): void {
    this.#lines?.close();
  }
}
