// ACK-based flow control: pauses a producer while its consumer holds too many unacknowledged characters.

export interface Watermarks {
  /** Unacknowledged characters above which the producer is paused. */
  high: number;
  /** Unacknowledged characters below which it resumes; the consumer must acknowledge in smaller steps. */
  low: number;
}

/**
 * VS Code pauses at 100 000 and resumes at 5 000. xterm.js in Chromium's DOM renderer parses about 18 MiB/s here
 * and spends half of each frame drawing, so 100 000 characters last 5 ms: less than one frame's parsing, and the
 * terminal idles while main refills it (bench/terminal.bench.ts measured 30% of a bare xterm's throughput).
 * Resuming at half of 500 000 (xterm's own upper advice) keeps it fed for about 15 ms while main catches up.
 */
export const defaultWatermarks: Watermarks = { high: 500_000, low: 250_000 };

export interface Producer {
  pause(): void;
  resume(): void;
}

export class FlowControl {
  readonly #producer: Producer;
  readonly #marks: Watermarks;
  #unacked = 0;
  #paused = false;

  constructor(producer: Producer, marks: Watermarks = defaultWatermarks) {
    if (!(marks.low > 0 && marks.low < marks.high)) throw new RangeError('flow control needs 0 < low < high');
    this.#producer = producer;
    this.#marks = marks;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get unacknowledged(): number {
    return this.#unacked;
  }

  sent(chars: number): void {
    this.#unacked += chars;
    if (!this.#paused && this.#unacked > this.#marks.high) {
      this.#paused = true;
      this.#producer.pause();
    }
  }

  acknowledged(chars: number): void {
    this.#unacked = Math.max(0, this.#unacked - chars);
    if (this.#paused && this.#unacked < this.#marks.low) this.reset();
  }

  /** Forgets what is owed and lets the producer run: a new consumer starts from a snapshot, or nobody consumes. */
  reset(): void {
    this.#unacked = 0;
    if (!this.#paused) return;
    this.#paused = false;
    this.#producer.resume();
  }
}
