// The last output of a session, bounded, replayed to a tab opened later or after the window reloads.

/** How far past the cut a line break is looked for, so a replay starts at the beginning of a line. */
const lineSearch = 4096;
/** Small chunks are joined once there are this many, so a chatty program does not keep a million strings. */
const maxChunks = 512;

export class Scrollback {
  readonly limit: number;
  #chunks: string[] = [];
  #length = 0;
  #end = 0;

  /** `limit` in characters (UTF-16 code units, as xterm counts them). */
  constructor(limit: number) {
    if (!(limit > 0)) throw new RangeError('a scrollback limit must be positive');
    this.limit = limit;
  }

  /** Characters appended since the session began: the offset of the next character. */
  get end(): number {
    return this.#end;
  }

  get length(): number {
    return this.#length;
  }

  append(data: string): void {
    if (data.length === 0) return;
    this.#chunks.push(data);
    this.#length += data.length;
    this.#end += data.length;
    if (this.#length > this.limit) this.#trim();
    if (this.#chunks.length > maxChunks) this.#chunks = [this.#chunks.join('')];
  }

  text(): string {
    if (this.#chunks.length > 1) this.#chunks = [this.#chunks.join('')];
    return this.#chunks[0] ?? '';
  }

  #trim(): void {
    let excess = this.#length - this.limit;
    while (excess >= this.#chunks[0]!.length) {
      const dropped = this.#chunks.shift()!;
      excess -= dropped.length;
      this.#length -= dropped.length;
    }
    if (excess === 0) return;
    const first = this.#chunks[0]!;
    const newline = first.indexOf('\n', excess);
    const cut = newline !== -1 && newline - excess < lineSearch ? newline + 1 : excess;
    this.#chunks[0] = first.slice(cut);
    this.#length -= cut;
    if (this.#chunks[0].length === 0) this.#chunks.shift();
  }
}
