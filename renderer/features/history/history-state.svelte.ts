// The History page: every recorded run, one opened with its steps, diff and log, two compared.

import type { FlakedeckApi } from '../../../common/api/contract.ts';
import type { ApiError } from '../../../common/api/errors.ts';
import type { RunComparison, RunDetail, RunSummary } from '../../../common/model/runs.ts';
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

  readonly #api: FlakedeckApi;
  #loads = 0;

  constructor(api: FlakedeckApi) {
    this.#api = api;
  }

  load = async (): Promise<void> => {
    // Runs end while a list is on its way: only the newest load's answer counts.
    const load = ++this.#loads;
    try {
      const runs = await this.#api.history.list({});
      if (load !== this.#loads) return;
      this.runs = runs;
      this.error = null;
    } catch (error) {
      if (load === this.#loads) this.error = asApiError(error);
    } finally {
      if (load === this.#loads) this.loading = false;
    }
  };

  /** Reloads when a run ends (or starts, through its first progress). */
  follow(): () => void {
    const offFinished = this.#api.events.on('run.finished', () => void this.load());
    const offProgress = this.#api.events.on('run.progress', (run) => {
      if (!this.runs.some((r) => r.id === run.id)) void this.load();
    });
    return () => {
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
