// The builds, deploys and rollbacks of this app session as they go: the ones the app knows at first, then each change
// from `run.progress` and `run.finished`. The Deploy page lists them; a host's card shows its newest.

import type { FlakedeckApi } from '../../common/api/contract.ts';
import type { LiveRun } from '../../common/model/runs.ts';

export class LiveRuns {
  /** Newest first: going on, then ended. */
  runs = $state.raw<LiveRun[]>([]);
  readonly #api: FlakedeckApi;

  constructor(api: FlakedeckApi) {
    this.#api = api;
  }

  /** Loads the session's runs and follows them; `onfinished` hears each end. Returns the unsubscribe. */
  follow(onfinished?: (run: LiveRun) => void): () => void {
    void this.#api.deploy.status().then((runs) => this.add(runs));
    const offProgress = this.#api.events.on('run.progress', (run) => this.#update(run));
    const offFinished = this.#api.events.on('run.finished', (run) => {
      this.#update(run);
      onfinished?.(run);
    });
    return () => {
      offProgress();
      offFinished();
    };
  }

  /** The newest run of a host in this session. */
  latest(host: string): LiveRun | undefined {
    return this.runs.find((r) => r.host === host);
  }

  /** Runs from an answer: events about them that came meanwhile are newer, so only runs not known yet are added. */
  add(runs: readonly LiveRun[]): void {
    const unknown = runs.filter((r) => !this.runs.some((known) => known.id === r.id));
    if (unknown.length) this.runs = [...this.runs, ...unknown].sort((a, b) => b.id - a.id);
  }

  /** Takes runs off the list (cleared from the page; the history keeps them). */
  remove(ids: readonly number[]): void {
    this.runs = this.runs.filter((r) => !ids.includes(r.id));
  }

  #update(run: LiveRun): void {
    const at = this.runs.findIndex((r) => r.id === run.id);
    if (at === -1) this.runs = [run, ...this.runs].sort((a, b) => b.id - a.id);
    else if (this.runs[at]!.endedAt === null || run.endedAt !== null) this.runs = this.runs.with(at, run);
  }
}
