// How fast xterm works through its output: characters parsed per millisecond while it has output queued.

/** Long enough to span a few of xterm's 12 ms parsing slices and the frames drawn between them. */
const sampleMs = 30;

export class ParsePace {
  readonly #now: () => number;
  /** Characters handed to xterm and not parsed yet. */
  #queued = 0;
  /** When xterm last went from idle to having output queued (or a sample was last taken while busy). */
  #busySince = 0;
  #chars = 0;
  #ms = 0;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Output handed to xterm's write. */
  handed(chars: number): void {
    if (this.#queued === 0) this.#busySince = this.#now();
    this.#queued += chars;
  }

  /** xterm's write callback for output handed to it. */
  parsed(chars: number): void {
    this.#queued -= chars;
    this.#chars += chars;
    if (this.#queued === 0) this.#ms += this.#now() - this.#busySince;
  }

  /** The rate over the time since the last one, once there is enough of it; else undefined. */
  take(): number | undefined {
    const now = this.#now();
    const ms = this.#ms + (this.#queued > 0 ? now - this.#busySince : 0);
    if (ms < sampleMs || this.#chars === 0) return undefined;
    const rate = this.#chars / ms;
    this.#chars = 0;
    this.#ms = 0;
    this.#busySince = now;
    return rate;
  }
}
