// The pages of one run's log the log view needs now: fetched as it scrolls, a few kept, so memory stays flat
// whatever the log's size.

import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { FlakedeckApi } from '../../../common/api/contract.ts';
import type { ApiError } from '../../../common/api/errors.ts';
import { ansiSegments } from '../../lib/ansi.ts';
import type { Segment } from '../../lib/ansi.ts';
import { asApiError } from '../../lib/as-api-error.ts';

export const pageLines = 500;
/** Pages kept at most: a screen spans two at most, the rest is room for scrolling back. */
const keptPages = 6;

/** What a line shows: a terminal redraws a line after a bare CR, so only the text after the last one stays. */
export function shownLine(line: string): Segment[] {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  return ansiSegments(text.slice(text.lastIndexOf('\r') + 1));
}

export class LogPages {
  /** Lines in the log, as last reported; null until the first page arrives. */
  total = $state<number | null>(null);
  error = $state<ApiError | null>(null);
  /** Page index → its lines, styled; the oldest fetched first. */
  readonly #pages = new SvelteMap<number, Segment[][]>();
  readonly #loading = new SvelteSet<number>();
  readonly #api: FlakedeckApi;
  readonly #runId: number;

  constructor(api: FlakedeckApi, runId: number) {
    this.#api = api;
    this.#runId = runId;
  }

  /** The styled line, or undefined while its page is not here. */
  line(index: number): Segment[] | undefined {
    const page = Math.floor(index / pageLines);
    return this.#pages.get(page)?.[index - page * pageLines];
  }

  /** Fetches the pages holding lines `first` to `last` that are not here yet. */
  need(first: number, last: number): void {
    for (let page = Math.floor(first / pageLines); page * pageLines <= last; page++) void this.load(page);
  }

  load = async (page: number): Promise<void> => {
    if (this.#loading.has(page) || this.#pages.has(page)) return;
    this.#loading.add(page);
    try {
      const result = await this.#api.history.log({ runId: this.#runId, from: page * pageLines, count: pageLines });
      this.#pages.set(page, result.lines.map(shownLine));
      for (const old of this.#pages.keys()) if (this.#pages.size > keptPages) this.#pages.delete(old);
      this.total = result.total;
      this.error = null;
    } catch (error) {
      this.error = asApiError(error);
    } finally {
      this.#loading.delete(page);
    }
  };
}
