// Coalesces a session's output for a few milliseconds into one chunk, so a flood is a few events, not one per read.

export interface BatchOptions {
  /** How long the first chunk of a batch may wait for more (VS Code's TerminalDataBufferer waits 5 ms). */
  delayMs: number;
  /** A batch this long goes out at once: under a flood the timer would only add latency. */
  maxChars: number;
}

export class OutputBatcher {
  readonly #send: (data: string) => void;
  readonly #options: BatchOptions;
  #parts: string[] = [];
  #length = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(send: (data: string) => void, options: BatchOptions) {
    this.#send = send;
    this.#options = options;
  }

  push(data: string): void {
    if (data.length === 0) return;
    this.#parts.push(data);
    this.#length += data.length;
    if (this.#length >= this.#options.maxChars) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), this.#options.delayMs);
  }

  /** Sends what is pending now, e.g. when the program exits. */
  flush(): void {
    this.#clearTimer();
    if (this.#length === 0) return;
    const data = this.#parts.length === 1 ? this.#parts[0]! : this.#parts.join('');
    this.#parts = [];
    this.#length = 0;
    this.#send(data);
  }

  /** Forgets what is pending, when nobody is listening any more. */
  discard(): void {
    this.#clearTimer();
    this.#parts = [];
    this.#length = 0;
  }

  #clearTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
