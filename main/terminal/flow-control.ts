// ACK-based flow control: pauses a producer while its consumer holds too many unacknowledged characters.

export interface Watermarks {
  /** Unacknowledged characters above which the producer is paused. */
  high: number;
  /** Unacknowledged characters below which it resumes (the consumer acknowledges everything once caught up). */
  low: number;
}

/**
 * VS Code's figures. In bench/terminal.bench.ts on a 2-core machine 200 000/100 000 rendered no faster (5.2 MiB/s
 * both: the CPU that the transport and xterm's drawing share is the limit), and larger windows only delay the
 * prompt after Ctrl-C (500 000/250 000 put it on screen after 160-220 ms instead of 70-80 ms).
 */
export const defaultWatermarks: Watermarks = { high: 100_000, low: 5_000 };

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
    if (this.#unacked < this.#marks.low) this.#resume();
  }

  /** Forgets what is owed and lets the producer run: a new consumer starts from a snapshot, or nobody consumes. */
  reset(): void {
    this.#unacked = 0;
    this.#resume();
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#producer.resume();
  }
}
