// The History page: every recorded run, one opened with its steps, diff and log, two compared.

import type { FlakedeckApi } from '../../../common/api/contract.ts';
import type { ApiError } from '../../../common/api/errors.ts';
import type { RunComparison, RunDetail, RunStatus, RunSummary } from '../../../common/model/runs.ts';
import { asApiError } from '../../lib/as-api-error.ts';

export class HistoryState {
  runs = $state.raw<RunSummary[]>([]);
  loading = $state(true);
  error = $state<ApiError | null>(null);
  /** Runs ticked for comparison, in the order they were ticked. */
  picked = $state<number[]>([]);
  detail = $state.raw<RunDetail | null>(null);
  /** The run whose log is shown; LogView reads it in pages. */
  logRun = $state<number | null>(null);
  comparison = $state.raw<RunComparison | null>(null);
  /** The list shows the runs of this host only, and with this result only, when set. */
  host = $state<string | null>(null);
  status = $state<RunStatus | null>(null);
  /** Every host with a recorded run, for the host filter. */
  hosts = $state.raw<string[]>([]);
  /** Ticks while the page is open, so "5 min ago" moves on. */
  now = $state(Date.now());

  readonly #api: FlakedeckApi;
  #loads = 0;

  constructor(api: FlakedeckApi) {
    this.#api = api;
  }

  load = async (): Promise<void> => {
    // Runs end while a list is on its way: only the newest load's answer counts.
    const load = ++this.#loads;
    try {
      const [runs, hosts] = await Promise.all([
        this.#api.history.list({ ...(this.host && { host: this.host }), ...(this.status && { status: this.status }) }),
        this.#api.history.hosts(),
      ]);
      if (load !== this.#loads) return;
      this.runs = runs;
      this.hosts = hosts;
      this.now = Date.now();
      this.error = null;
    } catch (error) {
      if (load === this.#loads) this.error = asApiError(error);
    } finally {
      if (load === this.#loads) this.loading = false;
    }
  };

  /** Shows only the runs of a host and with a result; null shows all. */
  filter = (host: string | null, status: RunStatus | null): void => {
    this.host = host;
    this.status = status;
    void this.load();
  };

  /** Reloads when a run ends (or starts, through its first progress), and ticks the clock. */
  follow(): () => void {
    const tick = setInterval(() => (this.now = Date.now()), 30_000);
    const offFinished = this.#api.events.on('run.finished', () => void this.load());
    // A new run (ids only grow) loads the list once, not at every progress of a run the filter leaves out.
    let newest = 0;
    const offProgress = this.#api.events.on('run.progress', (run) => {
      if (run.id <= newest || this.runs.some((r) => r.id === run.id)) return;
      newest = run.id;
      void this.load();
    });
    return () => {
      clearInterval(tick);
      offFinished();
      offProgress();
    };
  }

  pick = (runId: number): void => {
    this.picked = this.picked.includes(runId)
      ? this.picked.filter((id) => id !== runId)
      : [...this.picked, runId].slice(-2);
  };

  open = async (runId: number): Promise<void> => {
    this.comparison = null;
    this.logRun = null;
    try {
      this.detail = await this.#api.history.get({ runId });
    } catch (error) {
      this.detail = null;
      this.error = asApiError(error);
    }
  };

  showLog = (runId: number): void => {
    this.logRun = runId;
  };

  compare = async (a: number, b: number): Promise<void> => {
    this.detail = null;
    try {
      this.comparison = await this.#api.history.compare({ a, b });
    } catch (error) {
      this.comparison = null;
      this.error = asApiError(error);
    }
  };
}
