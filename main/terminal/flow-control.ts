// ACK-based flow control: pauses a producer while its consumer holds too many unacknowledged characters.

export interface Watermarks {
  /** Unacknowledged characters above which the producer is paused. */
  high: number;
  /** Unacknowledged characters below which it resumes (the consumer acknowledges everything once caught up). */
  low: number;
  /**
   * Watermarks in time instead: what the consumer works through in `highMs` and `lowMs` at the rate it reports
   * with its acknowledgements, never below `high`/`low` nor above `max` characters.
   */
  adaptive?: { highMs: number; lowMs: number; max: number };
}

/**
 * xterm at most 80 ms of its own work behind, refilled when 40 ms are left: in characters up to 2M (the bound) of
 * build-log text, but 250 000-400 000 of `yes` (xterm takes far longer over a line feed than over a letter), so no
 * fixed figure fits both. With VS Code's fixed 100 000/5 000, xterm went through the window in a few milliseconds and
 * then waited for the refill's round trip (bench/terminal.bench.ts: 0.30 of a bare xterm's rate); with 1M/750K the
 * prompt after Ctrl-C in a `yes` flood reached the screen 220 ms after the key press, behind the backlog of y's.
 */
export const defaultWatermarks: Watermarks = {
  high: 100_000,
  low: 50_000,
  adaptive: { highMs: 80, lowMs: 40, max: 2_000_000 },
};

export interface Producer {
  pause(): void;
  resume(): void;
}

export class FlowControl {
  readonly #producer: Producer;
  readonly #marks: Watermarks;
  #unacked = 0;
  #paused = false;
  /** Characters per millisecond, as the consumer last reported. */
  #rate = 0;

  constructor(producer: Producer, marks: Watermarks = defaultWatermarks) {
    if (!(marks.low > 0 && marks.low < marks.high)) throw new RangeError('flow control needs 0 < low < high');
    const adaptive = marks.adaptive;
    if (adaptive && !(adaptive.lowMs > 0 && adaptive.lowMs < adaptive.highMs && adaptive.max >= marks.high)) {
      throw new RangeError('adaptive flow control needs 0 < lowMs < highMs and max >= high');
    }
    this.#producer = producer;
    this.#marks = marks;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get unacknowledged(): number {
    return this.#unacked;
  }

  /** The watermarks now: the fixed ones, or what the consumer's rate gives. */
  get watermarks(): { high: number; low: number } {
    const { high, low, adaptive } = this.#marks;
    if (!adaptive) return { high, low };
    return {
      high: Math.round(Math.max(high, Math.min(adaptive.max, this.#rate * adaptive.highMs))),
      low: Math.round(Math.max(low, Math.min(adaptive.max / 2, this.#rate * adaptive.lowMs))),
    };
  }

  sent(chars: number): void {
    this.#unacked += chars;
    if (!this.#paused && this.#unacked > this.watermarks.high) {
      this.#paused = true;
      this.#producer.pause();
    }
  }

  /** `rate`: characters per millisecond the consumer works through while it has work, when it has measured it. */
  acknowledged(chars: number, rate?: number): void {
    this.#unacked = Math.max(0, this.#unacked - chars);
    if (rate !== undefined) this.#rate = rate;
    if (this.#unacked < this.watermarks.low) this.#resume();
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
